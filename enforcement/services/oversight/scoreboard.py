"""考核: the scoreboard the campaign is judged by, per township and per unit, for any period.

Every figure is counted from the stored records of the period by services.tally.figures:

- ``firms_found``: enterprises with a case served in the period;
- ``closed``: closure cases whose execution (两断三清) happened in the period;
- ``rectified_on_time``: rectify cases whose ``rectify_by`` was met in the period, on or before it;
- ``overdue_orders``: open cases overdue on ``end`` (their watched deadline has passed);
- ``rebounds``: closed firms found operating again in the period;
- ``complaints`` and ``complaints_answered_on_time`` (answered on or before ``answer_by``);
- ``tasks_due``, ``tasks_on_time`` (delivered on or before the deadline) and ``tasks_overdue``
  (undelivered after the deadline on ``end``) for tasks whose deadline falls in the period;
- ``accountability``: records decided in the period against the units of the township.

The score is 100 plus the weighted figures (``SCOREBOARD_WEIGHTS``, documented in
docs/oversight.md); the ranking orders by score, then by fewer overdue orders, then by code."""

from __future__ import annotations

from sqlalchemy import func, select

from enforcement.extensions import db
from enforcement.models import AccountabilityRecord, ResponsibleUnit, Task, Township
from enforcement.services.core.actor import Actor
from enforcement.services.tally import weights as W
from enforcement.services.tally.figures import FIGURES, Period, blank, count_task, township_figures

from .access import branch_scope, require_reader, unit_in_branch

__all__ = ["FIGURES", "Period", "township_figures", "townships", "units", "score", "city_total"]

DEFAULT_WEIGHTS = W.DEFAULTS


def weights() -> dict:
    """The weights validated at start-up (services/tally/weights.py)."""
    return W.from_app()


def share(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 4)


def score(row: dict, w: dict | None = None) -> float:
    return W.score(row, w or weights())


def formula(*, zh: bool = True) -> str:
    """How the score is made, in one line (the ranking page and the export print it)."""
    return W.formula(weights(), zh=zh)


def _finish(rows: list[dict]) -> list[dict]:
    w = weights()
    for row in rows:
        row["complaint_share"] = share(row["complaints_answered_on_time"], row["complaints"])
        row["task_share"] = share(row["tasks_on_time"], row["tasks_due"])
        row["score"] = score(row, w)
    return W.rank(rows)


def townships(actor: Actor, p: Period, *, branch_id: int | None = None) -> list[dict]:
    """The townships ranked for the period; with ``branch_id`` only that branch's."""
    require_reader(actor)
    branch_id = branch_scope(actor, branch_id)
    table = township_figures(p)
    stmt = select(Township).order_by(Township.code)
    if branch_id is not None:
        stmt = stmt.where(Township.branch_id == branch_id)
    rows = [
        {
            "township_id": t.id,
            "code": t.code,
            "name": t.name,
            "name_en": t.name_en,
            "branch_id": t.branch_id,
            **table.get(t.id, blank()),
        }
        for t in db.session.scalars(stmt)
    ]
    return _finish(rows)


def units(actor: Actor, p: Period, *, branch_id: int | None = None) -> list[dict]:
    """The units ranked for the period on their own tasks (as host) and accountability records;
    a township government or park committee also carries its township's enforcement figures."""
    require_reader(actor)
    stmt = select(ResponsibleUnit).order_by(ResponsibleUnit.code)
    branch_id = branch_scope(actor, branch_id)
    if branch_id is not None:
        stmt = stmt.where(unit_in_branch(branch_id, city_wide=False))
    if actor.is_unit:
        stmt = stmt.where(ResponsibleUnit.id == (actor.unit_id or -1))
    unit_list = list(db.session.scalars(stmt))
    town = township_figures(p)
    rows = {}
    for u in unit_list:
        row = {"unit_id": u.id, "code": u.code, "name": u.name, "kind": u.kind, **blank()}
        if u.kind in ("township_gov", "park_committee") and u.township_id is not None:
            figures = town.get(u.township_id, blank())
            for key in (
                "firms_found",
                "closed",
                "rectified_on_time",
                "overdue_orders",
                "rebounds",
                "complaints",
                "complaints_answered_on_time",
            ):
                row[key] = figures[key]
        rows[u.id] = row
    for task in db.session.scalars(
        select(Task).where(Task.deadline >= p.start, Task.deadline <= p.end)
    ):
        if task.host_unit_id in rows:
            count_task(rows[task.host_unit_id], task, p)
    for uid, n in db.session.execute(
        select(AccountabilityRecord.unit_id, func.count())
        .where(AccountabilityRecord.decided_on >= p.start, AccountabilityRecord.decided_on <= p.end)
        .group_by(AccountabilityRecord.unit_id)
    ):
        if uid in rows:
            rows[uid]["accountability"] = n
    return _finish(list(rows.values()))


def city_total(rows: list[dict]) -> dict:
    """The roll-up of township rows (a branch's or the whole city's)."""
    total = {k: sum(r[k] for r in rows) for k in FIGURES}
    total["complaint_share"] = share(total["complaints_answered_on_time"], total["complaints"])
    total["task_share"] = share(total["tasks_on_time"], total["tasks_due"])
    return total


def record_export(actor: Actor, p: Period, *, by: str, rows: int, now) -> None:
    """Every export is an audit event."""
    from enforcement.services.core import audit

    audit.record(
        actor,
        "scoreboard.export",
        "scoreboard",
        by,
        now=now,
        after={"from": p.start, "to": p.end, "rows": rows, "format": "xlsx"},
    )
