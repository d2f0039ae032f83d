"""The request bodies the field and the desk send most, each declared once (issue 22): the API
publishes and checks the schema generated from it (``web/openapi.py``), and the service reads
its typed input with it, from the API, a page form or a kept submission alike."""

from __future__ import annotations

from enforcement.domain import INDUSTRIES
from enforcement.models.complaint import CATEGORIES, CHANNELS
from enforcement.models.enterprise import ENTERPRISE_STATUSES, RISK_CLASSES
from enforcement.models.visit import VISIT_PURPOSES
from enforcement.services.core.shapes import (
    BOOL,
    DATE,
    ID,
    INT,
    STR,
    Field,
    Shape,
    id_field,
    lat_field,
    lon_field,
    nullable,
    text_field,
    text_schema,
)
from enforcement.workflow import ACTION_VALUES


def _raw(schema: dict) -> Field:
    """A field the schema checks and the service resolves itself (a lookup) or hands to the
    engine as it came (an action's parameter, which the engine's rules check)."""
    return Field("raw", read=False, schema=schema)


# ------------------------------------------------------------------ enterprises

ENTERPRISE_FIELDS = {
    "name": text_field(200, min_length=1, required=True, extra={"example": "三河市某塑料加工厂"}),
    "lat": lat_field(required=True),
    "lon": lon_field(required=True),
    # The check character and the township's code are looked up by the service.
    "credit_code": _raw(
        nullable(
            text_schema(
                18,
                description="统一社会信用代码, checked with its check character",
                example="91131082MA0CXXXX0X",
            )
        )
    ),
    "address": text_field(300),
    "township": _raw(nullable(text_schema(40, description="township code"))),
    "industry": Field("enum", choices=tuple(INDUSTRIES), default="other"),
    "risk_class": Field("enum", choices=tuple(RISK_CLASSES), default="C"),
    "permit_no": text_field(60),
    "permit_expires": Field("date", nullable=True),
    "contact_name": text_field(80, extra={"description": "private: never on a public page"}),
    "contact_phone": text_field(40, extra={"description": "private: never on a public page"}),
    "status": Field("enum", choices=tuple(ENTERPRISE_STATUSES), default="operating"),
}

ENTERPRISE_CREATE = Shape(
    ENTERPRISE_FIELDS,
    ("name", "lat", "lon"),
    example={
        "name": "三河市某塑料加工厂",
        "lat": 39.9612,
        "lon": 116.8301,
        "township": "yanjiao",
        "industry": "plastics",
        "risk_class": "B",
    },
)
#: An edit: the same fields, none required; only those sent are read.
ENTERPRISE_PATCH = Shape(ENTERPRISE_FIELDS, example={"risk_class": "A"}, partial=True)

# ------------------------------------------------------------------ visits

VISIT = Shape(
    {
        "client_uuid": Field("uuid", required=True),
        "enterprise_id": id_field(required=True),
        "visited_at": Field("datetime", required=True),
        "lat": lat_field(),
        "lon": lon_field(),
        "accuracy_m": Field("float", minimum=0, maximum=100000),
        "purpose": Field("enum", choices=tuple(VISIT_PURPOSES)),
        "unannounced": Field("bool"),
        # Looked up by the service: the officers by name, the follow-up and the answers it asks.
        "inspectors": _raw({"type": "array", "items": text_schema(64), "maxItems": 20}),
        "findings": text_field(10000),
        "followup_id": _raw(nullable(ID)),
        "approval_ref": text_field(80),
        "geofence_reason": text_field(500),
        "result": _raw(
            {
                "type": "object",
                "description": 'a verification visit\'s result, e.g. {"compliant": true}',
            }
        ),
    },
    ("client_uuid", "enterprise_id", "visited_at", "purpose"),
    example={
        "client_uuid": "3f2c8a9e-1b7d-4c55-9a0e-6d1f2e3b4c5d",
        "enterprise_id": 12,
        "visited_at": "2026-11-20T10:00:00+08:00",
        "lat": 39.9612,
        "lon": 116.8302,
        "accuracy_m": 8,
        "purpose": "routine",
        "unannounced": True,
        "inspectors": ["zhangwei", "liuyang"],
        "findings": "排污口标志不规范",
    },
)

# ------------------------------------------------------------------ cases

CASE_OPEN = Shape(
    {
        "enterprise_id": id_field(required=True, invalid="no such enterprise"),
        "action": Field("enum", choices=tuple(ACTION_VALUES)),
        "served_on": Field("date", required=True),
        "violation": text_field(2000),
        # Required for a seal-up (ACL Art. 24): a rule of the action, checked by the service.
        "legal_basis": text_field(2000),
        # The action's parameters: the engine's rules check them (wf.open_params).
        "rectify_days": _raw(INT),
        "amount_fen": _raw(INT),
        "max_amount_fen": _raw(INT),
        "maximum_penalty": _raw(BOOL),
        "daily_penalty": _raw(BOOL),
        "illegal_discharge": _raw(BOOL),
        "parent_amount_fen": _raw(INT),
        "correction_served_on": _raw(
            {
                **DATE,
                "description": "fine with daily_penalty: the day the "
                "correction order (责令改正违法行为决定书) was served; default served_on",
            }
        ),
        "daily_days": _raw(INT),
        "gate": _raw(text_schema(20)),
        "gates": _raw({"type": "object", "additionalProperties": STR}),
        "risk_class": _raw({"type": "string", "enum": list(RISK_CLASSES)}),
        "permit_expires": _raw(DATE),
        "visit_id": id_field(nullable=True, invalid="no such visit"),
        "visit_client_uuid": Field(
            "uuid",
            extra={"description": "the visit that found it, by the UUID the phone gave it offline"},
        ),
        "client_uuid": Field("uuid"),
        # Issue #15: stop measure and approver, seal-up items, government approval of a closure.
        "measure": _raw(
            {
                "type": "string",
                "enum": ["limit", "stop"],
                "description": (
                    "stop cases: limit (限制生产, at most 3 months) or stop (停产整治, until lifted); "
                    "default stop"
                ),
            }
        ),
        "approved_by": _raw(text_schema(80)),
        "items": _raw({"type": "array", "items": text_schema(500), "minItems": 1, "maxItems": 200}),
        "kind": _raw({"type": "string", "enum": ["seal", "seize", "both"]}),
        "resumed_production": _raw(BOOL),
        "government_approved_by": _raw(text_schema(120)),
        "government_approved_on": _raw(DATE),
    },
    ("enterprise_id", "action", "served_on"),
    example={
        "enterprise_id": 12,
        "action": "rectify",
        "served_on": "2026-11-20",
        "violation": "排污口标志不规范",
        "legal_basis": "《水污染防治法》第二十二条",
        "rectify_days": 30,
        "client_uuid": "6a1c7e52-0d3b-4f7a-8d2e-9b4c1a5f6e70",
    },
)

_BOOL = _raw(BOOL)
_INT = _raw(INT)

CASE_EVENT = Shape(
    {
        # The event's type is the engine's to know (an unknown one is an impossible transition).
        "type": _raw(text_schema(30, minLength=1, example="report_rectified")),
        "on": Field("date", required=True),
        "client_uuid": Field("uuid"),
        "recorded_at": Field(
            "datetime",
            extra={
                "description": "when the phone recorded it; offline events are applied in "
                "recorded order"
            },
        ),
        # What the event says: each type's fields are the engine's (event_fields.EVENT_FIELDS).
        "compliant": _BOOL,
        "visit_id": _raw(ID),
        "months": _INT,
        "approved_by": _raw(text_schema(80)),
        "checklist": _raw(
            {
                "type": "object",
                "additionalProperties": BOOL,
                "example": {
                    "water_cut": True,
                    "power_cut": True,
                    "materials_cleared": True,
                    "equipment_cleared": True,
                    "products_cleared": True,
                },
            }
        ),
        "amount_fen": _INT,
        "hearing_waived": _BOOL,
        "payment_ref": _raw(text_schema(80)),
        "kind": _raw(text_schema(40)),
        "result": _raw(text_schema(20)),
        "gate": _raw(text_schema(20)),
        "status": _raw(text_schema(20)),
        "permit_expires": _raw(DATE),
        "period_end": _raw(DATE),
        "running": _BOOL,
        "production_running": _BOOL,
        "discharge_continues": _BOOL,
        "followup": _raw(text_schema(40)),
        "note": _raw(text_schema(500)),
        # Issue #15 (measures): seal-up extension and end, closure approval, hearing, forced
        # execution.
        "days": _INT,
        "approved_on": _raw(DATE),
        "decision": _raw(text_schema(500)),
        "reason": _raw(text_schema(500)),
        "seals_intact": _BOOL,
        "started_at": _raw(text_schema(25, example="09:30")),
        "urgency": _raw(text_schema(500)),
        "requested_on": _raw(DATE),
        "notified_on": _raw(DATE),
        "held_on": _raw(DATE),
        "disclosure_ref": _raw(text_schema(200)),
        "monitoring_ref": _raw(text_schema(200)),
        # issue #15 (clock): receipt of a paper (APL Arts. 61, 67), the hearing notice (APL
        # Art. 64), the time limit for deciding (extension `days`, `collective`; suspension
        # `reason`)
        "received_on": _raw(
            nullable(
                {
                    **DATE,
                    "description": "the day the party received the paper, when "
                    "later than `on`; its periods run from it",
                }
            )
        ),
        "hearing_on": _raw(
            {
                **DATE,
                "description": "notify_hearing: the day of the hearing, at least 7 days "
                "after `on` (APL Art. 64)",
            }
        ),
        "collective": _raw(
            {**BOOL, "description": "extend_decision: a second extension decided collectively"}
        ),
    },
    ("type", "on"),
    example={
        "type": "report_rectified",
        "on": "2026-11-24",
        "client_uuid": "0b9d2c4e-5f6a-4b7c-8d9e-1f2a3b4c5d6e",
        "recorded_at": "2026-11-24T15:20:00+08:00",
    },
)

# ------------------------------------------------------------------ complaints

COMPLAINT = Shape(
    {
        "client_uuid": Field("uuid"),
        "channel": Field("enum", choices=tuple(CHANNELS)),
        "category": Field("enum", choices=tuple(CATEGORIES)),
        "text": text_field(5000, min_length=1, required=True),
        "lat": lat_field(),
        "lon": lon_field(),
        "address": text_field(300),
        "enterprise_id": id_field(nullable=True),
        "received_at": Field("datetime"),
        "complainant_name": text_field(80),
        "complainant_phone": text_field(40),
    },
    ("channel", "category", "text"),
    example={
        "channel": "hotline",
        "category": "odour",
        "text": "夜间有刺鼻气味",
        "lat": 39.9612,
        "lon": 116.8302,
    },
)

#: The published name of each body declared here (the OpenAPI document's components).
BODIES = {
    "EnterpriseCreate": ENTERPRISE_CREATE,
    "EnterprisePatch": ENTERPRISE_PATCH,
    "VisitCreate": VISIT,
    "CaseCreate": CASE_OPEN,
    "CaseEvent": CASE_EVENT,
    "ComplaintCreate": COMPLAINT,
}
