#!/usr/bin/env bash
# Start trustcore on its embedded default (SQLite at data/trustcore.db, or $TRUSTCORE_DB).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements.txt
# Compile the translation catalogues (.po -> .mo, only those that changed; nothing compiled is committed).
.venv/bin/python -m trustcore.i18n
exec .venv/bin/python -m streamlit run app.py "$@"
