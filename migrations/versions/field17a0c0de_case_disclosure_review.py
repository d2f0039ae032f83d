"""enforcement_case: disclosure reviewed before publication (双公示)

Revision ID: field17a0c0de
Revises: meas01a2b3c4
Create Date: 2026-11-30 07:05:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'field17a0c0de'
down_revision = 'meas01a2b3c4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enforcement_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disclosed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('disclosed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_enforcement_case_disclosed_by_id_user_account'),
                                    'user_account', ['disclosed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('enforcement_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enforcement_case_disclosed_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('disclosed_by_id')
        batch_op.drop_column('disclosed_on')
