"""API: enterprises (GeoJSON search, create, read with open cases and last visits, edit)."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from ..clock import utcnow
from ..errors import ValidationError
from ..geo import iter_feature_collection
from ..geo.geojson import dumps
from ..services.maps import enterprise_search
from ..services.registry import enterprises
from ..services.casework import serialize
from ..services.core import scope
from ..services.core.parsing import collecting, text
from ..workflow import ACTION_VALUES
from .api import authenticated, body_input, bp
from . import params
from .params import arg_bool, arg_float, as_of, encode_cursor
from .params import cursor as decode_cursor
from .params import limit as limit_arg

#: The bureau map asks for every pin in its visible box at once.
GEOJSON_MAX_LIMIT = 5000


def _within():
    """The townships the caller may see: a branch officer his branch's (asking for another is
    403), city staff all or the branch they name (``branch=CODE``; unknown: 422)."""
    params.present_but_empty("branch")
    code = request.args.get("branch")
    branch_id = scope.branch_id_of_code(code) if code else None
    if code and branch_id is None:
        raise ValidationError("No such branch.", {"branch": "no such branch"})
    return scope.allowed_township_ids(g.actor, branch_id)


def _query() -> enterprise_search.EnterpriseQuery:
    fields: dict[str, str] = {}
    check = collecting(fields)

    near = check(params.near)
    position = check(lambda: decode_cursor(("offset",) if near else ("after_id",))) or {}
    action = request.args.get("action") or None
    if action is not None and action not in ACTION_VALUES:
        fields["action"] = "one of " + ", ".join(ACTION_VALUES)
    query = enterprise_search.EnterpriseQuery(
        as_of=check(as_of),
        bbox=check(params.box),
        q=check(lambda: text(request.args.get("q"), "q", max_length=100)) or None,
        township=check(lambda: text(request.args.get("township"), "township", max_length=40))
        or None,
        industry=check(lambda: text(request.args.get("industry"), "industry", max_length=40))
        or None,
        action=action,
        state=check(lambda: text(request.args.get("state"), "state", max_length=24)) or None,
        overdue=bool(check(lambda: arg_bool("overdue"))),
        located=check(lambda: arg_bool("located")) if "located" in request.args else None,
        near=near,
        radius_m=check(lambda: arg_float("radius_m", minimum=0, maximum=50_000)) or 1000.0,
        limit=check(lambda: limit_arg(GEOJSON_MAX_LIMIT)) or 100,
        after_id=position.get("after_id", 0),
        offset=position.get("offset", 0),
        townships_within=_within(),
    )
    if request.args.get("radius_m") not in (None, "") and "radius_m" not in fields and near is None:
        fields["near"] = "radius_m needs near=lat,lon"
    if fields:
        raise ValidationError("The query has invalid parameters.", fields)
    return query


@bp.get("/enterprises")
@authenticated()
def list_enterprises():
    query = _query()
    members: dict[str, str | None] = {"as_of": query.as_of.isoformat()}
    built = enterprise_search.box_features(query)
    if built is not None:  # a map's box: the database wrote each feature
        members["next_cursor"] = encode_cursor(built.next_position) if built.next_position else None
        return Response(_joined(built.features, members), mimetype="application/geo+json")
    page = enterprise_search.search(query)
    # Built directly: the coordinates come from validated columns, and the checking helper
    # cost more than the query for a full map box. A site awaiting a location has a null
    # geometry (RFC 7946, 3.2).
    features = [
        {
            "type": "Feature",
            "id": row.enterprise.id,
            "geometry": {"type": "Point", "coordinates": [row.enterprise.lon, row.enterprise.lat]}
            if row.enterprise.lat is not None
            else None,
            "properties": row.properties(),
        }
        for row in page.rows
    ]
    members["next_cursor"] = encode_cursor(page.next_position) if page.next_position else None
    # Streamed as text chunks: a full map box is thousands of features. The rows are already
    # read, so the generator needs neither the request nor the database session.
    return Response(iter_feature_collection(features, members), mimetype="application/geo+json")


def _joined(features: list[str], members: dict):
    """A FeatureCollection from Feature texts, in chunks (what iter_feature_collection writes,
    without decoding and encoding each feature again)."""
    yield '{"type":"FeatureCollection","features":['
    for i in range(0, len(features), 500):
        yield ("," if i else "") + ",".join(features[i : i + 500])
    yield "]," + dumps(members)[1:]


@bp.post("/enterprises")
@authenticated()
def create_enterprise():
    enterprise = enterprises.create_enterprise(
        g.actor, body_input("EnterpriseCreate"), now=utcnow()
    )
    return jsonify(serialize.enterprise_dict(enterprise)), 201


@bp.get("/enterprises/<int:enterprise_id>")
@authenticated()
def get_enterprise(enterprise_id: int):
    day = as_of()
    enterprise = enterprises.get_enterprise(enterprise_id)
    return jsonify(
        {**serialize.enterprise_dict(enterprise), **enterprise_search.detail(enterprise, day)}
    )


@bp.patch("/enterprises/<int:enterprise_id>")
@authenticated()
def update_enterprise(enterprise_id: int):
    data = body_input("EnterprisePatch")
    enterprise = enterprises.update_enterprise(
        g.actor, enterprises.get_enterprise(enterprise_id), data, now=utcnow()
    )
    return jsonify(serialize.enterprise_dict(enterprise))
