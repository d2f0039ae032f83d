"""daily run and reminders: notifications (the bell), their deliveries, the runs, and each
officer's email address and chosen channels

Revision ID: ops1a2b3c4d5
Revises: reg1a2b3c4d5
Create Date: 2026-11-30 06:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import enforcement.models.types

revision = 'ops1a2b3c4d5'
down_revision = 'reg1a2b3c4d5'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
UTC = enforcement.models.types.UTCDateTime


def upgrade():
    op.create_table(
        'daily_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('started_at', UTC(), nullable=False),
        sa.Column('finished_at', UTC(), nullable=True),
        sa.Column('summary', JSON, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_run')),
    )
    with op.batch_alter_table('daily_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_run_as_of'), ['as_of'], unique=False)

    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('params', JSON, nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('read_at', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
        sa.UniqueConstraint('user_id', 'key', name='uq_notification_user_key'),
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table(
        'notification_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('notification_ids', JSON, nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('sent_at', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_delivery_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_delivery')),
    )
    with op.batch_alter_table('notification_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_delivery_user_id'), ['user_id'],
                              unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('notify_channels', JSON, nullable=False,
                                      server_default='[]'))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('notify_channels')
        batch_op.drop_column('email')
    with op.batch_alter_table('notification_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_delivery_user_id'))
        batch_op.drop_index('ix_delivery_status')
    op.drop_table('notification_delivery')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')
    op.drop_table('notification')
    with op.batch_alter_table('daily_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_run_as_of'))
    op.drop_table('daily_run')
