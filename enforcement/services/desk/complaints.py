"""Complaints (信访投诉): received from any channel, each one a task with a clock: triage within
1 working day, an answer within COMPLAINT_ANSWER_WORKING_DAYS working days (15 by default), both
counted on the bureau's working-day calendar. A triaged complaint is verified by an unannounced
visit (purpose ``complaint``, which a quiet day does not stop)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from enforcement import workflow as wf
from enforcement.errors import IdempotencyMismatch, ValidationError
from enforcement.extensions import db
from enforcement.models import Complaint, Enterprise
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.calendar.calendars import load_calendar
from enforcement.services.core.scope import township_allowed
from enforcement.services.registry.townships import TownshipIndex
from enforcement.services.core import bodies
from enforcement.services.core.shapes import Input

#: What a replay of the same client_uuid must repeat to be "the same complaint".
_SAME = ("channel", "category", "text", "lat", "lon", "address", "enterprise_id")


def _existing(actor: Actor, client_uuid: str | None, values: dict) -> Complaint | None:
    if not client_uuid:
        return None
    found = db.session.scalar(select(Complaint).where(Complaint.client_uuid == client_uuid))
    # Another branch's complaint is not answered as a replay (issue 20): that would show it.
    if found is not None and (
        any(getattr(found, k) != values[k] for k in _SAME)
        or (found.recorded_by_id != actor.id and not township_allowed(actor, found.township_id))
    ):
        raise IdempotencyMismatch(
            "This client_uuid was already used for a different complaint.",
            {"client_uuid": "already used with other content"},
        )
    return found


def _clean(actor: Actor, data: dict | Input, now: datetime) -> dict:
    """The complaint's values: read by its shape (``bodies.COMPLAINT``), then the rules of a
    complaint (not in the future, somewhere to go) and the firm it names."""
    complaint_input = bodies.COMPLAINT.input(data)
    fields: dict[str, str] = dict(complaint_input.problems)
    out: dict = dict(complaint_input.values)
    if out["received_at"] is None and "received_at" not in fields:
        out["received_at"] = now
    if out.get("received_at") and out["received_at"] > now:
        fields["received_at"] = "is in the future"
    if (out.get("lat") is None) != (out.get("lon") is None) and not {"lat", "lon"} & set(fields):
        fields["lat" if out.get("lat") is None else "lon"] = "give both lat and lon, or neither"
    enterprise = None
    if out.get("enterprise_id") is not None:
        enterprise = db.session.get(Enterprise, out["enterprise_id"])
        if enterprise is None or not township_allowed(actor, enterprise.township_id):
            enterprise = None  # another branch's firm is not found either (issue 20)
            fields["enterprise_id"] = "no such enterprise"
    if (
        out.get("lat") is None
        and not out.get("address")
        and enterprise is None
        and not {"lat", "lon", "address", "enterprise_id"} & set(fields)
    ):
        # Someone has to be able to go there.
        fields["address"] = "give lat/lon, an address or the enterprise"
    if fields:
        raise ValidationError("The complaint could not be recorded.", fields)
    out["enterprise"] = enterprise
    return out


def _township(enterprise: Enterprise | None, values: dict) -> int | None:
    """Whose complaint it is: the firm's township, else the township boundary around the pin,
    else a township the address names. A branch sees its townships' complaints only (issue 20),
    so a complaint phoned in with an address alone must still reach the branch that has to go
    there; one that names no known place stays the city's (no township)."""
    if enterprise is not None:
        return enterprise.township_id
    index = TownshipIndex()
    if values.get("lat") is not None:
        found = index.containing(values["lat"], values["lon"])
        if found is not None:
            return found
    return index.in_address(values.get("address") or "")


def record_complaint_result(
    actor: Actor, data: dict | Input, *, now: datetime, calendar: wf.Calendar | None = None
) -> tuple[Complaint, bool]:
    """The complaint and whether it was created now (False: a replay of the same client_uuid)."""
    values = _clean(actor, data, now)
    found = _existing(actor, values["client_uuid"], values)
    if found is not None:
        return found, False
    calendar = calendar or load_calendar()
    tz = ZoneInfo(current_app.config["BUREAU_TIMEZONE"])
    received_on = values["received_at"].astimezone(tz).date()
    triage_by, _ = calendar.add_working_days(received_on, 1)
    answer_by, _ = calendar.add_working_days(
        received_on, current_app.config["COMPLAINT_ANSWER_WORKING_DAYS"]
    )
    enterprise = values["enterprise"]
    complaint = Complaint(
        client_uuid=values["client_uuid"],
        channel=values["channel"],
        category=values["category"],
        text=values["text"],
        lat=values["lat"],
        lon=values["lon"],
        address=values["address"] or (enterprise.address if enterprise else ""),
        enterprise_id=enterprise.id if enterprise else None,
        township_id=_township(enterprise, values),
        received_at=values["received_at"],
        received_on=received_on,
        triage_by=triage_by,
        answer_by=answer_by,
        status="new",
        complainant_name=values["complainant_name"] or "",
        complainant_phone=values["complainant_phone"] or "",
        recorded_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(complaint)
            db.session.flush()
    except IntegrityError:
        found = _existing(actor, values["client_uuid"], values)
        if found is None:
            raise
        return found, False
    # The complainant's name and phone stay out of the audit trail's readable summary.
    audit.record(
        actor,
        "complaint.record",
        "complaint",
        complaint.id,
        now=now,
        after={
            "channel": complaint.channel,
            "category": complaint.category,
            "enterprise_id": complaint.enterprise_id,
            "received_on": received_on,
            "triage_by": triage_by,
            "answer_by": answer_by,
        },
    )
    return complaint, True


def record_complaint(
    actor: Actor, data: dict | Input, *, now: datetime, calendar: wf.Calendar | None = None
) -> Complaint:
    return record_complaint_result(actor, data, now=now, calendar=calendar)[0]


def complaint_dict(c: Complaint) -> dict:
    return {
        "id": c.id,
        "client_uuid": c.client_uuid,
        "channel": c.channel,
        "category": c.category,
        "text": c.text,
        "lat": c.lat,
        "lon": c.lon,
        "address": c.address,
        "enterprise_id": c.enterprise_id,
        "township": c.township.code if c.township else None,
        "received_at": c.received_at.isoformat(),
        "received_on": c.received_on.isoformat(),
        "triage_by": c.triage_by.isoformat(),
        "answer_by": c.answer_by.isoformat(),
        "status": c.status,
        "assignee": c.assignee.username if c.assignee else None,
    }
