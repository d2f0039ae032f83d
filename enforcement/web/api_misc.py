"""API: follow-up worklist and complaints."""

from __future__ import annotations

from flask import g, jsonify, request
from sqlalchemy import select

from ..clock import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..models import User
from ..services.desk import complaints
from ..services.casework import followups
from ..services.core import scope
from ..services.core.parsing import collecting
from .api import KEPT_ERRORS, authenticated, body_input, bp, rejected
from . import params
from .params import arg_bool, arg_int, as_of, encode_cursor
from .params import cursor as decode_cursor
from .params import limit as limit_arg


def _assignee_id(fields: dict) -> int | None:
    name = (request.args.get("assignee") or "").strip()
    if not name:
        return None
    if name == "me":
        return g.actor.id
    found = db.session.scalar(select(User.id).where(User.username == name))
    if found is None:
        fields["assignee"] = "no such user (or use me)"
    return found


@bp.get("/followups")
@authenticated()
def list_followups():
    fields: dict[str, str] = {}
    check = collecting(fields)

    near = check(params.near)
    position = check(lambda: decode_cursor(("offset",) if near else ("due", "id"))) or {}
    if position.get("due") is not None and not 1 <= position["due"] <= 3_652_059:
        fields["cursor"] = "not a cursor from this API"
    query = followups.FollowupQuery(
        as_of=check(as_of),
        assignee_id=_assignee_id(fields),
        due_within=check(lambda: arg_int("due_within", minimum=0, maximum=366)),
        overdue=bool(check(lambda: arg_bool("overdue"))),
        near=near,
        limit=check(limit_arg) or 100,
        after=(position["due"], position["id"]) if "due" in position else None,
        offset=position.get("offset", 0),
        townships_within=scope.allowed_township_ids(g.actor),
    )  # a branch's only (issue 20)
    if fields:
        raise ValidationError("The query has invalid parameters.", fields)
    items, position = followups.search(query)
    return jsonify(items=items, next_cursor=encode_cursor(position) if position else None)


@bp.post("/complaints")
@authenticated()
def record_complaint():
    data = body_input("ComplaintCreate")
    try:
        complaint, created = complaints.record_complaint_result(g.actor, data, now=utcnow())
    except KEPT_ERRORS as exc:
        rejected("complaint", exc, data.raw)
    return jsonify(complaints.complaint_dict(complaint)), 201 if created else 200
