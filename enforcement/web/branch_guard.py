"""Branch scoping of the by-id routes (分局, issue 20): an officer of a branch who names a case,
an enterprise, a visit or a photo of another branch's township in a URL gets 404, on every page
and API route alike, as if it did not exist (its existence must not leak). City staff and every
installation without branches are untouched: the guard returns at once for them.

One guard for every route, keyed by the URL's parameter names, so that a new route naming a
``case_id`` is scoped without anyone remembering to (tests/test_branch_scope.py tries them all)."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..models import Case, Complaint, Conflict, Draw, Enterprise, FollowUp, Photo, Visit
from ..services.core.actor import Actor
from ..services.core.scope import allowed_township_ids, branch_id_of_code, township_allowed

#: URL parameter → the query for the township of the record it names.
_TOWNSHIP_OF = {
    "case_id": lambda v: select(Case.township_id).where(Case.id == v),
    "enterprise_id": lambda v: select(Enterprise.township_id).where(Enterprise.id == v),
    "visit_id": lambda v: (
        select(Enterprise.township_id)
        .join(Visit, Visit.enterprise_id == Enterprise.id)
        .where(Visit.id == v)
    ),
    "photo_id": lambda v: (
        select(Enterprise.township_id)
        .join(Visit, Visit.enterprise_id == Enterprise.id)
        .join(Photo, Photo.visit_id == Visit.id)
        .where(Photo.id == v)
    ),
    "client_uuid": lambda v: (
        select(Enterprise.township_id)
        .join(Visit, Visit.enterprise_id == Enterprise.id)
        .where(Visit.client_uuid == str(v))
    ),
    "followup_id": lambda v: (
        select(Case.township_id).join(FollowUp, FollowUp.case_id == Case.id).where(FollowUp.id == v)
    ),
    "complaint_id": lambda v: select(Complaint.township_id).where(Complaint.id == v),
    "draw_id": lambda v: select(Draw.township_id).where(Draw.id == v),  # of no township: the city's
}


def _conflict_township(value) -> tuple | None:
    """A conflict's township is read from its case or its kept payload (services/desk/conflicts)."""
    from ..services.desk.conflicts import township_of

    row = db.session.get(Conflict, value)
    return None if row is None else (township_of(row),)


#: URL parameter → a function answering (township,) of the record it names, or None.
_TOWNSHIP_BY = {"conflict_id": _conflict_township}
#: Ids the pages also take from the query string or a form (``/m/serve?enterprise_id=``,
#: ``/m/enterprises/1/visit?followup=``): name → the parameter it stands for.
_QUERY_IDS = {
    "enterprise_id": "enterprise_id",
    "visit_id": "visit_id",
    "visit": "visit_id",
    "case_id": "case_id",
    "followup_id": "followup_id",
    "followup": "followup_id",
}
SCOPED_PARAMETERS = frozenset(_TOWNSHIP_OF) | frozenset(_TOWNSHIP_BY)


def check(actor: Actor | None, view_args: dict | None) -> None:
    """Raise NotFound when a by-id parameter names a record outside the actor's branch."""
    if actor is None or not actor.branch_id or actor.is_unit or not view_args:
        return
    for name, value in view_args.items():
        query, lookup = _TOWNSHIP_OF.get(name), _TOWNSHIP_BY.get(name)
        if (query is None and lookup is None) or value is None:
            continue
        found = lookup(value) if lookup is not None else db.session.execute(query(value)).first()  # type: ignore[misc]
        if found is None:
            continue  # the route answers its own 404
        if not township_allowed(actor, found[0]):
            raise NotFound("No such record.")


def confine_branch_officers() -> None:
    """before_request for the pages (the API checks in ``api.authenticated``, where its bearer
    token is known)."""
    if (
        request.blueprint == "api"
        or not current_user.is_authenticated
        or not getattr(current_user, "branch_id", None)
    ):
        return
    ids = dict(request.view_args or {})
    for name, param in _QUERY_IDS.items():
        raw = request.values.get(name) or ""
        if raw.isdigit() and len(raw) < 10:
            ids.setdefault(param, int(raw))
    check(Actor.of(current_user), ids)


# ---------------------------------------------------------------- lists and the map


def page_branch():
    """The branch a page is confined to: an officer of a branch always gets his own (whatever
    ``?branch=`` says); city staff choose one with ``?branch=CODE`` or see the whole city."""
    from ..models import Branch

    own = getattr(current_user, "branch_id", None) if current_user.is_authenticated else None
    if own:
        return db.session.get(Branch, own)
    branch_id = branch_id_of_code(request.args.get("branch"))
    return db.session.get(Branch, branch_id) if branch_id else None


def page_townships():
    """The townships a page's list or map shows (a subquery), None for all: one filter."""
    branch = page_branch()
    actor = Actor.of(current_user) if current_user.is_authenticated else None
    return allowed_township_ids(actor, branch.id if branch else None)


def branches() -> list:
    from ..models import Branch

    return list(db.session.scalars(select(Branch).order_by(Branch.code)))
