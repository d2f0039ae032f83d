"""The oversight part of the API contract (issue 20): request schemas (closed: an unknown field
is refused) and response schemas (open: fields are only ever added), and their paths."""

from __future__ import annotations

from typing import Any

from ..services.oversight import bodies as oversight_bodies
from ..services.tally.figures import FIGURES
from ..services.tally.weights import METRICS as _WEIGHT_METRICS
from .openapi import (
    PHOTO_FIELDS,
    BOOL,
    DATE,
    DATETIME,
    ID,
    INT,
    NUM,
    STR,
    UUID,
    nullable,
    obj,
    ref,
    text,
)

_IDS = oversight_bodies.IDS
_TASK_STATES = ["assigned", "delivered", "overdue"]
_RECORD_STATES = ["open", "overdue", "answered", "closed"]

# Declared once in services/oversight/bodies.py; the schemas are generated from those.
REQUESTS: dict[str, dict[str, Any]] = {
    name: shape.schema() for name, shape in oversight_bodies.BODIES.items()
}

# The scoreboard's figures, named where they are counted (services/tally/figures.py).
_FIGURES = {k: INT for k in FIGURES}

RESPONSES: dict[str, dict[str, Any]] = {
    "Unit": obj(
        {
            "id": INT,
            "code": STR,
            "name": STR,
            "kind": STR,
            "township": nullable(STR),
            "branch": nullable(STR),
            "contact_name": STR,
            "contact_phone": STR,
            "active": BOOL,
        },
        ("id", "code", "name", "kind"),
    ),
    "UnitList": obj(
        {"items": {"type": "array", "items": ref("Unit")}, "next_cursor": nullable(STR)}, ("items",)
    ),
    "Task": obj(
        {
            "id": INT,
            "title": STR,
            "detail": STR,
            "campaign": STR,
            "case_id": nullable(INT),
            "township": nullable(STR),
            "township_name": nullable(STR),
            "lead_leader": STR,
            "host_unit_id": INT,
            "host_unit": nullable(STR),
            "co_unit_ids": {"type": "array", "items": INT},
            "co_units": {"type": "array", "items": STR},
            "responsible_person": STR,
            "assigned_on": DATE,
            "deadline": DATE,
            "done_on": nullable(DATE),
            "state": {"type": "string", "enum": _TASK_STATES},
            "on_time": nullable(BOOL),
            "days_overdue": INT,
            "report": STR,
        },
        ("id", "title", "host_unit_id", "deadline", "state"),
    ),
    "TaskList": obj(
        {
            "items": {"type": "array", "items": ref("Task")},
            "next_cursor": nullable(STR),
            "as_of": DATE,
        },
        ("items",),
    ),
    "SupervisionVisit": obj(
        {
            "id": INT,
            "client_uuid": nullable(STR),
            "unit_id": INT,
            "unit": nullable(STR),
            "township": nullable(STR),
            "visited_at": DATETIME,
            "unannounced": BOOL,
            "lat": nullable(NUM),
            "lon": nullable(NUM),
            "accuracy_m": nullable(NUM),
            "members": STR,
            "findings": STR,
            "undelivered_task_ids": {"type": "array", "items": INT},
            "photos": {"type": "array", "items": ref("SupervisionPhoto")},
        },
        ("id", "unit_id", "visited_at", "findings"),
    ),
    "SupervisionPhoto": obj(
        {
            **PHOTO_FIELDS,
            "url": STR,
            "thumb_url": STR,
        },
        ("id", "visit_id", "url"),
    ),
    "SupervisionVisitList": obj(
        {
            "items": {"type": "array", "items": ref("SupervisionVisit")},
            "next_cursor": nullable(STR),
        },
        ("items",),
    ),
    "OverdueUnits": obj(
        {
            "as_of": DATE,
            "next_cursor": nullable(STR),
            "items": {
                "type": "array",
                "items": obj(
                    {
                        "unit_id": INT,
                        "unit": STR,
                        "overdue": INT,
                        "oldest_deadline": DATE,
                        "days_overdue": INT,
                    }
                ),
            },
        },
        ("items",),
    ),
    "AccountabilityRecord": obj(
        {
            "id": INT,
            "target_kind": STR,
            "unit_id": nullable(INT),
            "unit": nullable(STR),
            "official_name": STR,
            "official_post": STR,
            "ground": STR,
            "ground_detail": STR,
            "task_id": nullable(INT),
            "case_id": nullable(INT),
            "decision": STR,
            "decided_on": DATE,
            "respond_by": DATE,
            "answer": STR,
            "answered_on": nullable(DATE),
            "closed_on": nullable(DATE),
            "closure_note": STR,
            "published": BOOL,
            "state": {"type": "string", "enum": _RECORD_STATES},
        },
        ("id", "ground", "decision", "respond_by", "state"),
    ),
    "AccountabilityList": obj(
        {
            "items": {"type": "array", "items": ref("AccountabilityRecord")},
            "next_cursor": nullable(STR),
        },
        ("items",),
    ),
    "ScoreRow": obj(
        {
            **_FIGURES,
            "rank": INT,
            "code": STR,
            "name": STR,
            "score": NUM,
            "township_id": INT,
            "unit_id": INT,
            "kind": STR,
            "complaint_share": nullable(NUM),
            "task_share": nullable(NUM),
        },
        ("rank", "code", "name", "score"),
    ),
    "Scoreboard": obj(
        {
            "from": DATE,
            "to": DATE,
            "by": STR,
            "items": {"type": "array", "items": ref("ScoreRow")},
            "total": obj(
                {**_FIGURES, "complaint_share": nullable(NUM), "task_share": nullable(NUM)}
            ),
            # How the score is made (SCOREBOARD_WEIGHTS, docs/oversight.md).
            "weights": obj({k: NUM for k in _WEIGHT_METRICS}, tuple(_WEIGHT_METRICS)),
            "formula": STR,
        },
        ("from", "to", "items", "weights", "formula"),
    ),
}


def paths() -> dict:
    from .openapi import AS_OF, LIMIT, _body, _errors, _json, _param, _path_id

    auth = (400, 401, 403, 422)
    branch = _param("branch", text(40), "branch code (default: the caller's branch, or the city)")
    return {
        "/api/v1/units": {
            "get": {
                "operationId": "listUnits",
                "summary": "Responsible units (责任单位)",
                "parameters": [branch],
                "responses": {"200": _json("UnitList", "the units"), **_errors(*auth)},
            },
            "post": {
                "operationId": "createUnit",
                "summary": "Desk: add a responsible unit",
                "requestBody": _body("UnitCreate"),
                "responses": {"201": _json("Unit", "created"), **_errors(*auth, 409)},
            },
        },
        "/api/v1/tasks": {
            "get": {
                "operationId": "listTasks",
                "summary": "The responsibility table: tasks (a unit officer: his unit's only)",
                "parameters": [
                    _param("state", {"type": "string", "enum": _TASK_STATES}),
                    _param("unit_id", ID),
                    _param("township", text(40)),
                    _param("case_id", ID),
                    branch,
                    AS_OF,
                    LIMIT,
                ],
                "responses": {"200": _json("TaskList", "the tasks"), **_errors(*auth)},
            },
            "post": {
                "operationId": "createTask",
                "summary": "Desk: assign a task (deadline and host unit required)",
                "parameters": [AS_OF],
                "requestBody": _body("TaskCreate"),
                "responses": {"201": _json("Task", "assigned"), **_errors(*auth)},
            },
        },
        "/api/v1/tasks/{task_id}": {
            "parameters": [_path_id("task_id")],
            "get": {
                "operationId": "getTask",
                "summary": "A task as of a day",
                "parameters": [AS_OF],
                "responses": {"200": _json("Task", "the task"), **_errors(*auth, 404)},
            },
        },
        "/api/v1/tasks/{task_id}/delivery": {
            "parameters": [_path_id("task_id")],
            "post": {
                "operationId": "deliverTask",
                "summary": "The host unit reports the task done",
                "parameters": [AS_OF],
                "requestBody": _body("TaskDelivery"),
                "responses": {"200": _json("Task", "delivered"), **_errors(*auth, 404, 409)},
            },
        },
        "/api/v1/supervision-visits": {
            "get": {
                "operationId": "listSupervisionVisits",
                "summary": "Desk: supervision visits",
                "parameters": [branch, LIMIT],
                "responses": {"200": _json("SupervisionVisitList", "the visits"), **_errors(*auth)},
            },
            "post": {
                "operationId": "recordSupervisionVisit",
                "summary": "Desk: record a supervision visit (督查), idempotent by client_uuid",
                "requestBody": _body("SupervisionVisitCreate"),
                "responses": {
                    "201": _json("SupervisionVisit", "recorded"),
                    "200": _json("SupervisionVisit", "a replay"),
                    **_errors(*auth),
                },
            },
        },
        "/api/v1/supervision-visits/{supervision_id}/photos": {
            "parameters": [_path_id("supervision_id")],
            "post": {
                "operationId": "uploadSupervisionPhoto",
                "summary": "Desk: one photo of a supervision visit (multipart, idempotent by "
                "client_uuid)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {
                                    "file": {"type": "string", "format": "binary"},
                                    "client_uuid": UUID,
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
                    "201": _json("SupervisionPhoto", "stored"),
                    "200": _json("SupervisionPhoto", "a replay"),
                    **_errors(*auth, 404, 409, 413, 415),
                },
            },
        },
        "/api/v1/supervision-photos/{supervision_photo_id}": {
            "parameters": [_path_id("supervision_photo_id")],
            "get": {
                "operationId": "getSupervisionPhoto",
                "summary": "Desk: the re-encoded photo",
                "parameters": [_param("size", {"type": "string", "enum": ["full", "thumb"]})],
                "responses": {
                    "200": {
                        "description": "JPEG",
                        "content": {
                            "image/jpeg": {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    **_errors(*auth, 404),
                },
            },
        },
        "/api/v1/supervision/overdue": {
            "get": {
                "operationId": "listOverdueUnits",
                "summary": "Desk: units with overdue tasks",
                "parameters": [branch, AS_OF],
                "responses": {"200": _json("OverdueUnits", "worst first"), **_errors(*auth)},
            }
        },
        "/api/v1/accountability": {
            "get": {
                "operationId": "listAccountability",
                "summary": "Accountability records (问责); a unit officer: his unit's only",
                "parameters": [
                    _param("state", {"type": "string", "enum": _RECORD_STATES}),
                    branch,
                    AS_OF,
                ],
                "responses": {"200": _json("AccountabilityList", "the records"), **_errors(*auth)},
            },
            "post": {
                "operationId": "createAccountability",
                "summary": "Desk: record an accountability decision (ground required)",
                "parameters": [AS_OF],
                "requestBody": _body("AccountabilityCreate"),
                "responses": {"201": _json("AccountabilityRecord", "recorded"), **_errors(*auth)},
            },
        },
        "/api/v1/accountability/{record_id}": {
            "parameters": [_path_id("record_id")],
            "get": {
                "operationId": "getAccountability",
                "summary": "An accountability record",
                "parameters": [AS_OF],
                "responses": {
                    "200": _json("AccountabilityRecord", "the record"),
                    **_errors(*auth, 404),
                },
            },
        },
        "/api/v1/accountability/{record_id}/answer": {
            "parameters": [_path_id("record_id")],
            "post": {
                "operationId": "answerAccountability",
                "summary": "The unit's explanation and rectification",
                "parameters": [AS_OF],
                "requestBody": _body("AccountabilityAnswer"),
                "responses": {
                    "200": _json("AccountabilityRecord", "answered"),
                    **_errors(*auth, 404, 409),
                },
            },
        },
        "/api/v1/accountability/{record_id}/close": {
            "parameters": [_path_id("record_id")],
            "post": {
                "operationId": "closeAccountability",
                "summary": "Desk: close the record",
                "parameters": [AS_OF],
                "requestBody": _body("AccountabilityClose"),
                "responses": {
                    "200": _json("AccountabilityRecord", "closed"),
                    **_errors(*auth, 404, 409),
                },
            },
        },
        "/api/v1/scoreboard": {
            "get": {
                "operationId": "getScoreboard",
                "summary": "Desk: the scoreboard (考核) per township or unit for a period",
                "parameters": [
                    _param("from", DATE),
                    _param("to", DATE),
                    _param("by", {"type": "string", "enum": ["township", "unit"]}),
                    branch,
                    AS_OF,
                ],
                "responses": {"200": _json("Scoreboard", "ranked rows"), **_errors(*auth)},
            }
        },
    }
