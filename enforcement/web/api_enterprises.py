"""API: enterprises (GeoJSON search, create, read with open cases and last visits, edit)."""
from __future__ import annotations

from flask import Response, g, jsonify, request

from ..clock import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..geo import CoordinateError, iter_feature_collection, parse_bbox, parse_latlon
from ..geo.geojson import dumps
from ..services.maps import enterprise_search
from ..services.registry import enterprises
from ..services.casework import serialize
from ..services.core.parsing import collecting, parse_float, text
from ..workflow import ACTION_VALUES
from .api import (_present_but_empty, arg_bool, as_of, authenticated, body, bp, decode_cursor, encode_cursor,
                  limit_arg)

#: The bureau map asks for every pin in its visible box at once.
GEOJSON_MAX_LIMIT = 5000


def _coordinates(parse, name: str):
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return parse(raw, name)
    except CoordinateError as exc:
        raise ValidationError(str(exc), {exc.field or name: str(exc)}) from None


def _query() -> enterprise_search.EnterpriseQuery:
    fields: dict[str, str] = {}
    check = collecting(fields)

    near = check(lambda: _coordinates(parse_latlon, "near"))
    position = check(lambda: decode_cursor(("offset",) if near else ("after_id",))) or {}
    action = request.args.get("action") or None
    if action is not None and action not in ACTION_VALUES:
        fields["action"] = "one of " + ", ".join(ACTION_VALUES)
    query = enterprise_search.EnterpriseQuery(
        as_of=check(as_of),
        bbox=check(lambda: _coordinates(parse_bbox, "bbox")),
        q=check(lambda: text(request.args.get("q"), "q", max_length=100)) or None,
        township=check(lambda: text(request.args.get("township"), "township", max_length=40)) or None,
        industry=check(lambda: text(request.args.get("industry"), "industry", max_length=40)) or None,
        action=action,
        state=check(lambda: text(request.args.get("state"), "state", max_length=24)) or None,
        overdue=bool(check(lambda: arg_bool("overdue"))),
        located=check(lambda: arg_bool("located")) if "located" in request.args else None,
        near=near,
        radius_m=check(lambda: _present_but_empty("radius_m") or parse_float(request.args.get("radius_m"), "radius_m",
                                           required=False, minimum=0, maximum=50_000)) or 1000.0,
        limit=check(lambda: limit_arg(GEOJSON_MAX_LIMIT)) or 100,
        after_id=position.get("after_id", 0), offset=position.get("offset", 0))
    if request.args.get("radius_m") not in (None, "") and "radius_m" not in fields \
            and near is None:
        fields["near"] = "radius_m needs near=lat,lon"
    if fields:
        raise ValidationError("The query has invalid parameters.", fields)
    return query


@bp.get("/enterprises")
@authenticated()
def list_enterprises():
    query = _query()
    members = {"as_of": query.as_of.isoformat()}
    built = enterprise_search.box_features(query)
    if built is not None:  # a map's box: the database wrote each feature
        members["next_cursor"] = encode_cursor(built.next_position) if built.next_position else None
        return Response(_joined(built.features, members), mimetype="application/geo+json")
    page = enterprise_search.search(query)
    # Built directly: the coordinates come from validated columns, and the checking helper
    # cost more than the query for a full map box. A site awaiting a location has a null
    # geometry (RFC 7946, 3.2).
    features = [{"type": "Feature", "id": row.enterprise.id,
                 "geometry": {"type": "Point",
                              "coordinates": [row.enterprise.lon, row.enterprise.lat]}
                 if row.enterprise.lat is not None else None,
                 "properties": row.properties()} for row in page.rows]
    members["next_cursor"] = encode_cursor(page.next_position) if page.next_position else None
    # Streamed as text chunks: a full map box is thousands of features. The rows are already
    # read, so the generator needs neither the request nor the database session.
    return Response(iter_feature_collection(features, members), mimetype="application/geo+json")


def _joined(features: list[str], members: dict):
    """A FeatureCollection from Feature texts, in chunks (what iter_feature_collection writes,
    without decoding and encoding each feature again)."""
    yield '{"type":"FeatureCollection","features":['
    for i in range(0, len(features), 500):
        yield ("," if i else "") + ",".join(features[i:i + 500])
    yield "]," + dumps(members)[1:]


@bp.post("/enterprises")
@authenticated()
def create_enterprise():
    enterprise = enterprises.create_enterprise(g.actor, body("EnterpriseCreate"), now=utcnow())
    db.session.commit()
    return jsonify(serialize.enterprise_dict(enterprise)), 201


@bp.get("/enterprises/<int:enterprise_id>")
@authenticated()
def get_enterprise(enterprise_id: int):
    day = as_of()
    enterprise = enterprises.get_enterprise(enterprise_id)
    return jsonify({**serialize.enterprise_dict(enterprise),
                    **enterprise_search.detail(enterprise, day)})


@bp.patch("/enterprises/<int:enterprise_id>")
@authenticated()
def update_enterprise(enterprise_id: int):
    data = body("EnterprisePatch")
    enterprise = enterprises.update_enterprise(g.actor, enterprises.get_enterprise(enterprise_id),
                                               data, now=utcnow())
    db.session.commit()
    return jsonify(serialize.enterprise_dict(enterprise))
