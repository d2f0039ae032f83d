"""cache stamps: generations of what app workers cache (tokens and users, the calendar)

Revision ID: stamp21b0c1d2
Revises: site21a0b1c2
Create Date: 2026-11-30 09:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'stamp21b0c1d2'
down_revision = 'site21a0b1c2'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'cache_stamp',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_stamp')),
    )
    from enforcement.models.stamp import initial_rows
    op.bulk_insert(table, initial_rows())


def downgrade():
    op.drop_table('cache_stamp')
