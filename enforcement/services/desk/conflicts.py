"""The conflict queue: submissions the server refused (an impossible transition, a client UUID
reused with other content). Nothing leaves the queue without a reviewer's decision, and every
decision is an audit event."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select

from enforcement.errors import Conflict as ConflictError, Forbidden, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import Case, CaseEvent, Conflict, FollowUp, User, Visit
from enforcement.services.core import audit
from enforcement.services.casework import cases, serialize
from enforcement.services.field import visits
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import text


def _reviewer(actor: Actor) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators resolve conflicts.")


def open_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Conflict)
                             .where(Conflict.resolved_at.is_(None))) or 0


def unresolved(limit: int = 200) -> list[Conflict]:
    return list(db.session.scalars(select(Conflict).where(Conflict.resolved_at.is_(None))
                                   .order_by(Conflict.received_at, Conflict.id).limit(limit)))


def recent_decisions(limit: int = 20) -> list[Conflict]:
    return list(db.session.scalars(select(Conflict).where(Conflict.resolved_at.is_not(None))
                                   .order_by(Conflict.resolved_at.desc()).limit(limit)))


def get(conflict_id: int) -> Conflict:
    row = db.session.get(Conflict, conflict_id)
    if row is None:
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
            same = db.session.scalar(select(CaseEvent).where(CaseEvent.client_uuid == uuid_)) \
                if uuid_ else None
            last = view["history"][-3:]
            actors = {e["actor"] for e in last if e.get("actor")}
            names = {u.username: u.label for u in db.session.scalars(
                select(User).where(User.username.in_(actors)))} if actors else {}
            # A reviewer reads who acted by name, not username.
            last = [{**e, "actor_name": names.get(e.get("actor"), e.get("actor"))} for e in last]
            return {"kind": "case", "case_id": case.id, "enterprise": case.enterprise.name,
                    "action": case.action, "state": case.state,
                    "display_state": view["display_state"],
                    "allowed_events": view["allowed_events"],
                    "last_events": last,
                    "same_uuid": ({"type": same.type, "on": same.on.isoformat(), **(same.data or {})}
                                  if same else None)}
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
            return {"kind": "case", "case_id": case.id, "enterprise": case.enterprise.name,
                    "action": case.action, "state": case.state, "display_state": case.state,
                    "allowed_events": [], "last_events": [], "same_uuid": None}
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
    _reviewer(actor)
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
        result = {"case_id": case.id, "state": case.state,
                  "opened": [c.id for c in outcome.opened]}
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
        result = {"visit_id": visit.id, "case_id": followup.case_id,
                  "opened": [c.id for c in opened]}
    elif conflict.kind == "case":
        outcome = cases.open_case(on_behalf, data, now=now)
        result = {"case_id": outcome.case.id}
    else:
        raise ValidationError("This kind of submission cannot be re-applied; discard it with "
                              "a reason.", {"kind": conflict.kind})
    _decide(actor, conflict, "accepted", note, now=now, result=result)
    return result


def discard(actor: Actor, conflict: Conflict, *, reason: str, now: datetime) -> None:
    _reviewer(actor)
    if conflict.resolved_at is not None:
        raise ConflictError("This conflict was already decided.")
    reason = text(reason, "reason", required=True, max_length=1000)
    _decide(actor, conflict, "discarded", reason, now=now, result={})


def _decide(actor: Actor, conflict: Conflict, resolution: str, note: str, *, now: datetime,
            result: dict) -> None:
    conflict.resolved_at, conflict.resolved_by_id = now, actor.id
    conflict.resolution, conflict.resolution_note = resolution, note
    db.session.flush()
    audit.record(actor, f"conflict.{'accept' if resolution == 'accepted' else 'discard'}",
                 "conflict", conflict.id, now=now,
                 before={"kind": conflict.kind, "code": conflict.code, "case_id": conflict.case_id,
                         "payload": conflict.payload},
                 after={"resolution": resolution, "note": note, **result})
