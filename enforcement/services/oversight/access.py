"""Who may do what in oversight: the desk (reviewers and administrators) manages everything;
a ``unit`` officer sees and answers for his own unit only; inspectors have no part in it."""
from __future__ import annotations

from enforcement.errors import Forbidden
from enforcement.services.core.actor import Actor


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
