"""What each officer is told by the daily run, written as notifications (idempotent by key).

Per officer: follow-ups and deadlines of his cases due by the next working day, what went
overdue since the last run, cases newly assigned to him. Per reviewer: the day's overdue list.
Everything is read with a handful of set queries, whatever the number of cases."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, func, select, true

from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.models import AuditEvent, Case, Deadline, Enterprise, FollowUp, Notification, User
from enforcement.services.core.queries import open_case_clause
from enforcement.services.core.scope import branch_townships

#: How far back a run catches up after missed days.
CATCH_UP_DAYS = 31
#: Cases listed by name in a reviewer's overdue notification (the count is always complete).
OVERDUE_LIST_TOP = 20


def _window(as_of: date, last_as_of: date | None) -> date:
    """The first day not covered by the last run (a missed day is caught up, not lost)."""
    if last_as_of is None or last_as_of >= as_of:
        return as_of if last_as_of is None else last_as_of
    return max(last_as_of + timedelta(days=1), as_of - timedelta(days=CATCH_UP_DAYS))


def _horizon(day: date, calendar: wf.Calendar) -> date:
    return calendar.next_working_day(day + timedelta(days=1))[0]


def collect(
    *, as_of: date, last_as_of: date | None, since: datetime | None, calendar: wf.Calendar
) -> list[dict]:
    """The notifications the run owes: dicts with user_id, key, kind, case_id, params."""
    out: list[dict] = []
    first = _window(as_of, last_as_of)
    # "Due tomorrow" reaches to the next working day: on Friday, Monday's visits are announced.
    horizon = _horizon(as_of, calendar)
    due_from = as_of + timedelta(days=1)
    if last_as_of is not None and last_as_of < as_of:
        # After a missed day, what the missed run would have announced (today's) comes too.
        due_from = max(_horizon(last_as_of, calendar) + timedelta(days=1), as_of)

    base = (
        select(
            FollowUp.id,
            FollowUp.key,
            FollowUp.purpose,
            FollowUp.due_on,
            FollowUp.assignee_id,
            Case.id,
            Case.facts,
            Enterprise.name,
        )
        .join(Case, FollowUp.case_id == Case.id)
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .where(FollowUp.done_on.is_(None), FollowUp.assignee_id.is_not(None), open_case_clause())
    )
    # Follow-ups due soon, and follow-ups whose day passed without a visit.
    for fid, key, purpose, due_on, user_id, case_id, facts, name in db.session.execute(
        base.where(FollowUp.due_on >= due_from, FollowUp.due_on <= horizon)
    ):
        if key in wf.cancelled_keys(facts):
            continue
        out.append(
            {
                "user_id": user_id,
                "key": f"due:followup:{fid}:{due_on}",
                "kind": "due",
                "case_id": case_id,
                "params": {
                    "what": "followup",
                    "purpose": purpose,
                    "due_on": due_on.isoformat(),
                    "enterprise": name,
                },
            }
        )
    for fid, key, purpose, due_on, user_id, case_id, facts, name in db.session.execute(
        base.where(FollowUp.due_on >= first - timedelta(days=1), FollowUp.due_on < as_of)
    ):
        if key in wf.cancelled_keys(facts):
            continue
        out.append(
            {
                "user_id": user_id,
                "key": f"missed:followup:{fid}:{due_on}",
                "kind": "missed",
                "case_id": case_id,
                "params": {
                    "what": "followup",
                    "purpose": purpose,
                    "due_on": due_on.isoformat(),
                    "enterprise": name,
                },
            }
        )

    # Deadlines of an officer's cases falling due soon (the party's, which he watches).
    for name, due_on, user_id, case_id, ent in db.session.execute(
        select(Deadline.name, Deadline.due_on, Case.assignee_id, Case.id, Enterprise.name)
        .join(Case, Deadline.case_id == Case.id)
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .where(
            Deadline.met_on.is_(None),
            Deadline.due_on >= due_from,
            Deadline.due_on <= horizon,
            Case.assignee_id.is_not(None),
            open_case_clause(),
            Case.watched_deadline == Deadline.name,
        )
    ):
        out.append(
            {
                "user_id": user_id,
                "key": f"due:deadline:{case_id}:{name}:{due_on}",
                "kind": "due",
                "case_id": case_id,
                "params": {
                    "what": "deadline",
                    "deadline": name,
                    "due_on": due_on.isoformat(),
                    "enterprise": ent,
                },
            }
        )
    # Cases that went overdue since the last run: overdue on day D when the watched deadline
    # fell on D - 1.
    for name, due_on, user_id, case_id, ent in db.session.execute(
        select(
            Case.watched_deadline, Case.watched_due_on, Case.assignee_id, Case.id, Enterprise.name
        )
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .where(
            Case.assignee_id.is_not(None),
            open_case_clause(),
            Case.watched_due_on >= first - timedelta(days=1),
            Case.watched_due_on < as_of,
        )
    ):
        assert due_on is not None  # compared in the where clause
        out.append(
            {
                "user_id": user_id,
                "key": f"overdue:case:{case_id}:{name}:{due_on}",
                "kind": "overdue",
                "case_id": case_id,
                "params": {
                    "what": "deadline",
                    "deadline": name,
                    "due_on": due_on.isoformat(),
                    "enterprise": ent,
                },
            }
        )
    # Cases assigned since the last run.
    if since is not None:
        for case_id, user_id, action, ent in db.session.execute(
            select(Case.id, Case.assignee_id, Case.action, Enterprise.name)
            .join(Enterprise, Case.enterprise_id == Enterprise.id)
            .where(Case.assignee_id.is_not(None), open_case_clause(), Case.created_at >= since)
        ):
            out.append(
                {
                    "user_id": user_id,
                    "key": f"assigned:case:{case_id}",
                    "kind": "assigned",
                    "case_id": case_id,
                    "params": {"action": action, "enterprise": ent},
                }
            )

        # Follow-ups handed to an officer at the desk since the last run (audited reassignments).
        moved = db.session.execute(
            select(AuditEvent.object_id, AuditEvent.after)
            .where(AuditEvent.action == "followup.reassign", AuditEvent.at >= since)
            .order_by(AuditEvent.id)
        ).all()
        names = {(after or {}).get("assignee") for _, after in moved} - {None}
        people = (
            {
                name: uid
                for name, uid in db.session.execute(
                    select(User.username, User.id).where(User.username.in_(names))
                )
            }
            if names
            else {}
        )
        for object_id, after in moved:
            user_id = people.get((after or {}).get("assignee", ""))
            followup = db.session.get(FollowUp, int(object_id)) if user_id else None
            if followup is None or followup.assignee_id != user_id or followup.done_on:
                continue  # moved on again since, or already done
            out.append(
                {
                    "user_id": user_id,
                    "key": f"assigned:followup:{followup.id}:{user_id}",
                    "kind": "assigned",
                    "case_id": followup.case_id,
                    "params": {
                        "what": "followup",
                        "purpose": followup.purpose,
                        "due_on": followup.due_on.isoformat(),
                        "enterprise": followup.case.enterprise.name,
                    },
                }
            )

    # Reviewers: the day's overdue list (one notification a day, the same for each reviewer of
    # a branch): a branch's reviewer is told of his branch's townships only (issue 20); city
    # reviewers, and every reviewer of an installation without branches, of all.
    reviewers: dict[int | None, list[int]] = defaultdict(list)
    for user_id, branch_id in db.session.execute(
        select(User.id, User.branch_id)
        .where(User.role == "reviewer", User.is_active_account.is_(True))
        .order_by(User.id)
    ):
        reviewers[branch_id].append(user_id)
    for branch_id, user_ids in reviewers.items():
        here: Any = (
            Case.township_id.in_(branch_townships(branch_id)) if branch_id is not None else true()
        )
        overdue = db.session.execute(
            select(Case.id, Case.watched_deadline, Case.watched_due_on, Enterprise.name)
            .join(Enterprise, Case.enterprise_id == Enterprise.id)
            .where(open_case_clause(), Case.watched_due_on < as_of, here)
            .order_by(Case.watched_due_on, Case.id)
            .limit(OVERDUE_LIST_TOP)
        ).all()
        total = db.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(open_case_clause(), Case.watched_due_on < as_of, here)
        )
        if not total:
            continue
        new = db.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(
                open_case_clause(),
                Case.watched_due_on >= as_of - timedelta(days=1),
                Case.watched_due_on < as_of,
                here,
            )
        )
        top = [
            {"case_id": cid, "deadline": dl, "due_on": due.isoformat(), "enterprise": ent}
            for cid, dl, due, ent in overdue
            if due is not None
        ]  # compared in the query
        for user_id in user_ids:
            out.append(
                {
                    "user_id": user_id,
                    "key": f"overdue_list:{as_of}",
                    "kind": "overdue_list",
                    "case_id": None,
                    "params": {"total": total, "new": new, "top": top},
                }
            )
    return out


def write(items: list[dict], *, as_of: date, now: datetime) -> list[Notification]:
    """Store the notifications not stored before (by officer and key); return the new ones."""
    if not items:
        return []
    active = set(db.session.scalars(select(User.id).where(User.is_active_account.is_(True))))
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for item in items:
        if item["user_id"] in active:
            wanted.setdefault((item["user_id"], item["key"]), item)
    existing: set[tuple[int, str]] = set()
    by_user: dict[int, list[str]] = defaultdict(list)
    for user_id, key in wanted:
        by_user[user_id].append(key)
    for user_id, keys in by_user.items():
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = db.session.execute(
                select(Notification.user_id, Notification.key).where(
                    Notification.user_id == user_id, Notification.key.in_(chunk)
                )
            )
            existing.update((u, k) for u, k in rows)
    new = [
        Notification(
            user_id=u,
            key=k,
            kind=item["kind"],
            case_id=item["case_id"],
            on=as_of,
            params=item["params"],
            created_at=now,
        )
        for (u, k), item in wanted.items()
        if (u, k) not in existing
    ]
    db.session.add_all(new)
    db.session.flush()
    return new


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(user_id: int, *, now: datetime, ids: list[int] | None = None) -> int:
    from sqlalchemy import update

    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = db.session.execute(stmt.values(read_at=now))
    return (result.rowcount or 0) if isinstance(result, CursorResult) else 0
