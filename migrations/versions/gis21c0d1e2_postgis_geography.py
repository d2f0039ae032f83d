"""PostGIS where available: enterprise.geog (generated geography) with a GiST index for near-me

Revision ID: gis21c0d1e2
Revises: stamp21b0c1d2
Create Date: 2026-11-30 09:50:00

Without PostGIS (SQLite, or a PostgreSQL without the extension) nothing changes: the plain
(lat, lon) index path keeps answering. See services/core/spatial.py.
"""
from alembic import op

revision = 'gis21c0d1e2'
down_revision = 'stamp21b0c1d2'
branch_labels = None
depends_on = None


def upgrade():
    from enforcement.services.core import spatial
    spatial.enable(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_enterprise_geog")
        op.execute("ALTER TABLE enterprise DROP COLUMN IF EXISTS geog")
