"""API: cases and their events (conflicts kept for a reviewer, never dropped)."""

from __future__ import annotations

from flask import g, jsonify

from ..clock import utcnow
from ..errors import ValidationError
from ..services.casework import cases, serialize
from .api import REFUSED_ERRORS, authenticated, body_input, bp, raw_object, refused, rejected
from .params import as_of


@bp.post("/cases")
@authenticated()
def open_case():
    raw = raw_object()
    day = as_of()
    try:
        data = body_input("CaseCreate")
        result = cases.open_case(g.actor, data, now=utcnow())
    except ValidationError as exc:
        refused("case", exc, raw)
    except REFUSED_ERRORS as exc:
        rejected("case", exc, data.raw)
    return jsonify(serialize.case_dict(result.case, day)), 201 if result.created else 200


@bp.get("/cases/<int:case_id>")
@authenticated()
def get_case(case_id: int):
    day = as_of()
    # Every officer may read a case (on site they need its history); acting is limited to
    # those on it (services.cases).
    return jsonify(serialize.case_dict(cases.get_case(case_id), day))


@bp.post("/cases/<int:case_id>/events")
@authenticated()
def case_event(case_id: int):
    raw = raw_object()
    day = as_of()
    try:
        data = body_input("CaseEvent")
        case = cases.get_case(case_id)
        result = cases.apply_event(g.actor, case, data, now=utcnow())
    except ValidationError as exc:
        refused("case_event", exc, raw, case_id)
    except REFUSED_ERRORS as exc:
        rejected("case_event", exc, data.raw, case_id)
    view = serialize.case_dict(result.case, day)
    view["opened_case_ids"] = [c.id for c in result.opened]
    return jsonify(view), 200
