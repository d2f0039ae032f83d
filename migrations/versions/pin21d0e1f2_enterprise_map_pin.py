"""PostgreSQL: enterprise.map_pin, each site's map pin as generated text (issue #21)

Revision ID: pin21d0e1f2
Revises: lst21d0e1f2
Create Date: 2026-11-30 18:05:00

SQLite is unchanged: its map box writes each pin with JSON1 in the query. See
enforcement/models/map_pin.py.
"""
from alembic import op

revision = 'pin21d0e1f2'
down_revision = 'lst21d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    from enforcement.models import map_pin
    map_pin.install(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE enterprise DROP COLUMN IF EXISTS map_pin")
        op.execute("DROP FUNCTION IF EXISTS enforcement_json_text(text)")
