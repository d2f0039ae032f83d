"""The API contract as data: JSON schemas that validate request bodies AND are published as the
OpenAPI 3.1 document (``GET /api/v1/openapi.json``). One source of truth: a field the document
shows is a field the server accepts, and an unknown field is refused (422) naming it.

Contract rule (API.md): fields are only ever added, never renamed. Response schemas therefore
allow additional properties; request schemas do not (a typo must not be silently ignored)."""

from __future__ import annotations

import copy
import functools

from jsonschema import Draft202012Validator, FormatChecker

from ..errors import ValidationError
from ..models.enterprise import LOCATION_SOURCES
from ..services.core import bodies
from ..services.core.shapes import (  # noqa: F401  (the schema pieces openapi_oversight uses)
    BOOL,
    DATE,
    DATETIME,
    ID,
    INT,
    INT32,
    LAT,
    LON,
    NUM,
    STR,
    UUID,
    nullable,
    obj,
    text_schema,
)
from ..workflow import ACTION_VALUES

REF = "#/components/schemas/"
LIST_NAMES = ("overdue", "due", "followups", "disclosure", "weekly", "monthly")


def ref(name: str) -> dict:
    return {"$ref": REF + name}


text = text_schema

# ------------------------------------------------------------------ requests

# The bodies the services read are declared once in services/core/bodies.py; their schemas are
# generated from those declarations. The login's body is the API's alone.
_ENTERPRISE_FIELDS = {k: f.json_schema() for k, f in bodies.ENTERPRISE_FIELDS.items()}

REQUESTS = {
    "TokenRequest": obj(
        {"username": text(64), "password": text(200), "totp": text(8)},
        ("username", "password"),
        closed=True,
        example={"username": "zhangwei", "password": "Inspect-demo-2026"},
    ),
    **{name: shape.schema() for name, shape in bodies.BODIES.items()},
}

# ------------------------------------------------------------------ responses

_DEADLINE = obj(
    {
        "name": STR,
        "due_on": DATE,
        "status": {"type": "string", "enum": ["pending", "met", "overdue"]},
        "met_on": nullable(DATE),
        "provisional": BOOL,
        "days_overdue": INT,
    },
    ("name", "due_on", "status", "met_on", "provisional"),
)
_FOLLOWUP = obj(
    {
        "id": INT,
        "key": STR,
        "purpose": STR,
        "earliest_on": DATE,
        "due_on": DATE,
        "status": {"type": "string", "enum": ["planned", "done", "missed"]},
        "visit_id": nullable(INT),
        "unannounced": BOOL,
        "provisional": BOOL,
        "assignee": nullable(STR),
        "note": STR,
    },
    ("id", "purpose", "earliest_on", "due_on", "status", "visit_id", "assignee"),
)

#: What every stored photo answers with (a visit's, a supervision visit's: models.PhotoColumns).
PHOTO_FIELDS = {
    "id": INT,
    "client_uuid": STR,
    "visit_id": INT,
    "content_type": STR,
    "width": INT,
    "height": INT,
    "size_bytes": INT,
    "sha256_original": STR,
    "exif_lat": nullable(NUM),
    "exif_lon": nullable(NUM),
}

RESPONSES = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": STR,
                    "message": STR,
                    "fields": {"type": "object", "additionalProperties": STR},
                    "article": {
                        **STR,
                        "description": ("forbidden_by_law: the article that forbids the event now"),
                    },
                    "detail": {
                        **STR,
                        "description": (
                            "the service's own sentence (English), with its dates and values"
                        ),
                    },
                },
                ("code", "message", "fields"),
            )
        },
        ("error",),
        example={
            "error": {
                "code": "validation_failed",
                "message": "The visit could not be recorded.",
                "fields": {"visited_at": "expected ISO 8601 with offset"},
            }
        },
    ),
    "Token": obj(
        {"token": STR, "expires_at": DATETIME, "role": STR}, ("token", "expires_at", "role")
    ),
    "Enterprise": obj(
        {
            **{k: v for k, v in _ENTERPRISE_FIELDS.items()},
            "id": INT,
            "name": STR,
            "credit_code": nullable(STR),
            "permit_no": STR,
            "address": STR,
            "contact_name": STR,
            "contact_phone": STR,
            "lat": nullable(LAT),
            "lon": nullable(LON),
            "located": {**BOOL, "description": "false while the site awaits a location"},
            "location_source": {
                "type": "string",
                "enum": list(LOCATION_SOURCES),
                "description": "where the pin came from; `visit` awaits a reviewer's confirmation",
            },
            "legacy_code": {**STR, "description": "组织机构代码 or 注册号 from an older register"},
            "industry_gbt": {**STR, "description": "GB/T 4754-2017 门类+大类, e.g. C26"},
            "industry_text": {**STR, "description": "the industry as the register wrote it"},
            "legal_rep": STR,
        },
        ("id", "name", "credit_code", "lat", "lon", "township", "industry"),
    ),
    "EnterpriseDetail": {
        "allOf": [
            ref("Enterprise"),
            obj(
                {
                    "open_cases": {
                        "type": "array",
                        "items": obj(
                            {
                                "id": INT,
                                "action": STR,
                                "state": STR,
                                "display_state": STR,
                                "served_on": DATE,
                                "next_due": nullable(DATE),
                            },
                            ("id", "action", "state"),
                        ),
                    },
                    "last_visits": {
                        "type": "array",
                        "items": obj(
                            {
                                "id": INT,
                                "visited_at": DATETIME,
                                "purpose": STR,
                                "geofence_ok": nullable(BOOL),
                                "distance_m": nullable(NUM),
                            },
                            ("id", "visited_at"),
                        ),
                    },
                },
                ("open_cases", "last_visits"),
            ),
        ]
    },
    "EnterpriseFeatureCollection": obj(
        {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": obj(
                    {
                        "type": {"const": "Feature"},
                        "id": INT,
                        "geometry": {
                            "oneOf": [
                                obj(
                                    {
                                        "type": {"const": "Point"},
                                        "coordinates": {
                                            "type": "array",
                                            "items": NUM,
                                            "minItems": 2,
                                            "maxItems": 2,
                                        },
                                    }
                                ),
                                {"type": "null", "description": "awaiting a location"},
                            ]
                        },
                        "properties": obj(
                            {
                                "id": INT,
                                "name": STR,
                                "credit_code": nullable(STR),
                                "township": nullable(STR),
                                "industry": STR,
                                "risk_class": STR,
                                "lat": nullable(NUM),
                                "lon": nullable(NUM),
                                "located": BOOL,
                                "location_source": STR,
                                "address": STR,
                                "open_actions": {"type": "array", "items": STR},
                                "worst_state": nullable(STR),
                                "worst_severity": nullable(INT),
                                "colour": nullable(STR),
                                "overdue": BOOL,
                                "next_due": nullable(DATE),
                                "distance_m": NUM,
                            },
                            (
                                "id",
                                "name",
                                "credit_code",
                                "township",
                                "industry",
                                "open_actions",
                                "worst_state",
                                "overdue",
                                "next_due",
                            ),
                        ),
                    },
                    ("type", "geometry", "properties"),
                ),
            },
            "next_cursor": nullable(STR),
            "as_of": DATE,
        },
        ("type", "features", "next_cursor"),
    ),
    "Visit": obj(
        {
            "id": INT,
            "client_uuid": STR,
            "enterprise_id": INT,
            "visited_at": DATETIME,
            "lat": nullable(NUM),
            "lon": nullable(NUM),
            "accuracy_m": nullable(NUM),
            "distance_m": nullable(NUM),
            "geofence_ok": nullable(BOOL),
            "geofence_reason": STR,
            "purpose": STR,
            "unannounced": BOOL,
            "inspectors": {"type": "array", "items": STR},
            "findings": STR,
            "followup_id": nullable(INT),
            "approval_ref": STR,
            "result": {"type": "object"},
            "photos": {"type": "array", "items": INT},
            "opened_case_ids": {"type": "array", "items": INT},
        },
        (
            "id",
            "client_uuid",
            "enterprise_id",
            "visited_at",
            "distance_m",
            "geofence_ok",
            "purpose",
            "inspectors",
        ),
    ),
    "Photo": obj(
        {
            **PHOTO_FIELDS,
            "exif_taken_at": STR,
            "url": STR,
            "thumb_url": STR,
        },
        ("id", "client_uuid", "visit_id", "sha256_original", "url"),
    ),
    "Case": obj(
        {
            "id": INT,
            "enterprise_id": INT,
            "enterprise_name": STR,
            "action": {"type": "string", "enum": list(ACTION_VALUES)},
            "state": STR,
            "display_state": STR,
            "served_on": DATE,
            "violation": STR,
            "legal_basis": STR,
            "params": {"type": "object"},
            "provisional": BOOL,
            "as_of": DATE,
            "deadlines": {"type": "array", "items": _DEADLINE},
            "followups": {"type": "array", "items": _FOLLOWUP},
            "cancelled_followups": {
                "type": "array",
                "description": (
                    "follow-ups the engine withdrew when the case left the states they served; kept, "
                    "never dropped (status: cancelled)"
                ),
                "items": {
                    **_FOLLOWUP,
                    "properties": {
                        **_FOLLOWUP["properties"],
                        "status": {"type": "string", "enum": ["cancelled"]},
                    },
                },
            },
            "allowed_events": {"type": "array", "items": STR},
            "links": {
                "type": "array",
                "items": obj(
                    {"case_id": INT, "direction": STR, "reason": STR},
                    ("case_id", "direction", "reason"),
                ),
            },
            "responsibility": {"type": "object"},
            "assignee": nullable(STR),
            "history": {
                "type": "array",
                "items": obj(
                    {
                        "seq": INT,
                        "type": STR,
                        "on": DATE,
                        "data": {"type": "object"},
                        "recorded_at": DATETIME,
                        "actor": nullable(STR),
                    },
                    ("seq", "type", "on"),
                ),
            },
            "surcharge_fen": {
                **INT,
                "description": "fine cases only: accrued late-payment surcharge",
            },
            "opened_case_ids": {"type": "array", "items": INT},
        },
        (
            "id",
            "enterprise_id",
            "action",
            "state",
            "served_on",
            "deadlines",
            "followups",
            "links",
            "history",
        ),
    ),
    "FollowupItem": obj(
        {
            **_FOLLOWUP["properties"],
            "case": obj(
                {"id": INT, "action": STR, "state": STR, "display_state": STR},
                ("id", "action", "state"),
            ),
            "enterprise": obj(
                {
                    "id": INT,
                    "name": STR,
                    "lat": nullable(NUM),
                    "lon": nullable(NUM),
                    "township": nullable(STR),
                },
                ("id", "name", "lat", "lon"),
            ),
            "distance_m": NUM,
        },
        ("id", "purpose", "due_on", "status", "case", "enterprise"),
    ),
    "FollowupList": obj(
        {"items": {"type": "array", "items": ref("FollowupItem")}, "next_cursor": nullable(STR)},
        ("items", "next_cursor"),
    ),
    "Complaint": obj(
        {
            "id": INT,
            "client_uuid": nullable(STR),
            "channel": STR,
            "category": STR,
            "text": STR,
            "lat": nullable(NUM),
            "lon": nullable(NUM),
            "address": STR,
            "enterprise_id": nullable(INT),
            "township": nullable(STR),
            "received_at": DATETIME,
            "received_on": DATE,
            "triage_by": DATE,
            "answer_by": DATE,
            "status": STR,
            "assignee": nullable(STR),
        },
        ("id", "channel", "category", "text", "received_on", "triage_by", "answer_by", "status"),
    ),
    "AuditReport": obj(
        {"ok": BOOL, "events": INT, "first_bad": nullable(INT)}, ("ok", "events", "first_bad")
    ),
    "ListRow": obj(
        {
            "case_id": INT,
            "enterprise_id": INT,
            "enterprise_name": STR,
            "credit_code": nullable(STR),
            "township": nullable(STR),
            "action": STR,
            "state": STR,
            "deadline": nullable(STR),
            "due_on": nullable(DATE),
            "days_overdue": INT,
            "surcharge_fen": INT,
            "assignee": nullable(STR),
            "measure": {
                **nullable(STR),
                "description": ("stop cases: limit (限制生产) or stop (停产整治); null otherwise"),
            },
        },
        ("case_id", "enterprise_id", "enterprise_name", "action", "state"),
    ),
    "ListPage": obj(
        {"items": {"type": "array", "items": ref("ListRow")}, "next_cursor": nullable(STR)},
        ("items", "next_cursor"),
    ),
}

from . import openapi_oversight  # noqa: E402  (issue 20: its schemas use the helpers above)

SCHEMAS = {**REQUESTS, **RESPONSES, **openapi_oversight.REQUESTS, **openapi_oversight.RESPONSES}


# ------------------------------------------------------------------ request validation


@functools.lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    root = {"$ref": REF + name, "components": {"schemas": SCHEMAS}}
    return Draft202012Validator(root, format_checker=FormatChecker())


_FORMAT_HINTS = {
    "date": "expected a real date YYYY-MM-DD",
    "uuid": "expected a UUID",
    "date-time": "expected ISO 8601 with offset",
}


def _why(err) -> str:
    kind = err.validator
    if kind == "type":
        wanted = err.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return f"expected {'an' if wanted[0] in 'aeiou' else 'a'} {wanted}"
    if kind == "format":
        return _FORMAT_HINTS.get(err.validator_value, f"expected format {err.validator_value}")
    if kind == "enum":
        return "one of " + ", ".join(str(v) for v in err.validator_value if v is not None)
    if kind in ("minimum", "maximum"):
        return f"{'at least' if kind == 'minimum' else 'at most'} {err.validator_value}"
    if kind in ("maxLength", "minLength"):
        return (
            "required"
            if err.validator_value == 1 and kind == "minLength"
            else f"{'at most' if kind == 'maxLength' else 'at least'} "
            f"{err.validator_value} characters"
        )
    return err.message[:200]


def validate(name: str, data) -> dict:
    """``data`` if it matches the named request schema, else ValidationError naming every bad
    field (unknown fields included) at once."""
    fields: dict[str, str] = {}
    for err in _validator(name).iter_errors(data):
        where = ".".join(str(p) for p in err.absolute_path)
        prefix = where + "." if where else ""
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = set(err.schema.get("properties", {}))
            for key in sorted(set(err.instance) - known):
                fields[prefix + str(key)] = "unknown field"
        elif err.validator == "required" and isinstance(err.instance, dict):
            for key in err.validator_value:
                if key not in err.instance:
                    fields.setdefault(prefix + key, "required")
        else:
            fields.setdefault(where or "body", _why(err))
    if fields:
        raise ValidationError("The request has invalid fields.", fields)
    return data


# ------------------------------------------------------------------ the document


def _param(
    name: str,
    schema: dict,
    description: str = "",
    where: str = "query",
    required: bool = False,
    **extra,
) -> dict:
    out = {"name": name, "in": where, "required": required or where == "path", "schema": schema}
    if description:
        out["description"] = description
    out.update(extra)
    return out


AS_OF = _param("as_of", DATE, "the day 'overdue' and 'due' are asked about (default: today)")
LIMIT = _param(
    "limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "page size"
)
CURSOR = _param(
    "cursor", {"type": "string", "maxLength": 200}, "opaque: the next_cursor of the previous page"
)
BBOX = _param(
    "bbox",
    {"type": "string", "maxLength": 200},
    "minLon,minLat,maxLon,maxLat",
    example="116.70,39.85,116.95,40.05",
)
NEAR = _param(
    "near",
    {"type": "string", "maxLength": 100},
    "lat,lon: sorted by distance, with distance_m",
    example="39.96,116.83",
)


def _path_id(name: str) -> dict:
    return _param(name, ID, where="path")


def _json(schema_name: str, description: str, example=None) -> dict:
    content = {"schema": ref(schema_name)}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {"application/json": content}}


def _errors(*codes: int) -> dict:
    why = {
        400: "bad request (e.g. CSRF failed for a session request)",
        401: "no token, or a bad or expired one",
        403: "not allowed for your role",
        404: "no such record",
        409: "conflict: duplicate, impossible transition (with `allowed`), or client_uuid reused",
        413: "too large",
        415: "unsupported media type",
        422: "validation failed: `fields` names each bad field",
        429: "too many requests",
    }
    return {str(c): _json("Error", why[c]) for c in codes}


def _body(schema_name: str) -> dict:
    schema = SCHEMAS[schema_name]
    content = {"schema": ref(schema_name)}
    if "example" in schema:
        content["example"] = schema["example"]
    return {"required": True, "content": {"application/json": content}}


_AUTH = (400, 401, 403, 422)
_LIST_FORMATS = ("json", "csv", "xlsx", "geojson")


def paths() -> dict:
    geo = {
        "application/geo+json": {"schema": ref("EnterpriseFeatureCollection")},
        "application/json": {"schema": ref("EnterpriseFeatureCollection")},
    }
    return {
        "/api/v1/auth/token": {
            "post": {
                "operationId": "login",
                "summary": "Log in, get a bearer token",
                "security": [],
                "requestBody": _body("TokenRequest"),
                "responses": {"200": _json("Token", "a bearer token"), **_errors(401, 422, 429)},
            }
        },
        "/api/v1/enterprises": {
            "get": {
                "operationId": "listEnterprises",
                "summary": "Enterprises as a GeoJSON FeatureCollection",
                "parameters": [
                    BBOX,
                    _param("q", text(100), "name or credit code"),
                    _param("township", text(40)),
                    _param("industry", text(40)),
                    _param(
                        "branch",
                        text(40),
                        "branch (分局) code: its townships only; an "
                        "officer of a branch always gets his own",
                    ),
                    _param(
                        "action",
                        {"type": "string", "enum": list(ACTION_VALUES)},
                        "has an open case of this action",
                    ),
                    _param(
                        "state",
                        text(24),
                        "has an open case in this state (`overdue` = a deadline has passed)",
                    ),
                    _param("overdue", {"type": "boolean"}, "only enterprises with an overdue case"),
                    _param(
                        "located",
                        {"type": "boolean"},
                        "false: only sites awaiting a "
                        "location (null geometry); true: only pinned sites",
                    ),
                    NEAR,
                    _param(
                        "radius_m",
                        {
                            "type": "number",
                            "exclusiveMinimum": 0,
                            "maximum": 50000,
                            "default": 1000,
                        },
                    ),
                    AS_OF,
                    _param(
                        "limit", {"type": "integer", "minimum": 1, "maximum": 5000, "default": 100}
                    ),
                    CURSOR,
                ],
                "responses": {
                    "200": {
                        "description": "a FeatureCollection, next_cursor as a foreign member",
                        "content": geo,
                    },
                    **_errors(*_AUTH),
                },
            },
            "post": {
                "operationId": "createEnterprise",
                "summary": "Create an enterprise",
                "requestBody": _body("EnterpriseCreate"),
                "responses": {"201": _json("Enterprise", "created"), **_errors(*_AUTH, 409)},
            },
        },
        "/api/v1/enterprises/{enterprise_id}": {
            "parameters": [_path_id("enterprise_id")],
            "get": {
                "operationId": "getEnterprise",
                "summary": "An enterprise with open cases and last visits",
                "parameters": [AS_OF],
                "responses": {
                    "200": _json("EnterpriseDetail", "the enterprise"),
                    **_errors(*_AUTH, 404),
                },
            },
            "patch": {
                "operationId": "updateEnterprise",
                "summary": "Edit an enterprise",
                "requestBody": _body("EnterprisePatch"),
                "responses": {
                    "200": _json("Enterprise", "the edited enterprise"),
                    **_errors(*_AUTH, 404, 409),
                },
            },
        },
        "/api/v1/visits": {
            "post": {
                "operationId": "recordVisit",
                "summary": "Record a visit (idempotent by client_uuid)",
                "description": "201 the first time; the same client_uuid and payload again: 200 with "
                "the same record, nothing written; the same client_uuid with a "
                "different payload: 409 `client_uuid_reused` (kept for a reviewer).",
                "requestBody": _body("VisitCreate"),
                "responses": {
                    "201": _json("Visit", "recorded"),
                    "200": _json("Visit", "a replay: the record made the first time"),
                    **_errors(*_AUTH, 409),
                },
            }
        },
        "/api/v1/visits/{visit_id}": {
            "parameters": [_path_id("visit_id")],
            "get": {
                "operationId": "getVisit",
                "summary": "A visit",
                "responses": {"200": _json("Visit", "the visit"), **_errors(*_AUTH, 404)},
            },
        },
        "/api/v1/visits/{visit_id}/photos": {
            "parameters": [_path_id("visit_id")],
            "post": {
                "operationId": "uploadPhoto",
                "summary": "Upload one photo of a visit (multipart, idempotent by client_uuid)",
                "description": "The type is sniffed from the bytes (JPEG, PNG, WebP; HEIC only "
                "where the server supports it). The photo is re-encoded as JPEG "
                "without metadata; GPS and time from EXIF are kept as evidence.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {
                                    "file": {"type": "string", "format": "binary"},
                                    "client_uuid": UUID,
                                    "taken_at": DATETIME,
                                },
                                ("file", "client_uuid"),
                            ),
                            "encoding": {
                                "file": {"contentType": "image/jpeg, image/png, image/webp"}
                            },
                        }
                    },
                },
                "responses": {
                    "201": _json("Photo", "stored"),
                    "200": _json("Photo", "a replay: the photo stored the first time"),
                    **_errors(*_AUTH, 404, 409, 413, 415),
                },
            },
        },
        "/api/v1/photos/{photo_id}": {
            "parameters": [_path_id("photo_id")],
            "get": {
                "operationId": "getPhoto",
                "summary": "The re-encoded photo (no metadata)",
                "parameters": [_param("size", {"type": "string", "enum": ["full", "thumb"]})],
                "responses": {
                    "200": {
                        "description": "JPEG",
                        "content": {
                            "image/jpeg": {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    **_errors(*_AUTH, 404),
                },
            },
        },
        "/api/v1/cases": {
            "post": {
                "operationId": "openCase",
                "summary": "Open a case",
                "requestBody": _body("CaseCreate"),
                "responses": {
                    "201": _json("Case", "the full case"),
                    "200": _json("Case", "a replay by client_uuid"),
                    **_errors(*_AUTH, 409),
                },
            }
        },
        "/api/v1/cases/{case_id}": {
            "parameters": [_path_id("case_id")],
            "get": {
                "operationId": "getCase",
                "summary": "A case as of a day",
                "parameters": [AS_OF],
                "responses": {"200": _json("Case", "the case"), **_errors(*_AUTH, 404)},
            },
        },
        "/api/v1/cases/{case_id}/events": {
            "parameters": [_path_id("case_id")],
            "post": {
                "operationId": "recordCaseEvent",
                "summary": "Record what happened",
                "description": "409 `impossible_transition` with `allowed` (the event "
                "types possible now), or `forbidden_by_law` with the "
                "`article` that forbids the event now; the refused "
                "submission is kept in the conflict queue for a reviewer.",
                "parameters": [AS_OF],
                "requestBody": _body("CaseEvent"),
                "responses": {
                    "200": _json("Case", "the updated case, with opened_case_ids for escalations"),
                    **_errors(*_AUTH, 404, 409),
                },
            },
        },
        "/api/v1/followups": {
            "get": {
                "operationId": "listFollowups",
                "summary": "Planned follow-up visits",
                "parameters": [
                    _param("assignee", text(64), "`me` or a username"),
                    _param(
                        "due_within",
                        {"type": "integer", "minimum": 0, "maximum": 366},
                        "days from as_of",
                    ),
                    _param("overdue", {"type": "boolean"}, "only those past due"),
                    NEAR,
                    AS_OF,
                    LIMIT,
                    CURSOR,
                ],
                "responses": {
                    "200": _json("FollowupList", "a page of follow-ups"),
                    **_errors(*_AUTH),
                },
            }
        },
        "/api/v1/lists/{name}": {
            "parameters": [
                _param(
                    "name",
                    {"type": "string", "pattern": r"^[a-z_/]+$"},
                    "overdue, due, action/{action}, followups, disclosure, weekly, monthly",
                    where="path",
                )
            ],
            "get": {
                "operationId": "getList",
                "summary": "An enforcement list",
                "description": "The disclosure list is public (no token).",
                "parameters": [
                    _param("format", {"type": "string", "enum": list(_LIST_FORMATS)}),
                    _param("township", text(40)),
                    _param("branch", text(40), "branch (分局) code: its townships only"),
                    AS_OF,
                    _param("within", {"type": "integer", "minimum": 0}),
                    _param("month", {"type": "string", "pattern": r"^\d{4}-\d{2}$"}),
                    LIMIT,
                    CURSOR,
                ],
                "responses": {
                    "200": {
                        "description": "the rows",
                        "content": {
                            "application/json": {"schema": ref("ListPage")},
                            "text/csv": {"schema": STR},
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}
                            },
                            "application/geo+json": {"schema": {"type": "object"}},
                        },
                    },
                    **_errors(*_AUTH, 404),
                },
            },
        },
        "/api/v1/complaints": {
            "post": {
                "operationId": "recordComplaint",
                "summary": "Record a complaint: a triage task (1 working day) and an answer due",
                "requestBody": _body("ComplaintCreate"),
                "responses": {
                    "201": _json("Complaint", "recorded"),
                    "200": _json("Complaint", "a replay by client_uuid"),
                    **_errors(*_AUTH, 404, 409),
                },
            }
        },
        "/api/v1/audit/verify": {
            "get": {
                "operationId": "verifyAudit",
                "summary": "Admin: check the audit hash chain",
                "responses": {"200": _json("AuditReport", "the report"), **_errors(*_AUTH)},
            }
        },
        **openapi_oversight.paths(),
    }


# Operations implemented elsewhere (their own module) but described here.
DESCRIBED_ONLY = {("/api/v1/lists/{name}", "get")}


@functools.lru_cache(maxsize=1)
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Enforcement API",
            "version": "1",
            "description": "The JSON API of the field-enforcement system (API.md). Fields "
            "are only ever added, never renamed. Errors: "
            '{"error": {"code", "message", "fields"}}.',
        },
        "paths": paths(),
        "components": {
            "schemas": copy.deepcopy(SCHEMAS),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "POST /api/v1/auth/token or `flask --app run users token NAME`",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "the app's own pages; state-changing requests send X-CSRFToken",
                },
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    }
