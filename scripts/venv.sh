# Sourced by run.sh and test.sh: make .venv and install the given requirements file when it changed.
# Usage: source scripts/venv.sh REQUIREMENTS_FILE
req="$1"
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    # Debian's python3 needs the python3-venv package for this.
    rm -rf .venv
    if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
    echo "python3 -m venv failed: installing Debian's python3-venv" >&2
    $apt_get update -qq && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv
  fi
fi
stamp=".venv/.installed-$(basename "$req")"
if [ ! -f "$stamp" ] || ! cmp -s <(cat requirements*.txt) "$stamp"; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  cat requirements*.txt > "$stamp"
fi
