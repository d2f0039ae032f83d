"""Counting the campaign's figures per township for a period ``[start, end]`` (bureau days).

- ``firms_found``: enterprises with a case served in the period;
- ``closed``: closure cases whose execution (两断三清) happened in the period;
- ``rectified_on_time``: rectify cases whose ``rectify_by`` was met in the period, on or before it;
- ``overdue_orders``: open cases overdue on ``end`` (their watched deadline has passed);
- ``rebounds``: closed firms found operating again in the period;
- ``complaints`` and ``complaints_answered_on_time`` (answered on or before ``answer_by``);
- ``tasks_due``, ``tasks_on_time`` (delivered on or before the deadline) and ``tasks_overdue``
  (undelivered after the deadline on ``end``) for tasks whose deadline falls in the period;
- ``accountability``: records decided in the period against the units of the township."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from enforcement.errors import ValidationError
from enforcement.extensions import db
from enforcement.models import (
    AccountabilityRecord,
    Case,
    Complaint,
    Deadline,
    ResponsibleUnit,
    Task,
)
from enforcement.services.core.queries import open_case_clause, overdue_deadline_clause

FIGURES = (
    "firms_found",
    "closed",
    "rectified_on_time",
    "overdue_orders",
    "rebounds",
    "complaints",
    "complaints_answered_on_time",
    "tasks_due",
    "tasks_on_time",
    "tasks_overdue",
    "accountability",
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def parse(cls, start, end) -> "Period":
        fields = {}
        try:
            s = date.fromisoformat(str(start))
        except ValueError:
            fields["from"] = "expected YYYY-MM-DD"
        try:
            e = date.fromisoformat(str(end))
        except ValueError:
            fields["to"] = "expected YYYY-MM-DD"
        if not fields and e < s:
            fields["to"] = "before from"
        if fields:
            raise ValidationError("The period is not valid.", fields)
        return cls(s, e)


def blank() -> dict:
    return {k: 0 for k in FIGURES}


def _in(day_iso, p: Period) -> bool:
    return bool(day_iso) and p.start.isoformat() <= str(day_iso)[:10] <= p.end.isoformat()


def township_figures(p: Period) -> dict:
    """{township_id (None: no township): figures} over the whole installation."""
    table: dict = {}

    def b(tid):
        return table.setdefault(tid, blank())

    for tid, n in db.session.execute(
        select(Case.township_id, func.count(func.distinct(Case.enterprise_id)))
        .where(Case.served_on >= p.start, Case.served_on <= p.end)
        .group_by(Case.township_id)
    ):
        b(tid)["firms_found"] = n
    for tid, facts in db.session.execute(
        select(Case.township_id, Case.facts).where(Case.action == "close")
    ):
        facts = facts or {}
        if _in(facts.get("executed_on"), p):
            b(tid)["closed"] += 1
        if _in(facts.get("rebounded_on"), p):
            b(tid)["rebounds"] += 1
    for tid, n in db.session.execute(
        select(Case.township_id, func.count())
        .join(Deadline, Deadline.case_id == Case.id)
        .where(
            Case.action == "rectify",
            Deadline.name == "rectify_by",
            Deadline.met_on >= p.start,
            Deadline.met_on <= p.end,
            Deadline.met_on <= Deadline.due_on,
        )
        .group_by(Case.township_id)
    ):
        b(tid)["rectified_on_time"] = n
    for tid, n in db.session.execute(
        select(Case.township_id, func.count())
        .where(open_case_clause(), overdue_deadline_clause(p.end))
        .group_by(Case.township_id)
    ):
        b(tid)["overdue_orders"] = n
    for tid, answered_on, answer_by in db.session.execute(
        select(Complaint.township_id, Complaint.answered_on, Complaint.answer_by).where(
            Complaint.received_on >= p.start, Complaint.received_on <= p.end
        )
    ):
        row = b(tid)
        row["complaints"] += 1
        if answered_on is not None and answered_on <= answer_by:
            row["complaints_answered_on_time"] += 1
    for task in db.session.scalars(
        select(Task).where(Task.deadline >= p.start, Task.deadline <= p.end)
    ):
        count_task(b(task.township_id), task, p)
    for tid, n in db.session.execute(
        select(ResponsibleUnit.township_id, func.count())
        .select_from(AccountabilityRecord)
        .join(ResponsibleUnit, ResponsibleUnit.id == AccountabilityRecord.unit_id)
        .where(AccountabilityRecord.decided_on >= p.start, AccountabilityRecord.decided_on <= p.end)
        .group_by(ResponsibleUnit.township_id)
    ):
        b(tid)["accountability"] = n
    return table


def count_task(row: dict, task: Task, p: Period) -> None:
    row["tasks_due"] += 1
    if task.done_on is not None and task.done_on <= task.deadline:
        row["tasks_on_time"] += 1
    elif task.state(p.end) == "overdue":
        row["tasks_overdue"] += 1
