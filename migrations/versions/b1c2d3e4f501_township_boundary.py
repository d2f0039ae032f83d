"""township: statistics code, aliases and boundary

Revision ID: b1c2d3e4f501
Revises: ec7507f89422
Create Date: 2026-11-30 06:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'b1c2d3e4f501'
down_revision = 'ec7507f89422'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stat_code', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('aliases', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('boundary', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_township_stat_code'), ['stat_code'])


def downgrade():
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_township_stat_code'), type_='unique')
        batch_op.drop_column('boundary')
        batch_op.drop_column('aliases')
        batch_op.drop_column('stat_code')
