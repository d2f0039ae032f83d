"""What a reviewer does on a case: record events the enterprise reports, approve an extension,
reassign follow-ups and set the responsibility chain (责任分解). Events go through
``cases.apply_event`` so the engine stays the only judge of states and deadlines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, true

from enforcement.errors import Forbidden, ValidationError
from enforcement.extensions import db
from enforcement.models import Case, FollowUp, User
from enforcement import workflow as wf
from enforcement.services.core import audit
from enforcement.services.casework import cases
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import parse_date, text
from enforcement.services.core.scope import allowed_township_ids

# Events a reviewer records at the desk. Visits come from the field (services.visits) and the
# system events (expire, gate_overdue) from the daily tick, so they are never offered here.
DESK_EVENTS = (
    "report_rectified",
    "verify",
    "file_plan",
    "accept_plan",
    "extend",
    "report_completed",
    "execute",
    "rebound",
    "notify",
    "request_hearing",
    "decide",
    "pay",
    "appeal",
    "appeal_decided",
    "request_enforcement",
    "publish",
    "gate",
    "report_monitoring",
    "declare_tax",
    "apply_permit_renewal",
    "renew_permit",
    "release",
    "close",
    "reopen",
    # Issue #15: the government's decision on a proposed closure, a seal-up's handling decision,
    # a hearing.
    "approve_close",
    "decline_close",
    "handle",
    "hearing",
    # issue #15
    "receive",
    "notify_hearing",
    "extend_decision",
    "suspend",
    "resume",
    "demand_served",
)

CHECKLIST = ("water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared")


def _reviewer(actor: Actor) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators may do this.")


def desk_events(allowed: list[str]) -> list[str]:
    """The events the desk offers now: allowed by the engine and recordable by a reviewer."""
    return [t for t in allowed if t in DESK_EVENTS]


def record_event(actor: Actor, case: Case, data: dict, *, now: datetime) -> cases.CaseResult:
    """Record an event on behalf of the enterprise (report received, plan filed, payment ...)."""
    _reviewer(actor)
    if data.get("type") not in DESK_EVENTS:
        raise ValidationError(
            "This event is not recorded at the desk.", {"type": "not a desk event"}
        )
    return cases.apply_event(actor, case, data, now=now)


def approve_extension(
    actor: Actor, case: Case, *, on, months, approved_by: str | None, now: datetime, days=None
) -> cases.CaseResult:
    """The one extension of a 限制生产 (MEP Order 30 Art. 14, in months) or of a seal-up (ACL
    Art. 25, in days): the approver is part of the record."""
    _reviewer(actor)
    approver = text(approved_by, "approved_by", required=True, max_length=80)
    length = {"days": days} if case.action == "seal" else {"months": months}
    return cases.apply_event(
        actor, case, {"type": "extend", "on": on, **length, "approved_by": approver}, now=now
    )


def reassign_followups(actor: Actor, case: Case, assignments: dict, *, now: datetime) -> int:
    """``assignments`` maps follow-up id to a username ('' = nobody). Only planned follow-ups
    move: a done one is evidence of who went. Returns how many changed."""
    _reviewer(actor)
    rows = {f.id: f for f in case.followups}
    cancelled = wf.cancelled_keys(case.facts)
    names = {str(v) for v in assignments.values() if v}
    users = (
        {
            u.username: u
            for u in db.session.scalars(
                select(User).where(
                    User.username.in_(names),
                    User.role == "inspector",
                    User.is_active_account,
                    in_branch_of(actor),
                )
            )
        }
        if names
        else {}
    )
    fields, changes = {}, []
    for raw_id, username in assignments.items():
        try:
            row = rows.get(int(raw_id))
        except (TypeError, ValueError):
            row = None
        if row is None:
            fields[f"followup_{raw_id}"] = "not a follow-up of this case"
            continue
        if row.done_on is not None or row.key in cancelled:
            if (row.assignee.username if row.assignee else "") != (username or ""):
                fields[f"followup_{raw_id}"] = "done or cancelled: its assignee is kept"
            continue
        user = users.get(username) if username else None
        if username and user is None:
            fields[f"followup_{raw_id}"] = "no active inspector of that name"
            continue
        if row.assignee_id != (user.id if user else None):
            changes.append((row, user))
    if fields:
        raise ValidationError("The follow-ups could not be reassigned.", fields)
    for row, user in changes:
        before = row.assignee.username if row.assignee else None
        row.assignee_id, row.assignee = (user.id if user else None), user
        audit.record(
            actor,
            "followup.reassign",
            "followup",
            row.id,
            now=now,
            before={"case_id": case.id, "key": row.key, "assignee": before},
            after={"case_id": case.id, "key": row.key, "assignee": user.username if user else None},
        )
    db.session.flush()
    return len(changes)


def set_responsibility(actor: Actor, case: Case, data: dict, *, now: datetime) -> Case:
    """责任分解: lead, host unit, co-units, responsible person and the date they answer by."""
    _reviewer(actor)
    fields = {}
    values = {}
    for key, limit in (("lead", 80), ("host_unit", 120), ("responsible_person", 80)):
        try:
            values[key] = text(data.get(key), key, max_length=limit)
        except ValidationError as exc:
            fields.update(exc.fields)
    co = data.get("co_units") or []
    if isinstance(co, str):
        co = [part.strip() for part in co.replace("，", ",").replace("、", ",").split(",")]
    co = [str(c).strip() for c in co if str(c).strip()]
    if len(co) > 20 or any(len(c) > 120 for c in co):
        fields["co_units"] = "at most 20 units of up to 120 characters"
    try:
        due: date | None = parse_date(
            data.get("responsibility_due"), "responsibility_due", required=False
        )
    except ValidationError as exc:
        fields.update(exc.fields)
        due = None
    if due is not None and due < case.served_on:
        fields["responsibility_due"] = "before the decision was served"
    if fields:
        raise ValidationError("The responsibility chain could not be saved.", fields)
    before = {
        "lead": case.lead,
        "host_unit": case.host_unit,
        "co_units": list(case.co_units or []),
        "responsible_person": case.responsible_person,
        "responsibility_due": case.responsibility_due,
    }
    case.lead, case.host_unit = values["lead"], values["host_unit"]
    case.responsible_person, case.co_units, case.responsibility_due = (
        values["responsible_person"],
        co,
        due,
    )
    case.updated_at = now
    after = {
        "lead": case.lead,
        "host_unit": case.host_unit,
        "co_units": co,
        "responsible_person": case.responsible_person,
        "responsibility_due": due,
    }
    audit.record(actor, "case.responsibility", "case", case.id, now=now, before=before, after=after)
    db.session.flush()
    return case


def inspectors(actor: Actor | None = None) -> list[User]:
    """The active inspectors work can be handed to; for an officer of a branch (issue 20),
    his branch's (those of its townships) only."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == "inspector", User.is_active_account, in_branch_of(actor))
            .order_by(User.username)
        )
    )


def in_branch_of(actor: Actor | None) -> Any:
    """The clause confining users to the actor's branch's townships (true for city staff)."""
    within = allowed_township_ids(actor) if actor is not None else None
    return true() if within is None else User.township_id.in_(within)


def planned(case: Case) -> list[FollowUp]:
    cancelled = wf.cancelled_keys(case.facts)
    return [f for f in case.followups if f.done_on is None and f.key not in cancelled]


def disclose(actor: Actor, case: Case, *, on: date, now: datetime) -> Case:
    """Publish a served close or stop order on the public disclosure page (双公示: a reviewer
    reads it before the public does). Decided fines follow their own ``publish`` event."""
    _reviewer(actor)
    if case.action not in ("close", "stop"):
        raise ValidationError(
            "Only close and stop orders are published this way.", {"action": "close or stop"}
        )
    if on < case.served_on:
        raise ValidationError("Not before the order was served.", {"on": "before service"})
    if case.disclosed_on is not None:
        return case
    case.disclosed_on, case.disclosed_by_id = on, actor.id
    db.session.flush()
    audit.record(actor, "case.disclose", "case", case.id, now=now, after={"disclosed_on": on})
    return case
