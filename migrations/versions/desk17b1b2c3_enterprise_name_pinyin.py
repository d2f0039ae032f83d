"""desk (#17 item 7): enterprise name pinyin for search, backfilled

Revision ID: desk17b1b2c3
Revises: desk17a1b2c3
Create Date: 2026-11-30 09:35:00

``enterprise.name_pinyin``: pinyin keys of the name (enforcement.pinyin), written with the name
from now on and computed here for the enterprises already stored.
"""
from alembic import op
import sqlalchemy as sa

revision = 'desk17b1b2c3'
down_revision = 'desk17a1b2c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_pinyin', sa.String(length=2000), server_default='',
                                      nullable=False))
    _backfill_pinyin()


def _backfill_pinyin():
    from enforcement.pinyin import searchable

    conn = op.get_bind()
    enterprise = sa.table('enterprise', sa.column('id', sa.Integer), sa.column('name', sa.String),
                          sa.column('name_pinyin', sa.String))
    last = 0
    while True:
        rows = conn.execute(sa.select(enterprise.c.id, enterprise.c.name)
                            .where(enterprise.c.id > last).order_by(enterprise.c.id)
                            .limit(2000)).all()
        if not rows:
            break
        conn.execute(enterprise.update().where(enterprise.c.id == sa.bindparam('eid'))
                     .values(name_pinyin=sa.bindparam('pinyin')),
                     [{'eid': r.id, 'pinyin': searchable(r.name)} for r in rows])
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('name_pinyin')
