"""What the home pages show: an inspector's work and the bureau's campaign at a glance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload

from enforcement.extensions import db
from enforcement.models import Case, Complaint, FollowUp, Township, Visit, visit_inspector
from enforcement.services.casework.cases import is_cancelled
from enforcement.services.core.scope import TownshipFilter
from enforcement.services.core.queries import (
    due_deadline_clause,
    open_case_clause,
    overdue_deadline_clause,
    planned_followups,
)


def inspector_summary(user_id: int, as_of: date) -> dict:
    week_end = as_of + timedelta(days=7)
    rows = db.session.scalars(
        planned_followups()
        .where(FollowUp.assignee_id == user_id, FollowUp.due_on <= week_end)
        .options(joinedload(FollowUp.case).joinedload(Case.enterprise))
        .order_by(FollowUp.due_on)
        .limit(200)
    ).all()
    rows = [f for f in rows if not is_cancelled(f)]
    complaints = db.session.scalars(
        select(Complaint)
        .where(Complaint.assignee_id == user_id, Complaint.status.in_(("new", "triaged")))
        .order_by(Complaint.received_on)
        .limit(50)
    ).all()
    visits = db.session.scalars(
        select(Visit)
        .join(visit_inspector, visit_inspector.c.visit_id == Visit.id)
        .where(visit_inspector.c.user_id == user_id)
        .options(joinedload(Visit.enterprise))
        .order_by(Visit.visited_at.desc())
        .limit(5)
    ).all()
    return {
        "overdue": [f for f in rows if f.due_on < as_of],
        "today": [f for f in rows if f.due_on == as_of],
        "week": [f for f in rows if as_of < f.due_on <= week_end],
        "complaints": complaints,
        "recent_visits": visits,
    }


def bureau_summary(
    as_of: date, branch_id: int | None = None, townships_within: TownshipFilter = None
) -> dict:
    """The home page's figures; with ``branch_id`` (or ``townships_within``, the one filter of
    services/core/scope) a branch's (分局) townships only (issue 20)."""
    from enforcement.services.desk import conflicts as conflict_queue

    week_end = as_of + timedelta(days=7)
    if townships_within is None and branch_id is not None:
        townships_within = select(Township.id).where(Township.branch_id == branch_id)
    mine = Case.township_id.in_(townships_within) if townships_within is not None else true()
    by_action = dict(
        db.session.execute(
            select(Case.action, func.count()).where(open_case_clause(), mine).group_by(Case.action)
        ).all()
    )
    overdue = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .where(open_case_clause(), overdue_deadline_clause(as_of), mine)
    )
    due = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .where(open_case_clause(), due_deadline_clause(as_of, week_end), mine)
    )
    followups_overdue = db.session.scalar(
        select(func.count()).select_from(
            planned_followups().where(FollowUp.due_on < as_of, mine).subquery()
        )
    )
    conflicts = conflict_queue.open_count(townships_within)
    recent = db.session.scalars(
        select(Case)
        .where(mine)
        .options(joinedload(Case.enterprise))
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .limit(10)
    ).all()
    return {
        "by_action": by_action,
        "open": sum(by_action.values()),
        "overdue": overdue,
        "due_week": due,
        "followups_overdue": followups_overdue,
        "conflicts": conflicts,
        "recent": recent,
    }


# ---------------------------------------------------------------- the bureau's dashboard charts


def _week_bounds(as_of: date, tz_name: str):
    """Monday 00:00 to next Monday 00:00 in the bureau's time zone, as aware datetimes."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    monday = as_of - timedelta(days=as_of.weekday())
    start = datetime.combine(monday, time(0), tzinfo=ZoneInfo(tz_name))
    return monday, start, start + timedelta(days=7)


def charts(as_of: date, tz_name: str, townships_within: TownshipFilter = None) -> dict:
    """Each chart's series as (key, value) pairs, counted from the stored engine results; with
    ``townships_within`` a branch's townships only (issue 20)."""
    from sqlalchemy import and_

    from enforcement import workflow as wf
    from enforcement.models import Enterprise, Township, User

    cases_here: Any = true()
    complaints_here: Any = true()
    visits_here: Any = true()
    inspectors_here: Any = true()
    if townships_within is not None:
        cases_here = Case.township_id.in_(townships_within)
        complaints_here = Complaint.township_id.in_(townships_within)
        visits_here = Visit.enterprise_id.in_(
            select(Enterprise.id).where(Enterprise.township_id.in_(townships_within))
        )
        inspectors_here = User.township_id.in_(townships_within)
    by_action_state: dict[str, list] = {}
    for action, state, n in db.session.execute(
        select(Case.action, Case.state, func.count())
        .where(cases_here)
        .group_by(Case.action, Case.state)
        .order_by(Case.action, Case.state)
    ):
        by_action_state.setdefault(action, []).append((state, n))
    for action in by_action_state:
        order = list(wf.STATES[action])
        by_action_state[action].sort(key=lambda p: order.index(p[0]) if p[0] in order else 99)
    overdue_by_township = db.session.execute(
        select(func.coalesce(Township.name, "—"), func.count())
        .select_from(Case)
        .outerjoin(Township, Case.township_id == Township.id)
        .where(open_case_clause(), overdue_deadline_clause(as_of), cases_here)
        .group_by(Township.name)
        .order_by(func.count().desc())
    ).all()
    monday, start, end = _week_bounds(as_of, tz_name)
    visits_week = db.session.execute(
        select(User.username, User.display_name, func.count(Visit.id))
        .select_from(User)
        .outerjoin(visit_inspector, visit_inspector.c.user_id == User.id)
        .outerjoin(
            Visit,
            and_(
                Visit.id == visit_inspector.c.visit_id,
                Visit.visited_at >= start,
                Visit.visited_at < end,
                visits_here,
            ),
        )
        .where(User.role == "inspector", User.is_active_account, inspectors_here)
        .group_by(User.username, User.display_name)
        .order_by(func.count(Visit.id).desc(), User.username)
    ).all()
    fines = {
        "decided": 0,
        "decided_fen": 0,
        "collected_fen": 0,
        "paid_in_full": 0,
        "surcharge_fen": 0,
    }
    closures = {"verified": 0, "rebounded": 0, "executed": 0}
    day = as_of.isoformat()
    for action, facts in db.session.execute(
        select(Case.action, Case.facts).where(Case.action.in_(("fine", "close")), cases_here)
    ):
        facts = facts or {}
        if action == "fine":
            if (
                facts.get("decided_on")
                and facts["decided_on"] <= day
                and not facts.get("revoked_on")
            ):
                fines["decided"] += 1
                fines["decided_fen"] += int(facts.get("amount_fen") or 0)
            paid = [p for p in facts.get("payments") or [] if str(p.get("on", "")) <= day]
            fines["collected_fen"] += sum(int(p.get("amount_fen") or 0) for p in paid)
            if facts.get("paid_on") and facts["paid_on"] <= day:
                fines["paid_in_full"] += 1
        else:
            if facts.get("executed_on") and facts["executed_on"] <= day:
                closures["executed"] += 1
            if facts.get("verified_on") and facts["verified_on"] <= day:
                closures["verified"] += 1
            if facts.get("rebounded_on") and facts["rebounded_on"] <= day:
                closures["rebounded"] += 1
    complaints_category = db.session.execute(
        select(Complaint.category, func.count())
        .where(Complaint.received_on <= as_of, complaints_here)
        .group_by(Complaint.category)
        .order_by(func.count().desc())
    ).all()
    complaints_channel = db.session.execute(
        select(Complaint.channel, func.count())
        .where(Complaint.received_on <= as_of, complaints_here)
        .group_by(Complaint.channel)
        .order_by(func.count().desc())
    ).all()
    return {
        "as_of": as_of,
        "week_start": monday,
        "by_action_state": by_action_state,
        "overdue_by_township": [tuple(r) for r in overdue_by_township],
        "visits_week": [(u, name or u, n) for u, name, n in visits_week],
        "fines": fines,
        "closures": closures,
        "complaints_category": [tuple(r) for r in complaints_category],
        "complaints_channel": [tuple(r) for r in complaints_channel],
    }
