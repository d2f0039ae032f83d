"""register: sites awaiting a location, several sites per credit code, legacy codes,
national industry classification, geocoder cache

Revision ID: reg1a2b3c4d5
Revises: sec14a000001
Create Date: 2026-11-30 06:40:00

"""
from alembic import op
import sqlalchemy as sa

import enforcement.models.types

revision = 'reg1a2b3c4d5'
down_revision = 'sec14a000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('geocode_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('lat', sa.Double(), nullable=True),
    sa.Column('lon', sa.Double(), nullable=True),
    sa.Column('looked_up_at', enforcement.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geocode_cache')),
    sa.UniqueConstraint('address', name=op.f('uq_geocode_cache_address'))
    )
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_enterprise_credit_code'), type_='unique')
        batch_op.create_index('ix_enterprise_credit_code', ['credit_code'], unique=False)
        batch_op.alter_column('lat', existing_type=sa.Double(), nullable=True)
        batch_op.alter_column('lon', existing_type=sa.Double(), nullable=True)
        batch_op.add_column(sa.Column('legacy_code', sa.String(length=20), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('industry_gbt', sa.String(length=4), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('industry_text', sa.String(length=120), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('legal_rep', sa.String(length=80), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('location_source', sa.String(length=12), nullable=False,
                                      server_default=''))
    # Every pin so far came with the register or was typed at the desk.
    op.execute("UPDATE enterprise SET location_source = 'register'")


def downgrade():
    op.execute("DELETE FROM enterprise WHERE lat IS NULL OR lon IS NULL")
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('location_source')
        batch_op.drop_column('legal_rep')
        batch_op.drop_column('industry_text')
        batch_op.drop_column('industry_gbt')
        batch_op.drop_column('legacy_code')
        batch_op.alter_column('lon', existing_type=sa.Double(), nullable=False)
        batch_op.alter_column('lat', existing_type=sa.Double(), nullable=False)
        batch_op.drop_index('ix_enterprise_credit_code')
        batch_op.create_unique_constraint(batch_op.f('uq_enterprise_credit_code'), ['credit_code'])
    op.drop_table('geocode_cache')
