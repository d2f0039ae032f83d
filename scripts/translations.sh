#!/usr/bin/env bash
# Extract messages, merge them into the zh_CN catalogue, fill known translations, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
B=.venv/bin/pybabel
POT=$(mktemp --suffix=.pot)
trap 'rm -f "$POT"' EXIT
$B extract -F babel.cfg -k _l -k lazy_gettext -o "$POT" . >/dev/null 2>&1
if [ -f enforcement/translations/zh_Hans_CN/LC_MESSAGES/messages.po ]; then
  $B update -i "$POT" -d enforcement/translations -l zh_Hans_CN --no-fuzzy-matching >/dev/null
else
  $B init -i "$POT" -d enforcement/translations -l zh_Hans_CN >/dev/null
fi
.venv/bin/python scripts/fill_zh.py enforcement/translations/zh_Hans_CN/LC_MESSAGES/messages.po
$B compile -d enforcement/translations >/dev/null
