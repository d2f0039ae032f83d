"""What the home pages show: an inspector's work and the bureau's campaign at a glance."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Case, Complaint, Conflict, FollowUp, Visit, visit_inspector
from .queries import due_deadline_clause, open_case_clause, overdue_deadline_clause, planned_followups


def _cancelled(f: FollowUp) -> bool:
    return f.key in (f.case.facts or {}).get("cancelled_followups", ())


def inspector_summary(user_id: int, as_of: date) -> dict:
    week_end = as_of + timedelta(days=7)
    rows = db.session.scalars(
        planned_followups().where(FollowUp.assignee_id == user_id, FollowUp.due_on <= week_end)
        .options(joinedload(FollowUp.case).joinedload(Case.enterprise))
        .order_by(FollowUp.due_on).limit(200)).all()
    rows = [f for f in rows if not _cancelled(f)]
    complaints = db.session.scalars(
        select(Complaint).where(Complaint.assignee_id == user_id,
                                Complaint.status.in_(("new", "triaged")))
        .order_by(Complaint.received_on).limit(50)).all()
    visits = db.session.scalars(
        select(Visit).join(visit_inspector, visit_inspector.c.visit_id == Visit.id)
        .where(visit_inspector.c.user_id == user_id)
        .options(joinedload(Visit.enterprise))
        .order_by(Visit.visited_at.desc()).limit(5)).all()
    return {
        "overdue": [f for f in rows if f.due_on < as_of],
        "today": [f for f in rows if f.due_on == as_of],
        "week": [f for f in rows if as_of < f.due_on <= week_end],
        "complaints": complaints,
        "recent_visits": visits,
    }


def bureau_summary(as_of: date) -> dict:
    week_end = as_of + timedelta(days=7)
    by_action = dict(db.session.execute(
        select(Case.action, func.count()).where(open_case_clause()).group_by(Case.action)).all())
    overdue = db.session.scalar(select(func.count()).select_from(Case).where(
        open_case_clause(), overdue_deadline_clause(as_of)))
    due = db.session.scalar(select(func.count()).select_from(Case).where(
        open_case_clause(), due_deadline_clause(as_of, week_end)))
    followups_overdue = db.session.scalar(select(func.count()).select_from(
        planned_followups().where(FollowUp.due_on < as_of).subquery()))
    conflicts = db.session.scalar(select(func.count()).select_from(Conflict).where(
        Conflict.resolved_at.is_(None)))
    recent = db.session.scalars(select(Case).options(joinedload(Case.enterprise))
                                .order_by(Case.updated_at.desc(), Case.id.desc()).limit(10)).all()
    return {"by_action": by_action, "open": sum(by_action.values()), "overdue": overdue,
            "due_week": due, "followups_overdue": followups_overdue, "conflicts": conflicts,
            "recent": recent}
