"""Branch scoping (分局, issue 20): which townships an officer's work is confined to.

An officer (inspector, reviewer, administrator) with a ``branch_id`` acts within his branch: he
sees and opens the cases, enterprises, visits and complaints of his branch's townships only.
City staff (no ``branch_id``) see all, and may choose one branch. An installation without
branches has no officer with a ``branch_id``, so nothing here filters anything: it behaves
exactly as before.

One function, ``allowed_township_ids``, answers "which townships" as a subquery; every list,
the map and the by-id guard apply it as one filter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from enforcement.errors import Forbidden
from enforcement.extensions import db
from enforcement.models import Branch, Township

from .actor import Actor

#: The townships a query is confined to (a subquery of ids), or None for every township.
TownshipFilter = Select[Any] | None


def branch_townships(branch_id: int) -> Select[Any]:
    """The ids of a branch's townships, as a subquery."""
    return select(Township.id).where(Township.branch_id == branch_id)


def scoped_branch_id(actor: Actor | None, requested: int | None = None) -> int | None:
    """The branch a request is confined to. An officer of a branch always gets his own (asking
    for another is refused, naming ``branch``); city staff get the branch they chose, or None
    (the whole city)."""
    own = getattr(actor, "branch_id", None) if actor is not None else None
    if own:
        if requested not in (None, own):
            raise Forbidden(
                "Officers of a branch see their own branch only.", {"branch": "not your branch"}
            )
        return own
    return requested


def branch_id_of_code(code: str | None) -> int | None:
    """A branch's id from its code (None for no code or an unknown one)."""
    code = (code or "").strip()[:40]
    if not code or "\x00" in code:
        return None
    try:
        code.encode("utf-8")  # a lone surrogate cannot be a code (nor reach the database)
    except UnicodeEncodeError:
        return None
    return db.session.scalar(select(Branch.id).where(Branch.code == code))


def allowed_township_ids(actor: Actor | None, branch_id: int | None = None) -> TownshipFilter:
    """The townships this actor may see, as a subquery to use with ``column.in_(...)``; None
    means every township (city staff without a chosen branch, or no branches at all)."""
    scoped = scoped_branch_id(actor, branch_id)
    return None if scoped is None else branch_townships(scoped)


def township_allowed(actor: Actor | None, township_id: int | None) -> bool:
    """May this actor open a record placed in this township? A record of no township belongs
    to the city: a branch officer may not open it."""
    own = getattr(actor, "branch_id", None) if actor is not None else None
    if not own:
        return True
    if township_id is None:
        return False
    return db.session.scalar(select(Township.branch_id).where(Township.id == township_id)) == own
