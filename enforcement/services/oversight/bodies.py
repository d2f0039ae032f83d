"""The oversight bodies (issue 20), each declared once (issue 22): ``web/openapi_oversight.py``
publishes and checks the schemas generated from them, and the services read their typed input
with them, from the API or the oversight pages alike (``services/core/shapes.py``)."""

from __future__ import annotations

from enforcement.models.accountability import DECISIONS, GROUNDS, TARGET_KINDS
from enforcement.models.unit import UNIT_KINDS
from enforcement.services.core.shapes import (
    ID,
    Field,
    Shape,
    id_field,
    lat_field,
    lon_field,
    nullable,
    text_field,
    text_schema,
)

#: Record ids: the schema's; the services read them with the shared ``parsing.parse_ids``,
#: which names each bad id and keeps the good ones (a form sends them as "1,2，3").
IDS = {"type": "array", "items": ID, "maxItems": 50}


def _raw(schema: dict) -> Field:
    """A field the schema checks and the service resolves itself (a lookup, a rule of its own)."""
    return Field("raw", read=False, schema=schema)


UNIT_CREATE = Shape(
    {
        # Lower-cased and held to the code's pattern by the service.
        "code": _raw(text_schema(40, minLength=1, example="yanjiao-gov")),
        "name": text_field(120, min_length=1, required=True, extra={"example": "燕郊镇人民政府"}),
        "kind": Field("enum", choices=tuple(UNIT_KINDS), default="department"),
        "township": _raw(nullable(text_schema(40, description="township code"))),
        "branch": _raw(nullable(text_schema(40, description="branch code"))),
        "contact_name": text_field(80),
        "contact_phone": text_field(40),
    },
    ("code", "name"),
)

TASK_CREATE = Shape(
    {
        "title": text_field(
            300, min_length=1, required=True, extra={"example": "清理燕郊镇全部小塑料"}
        ),
        "detail": text_field(5000),
        "campaign": text_field(120),
        "case_id": id_field(nullable=True),
        "township": _raw(nullable(text_schema(40))),
        "lead_leader": text_field(80, extra={"description": "牵头领导"}),
        "host_unit_id": id_field(required=True),
        "co_unit_ids": _raw(IDS),
        "responsible_person": text_field(80, extra={"description": "责任人"}),
        "assigned_on": Field("date", nullable=True),
        "deadline": Field("date", required=True),
    },
    ("title", "host_unit_id", "deadline"),
    example={
        "title": "清理燕郊镇全部小塑料",
        "host_unit_id": 1,
        "deadline": "2027-03-31",
        "lead_leader": "李副市长",
        "responsible_person": "王镇长",
    },
)

TASK_DELIVERY = Shape(
    {
        "done_on": Field("date", required=True),
        "report": text_field(5000, min_length=1, required=True),
    },
    ("done_on", "report"),
)

SUPERVISION_VISIT = Shape(
    {
        "client_uuid": Field("uuid"),
        "unit_id": id_field(required=True),
        "visited_at": Field("datetime"),
        "unannounced": Field("bool"),
        "lat": lat_field(),
        "lon": lon_field(),
        "accuracy_m": Field("float", minimum=0, maximum=100000),
        "members": text_field(300),
        "findings": text_field(10000, min_length=1, required=True),
        "undelivered_task_ids": _raw(IDS),
    },
    ("unit_id", "findings"),
)

ACCOUNTABILITY_CREATE = Shape(
    {
        "target_kind": Field("enum", choices=tuple(TARGET_KINDS), default="unit"),
        "unit_id": id_field(nullable=True),
        "official_name": text_field(80),
        "official_post": text_field(120),
        # Required unless a task names it (missed_deadline): the service's rule.
        "ground": _raw({"type": "string", "enum": list(GROUNDS)}),
        "ground_detail": text_field(5000),
        "task_id": id_field(nullable=True),
        "case_id": id_field(nullable=True),
        "decision": _raw({"type": "string", "enum": list(DECISIONS)}),
        "decided_on": Field("date", nullable=True),
        "respond_by": Field("date", required=True),
    },
    ("decision", "respond_by"),
)

ACCOUNTABILITY_ANSWER = Shape(
    {
        "answer": text_field(10000, min_length=1, required=True),
        "on": Field("date", nullable=True),
    },
    ("answer",),
)

ACCOUNTABILITY_CLOSE = Shape(
    {
        "note": text_field(5000, min_length=1, required=True),
        "on": Field("date", nullable=True),
    },
    ("note",),
)

BODIES = {
    "UnitCreate": UNIT_CREATE,
    "TaskCreate": TASK_CREATE,
    "TaskDelivery": TASK_DELIVERY,
    "SupervisionVisitCreate": SUPERVISION_VISIT,
    "AccountabilityCreate": ACCOUNTABILITY_CREATE,
    "AccountabilityAnswer": ACCOUNTABILITY_ANSWER,
    "AccountabilityClose": ACCOUNTABILITY_CLOSE,
}
