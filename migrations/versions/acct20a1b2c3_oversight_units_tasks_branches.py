"""oversight: branches, responsible units, tasks, supervision visits and photos, accountability records

Revision ID: acct20a1b2c3
Revises: ops1a2b3c4d5
Create Date: 2026-11-30 07:00:00

"""
from alembic import op
import sqlalchemy as sa

from enforcement.models.types import UTCDateTime

revision = 'acct20a1b2c3'
down_revision = 'ops1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'branch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('name_en', sa.String(length=80), nullable=False),
        sa.Column('paper_prefix', sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_branch')),
        sa.UniqueConstraint('code', name=op.f('uq_branch_code')),
    )
    op.create_table(
        'responsible_unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('branch_id', sa.Integer(), nullable=True),
        sa.Column('contact_name', sa.String(length=80), nullable=False),
        sa.Column('contact_phone', sa.String(length=40), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_responsible_unit_branch_id_branch')),
        sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_responsible_unit_township_id_township')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_responsible_unit')),
        sa.UniqueConstraint('code', name=op.f('uq_responsible_unit_code')),
    )
    with op.batch_alter_table('responsible_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responsible_unit_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_responsible_unit_township_id'), ['township_id'], unique=False)
    op.create_table(
        'oversight_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('campaign', sa.String(length=120), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('lead_leader', sa.String(length=80), nullable=False),
        sa.Column('host_unit_id', sa.Integer(), nullable=False),
        sa.Column('responsible_person', sa.String(length=80), nullable=False),
        sa.Column('assigned_on', sa.Date(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('report', sa.Text(), nullable=False),
        sa.Column('reported_by_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_oversight_task_case_id_enforcement_case')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_oversight_task_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['host_unit_id'], ['responsible_unit.id'], name=op.f('fk_oversight_task_host_unit_id_responsible_unit')),
        sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'], name=op.f('fk_oversight_task_reported_by_id_user_account')),
        sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_oversight_task_township_id_township')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_oversight_task')),
    )
    with op.batch_alter_table('oversight_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oversight_task_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oversight_task_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_oversight_task_host_unit_id'), ['host_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_oversight_task_township_id'), ['township_id'], unique=False)
    op.create_table(
        'task_co_unit',
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['oversight_task.id'], name=op.f('fk_task_co_unit_task_id_oversight_task'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['responsible_unit.id'], name=op.f('fk_task_co_unit_unit_id_responsible_unit')),
        sa.PrimaryKeyConstraint('task_id', 'unit_id', name=op.f('pk_task_co_unit')),
    )
    op.create_table(
        'supervision_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_uuid', sa.String(length=36), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('visited_at', UTCDateTime(), nullable=False),
        sa.Column('unannounced', sa.Boolean(), nullable=False),
        sa.Column('lat', sa.Double(), nullable=True),
        sa.Column('lon', sa.Double(), nullable=True),
        sa.Column('accuracy_m', sa.Double(), nullable=True),
        sa.Column('members', sa.String(length=300), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_supervision_visit_recorded_by_id_user_account')),
        sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_supervision_visit_township_id_township')),
        sa.ForeignKeyConstraint(['unit_id'], ['responsible_unit.id'], name=op.f('fk_supervision_visit_unit_id_responsible_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_visit')),
        sa.UniqueConstraint('client_uuid', name=op.f('uq_supervision_visit_client_uuid')),
    )
    with op.batch_alter_table('supervision_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_visit_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_visit_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_visit_visited_at'), ['visited_at'], unique=False)
    op.create_table(
        'supervision_finding',
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['oversight_task.id'], name=op.f('fk_supervision_finding_task_id_oversight_task')),
        sa.ForeignKeyConstraint(['visit_id'], ['supervision_visit.id'], name=op.f('fk_supervision_finding_visit_id_supervision_visit'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('visit_id', 'task_id', name=op.f('pk_supervision_finding')),
    )
    op.create_table(
        'supervision_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_uuid', sa.String(length=36), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('storage_key', sa.String(length=120), nullable=False),
        sa.Column('sha256_original', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('exif_lat', sa.Double(), nullable=True),
        sa.Column('exif_lon', sa.Double(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['visit_id'], ['supervision_visit.id'], name=op.f('fk_supervision_photo_visit_id_supervision_visit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_photo')),
        sa.UniqueConstraint('client_uuid', name=op.f('uq_supervision_photo_client_uuid')),
    )
    with op.batch_alter_table('supervision_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_photo_visit_id'), ['visit_id'], unique=False)
    op.create_table(
        'accountability_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_kind', sa.String(length=10), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('official_name', sa.String(length=80), nullable=False),
        sa.Column('official_post', sa.String(length=120), nullable=False),
        sa.Column('ground', sa.String(length=20), nullable=False),
        sa.Column('ground_detail', sa.Text(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('decision', sa.String(length=24), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('respond_by', sa.Date(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('closure_note', sa.Text(), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_accountability_record_case_id_enforcement_case')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_accountability_record_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['task_id'], ['oversight_task.id'], name=op.f('fk_accountability_record_task_id_oversight_task')),
        sa.ForeignKeyConstraint(['unit_id'], ['responsible_unit.id'], name=op.f('fk_accountability_record_unit_id_responsible_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_record')),
    )
    with op.batch_alter_table('accountability_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_record_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_record_decided_on'), ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_record_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_record_unit_id'), ['unit_id'], unique=False)
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_township_branch_id'), ['branch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_township_branch_id_branch'), 'branch', ['branch_id'], ['id'])
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('branch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_branch_id'), ['branch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_account_unit_id_responsible_unit'), 'responsible_unit', ['unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_user_account_branch_id_branch'), 'branch', ['branch_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_branch_id_branch'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_user_account_unit_id_responsible_unit'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_account_branch_id'))
        batch_op.drop_index(batch_op.f('ix_user_account_unit_id'))
        batch_op.drop_column('branch_id')
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_township_branch_id_branch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_township_branch_id'))
        batch_op.drop_column('branch_id')
    op.drop_table('accountability_record')
    op.drop_table('supervision_photo')
    op.drop_table('supervision_finding')
    op.drop_table('supervision_visit')
    op.drop_table('task_co_unit')
    op.drop_table('oversight_task')
    op.drop_table('responsible_unit')
    op.drop_table('branch')
