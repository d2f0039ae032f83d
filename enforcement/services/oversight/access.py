"""Who may do what in oversight: the desk (reviewers and administrators) manages everything;
a ``unit`` officer sees and answers for his own unit only; inspectors have no part in it.

Branches (分局): an officer of a branch sees and acts on his branch's records only; a record of
another branch is "not found" (404, like another unit's task for a unit officer, so that its
existence does not leak). Which branch a record belongs to:

- a unit: its ``branch_id``, or its township's branch; a unit of no branch and no township (a
  city-wide department, the power company) may be seen and named by every branch;
- a task: its township's branch, or its host unit's branch (by ``branch_id`` or township);
- a supervision visit: its township's branch, or its unit's;
- an accountability record: its unit's, its task's, or its case's township's branch."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select

from enforcement.errors import Forbidden
from enforcement.models import AccountabilityRecord, Case, ResponsibleUnit, SupervisionVisit, Task
from enforcement.services.core.actor import Actor
from enforcement.services.core.scope import branch_townships, scoped_branch_id


def require_desk(actor: Actor) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only the bureau desk may do this.", {"role": "reviewer or administrator"})


def require_reader(actor: Actor) -> None:
    if not (actor.is_reviewer or actor.is_unit):
        raise Forbidden("Your role may not see this.", {"role": "reviewer, administrator or unit"})


def unit_scope(actor: Actor) -> int | None:
    """The unit an officer is confined to (None: all units). A unit officer without a unit
    sees nothing: -1 matches no row."""
    require_reader(actor)
    if actor.is_unit:
        return actor.unit_id or -1
    return None


def require_own_unit(actor: Actor, unit_ids, field: str) -> None:
    """A unit officer acting on a record of another unit: refused, naming the field."""
    if actor.is_unit and actor.unit_id not in set(unit_ids):
        raise Forbidden("This belongs to another unit.", {field: "not your unit's"})


# ---------------------------------------------------------------- branches


def branch_scope(actor: Actor, requested: int | None = None) -> int | None:
    """The branch this request is confined to (None: the whole city). Unit officers are confined
    by their unit already, so only desk officers are scoped here."""
    if actor.is_unit:
        return requested
    return scoped_branch_id(actor, requested)


def _branch_units(branch_id: int):
    """The ids of the units that belong to a branch (strictly: not the city-wide ones)."""
    return select(ResponsibleUnit.id).where(
        or_(
            ResponsibleUnit.branch_id == branch_id,
            and_(
                ResponsibleUnit.branch_id.is_(None),
                ResponsibleUnit.township_id.in_(branch_townships(branch_id)),
            ),
        )
    )


def unit_in_branch(branch_id: int | None, *, city_wide: bool = True):
    """Units visible within a branch; with ``city_wide`` the units of no branch and no township
    too (every branch works with the city's departments)."""
    if branch_id is None:
        return None
    clause: ColumnElement[bool] = ResponsibleUnit.id.in_(_branch_units(branch_id))
    if city_wide:
        clause = or_(
            clause, and_(ResponsibleUnit.branch_id.is_(None), ResponsibleUnit.township_id.is_(None))
        )
    return clause


def task_in_branch(branch_id: int | None):
    if branch_id is None:
        return None
    return or_(
        Task.township_id.in_(branch_townships(branch_id)),
        Task.host_unit_id.in_(_branch_units(branch_id)),
    )


def visit_in_branch(branch_id: int | None):
    if branch_id is None:
        return None
    return or_(
        SupervisionVisit.township_id.in_(branch_townships(branch_id)),
        SupervisionVisit.unit_id.in_(_branch_units(branch_id)),
    )


def record_in_branch(branch_id: int | None):
    if branch_id is None:
        return None
    return or_(
        AccountabilityRecord.unit_id.in_(_branch_units(branch_id)),
        AccountabilityRecord.task_id.in_(select(Task.id).where(task_in_branch(branch_id))),
        AccountabilityRecord.case_id.in_(
            select(Case.id).where(Case.township_id.in_(branch_townships(branch_id)))
        ),
    )


def where_branch(stmt, clause):
    """Apply a branch clause (None: no branch, nothing to filter)."""
    return stmt if clause is None else stmt.where(clause)
