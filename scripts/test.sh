#!/usr/bin/env bash
# Install everything the tests need (Python packages in .venv, Debian's Chromium, PostgreSQL, nginx and LibreOffice
# when missing, the pinned npm packages in node_modules) and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements-dev.txt
# Compile the translation catalogues (.po -> .mo, only those that changed; nothing compiled is committed).
.venv/bin/python -m trustcore.i18n
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium not found at $CHROMIUM: installing Debian's chromium package" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
# PostgreSQL's server binaries (the tests start a throwaway cluster of their own; see tests/pg.py).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL's server not found: installing Debian's postgresql package" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq postgresql >/dev/null
fi
# nginx, for the test of two replicas behind the shipped proxy configuration (tests/browser/test_replicas.py).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "nginx not found: installing Debian's nginx-light package" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq nginx-light >/dev/null
fi
# LibreOffice, for the test of the workbook as LibreOffice prints it (tests/test_workbook_in_libreoffice.py):
# Calc, its uno bridge for Debian's python3, poppler-utils to read the PDF, and Carlito (Calibri's metric twin).
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
  || ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi carlito; then
  echo "LibreOffice, python3-uno, poppler-utils or Carlito not found: installing Debian's packages" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq --no-install-recommends libreoffice-calc python3-uno poppler-utils \
    fonts-crosextra-carlito >/dev/null
fi
# Node's oidc-provider, the OpenID Connect provider the sign-in browser tests start on loopback (pinned in
# package-lock.json; tests/oidc_provider.mjs).
if [ ! -d node_modules/oidc-provider ]; then
  npm ci --no-audit --no-fund
fi
# Lint, format and types first: cheap, and CI fails on them.
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy
# Under CI a missing browser fails the browser tests (see tests/browser/conftest.py), never skips them; so does a
# missing LibreOffice the workbook's LibreOffice test (tests/test_workbook_in_libreoffice.py).
if [ "$#" -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
# The whole suite: the core, page and protocol tests on two workers (each starts its own PostgreSQL
# cluster), then the browser and fault tests on one (their servers and Chromium want the machine to themselves).
status=0
.venv/bin/python -m pytest -n 2 --durations=15 --ignore=tests/browser --ignore=tests/faults || status=$?
.venv/bin/python -m pytest --durations=25 tests/browser tests/faults || status=$?
exit "$status"
