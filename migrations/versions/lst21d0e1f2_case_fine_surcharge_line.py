"""case: a fine's amount and its surcharge line, the watched deadline's provisional flag (the
overdue list written in SQL)

Revision ID: lst21d0e1f2
Revises: gis21c0d1e2
Create Date: 2026-11-30 12:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'lst21d0e1f2'
down_revision = 'gis21c0d1e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enforcement_case') as batch:
        batch.add_column(sa.Column('amount_fen', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('surcharge_since', sa.Date(), nullable=True))
        batch.add_column(sa.Column('surcharge_base', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('surcharge_rate', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('watched_provisional', sa.Boolean(), nullable=True))
    backfill(op.get_bind())


def backfill(conn):
    """The columns of the existing fines from their stored facts and pay_by deadline, by the
    engine's own rule (workflow.fine.surcharge_line: pure, so safe to import here). Also used
    on a benchmark database generated before this revision."""
    import json
    from datetime import date

    from enforcement.workflow import CaseSnapshot, Deadline, surcharge_line

    def day(value):
        return date.fromisoformat(value) if isinstance(value, str) else value

    pay_by = {cid: day(due) for cid, due in conn.execute(sa.text(
        "SELECT d.case_id, d.due_on FROM deadline d JOIN enforcement_case c ON c.id = d.case_id "
        "WHERE c.action = 'fine' AND d.name = 'pay_by'"))}
    params = []
    for cid, state, served_on, facts in conn.execute(sa.text(
            "SELECT id, state, served_on, facts FROM enforcement_case WHERE action = 'fine'")):
        facts = json.loads(facts) if isinstance(facts, str) else (facts or {})
        deadlines = {"pay_by": Deadline("pay_by", pay_by[cid])} if cid in pay_by else {}
        line = surcharge_line(CaseSnapshot("fine", state, day(served_on), None, {}, facts,
                                           deadlines, {}))
        amount = facts.get("amount_fen")
        params.append({"cid": cid, "amount": int(amount) if amount is not None else None,
                       "since": line.since if line else None, "base": line.base if line else None,
                       "rate": line.rate if line else None})
    conn.execute(sa.text(
        "UPDATE enforcement_case SET watched_provisional = (SELECT d.provisional FROM deadline d "
        "WHERE d.case_id = enforcement_case.id AND d.name = enforcement_case.watched_deadline)"))
    if params:
        conn.execute(sa.text(
            "UPDATE enforcement_case SET amount_fen = :amount, surcharge_since = :since, "
            "surcharge_base = :base, surcharge_rate = :rate WHERE id = :cid"), params)


def downgrade():
    with op.batch_alter_table('enforcement_case') as batch:
        for column in ('watched_provisional', 'surcharge_rate', 'surcharge_base', 'surcharge_since', 'amount_fen'):
            batch.drop_column(column)
