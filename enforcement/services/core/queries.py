"""Query building blocks shared by dashboards, lists and the map: one definition of "open",
"overdue" and "due" over the stored engine results."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, or_, select

from enforcement import workflow as wf
from enforcement.models import Case, Deadline, FollowUp


def open_case_clause():
    """Cases whose state is not terminal, from the single state table."""
    return or_(
        *[
            and_(
                Case.action == action,
                Case.state.in_(
                    [s for s, info in states.items() if not info.terminal and s != "overdue"]
                ),
            )
            for action, states in wf.STATES.items()
        ]
    )


def overdue_deadline_clause(as_of: date):
    """Cases the engine calls overdue on ``as_of``: their stored watched deadline (the oldest
    unmet one that counts in their state, workflow.watched_deadline) has passed. Windows the
    party may use (hearing, reconsideration, litigation) are never watched."""
    return Case.watched_due_on < as_of


def due_deadline_clause(as_of: date, until: date):
    return exists().where(
        Deadline.case_id == Case.id,
        Deadline.met_on.is_(None),
        Deadline.due_on >= as_of,
        Deadline.due_on <= until,
    )


def planned_followups():
    """Follow-ups still to be done on open cases (cancelled ones excluded by the case facts)."""
    return (
        select(FollowUp)
        .join(Case, FollowUp.case_id == Case.id)
        .where(FollowUp.done_on.is_(None), open_case_clause())
    )
