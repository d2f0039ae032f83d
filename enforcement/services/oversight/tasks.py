"""The responsibility table (责任分解表) as tasks: assigned → delivered, or overdue on any day
after the deadline without delivery (derived from ``as_of``, never stored). The host unit's
officer reports delivery; co-units see the task; the desk assigns it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from enforcement.errors import Conflict, Forbidden, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import Case, ResponsibleUnit, Task, Township, task_co_unit
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import parse_ids, text
from enforcement.services.core.shapes import Input
from enforcement.services.oversight import bodies
from enforcement.services.core.scope import township_allowed

from .access import (
    branch_scope,
    require_desk,
    require_own_unit,
    task_in_branch,
    unit_in_branch,
    unit_scope,
    where_branch,
)

STATES = ("assigned", "delivered", "overdue")


def _snapshot(task: Task) -> dict:
    return {
        "title": task.title,
        "campaign": task.campaign,
        "case_id": task.case_id,
        "township_id": task.township_id,
        "lead_leader": task.lead_leader,
        "host_unit_id": task.host_unit_id,
        "co_unit_ids": [u.id for u in task.co_units],
        "responsible_person": task.responsible_person,
        "assigned_on": task.assigned_on,
        "deadline": task.deadline,
        "done_on": task.done_on,
    }


_ids = parse_ids  # record ids: one parser for bodies and forms (services.core.parsing)


def create_task(actor: Actor, data: dict | Input, *, now: datetime, as_of: date) -> Task:
    """Assign one line of the responsibility table. A task without a deadline or a host unit is
    refused with field errors and nothing is written."""
    require_desk(actor)
    task_input = bodies.TASK_CREATE.input(data)
    data = task_input.raw
    fields: dict[str, str] = dict(task_input.problems)
    title = task_input["title"]
    detail = task_input["detail"]
    campaign = task_input["campaign"]
    lead = task_input["lead_leader"]
    person = task_input["responsible_person"]
    deadline = task_input["deadline"]
    assigned_on = task_input["assigned_on"] or as_of
    host_id = task_input["host_unit_id"]
    co_ids = _ids(data.get("co_unit_ids"), "co_unit_ids", fields)
    case_id = task_input["case_id"]
    scope = branch_scope(actor)
    host = _unit(host_id, scope) if host_id else None
    if host_id and host is None:
        fields["host_unit_id"] = "no such unit"
    co_units = []
    for cid in co_ids:
        unit = _unit(cid, scope)
        if unit is None:
            fields["co_unit_ids"] = f"no such unit: {cid}"
        elif cid == host_id:
            fields["co_unit_ids"] = "the host unit is not also a co-unit"
        elif unit not in co_units:
            co_units.append(unit)
    case = db.session.get(Case, case_id) if case_id else None
    if case_id and (case is None or not township_allowed(actor, case.township_id)):
        fields["case_id"] = "no such case"
    township_id = None
    if data.get("township"):
        township_id = db.session.scalar(
            select(Township.id).where(Township.code == str(data["township"]))
        )
        if township_id is None or not township_allowed(actor, township_id):
            fields["township"] = "no such township"
    if deadline and assigned_on and deadline < assigned_on:
        fields["deadline"] = "before the day it is assigned"
    if fields:
        raise ValidationError("The task could not be assigned.", fields)
    assert host is not None  # else fields named it
    if township_id is None:
        township_id = case.township_id if case is not None else host.township_id
    task = Task(
        title=title,
        detail=detail or "",
        campaign=campaign or "",
        case_id=case_id,
        township_id=township_id,
        lead_leader=lead or "",
        host_unit_id=host.id,
        responsible_person=person or "",
        assigned_on=assigned_on,
        deadline=deadline,
        report="",
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    task.co_units = co_units
    db.session.add(task)
    db.session.flush()
    audit.record(actor, "task.assign", "task", task.id, now=now, after=_snapshot(task))
    return task


def _unit(unit_id: int, branch_id: int | None) -> ResponsibleUnit | None:
    """A unit the actor may name: within his branch (or city-wide); None otherwise."""
    stmt = where_branch(
        select(ResponsibleUnit).where(ResponsibleUnit.id == unit_id), unit_in_branch(branch_id)
    )
    return db.session.scalar(stmt)


def _visible(stmt, unit_id: int | None):
    if unit_id is None:
        return stmt
    return stmt.where(
        or_(
            Task.host_unit_id == unit_id,
            exists().where(task_co_unit.c.task_id == Task.id, task_co_unit.c.unit_id == unit_id),
        )
    )


def get_task(actor: Actor, task_id: int) -> Task:
    """A task; a unit officer gets only his unit's (as host or co-unit), an officer of a branch
    only his branch's: 404 otherwise, so that the others' tasks cannot even be counted."""
    scope = unit_scope(actor)
    stmt = where_branch(
        _visible(select(Task).where(Task.id == task_id), scope), task_in_branch(branch_scope(actor))
    )
    task = db.session.scalar(stmt.options(selectinload(Task.co_units)))
    if task is None:
        raise NotFound("No such task.")
    return task


@dataclass(frozen=True)
class TaskFilter:
    as_of: date
    state: str = ""
    unit_id: int | None = None
    township_id: int | None = None
    case_id: int | None = None
    branch_id: int | None = None


def state_clause(state: str, as_of: date):
    if state == "delivered":
        return Task.done_on.is_not(None)
    if state == "overdue":
        return and_(Task.done_on.is_(None), Task.deadline < as_of)
    if state == "assigned":
        return and_(Task.done_on.is_(None), Task.deadline >= as_of)
    raise ValidationError("Unknown task state.", {"state": "one of " + ", ".join(STATES)})


def list_tasks(actor: Actor, f: TaskFilter, *, limit: int = 500) -> list[Task]:
    scope = unit_scope(actor)
    if actor.is_unit and f.unit_id not in (None, actor.unit_id):
        raise Forbidden("Your unit's tasks only.", {"unit": "not your unit"})
    stmt = _visible(select(Task), scope)
    if f.state:
        stmt = stmt.where(state_clause(f.state, f.as_of))
    if f.unit_id is not None:
        stmt = _visible(stmt, f.unit_id)
    if f.township_id is not None:
        stmt = stmt.where(Task.township_id == f.township_id)
    if f.case_id is not None:
        stmt = stmt.where(Task.case_id == f.case_id)
    stmt = where_branch(stmt, task_in_branch(branch_scope(actor, f.branch_id)))
    stmt = (
        stmt.options(
            selectinload(Task.co_units), selectinload(Task.host_unit), selectinload(Task.township)
        )
        .order_by(Task.deadline, Task.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def report_delivery(
    actor: Actor, task_id: int, data: dict | Input, *, now: datetime, as_of: date
) -> Task:
    """The host unit (or the desk) reports the task done on a day no later than today."""
    task = get_task(actor, task_id)
    require_own_unit(actor, [task.host_unit_id], "task_id")
    if not (actor.is_unit or actor.is_reviewer):
        raise Forbidden("Your role may not do this.")
    delivery = bodies.TASK_DELIVERY.input(data)
    fields: dict[str, str] = dict(delivery.problems)
    done_on, report = delivery["done_on"], delivery["report"]
    if done_on and done_on > as_of:
        fields["done_on"] = "is in the future"
    if done_on and done_on < task.assigned_on:
        fields["done_on"] = "before the task was assigned"
    if fields:
        raise ValidationError("The delivery could not be reported.", fields)
    if task.done_on is not None:
        raise Conflict("This task is already delivered.", {"task_id": "already delivered"})
    before = _snapshot(task)
    task.done_on = done_on
    task.report = report
    task.reported_by_id = actor.id
    task.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "task.deliver",
        "task",
        task.id,
        now=now,
        before=before,
        after=_snapshot(task) | {"report": report},
    )
    return task


def reopen(actor: Actor, task_id: int, data: dict, *, now: datetime) -> Task:
    """The desk finds a reported delivery not done (e.g. on a supervision visit): reopen it."""
    require_desk(actor)
    task = get_task(actor, task_id)
    reason = text(data.get("reason"), "reason", required=True, max_length=1000)
    if task.done_on is None:
        raise Conflict("This task is not delivered.", {"task_id": "not delivered"})
    before = _snapshot(task)
    task.done_on = None
    task.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "task.reopen",
        "task",
        task.id,
        now=now,
        before=before,
        after=_snapshot(task) | {"reason": reason},
    )
    return task


def task_row(task: Task, as_of: date) -> dict:
    state = task.state(as_of)
    return {
        "id": task.id,
        "title": task.title,
        "detail": task.detail,
        "campaign": task.campaign,
        "case_id": task.case_id,
        "township": task.township.code if task.township else None,
        "township_name": task.township.name if task.township else None,
        "lead_leader": task.lead_leader,
        "host_unit_id": task.host_unit_id,
        "host_unit": task.host_unit.name if task.host_unit else None,
        "co_unit_ids": [u.id for u in task.co_units],
        "co_units": [u.name for u in task.co_units],
        "responsible_person": task.responsible_person,
        "assigned_on": task.assigned_on.isoformat(),
        "deadline": task.deadline.isoformat(),
        "done_on": task.done_on.isoformat() if task.done_on else None,
        "state": state,
        "on_time": task.on_time,
        "days_overdue": (as_of - task.deadline).days if state == "overdue" else 0,
        "report": task.report,
    }
