"""user_account.session_generation: sessions that can be revoked (logout, password change,
deactivation, sign out everywhere)

Revision ID: sec14a000001
Revises: field17a0c0de
Create Date: 2026-11-30 07:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'sec14a000001'
down_revision = 'field17a0c0de'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
