"""The conflict queue: submissions the server refused (an impossible transition, a client UUID
reused with other content). Nothing leaves the queue without a reviewer's decision, and every
decision is an audit event."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select

from enforcement.errors import Conflict as ConflictError, Forbidden, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import Case, CaseEvent, Conflict, Enterprise, FollowUp, User, Visit
from enforcement.services.core import audit
from enforcement.services.casework import cases, serialize
from enforcement.services.field import visits
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import text
from enforcement.services.core.scope import TownshipFilter, township_allowed


def _reviewer(actor: Actor, conflict: Conflict | None = None) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators resolve conflicts.")
    if (
        conflict is not None
        and actor.branch_id
        and not township_allowed(actor, township_of(conflict))
    ):
        raise NotFound(f"No conflict {conflict.id}.")  # another branch's (issue 20)


def _id(value) -> int | None:
    """An id from a kept payload (which was refused, so it may hold anything)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**31 else None
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    return None


def township_of(conflict: Conflict) -> int | None:
    """The township a kept submission is about (issue 20): its case's, else the enterprise's,
    visit's or follow-up's its payload names; None when it names none (then it is the city's)."""
    payload = conflict.payload if isinstance(conflict.payload, dict) else {}
    if conflict.case_id:
        township = db.session.scalar(select(Case.township_id).where(Case.id == conflict.case_id))
        if township is not None:
            return township
    enterprise_id = _id(payload.get("enterprise_id"))
    if enterprise_id:
        township = db.session.scalar(
            select(Enterprise.township_id).where(Enterprise.id == enterprise_id)
        )
        if township is not None:
            return township
    visit_id = _id(payload.get("visit_id"))
    if visit_id:
        township = db.session.scalar(
            select(Enterprise.township_id)
            .join(Visit, Visit.enterprise_id == Enterprise.id)
            .where(Visit.id == visit_id)
        )
        if township is not None:
            return township
    followup_id = _id(payload.get("followup_id"))
    if followup_id:
        return db.session.scalar(
            select(Case.township_id)
            .join(FollowUp, FollowUp.case_id == Case.id)
            .where(FollowUp.id == followup_id)
        )
    return None


def _within(rows, townships_within: TownshipFilter) -> list[Conflict]:
    """The rows placed in the given townships (a branch's); every row for None. The township is
    read from each kept payload, so this filters in Python: the queue is short."""
    if townships_within is None:
        return list(rows)
    allowed = set(db.session.scalars(townships_within))
    return [c for c in rows if township_of(c) in allowed]


def open_count(townships_within: TownshipFilter = None) -> int:
    if townships_within is not None:
        return len(unresolved(limit=None, townships_within=townships_within))
    return (
        db.session.scalar(
            select(func.count()).select_from(Conflict).where(Conflict.resolved_at.is_(None))
        )
        or 0
    )


def unresolved(limit: int | None = 200, townships_within: TownshipFilter = None) -> list[Conflict]:
    stmt = (
        select(Conflict)
        .where(Conflict.resolved_at.is_(None))
        .order_by(Conflict.received_at, Conflict.id)
    )
    if townships_within is None:
        return list(db.session.scalars(stmt.limit(limit)))
    return _within(db.session.scalars(stmt), townships_within)[:limit]


def recent_decisions(limit: int = 20, townships_within: TownshipFilter = None) -> list[Conflict]:
    stmt = (
        select(Conflict)
        .where(Conflict.resolved_at.is_not(None))
        .order_by(Conflict.resolved_at.desc())
    )
    if townships_within is None:
        return list(db.session.scalars(stmt.limit(limit)))
    return _within(db.session.scalars(stmt.limit(limit * 20)), townships_within)[:limit]


def get(conflict_id: int, actor: Actor | None = None) -> Conflict:
    """One conflict; an officer of another branch is told there is none (issue 20)."""
    row = db.session.get(Conflict, conflict_id)
    if row is None or (
        actor is not None
        and getattr(actor, "branch_id", None)
        and not township_allowed(actor, township_of(row))
    ):
        raise NotFound(f"No conflict {conflict_id}.")
    return row


def current_version(conflict: Conflict, as_of: date) -> dict:
    """What the server holds now, to set beside the kept submission."""
    payload = conflict.payload or {}
    uuid_ = conflict.client_uuid
    if conflict.kind == "case_event" and conflict.case_id:
        case = db.session.get(Case, conflict.case_id)
        if case is not None:
            view = serialize.case_dict(case, as_of)
            same = (
                db.session.scalar(select(CaseEvent).where(CaseEvent.client_uuid == uuid_))
                if uuid_
                else None
            )
            last = view["history"][-3:]
            actors = {e["actor"] for e in last if e.get("actor")}
            names = (
                {
                    u.username: u.label
                    for u in db.session.scalars(select(User).where(User.username.in_(actors)))
                }
                if actors
                else {}
            )
            # A reviewer reads who acted by name, not username.
            last = [{**e, "actor_name": names.get(e.get("actor"), e.get("actor"))} for e in last]
            return {
                "kind": "case",
                "case_id": case.id,
                "enterprise": case.enterprise.name,
                "action": case.action,
                "state": case.state,
                "display_state": view["display_state"],
                "allowed_events": view["allowed_events"],
                "last_events": last,
                "same_uuid": (
                    {"type": same.type, "on": same.on.isoformat(), **(same.data or {})}
                    if same
                    else None
                ),
            }
    if conflict.kind == "visit" and uuid_:
        visit = db.session.scalar(select(Visit).where(Visit.client_uuid == uuid_))
        if visit is not None:
            return {"kind": "visit", "visit": serialize.visit_dict(visit)}
    if conflict.kind == "followup" and payload.get("visit_id"):
        visit = db.session.get(Visit, payload["visit_id"])
        if visit is not None:
            return {"kind": "visit", "visit": serialize.visit_dict(visit)}
    if conflict.kind == "case" and uuid_:
        case = db.session.scalar(select(Case).where(Case.client_uuid == uuid_))
        if case is not None:
            return {
                "kind": "case",
                "case_id": case.id,
                "enterprise": case.enterprise.name,
                "action": case.action,
                "state": case.state,
                "display_state": case.state,
                "allowed_events": [],
                "last_events": [],
                "same_uuid": None,
            }
    return {"kind": "none", "payload_keys": sorted(payload)}


def _submission(conflict: Conflict) -> dict:
    """The kept payload as it is re-applied now: on top of the current record (not slotted
    back at its old recorded time, which is what failed), and under a fresh idempotency key
    when its own key already names another record."""
    data = dict(conflict.payload or {})
    data.pop("recorded_at", None)
    if conflict.code == "client_uuid_reused":
        data["client_uuid"] = str(uuid.uuid4()) if conflict.kind == "visit" else None
        if data["client_uuid"] is None:
            data.pop("client_uuid")
    return data


def accept(actor: Actor, conflict: Conflict, *, now: datetime, note: str = "") -> dict:
    """Re-apply the kept submission through the service that refused it. If it is still
    refused, the error propagates and the conflict stays in the queue."""
    _reviewer(actor, conflict)
    if conflict.resolved_at is not None:
        raise ConflictError("This conflict was already decided.")
    note = text(note, "note", max_length=1000)
    data = _submission(conflict)
    submitter = db.session.get(User, conflict.actor_id) if conflict.actor_id else None
    # The reviewer accepts, but the record stays the submitter's: they were on site.
    on_behalf = Actor.of(submitter) if submitter else actor
    result: dict = {}
    if conflict.kind == "case_event":
        case = cases.get_case(conflict.case_id) if conflict.case_id else None
        if case is None:
            raise ValidationError("The conflict names no case.", {"case_id": "missing"})
        outcome = cases.apply_event(on_behalf, case, data, now=now, trusted=True)
        result = {"case_id": case.id, "state": case.state, "opened": [c.id for c in outcome.opened]}
    elif conflict.kind == "visit":
        recorded = visits.record_visit(on_behalf, data, now=now)
        result = {"visit_id": recorded.visit.id, "opened": [c.id for c in recorded.opened]}
    elif conflict.kind == "followup":
        # The submitter was not on the case: the reviewer completes it on the desk's authority.
        visit = db.session.get(Visit, data.get("visit_id") or 0)
        followup = db.session.get(FollowUp, data.get("followup_id") or 0)
        if visit is None or followup is None:
            raise ValidationError("The visit or its follow-up is gone.", {"visit_id": "missing"})
        opened = visits.complete_with(actor, visit, followup, data.get("result") or {}, now=now)
        result = {
            "visit_id": visit.id,
            "case_id": followup.case_id,
            "opened": [c.id for c in opened],
        }
    elif conflict.kind == "case":
        outcome = cases.open_case(on_behalf, data, now=now)
        result = {"case_id": outcome.case.id}
    else:
        raise ValidationError(
            "This kind of submission cannot be re-applied; discard it with a reason.",
            {"kind": conflict.kind},
        )
    _decide(actor, conflict, "accepted", note, now=now, result=result)
    return result


def discard(actor: Actor, conflict: Conflict, *, reason: str, now: datetime) -> None:
    _reviewer(actor, conflict)
    if conflict.resolved_at is not None:
        raise ConflictError("This conflict was already decided.")
    reason = text(reason, "reason", required=True, max_length=1000)
    _decide(actor, conflict, "discarded", reason, now=now, result={})


def _decide(
    actor: Actor, conflict: Conflict, resolution: str, note: str, *, now: datetime, result: dict
) -> None:
    conflict.resolved_at, conflict.resolved_by_id = now, actor.id
    conflict.resolution, conflict.resolution_note = resolution, note
    db.session.flush()
    audit.record(
        actor,
        f"conflict.{'accept' if resolution == 'accepted' else 'discard'}",
        "conflict",
        conflict.id,
        now=now,
        before={
            "kind": conflict.kind,
            "code": conflict.code,
            "case_id": conflict.case_id,
            "payload": conflict.payload,
        },
        after={"resolution": resolution, "note": note, **result},
    )
