#!/usr/bin/env bash
# Extract the marked messages into trustcore/locales/trustcore.pot and merge them into every language's .po
# (new messages arrive untranslated, changed ones fuzzy: translate them, then `python -m trustcore.i18n` compiles).
# Usage: bash scripts/messages.sh            (extract and update every language)
#        bash scripts/messages.sh init LANG   (start a new language: trustcore/locales/LANG/LC_MESSAGES/trustcore.po)
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
[ -x "$pybabel" ] || pybabel=pybabel  # Babel is a runtime dependency: scripts/run.sh installs it
pot=trustcore/locales/trustcore.pot
"$pybabel" -q extract -w 120 -F babel.cfg -o "$pot" --project=trustcore --copyright-holder="the trustcore contributors" --no-location --sort-output \
  -k gettext -k ngettext:1,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -k N_ \
  --add-comments=Translators: .
if [ "${1:-}" = init ]; then
  "$pybabel" -q init -w 120 -D trustcore -d trustcore/locales -i "$pot" -l "$2"
else
  "$pybabel" -q update -w 120 -D trustcore -d trustcore/locales -i "$pot" --no-fuzzy-matching --ignore-obsolete
fi
