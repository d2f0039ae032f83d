"""stop cases: the second edition's measures (issue #15). Data only, no schema change.

Every stop case opened before this revision becomes a 停产整治 (``params.measure = "stop"``) and is
marked ``first_edition`` so that its stored history (3-month period, extension, expiry) replays
unchanged. 停产整治 is lifted on the day of the completion filing (MEP Order No. 30 Art. 17), so a
case waiting in the old ``completed`` state is ``lifted`` from its filing day. A 停产整治 has no
period (Art. 14): the watched deadline of a case still running is its plan, if not filed yet.

Revision ID: meas01a2b3c4
Revises: b1c2d3e4f501
Create Date: 2026-11-30 07:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = 'meas01a2b3c4'
down_revision = 'b1c2d3e4f501'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
cases = sa.table(
    "enforcement_case",
    sa.column("id", sa.Integer), sa.column("action", sa.String), sa.column("state", sa.String),
    sa.column("params", JSON), sa.column("facts", JSON),
    sa.column("watched_deadline", sa.String), sa.column("watched_due_on", sa.Date),
)
deadlines = sa.table(
    "deadline",
    sa.column("case_id", sa.Integer), sa.column("name", sa.String), sa.column("due_on", sa.Date),
    sa.column("met_on", sa.Date),
)
IN_PERIOD = ("ordered", "plan_filed", "rectifying")


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(cases.c.id, cases.c.state, cases.c.params, cases.c.facts)
                        .where(cases.c.action == "stop")).all()
    for case_id, state, params, facts in rows:
        params = dict(params or {})
        if "measure" in params:
            continue  # opened under the second edition
        params.update(measure="stop", first_edition=True)
        facts = dict(facts or {})
        values = {"params": params}
        if state == "completed":
            # Lifted from the day of the filing (Order No. 30 Art. 17); the check still follows.
            values["state"] = "lifted"
            if facts.get("completed_on"):
                facts["lifted_on"] = facts["completed_on"]
            values["facts"] = facts
        if state in IN_PERIOD:
            plan = bind.execute(sa.select(deadlines.c.due_on).where(
                deadlines.c.case_id == case_id, deadlines.c.name == "plan_due",
                deadlines.c.met_on.is_(None))).first()
            values["watched_deadline"] = "plan_due" if plan else None
            values["watched_due_on"] = plan[0] if plan else None
        bind.execute(cases.update().where(cases.c.id == case_id).values(**values))


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(cases.c.id, cases.c.state, cases.c.params, cases.c.facts)
                        .where(cases.c.action == "stop")).all()
    for case_id, state, params, facts in rows:
        params = dict(params or {})
        if not params.get("first_edition"):
            continue
        params.pop("first_edition", None)
        params.pop("measure", None)
        values = {"params": params}
        facts = dict(facts or {})
        if state == "lifted" and "verified_on" not in facts:
            values["state"] = "completed"
            facts.pop("lifted_on", None)
            values["facts"] = facts
        bind.execute(cases.update().where(cases.c.id == case_id).values(**values))
