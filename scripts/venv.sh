# Sourced by run.sh and test.sh: make .venv and install the given requirements file when it changed.
# Usage: source scripts/venv.sh REQUIREMENTS_FILE
req="$1"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(basename "$req")"
if [ ! -f "$stamp" ] || ! cmp -s <(cat requirements*.txt) "$stamp"; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  cat requirements*.txt > "$stamp"
fi
