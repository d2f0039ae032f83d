"""desk (#17 item 10): paper numbers per register (a branch's series)

Revision ID: desk17a1b2c3
Revises: acct20a1b2c3
Create Date: 2026-11-30 09:30:00

``paper_number.series``: the register a serial is counted in ('' = the bureau's, else the
branch's code); the serial is unique per kind, year and series. Existing numbers stay in the
bureau's register ('') unchanged.
"""
from alembic import op
import sqlalchemy as sa

revision = 'desk17a1b2c3'
down_revision = 'acct20a1b2c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('paper_number', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series', sa.String(length=40), server_default='',
                                      nullable=False))
        batch_op.drop_constraint('uq_paper_number_serial', type_='unique')
        batch_op.create_unique_constraint('uq_paper_number_serial',
                                          ['kind', 'year', 'series', 'serial'])


def downgrade():
    with op.batch_alter_table('paper_number', schema=None) as batch_op:
        batch_op.drop_constraint('uq_paper_number_serial', type_='unique')
        batch_op.create_unique_constraint('uq_paper_number_serial', ['kind', 'year', 'serial'])
        batch_op.drop_column('series')
