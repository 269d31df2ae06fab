#!/usr/bin/env bash
# Start trustcore on its embedded default (SQLite at data/trustcore.db, or $TRUSTCORE_DB).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
