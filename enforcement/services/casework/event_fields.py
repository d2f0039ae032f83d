"""Which payload fields each event type of each action carries (issue #14: a case event stores
only what its type uses). Read off the engine's readers (workflow/<action>.py) and the evidence
links the pages send (an execution's visit); a test checks
that every event type of every action has its row, so a new event type cannot skip it.

``type``, ``on``, ``client_uuid`` and ``recorded_at`` are the envelope of every event, not payload.
"""

from __future__ import annotations

ENVELOPE = frozenset({"type", "on", "client_uuid", "recorded_at"})

_HEARING = ("requested_on", "notified_on", "held_on")  # workflow/hearing.py (APL Arts. 63, 64)
_VERIFY = ("compliant", "visit_id")
_VISIT = ("followup", "visit_id")  # the follow-up a visit completes, plus its own answers

#: action -> event type -> the payload fields the engine reads for it.
EVENT_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "rectify": {
        "report_rectified": (),
        "verify": _VERIFY,
        "close": (),
        "reopen": (),
    },
    "stop": {
        "file_plan": (),
        "accept_plan": (),
        "extend": ("months", "approved_by"),
        "report_completed": ("disclosure_ref", "monitoring_ref"),
        "verify": _VERIFY,
        "visit": (*_VISIT, "production_running", "compliant"),
        "expire": (),
        "approve_close": ("approved_by", "approved_on"),
        "decline_close": ("note",),
        "hearing": _HEARING,
    },
    "close": {
        # visit_id: the visit during which the closure was carried out (the phone's evidence link)
        "execute": ("checklist", "started_at", "urgency", "visit_id"),
        "verify": _VERIFY,
        "visit": (*_VISIT, "running"),
        "rebound": ("visit_id",),
        "close": (),
        "reopen": (),
        "hearing": _HEARING,
    },
    "seal": {
        "extend": ("days", "approved_by"),
        "visit": (*_VISIT, "seals_intact"),
        "release": ("reason",),
        "handle": ("decision",),
        "hearing": _HEARING,
    },
    "fine": {
        "notify": ("received_on",),
        "request_hearing": (),
        "decide": ("amount_fen", "hearing_waived", "received_on"),
        "pay": ("amount_fen", "payment_ref"),
        "appeal": ("kind",),
        "appeal_decided": ("result", "amount_fen"),
        "request_enforcement": (),
        "publish": (),
        "visit": (*_VISIT, "discharge_continues"),
        "close": (),
        "reopen": (),
        "receive": (),
        "notify_hearing": ("hearing_on",),
        "extend_decision": ("days", "approved_by", "collective"),
        "suspend": ("reason",),
        "resume": (),
        "demand_served": ("received_on",),
    },
    "control": {
        "gate": ("gate", "status"),
        "gate_overdue": ("gate",),
        "report_monitoring": ("period_end",),
        "declare_tax": ("period_end",),
        "apply_permit_renewal": (),
        "renew_permit": ("permit_expires",),
        "visit": _VISIT,
        "release": (),
        "reopen": (),
    },
}


def unknown_fields(action: str, data: dict) -> tuple[dict[str, str], list[str]]:
    """(problems, keys to drop) for an event's payload: a field its type does not use is refused
    with its name (422); one sent empty (null) is dropped. An event type the action does not know
    is left to the engine, which names the known ones."""
    kind = data.get("type")
    known = EVENT_FIELDS.get(action, {}).get(kind) if isinstance(kind, str) else None
    if known is None:
        return {}, []
    problems, drop = {}, []
    for key, value in data.items():
        if key in ENVELOPE or key in known:
            continue
        if value is None:
            drop.append(key)
        else:
            problems[key] = (
                f"not used by a '{kind}' event of a {action} case"
                f" (its fields: {', '.join(known) or 'none'})"
            )
    return problems, drop
