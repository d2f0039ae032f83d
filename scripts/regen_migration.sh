#!/usr/bin/env bash
# Regenerate the initial migration from the models (only while no database has been deployed).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f migrations/versions/*.py
tmp=$(mktemp -d)
INSTANCE_PATH=$tmp .venv/bin/flask --app run db migrate -m "initial schema" >/dev/null 2>&1
f=$(ls migrations/versions/*.py)
sed -i 's/astext_type=Text()/astext_type=sa.Text()/g' "$f"
sed -i 's/^import sqlalchemy as sa$/import sqlalchemy as sa\nimport enforcement.models.types/' "$f"
echo "$f"
