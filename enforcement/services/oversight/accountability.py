"""问责: records against a unit or an official, with ground, decision, the deadline to explain
and rectify, the answer and closure. Private to the bureau and the unit concerned; published
only when the bureau decides to. Every step writes an audit event."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from enforcement.errors import Conflict, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import AccountabilityRecord, Case, ResponsibleUnit, Task
from enforcement.models.accountability import DECISIONS, GROUNDS
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.core.shapes import Input
from enforcement.services.oversight import bodies

from enforcement.services.core.scope import township_allowed

from .access import (
    branch_scope,
    record_in_branch,
    require_desk,
    require_own_unit,
    task_in_branch,
    unit_in_branch,
    unit_scope,
    where_branch,
)


def _snapshot(r: AccountabilityRecord) -> dict:
    return {
        "target_kind": r.target_kind,
        "unit_id": r.unit_id,
        "official_name": r.official_name,
        "official_post": r.official_post,
        "ground": r.ground,
        "task_id": r.task_id,
        "case_id": r.case_id,
        "decision": r.decision,
        "decided_on": r.decided_on,
        "respond_by": r.respond_by,
        "answered_on": r.answered_on,
        "closed_on": r.closed_on,
        "published": r.published,
    }


def create_record(
    actor: Actor, data: dict | Input, *, now: datetime, as_of: date
) -> AccountabilityRecord:
    """A record without a ground (or decision, deadline, target) is refused field by field and
    nothing is written. From an overdue task: the unit defaults to its host unit and the ground
    to ``missed_deadline``."""
    require_desk(actor)
    record_input = bodies.ACCOUNTABILITY_CREATE.input(data)
    data = record_input.raw
    fields: dict[str, str] = dict(record_input.problems)
    task_id = record_input["task_id"]
    scope = branch_scope(actor)
    task = (
        db.session.scalar(
            where_branch(select(Task).where(Task.id == task_id), task_in_branch(scope))
        )
        if task_id
        else None
    )
    if task_id and task is None:
        fields["task_id"] = "no such task"
    case_id = record_input["case_id"]
    case = db.session.get(Case, case_id) if case_id else None
    if case_id and (case is None or not township_allowed(actor, case.township_id)):
        fields["case_id"] = "no such case"
    kind = record_input["target_kind"]
    unit_id = record_input["unit_id"]
    if unit_id is None and task is not None:
        unit_id = task.host_unit_id
    if (
        unit_id
        and db.session.scalar(
            where_branch(
                select(ResponsibleUnit.id).where(ResponsibleUnit.id == unit_id),
                unit_in_branch(scope),
            )
        )
        is None
    ):
        fields["unit_id"] = "no such unit"
    name = record_input["official_name"] or ""
    post = record_input["official_post"] or ""
    if kind == "unit" and not unit_id and "unit_id" not in fields:
        fields["unit_id"] = "required"
    if kind == "official":
        if not name:
            fields.setdefault("official_name", "required")
        if not post:
            fields.setdefault("official_post", "required")
    ground = data.get("ground") or ("missed_deadline" if task is not None else "")
    if not ground:
        fields["ground"] = "required"
    elif ground not in GROUNDS:
        fields["ground"] = "one of " + ", ".join(GROUNDS)
    detail = record_input["ground_detail"] or ""
    decision = data.get("decision") or ""
    if not decision:
        fields["decision"] = "required"
    elif decision not in DECISIONS:
        fields["decision"] = "one of " + ", ".join(DECISIONS)
    decided_on = record_input["decided_on"] or as_of
    respond_by = record_input["respond_by"]
    if respond_by and decided_on and respond_by < decided_on:
        fields["respond_by"] = "before the decision"
    if decided_on and decided_on > as_of:
        fields["decided_on"] = "is in the future"
    if (
        scope is not None
        and not fields
        and task is None
        and case is None
        and (
            unit_id is None
            or db.session.scalar(
                select(ResponsibleUnit.id).where(
                    ResponsibleUnit.id == unit_id, unit_in_branch(scope, city_wide=False)
                )
            )
            is None
        )
    ):
        # A branch's record must belong to the branch: a city-wide unit (or an official of
        # none) is held to account by a branch only through its task or case there.
        fields["task_id"] = "name the task or case in your branch"
    if fields:
        raise ValidationError("The accountability record could not be saved.", fields)
    record = AccountabilityRecord(
        target_kind=kind,
        unit_id=unit_id,
        official_name=name,
        official_post=post,
        ground=ground,
        ground_detail=detail,
        task_id=task_id,
        case_id=case_id,
        decision=decision,
        decided_on=decided_on,
        respond_by=respond_by,
        answer="",
        closure_note="",
        published=False,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        actor,
        "accountability.create",
        "accountability_record",
        record.id,
        now=now,
        after=_snapshot(record) | {"ground_detail": detail},
    )
    return record


def get_record(actor: Actor, record_id: int) -> AccountabilityRecord:
    scope = unit_scope(actor)
    record = db.session.scalar(
        where_branch(
            select(AccountabilityRecord).where(AccountabilityRecord.id == record_id),
            record_in_branch(branch_scope(actor)),
        )
    )
    if record is None or (scope is not None and record.unit_id != scope):
        raise NotFound("No such record.")
    return record


def list_records(
    actor: Actor,
    *,
    state: str = "",
    as_of: date,
    unit_id: int | None = None,
    branch_id: int | None = None,
) -> list[AccountabilityRecord]:
    scope = unit_scope(actor)
    stmt = select(AccountabilityRecord).order_by(
        AccountabilityRecord.decided_on.desc(), AccountabilityRecord.id.desc()
    )
    if scope is not None:
        stmt = stmt.where(AccountabilityRecord.unit_id == scope)
    if unit_id is not None:
        stmt = stmt.where(AccountabilityRecord.unit_id == unit_id)
    stmt = where_branch(stmt, record_in_branch(branch_scope(actor, branch_id)))
    rows = list(db.session.scalars(stmt.limit(1000)))
    return [r for r in rows if not state or r.state(as_of) == state]


def answer(
    actor: Actor, record_id: int, data: dict | Input, *, now: datetime, as_of: date
) -> AccountabilityRecord:
    """The unit (or the desk on its behalf) files its explanation and rectification."""
    record = get_record(actor, record_id)
    require_own_unit(actor, [record.unit_id], "record_id")
    answer_input = bodies.ACCOUNTABILITY_ANSWER.input(data)
    fields: dict[str, str] = dict(answer_input.problems)
    body = answer_input["answer"]
    on = answer_input["on"] or as_of
    if on > as_of:
        fields["on"] = "is in the future"
    if on < record.decided_on:
        fields["on"] = "before the decision"
    if fields:
        raise ValidationError("The answer could not be saved.", fields)
    if record.closed_on is not None or record.answered_on is not None:
        raise Conflict("This record is already answered.", {"record_id": "already answered"})
    before = _snapshot(record)
    record.answer = body
    record.answered_on = on
    db.session.flush()
    audit.record(
        actor,
        "accountability.answer",
        "accountability_record",
        record.id,
        now=now,
        before=before,
        after=_snapshot(record) | {"answer": body},
    )
    return record


def close(
    actor: Actor, record_id: int, data: dict | Input, *, now: datetime, as_of: date
) -> AccountabilityRecord:
    require_desk(actor)
    record = get_record(actor, record_id)
    close_input = bodies.ACCOUNTABILITY_CLOSE.input(data)
    fields: dict[str, str] = dict(close_input.problems)
    note = close_input["note"]
    on = close_input["on"] or as_of
    if on > as_of:
        fields["on"] = "is in the future"
    if fields:
        raise ValidationError("The record could not be closed.", fields)
    if record.closed_on is not None:
        raise Conflict("This record is already closed.", {"record_id": "already closed"})
    before = _snapshot(record)
    record.closed_on = on
    record.closure_note = note
    db.session.flush()
    audit.record(
        actor,
        "accountability.close",
        "accountability_record",
        record.id,
        now=now,
        before=before,
        after=_snapshot(record) | {"note": note},
    )
    return record


def publish(actor: Actor, record_id: int, *, now: datetime) -> AccountabilityRecord:
    """The bureau decides to make the record public (通报)."""
    require_desk(actor)
    record = get_record(actor, record_id)
    if record.published:
        raise Conflict("Already published.", {"record_id": "already published"})
    record.published = True
    db.session.flush()
    audit.record(
        actor,
        "accountability.publish",
        "accountability_record",
        record.id,
        now=now,
        before={"published": False},
        after={"published": True},
    )
    return record


def record_row(r: AccountabilityRecord, as_of: date) -> dict:
    return {
        "id": r.id,
        "target_kind": r.target_kind,
        "unit_id": r.unit_id,
        "unit": r.unit.name if r.unit else None,
        "official_name": r.official_name,
        "official_post": r.official_post,
        "ground": r.ground,
        "ground_detail": r.ground_detail,
        "task_id": r.task_id,
        "case_id": r.case_id,
        "decision": r.decision,
        "decided_on": r.decided_on.isoformat(),
        "respond_by": r.respond_by.isoformat(),
        "answer": r.answer,
        "answered_on": r.answered_on.isoformat() if r.answered_on else None,
        "closed_on": r.closed_on.isoformat() if r.closed_on else None,
        "closure_note": r.closure_note,
        "published": r.published,
        "state": r.state(as_of),
    }
