"""Cases: open, apply events, recompute. The workflow engine decides; this module stores its
results (state, deadlines, follow-ups) and nothing else ever writes them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from enforcement import workflow as wf
from enforcement.errors import (
    Forbidden,
    ForbiddenByLaw,
    IdempotencyMismatch,
    ImpossibleTransition,
    NotFound,
    ValidationError,
)
from enforcement.extensions import db
from enforcement.models import (
    Case,
    CaseEvent,
    CaseLink,
    Conflict,
    Deadline,
    Enterprise,
    FollowUp,
    Township,
)
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.casework import authority, event_fields, site_summary
from enforcement.services.calendar.calendars import load_calendar
from enforcement.services.core import bodies
from enforcement.services.core.shapes import Input


def rules() -> wf.Rules:
    return current_app.extensions["workflow_rules"]


def _digest(payload: dict) -> str:
    return hashlib.sha256(audit.canonical(payload)).hexdigest()


def snapshot_of(case: Case) -> wf.CaseSnapshot:
    """The engine's view of a stored case."""
    return wf.CaseSnapshot(
        action=case.action,
        state=case.state,
        served_on=case.served_on,
        township=case.township.code if case.township else None,
        params=dict(case.params or {}),
        facts=dict(case.facts or {}),
        deadlines={
            d.name: wf.Deadline(d.name, d.due_on, d.provisional, d.met_on) for d in case.deadlines
        },
        followups={
            f.key: wf.FollowUp(
                f.key,
                f.purpose,
                f.earliest_on,
                f.due_on,
                f.unannounced,
                f.done_on,
                f.visit_id,
                f.provisional,
                f.note,
            )
            for f in case.followups
            if f.key not in wf.cancelled_keys(case.facts)
        },
    )


def is_cancelled(followup: FollowUp) -> bool:
    """Whether the engine withdrew this follow-up (the row stays, as evidence of the plan)."""
    return followup.key in wf.cancelled_keys(followup.case.facts)


def deadline_snapshot(case: Case) -> wf.CaseSnapshot:
    """The engine's view of a case without its follow-ups: all a list row or a map pin needs
    (state, display state, current deadline, surcharge), and half the loading."""
    return wf.CaseSnapshot(
        action=case.action,
        state=case.state,
        served_on=case.served_on,
        # The township picks the rules (a township may have its own surcharge rate); a
        # many-to-one by key is read from the session's identity map after its first load.
        township=case.township.code if case.township_id is not None else None,
        params=case.params or {},
        facts=case.facts or {},
        deadlines={
            d.name: wf.Deadline(d.name, d.due_on, d.provisional, d.met_on) for d in case.deadlines
        },
        followups={},
    )


def _dates(snapshot: wf.CaseSnapshot) -> dict:
    out = {f"deadline:{n}": d.due_on for n, d in snapshot.deadlines.items()}
    out.update({f"followup:{k}": f.due_on for k, f in snapshot.followups.items()})
    return out


def store_snapshot(case: Case, snapshot: wf.CaseSnapshot) -> None:
    """Write the engine's result onto the stored case: the only writer of these columns."""
    case.state = snapshot.state
    case.params = audit.jsonable(dict(snapshot.params))
    case.facts = audit.jsonable(dict(snapshot.facts))
    existing = {d.name: d for d in case.deadlines}
    for name, d in snapshot.deadlines.items():
        row = existing.pop(name, None)
        if row is None:
            case.deadlines.append(
                Deadline(name=name, due_on=d.due_on, met_on=d.met_on, provisional=d.provisional)
            )
        else:
            row.due_on, row.met_on, row.provisional = d.due_on, d.met_on, d.provisional
    for row in existing.values():  # a deadline the engine no longer sets (e.g. replaced)
        case.deadlines.remove(row)
    followups = {f.key: f for f in case.followups}
    for key, f in snapshot.followups.items():
        row = followups.get(key)
        if row is None:
            case.followups.append(
                FollowUp(
                    key=key,
                    purpose=f.purpose,
                    earliest_on=f.earliest_on,
                    due_on=f.due_on,
                    unannounced=f.unannounced,
                    done_on=f.done_on,
                    visit_id=f.visit_id,
                    provisional=f.provisional,
                    note=f.note,
                    assignee_id=case.assignee_id,
                )
            )
        else:
            row.purpose, row.earliest_on, row.due_on = f.purpose, f.earliest_on, f.due_on
            row.unannounced, row.done_on, row.visit_id = f.unannounced, f.done_on, f.visit_id
            row.provisional, row.note = f.provisional, f.note
    watched = wf.watched_deadline(snapshot)
    case.watched_deadline = watched.name if watched else None
    case.watched_due_on = watched.due_on if watched else None
    case.watched_provisional = watched.provisional if watched else None
    store_fine_columns(case, snapshot)
    # The site's map summary moves with its cases, in this same transaction.
    site_summary.refresh(case)
    # Follow-ups the engine withdrew stay stored (never silently dropped); the case's facts
    # list them as cancelled and the case page shows them so.
    case.provisional = any(
        d.provisional and d.met_on is None for d in snapshot.deadlines.values()
    ) or any(f.provisional and f.done_on is None for f in snapshot.followups.values())


def fine_columns(snapshot: wf.CaseSnapshot) -> dict:
    """A fine's amount and its surcharge line (workflow.fine.SurchargeLine) as the case's
    columns: what the overdue list reads instead of replaying the surcharge per row."""
    fine = snapshot.action == "fine"
    amount = snapshot.facts.get("amount_fen") if fine else None
    line = wf.surcharge_line(snapshot)
    return {
        "amount_fen": int(amount) if amount is not None else None,
        "surcharge_since": line.since if line else None,
        "surcharge_base": line.base if line else None,
        "surcharge_rate": line.rate if line else None,
    }


def store_fine_columns(case: Case, snapshot: wf.CaseSnapshot) -> None:
    for key, value in fine_columns(snapshot).items():
        setattr(case, key, value)


@dataclass
class CaseResult:
    case: Case
    created: bool = True
    opened: list[Case] = field(default_factory=list)  # cases opened by escalation


def _can_act(actor: Actor, case: Case) -> bool:
    if actor.is_reviewer:
        return True
    if case.assignee_id == actor.id or case.opened_by_id == actor.id:
        return True
    return any(f.assignee_id == actor.id for f in case.followups)


def get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound(f"No case {case_id}.")
    return case


def open_case(
    actor: Actor,
    data: dict | Input,
    *,
    now: datetime,
    calendar: wf.Calendar | None = None,
    parent: Case | None = None,
    link_reason: str = "",
) -> CaseResult:
    """Open a case. An escalation (``parent`` given) is the engine's consequence of an event the
    actor was allowed to record, so it is not subject to the actor's township limits.

    ``data``: the body read by its shape (``bodies.CASE_OPEN``), or as a dict, read here."""
    case_input = bodies.CASE_OPEN.input(data)
    data = case_input.raw
    case_input.check("client_uuid")
    client_uuid = case_input["client_uuid"]
    if client_uuid:
        existing = db.session.scalar(select(Case).where(Case.client_uuid == client_uuid))
        if existing is not None:
            if existing.payload_hash != _digest(data):
                raise IdempotencyMismatch(
                    "This client_uuid was used for a different case.",
                    {"client_uuid": "already used with other content"},
                )
            return CaseResult(existing, created=False)
    # The shape's problems first; the lookups and the action's rules add theirs.
    fields = dict(case_input.problems)
    action = case_input["action"]
    enterprise = None
    if case_input["enterprise_id"] is not None:
        enterprise = db.session.get(Enterprise, case_input["enterprise_id"])
        if enterprise is None:
            fields["enterprise_id"] = "no such enterprise"
    served_on = case_input["served_on"]
    violation = case_input["violation"]
    legal_basis = case_input["legal_basis"]
    # A seal-up decision states its legal basis (ACL Art. 24); the serve form asks it for
    # every order, the API requires it for the actions added since (not to break clients).
    if action == "seal" and not legal_basis and "legal_basis" not in fields:
        fields["legal_basis"] = "required"
    visit_id = _visit_of(case_input, fields)
    if fields:
        raise ValidationError("The case could not be opened.", fields)
    assert enterprise is not None and isinstance(action, str)  # else fields named them
    if parent is None and not authority.site_rights(actor, enterprise, as_of=served_on).may_serve:
        raise Forbidden(
            "Inspectors open cases in their own township only, or at a firm a draw assigned them.",
            code="outside_township",
        )
    params = {k: data[k] for k in wf.open_params(action) if data.get(k) not in (None, "")}
    if action == "control" and "risk_class" not in params:
        params["risk_class"] = enterprise.risk_class
    if action == "control" and "permit_expires" not in params and enterprise.permit_expires:
        params["permit_expires"] = enterprise.permit_expires.isoformat()
    calendar = calendar or load_calendar()
    township = enterprise.township.code if enterprise.township else None
    try:
        outcome = wf.open_case(
            action, served_on, params, rules=rules(), calendar=calendar, township=township
        )
    except wf.InvalidEvent as exc:
        raise ValidationError("The case could not be opened: " + str(exc), exc.fields) from exc
    assignee_id = data.get("assignee_id") or (actor.id if actor.role == "inspector" else None)
    case = Case(
        client_uuid=client_uuid,
        enterprise=enterprise,
        township_id=enterprise.township_id,
        action=action,
        state=outcome.case.state,
        served_on=served_on,
        violation=violation,
        legal_basis=legal_basis,
        params={},
        facts={},
        visit_id=visit_id,
        opened_by_id=actor.id,
        assignee_id=assignee_id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(case)
    store_snapshot(case, outcome.case)
    if client_uuid:
        case.payload_hash = _digest(data)
    db.session.flush()
    if parent is not None:
        db.session.add(CaseLink(from_case_id=parent.id, to_case_id=case.id, reason=link_reason))
    audit.record(
        actor,
        "case.open",
        "case",
        case.id,
        now=now,
        after={
            "action": action,
            "enterprise_id": enterprise.id,
            "served_on": served_on,
            "state": case.state,
            "dates": _dates(outcome.case),
            "escalated_from": parent.id if parent else None,
            "reason": link_reason,
        },
    )
    return CaseResult(case)


def _visit_of(case_input: Input, fields: dict) -> int | None:
    """The visit that found the violation: by id, or by the UUID a phone gave it offline (the
    outbox opens the case before it knows the server's visit id)."""
    from enforcement.models import Visit

    # A visit_id the shape refused reads "no such visit", and only when no UUID names the visit.
    fields.pop("visit_id", None)
    if case_input.raw.get("visit_client_uuid") not in (None, ""):
        key = case_input["visit_client_uuid"]
        if key is None:  # the shape named it
            return None
        found = db.session.scalar(select(Visit.id).where(Visit.client_uuid == key))
        if found is None:
            fields["visit_client_uuid"] = "no visit with this client_uuid (send the visit first)"
        return found
    value = case_input.raw.get("visit_id")
    if value in (None, ""):
        return None
    visit_id = case_input["visit_id"]
    if visit_id is None or db.session.get(Visit, visit_id) is None:
        fields["visit_id"] = "no such visit"
        return None
    return visit_id


def parse_event(event_input: Input, drop: list[str] | tuple = ()) -> wf.Event:
    """The engine's event: its type (the engine knows the types), day and payload (the
    event's own fields, as sent: the engine's rules check them)."""
    kind = event_input.raw.get("type")
    if not isinstance(kind, str) or not kind:
        raise ValidationError("The event needs a type.", {"type": "required"})
    event_input.check("on")
    envelope = ("type", "on", "client_uuid", "recorded_at", *drop)
    payload = {k: v for k, v in event_input.raw.items() if k not in envelope}
    return wf.Event(kind, event_input["on"], payload)


def _open_escalations(actor: Actor, case: Case, escalations, *, now, calendar) -> list[Case]:
    opened = []
    for esc in escalations:
        data = {
            "enterprise_id": case.enterprise_id,
            "action": esc.action,
            "served_on": esc.served_on,
            "violation": case.violation,
            "legal_basis": case.legal_basis,
            "assignee_id": case.assignee_id,
            **dict(esc.params),
        }
        opened.append(
            open_case(
                actor, data, now=now, calendar=calendar, parent=case, link_reason=esc.reason
            ).case
        )
    return opened


def _lock(case: Case) -> None:
    """Serialise the writers of one case. Two phones reporting on the same case at once must not
    both read the old state and both apply: the second waits, sees the first, and is refused.
    (SQLite writers are already serialised by BEGIN IMMEDIATE.)"""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.flush()
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    # What was read before the lock may be stale: read the case again under it.
    db.session.expire_all()


#: The people's government's decision on a proposed closure (EPL Art. 60) reaches the bureau,
#: not the field: reviewers record it, inspectors cannot.
DESK_ONLY_EVENTS = frozenset({"approve_close", "decline_close"})


def apply_event(
    actor: Actor,
    case: Case,
    data: dict | Input,
    *,
    now: datetime,
    calendar: wf.Calendar | None = None,
    trusted: bool = False,
) -> CaseResult:
    """Record what happened on a case. Events carry their recorded time: one recorded before
    events already applied (an offline phone syncing late) is put in its place and the case is
    replayed, so two inspectors acting offline are applied in the order they acted."""
    event_input = bodies.CASE_EVENT.input(data)
    data = event_input.raw
    if not trusted and not _can_act(actor, case):
        raise Forbidden("You are not on this case.", code="not_on_case")
    if not trusted and data.get("type") in DESK_ONLY_EVENTS and not actor.is_reviewer:
        raise Forbidden("The government's decision on a closure is recorded by the bureau desk.")
    _lock(case)
    event_input.check("client_uuid")
    client_uuid = event_input["client_uuid"]
    if client_uuid:
        existing = db.session.scalar(select(CaseEvent).where(CaseEvent.client_uuid == client_uuid))
        if existing is not None:
            if existing.case_id != case.id or existing.payload_hash != _digest(data):
                raise IdempotencyMismatch(
                    "This client_uuid was used for a different event.",
                    {"client_uuid": "already used with other content"},
                )
            return CaseResult(case, created=False)
    # Issue #14: the payload holds only what the event's type uses (event_fields.EVENT_FIELDS).
    problems, drop = event_fields.unknown_fields(case.action, data)
    if problems:
        raise ValidationError("The event carries fields its type does not use.", problems)
    event = parse_event(event_input, drop)
    event_input.check("recorded_at")
    recorded_at = event_input["recorded_at"] or now
    calendar = calendar or load_calendar()
    before = snapshot_of(case)
    later = [e for e in case.events if e.recorded_at > recorded_at]
    try:
        if not later:
            outcome = wf.apply(before, event, rules=rules(), calendar=calendar)
            snapshot, escalations = outcome.case, outcome.escalations
        else:
            snapshot, escalations = _replay_with(case, event, recorded_at, calendar)
    except wf.InvalidEvent as exc:
        raise ValidationError("The event is not valid: " + str(exc), exc.fields) from exc
    except wf.ForbiddenByLaw as exc:
        raise ForbiddenByLaw(
            str(exc), allowed=exc.allowed, state=case.state, article=exc.article
        ) from exc
    except wf.ImpossibleEvent as exc:
        # ForbiddenByLaw names the article that forbids the event now (issue #15)
        article = getattr(exc, "article", None)
        extra = {"article": article} if article else {}
        raise ImpossibleTransition(
            str(exc),
            allowed=exc.allowed,
            state=case.state,
            action=case.action,
            event=event.type,
            **extra,
        ) from exc
    store_snapshot(case, snapshot)
    case.updated_at = now
    stored = audit.jsonable(dict(event.data))
    seq = (
        db.session.scalar(select(func.max(CaseEvent.seq)).where(CaseEvent.case_id == case.id)) or 0
    ) + 1
    case.events.append(
        CaseEvent(
            seq=seq,
            type=event.type,
            on=event.on,
            data=stored,
            recorded_at=recorded_at,
            received_at=now,
            actor_id=actor.id,
            client_uuid=client_uuid,
            payload_hash=_digest(data) if client_uuid else None,
        )
    )
    db.session.flush()
    opened = _open_escalations(actor, case, escalations, now=now, calendar=calendar)
    audit.record(
        actor,
        f"case.event.{event.type}",
        "case",
        case.id,
        now=now,
        before={"state": before.state, "dates": _changed(before, snapshot, old=True)},
        after={
            "state": snapshot.state,
            "event": {"on": event.on, **stored},
            "dates": _changed(before, snapshot, old=False),
            "opened": [c.id for c in opened],
        },
    )
    return CaseResult(case, created=True, opened=opened)


def _changed(a: wf.CaseSnapshot, b: wf.CaseSnapshot, *, old: bool) -> dict:
    da, db_ = _dates(a), _dates(b)
    keys = {k for k in set(da) | set(db_) if da.get(k) != db_.get(k)}
    src = da if old else db_
    return {k: src.get(k) for k in sorted(keys)}


def _engine_events(case: Case) -> list[tuple[datetime, wf.Event]]:
    # Offline events may have arrived out of order: the case is what they say in recorded order.
    return sorted(
        ((e.recorded_at, wf.Event(e.type, e.on, dict(e.data))) for e in case.events),
        key=lambda pair: pair[0],
    )


def _replay_with(case: Case, new_event: wf.Event, recorded_at: datetime, calendar):
    events = sorted(_engine_events(case) + [(recorded_at, new_event)], key=lambda pair: pair[0])
    outcome = wf.open_case(
        case.action,
        case.served_on,
        _open_params(case),
        rules=rules(),
        calendar=calendar,
        township=case.township.code if case.township else None,
    )
    snapshot = outcome.case
    escalations: tuple[wf.Escalation, ...] = ()
    for _at, ev in events:
        result = wf.apply(snapshot, ev, rules=rules(), calendar=calendar)
        snapshot = result.case
        if ev is new_event:
            escalations = result.escalations
    return snapshot, escalations


def _open_params(case: Case) -> dict:
    return dict(case.params or {})


def keep_rejected(
    actor: Actor, *, kind: str, error, payload: dict, now: datetime, case_id: int | None = None
) -> Conflict:
    """Store a rejected submission for a reviewer. Called after the failed unit of work was
    rolled back, in its own transaction: what an inspector sent is never dropped."""
    conflict = Conflict(
        kind=kind,
        code=error.code,
        message=error.message,
        case_id=case_id,
        client_uuid=str(payload.get("client_uuid") or "") or None,
        payload=audit.jsonable(payload),
        actor_id=actor.id,
        received_at=now,
    )
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        actor,
        "conflict.keep",
        "conflict",
        conflict.id,
        now=now,
        after={"kind": kind, "code": error.code, "case_id": case_id},
    )
    return conflict


def recompute(
    actor: Actor, *, now: datetime, calendar: wf.Calendar | None = None, batch: int = 500
) -> dict:
    """Replay every case that is not finished with today's calendar and rules (after a holiday
    import or a configuration change); every changed date gets an audit event."""
    calendar = calendar or load_calendar()
    counts = {"cases": 0, "changed": 0, "refused": 0}
    last_id = 0
    while True:
        cases = db.session.scalars(
            select(Case).where(Case.id > last_id).order_by(Case.id).limit(batch)
        ).all()
        if not cases:
            break
        for case in cases:
            last_id = case.id
            if wf.state_info(case.action, case.state).terminal:
                continue
            counts["cases"] += 1
            before = snapshot_of(case)
            try:
                snapshot = wf.replay(
                    case.action,
                    case.served_on,
                    _open_params(case),
                    [e for _, e in _engine_events(case)],
                    rules=rules(),
                    calendar=calendar,
                    township=case.township.code if case.township else None,
                )
            except wf.WorkflowError as exc:
                # A history the rules now refuse (e.g. enforcement requested before a written
                # demand, ACL Art. 54): keep the stored case as it is and say so in the audit
                # trail, so a reviewer can record the missing event; never abort the whole run.
                counts["refused"] += 1
                audit.record(
                    actor,
                    "case.recompute_refused",
                    "case",
                    case.id,
                    now=now,
                    before={"state": case.state},
                    after={
                        "code": exc.code,
                        "message": str(exc),
                        "article": getattr(exc, "article", None),
                    },
                )
                continue
            old, new = _changed(before, snapshot, old=True), _changed(before, snapshot, old=False)
            flags_changed = {
                n
                for n, d in snapshot.deadlines.items()
                if n in before.deadlines and before.deadlines[n].provisional != d.provisional
            }
            if old or new or flags_changed:
                store_snapshot(case, snapshot)
                counts["changed"] += 1
                audit.record(
                    actor,
                    "case.recompute",
                    "case",
                    case.id,
                    now=now,
                    before={"dates": old},
                    after={"dates": new, "provisional_changed": sorted(flags_changed)},
                )
        db.session.flush()
    return counts


def _plain_snapshots(case_ids: list[int]) -> dict[int, wf.CaseSnapshot]:
    """Engine snapshots of many cases from plain rows (three queries, no ORM objects): what
    snapshot_of gives for one loaded case, at a fraction of the cost."""
    from collections import defaultdict

    deadlines: dict[int, dict] = defaultdict(dict)
    for cid, name, due_on, provisional, met_on in db.session.execute(
        select(
            Deadline.case_id, Deadline.name, Deadline.due_on, Deadline.provisional, Deadline.met_on
        ).where(Deadline.case_id.in_(case_ids))
    ):
        deadlines[cid][name] = wf.Deadline(name, due_on, provisional, met_on)
    followups: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
        select(
            FollowUp.case_id,
            FollowUp.key,
            FollowUp.purpose,
            FollowUp.earliest_on,
            FollowUp.due_on,
            FollowUp.unannounced,
            FollowUp.done_on,
            FollowUp.visit_id,
            FollowUp.provisional,
            FollowUp.note,
        ).where(FollowUp.case_id.in_(case_ids))
    ):
        followups[row.case_id].append(
            wf.FollowUp(
                row.key,
                row.purpose,
                row.earliest_on,
                row.due_on,
                row.unannounced,
                row.done_on,
                row.visit_id,
                row.provisional,
                row.note,
            )
        )
    out = {}
    for cid, action, state, served_on, params, facts, township in db.session.execute(
        select(
            Case.id, Case.action, Case.state, Case.served_on, Case.params, Case.facts, Township.code
        )
        .outerjoin(Township, Case.township_id == Township.id)
        .where(Case.id.in_(case_ids))
    ):
        cancelled = wf.cancelled_keys(facts)
        out[cid] = wf.CaseSnapshot(
            action=action,
            state=state,
            served_on=served_on,
            township=township,
            params=dict(params or {}),
            facts=dict(facts or {}),
            deadlines=deadlines[cid],
            followups={f.key: f for f in followups[cid] if f.key not in cancelled},
        )
    return out


def tick(
    actor: Actor,
    *,
    as_of: date,
    now: datetime,
    calendar: wf.Calendar | None = None,
    batch: int = 1000,
) -> list[int]:
    """Apply the time-triggered events (a stop period that ran out, a control gate left open)
    due by ``as_of``; returns the ids of cases opened by the escalations.

    Idempotent: an event applied changes what the engine reads, so a second tick finds nothing,
    and the event's date is the engine's (the day after the period), not ``as_of``: a missed
    day changes nothing. Time makes an event due only when an unmet deadline has passed, so only
    open cases with one are read, in batches of plain rows; the few with a due event are then
    applied through apply_event like any other event."""
    from sqlalchemy import exists

    from enforcement.services.core.queries import open_case_clause

    calendar = calendar or load_calendar()
    opened: list[int] = []
    last_id = 0
    while True:
        ids = db.session.scalars(
            select(Case.id)
            .where(
                Case.id > last_id,
                open_case_clause(),
                exists().where(
                    Deadline.case_id == Case.id, Deadline.met_on.is_(None), Deadline.due_on < as_of
                ),
            )
            .order_by(Case.id)
            .limit(batch)
        ).all()
        if not ids:
            break
        last_id = ids[-1]
        snapshots = _plain_snapshots(list(ids))
        due = [
            (cid, events)
            for cid in ids
            if (events := wf.due_events(snapshots[cid], as_of, rules=rules(), calendar=calendar))
        ]
        for case_id, events in due:
            case = db.session.get_one(Case, case_id)
            for event in events:
                result = apply_event(
                    actor,
                    case,
                    {"type": event.type, "on": event.on, **event.data},
                    now=now,
                    calendar=calendar,
                    trusted=True,
                )
                opened.extend(c.id for c in result.opened)
        db.session.flush()
    return opened


def may_act(actor: Actor, case: Case) -> bool:
    """Whether the actor may record events on the case: pages ask before showing a form whose
    submission the service would refuse anyway."""
    return _can_act(actor, case)
