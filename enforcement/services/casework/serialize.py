"""The API's shapes of records (API.md), built in one place for the JSON API and the pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.models import Case, CaseLink, Enterprise, Visit
from enforcement.services.casework import cases


def deadline_row(d, as_of: date) -> dict:
    status = wf.deadline_status(d, as_of)
    return {
        "name": d.name,
        "due_on": d.due_on.isoformat(),
        "status": status,
        "met_on": d.met_on.isoformat() if d.met_on else None,
        "provisional": d.provisional,
        "days_overdue": wf.days_overdue(d, as_of),
    }


def followup_row(f, as_of: date, cancelled: bool = False) -> dict:
    return {
        "id": f.id,
        "key": f.key,
        "purpose": f.purpose,
        "earliest_on": f.earliest_on.isoformat(),
        "due_on": f.due_on.isoformat(),
        "status": "cancelled" if cancelled else wf.followup_status(f, as_of),
        "visit_id": f.visit_id,
        "unannounced": f.unannounced,
        "provisional": f.provisional,
        "assignee": f.assignee.username if f.assignee else None,
        "note": f.note,
    }


def case_dict(case: Case, as_of: date) -> dict:
    snapshot = cases.snapshot_of(case)
    cancelled = wf.cancelled_keys(case.facts)
    links = (
        db.session.execute(
            select(CaseLink).where(
                or_(CaseLink.from_case_id == case.id, CaseLink.to_case_id == case.id)
            )
        )
        .scalars()
        .all()
    )
    body = {
        "id": case.id,
        "enterprise_id": case.enterprise_id,
        "enterprise_name": case.enterprise.name,
        "action": case.action,
        "state": case.state,
        "display_state": wf.display_state(snapshot, as_of),
        "served_on": case.served_on.isoformat(),
        "violation": case.violation,
        "legal_basis": case.legal_basis,
        "params": dict(case.params or {}),
        "provisional": case.provisional,
        "as_of": as_of.isoformat(),
        "deadlines": [deadline_row(d, as_of) for d in case.deadlines],
        # API.md's follow-up statuses are planned, done and missed: a follow-up the engine
        # withdrew (the case left the states it served) is listed apart, never dropped.
        "followups": [followup_row(f, as_of) for f in case.followups if f.key not in cancelled],
        "cancelled_followups": [
            followup_row(f, as_of, True) for f in case.followups if f.key in cancelled
        ],
        "allowed_events": wf.allowed_events(snapshot),
        "links": [
            {
                "case_id": k.to_case_id if k.from_case_id == case.id else k.from_case_id,
                "direction": "opened" if k.from_case_id == case.id else "opened_by",
                "reason": k.reason,
            }
            for k in links
        ],
        "responsibility": {
            "lead": case.lead,
            "host_unit": case.host_unit,
            "co_units": case.co_units or [],
            "person": case.responsible_person,
            "due_on": case.responsibility_due.isoformat() if case.responsibility_due else None,
        },
        "assignee": case.assignee.username if case.assignee else None,
        "history": [
            {
                "seq": e.seq,
                "type": e.type,
                "on": e.on.isoformat(),
                "data": e.data,
                "recorded_at": e.recorded_at.isoformat(),
                "actor": e.actor.username if e.actor else None,
            }
            for e in case.events
        ],
    }
    if case.action == "fine":
        body["surcharge_fen"] = wf.surcharge_fen(snapshot, as_of, rules=cases.rules())
    return body


def visit_dict(visit: Visit) -> dict:
    return {
        "id": visit.id,
        "client_uuid": visit.client_uuid,
        "enterprise_id": visit.enterprise_id,
        "visited_at": visit.visited_at.isoformat(),
        "lat": visit.lat,
        "lon": visit.lon,
        "accuracy_m": visit.accuracy_m,
        "distance_m": visit.distance_m,
        "geofence_ok": visit.geofence_ok,
        "geofence_reason": visit.geofence_reason,
        "purpose": visit.purpose,
        "unannounced": visit.unannounced,
        "inspectors": [u.username for u in visit.inspectors],
        "findings": visit.findings,
        "followup_id": visit.followup_id,
        "approval_ref": visit.approval_ref,
        "result": visit.outcome or {},
        "photos": [p.id for p in visit.photos],
    }


def enterprise_dict(e: Enterprise, *, private: bool = True) -> dict:
    body = {
        "id": e.id,
        "name": e.name,
        "credit_code": e.credit_code,
        "address": e.address,
        "township": e.township.code if e.township else None,
        "industry": e.industry,
        "lat": e.lat,
        "lon": e.lon,
        "risk_class": e.risk_class,
        "permit_no": e.permit_no,
        "permit_expires": e.permit_expires.isoformat() if e.permit_expires else None,
        "status": e.status,
        "located": e.lat is not None,
        "location_source": e.location_source,
        "legacy_code": e.legacy_code,
        "industry_gbt": e.industry_gbt,
        "industry_text": e.industry_text,
        "legal_rep": e.legal_rep,
    }
    if private:
        body.update(contact_name=e.contact_name, contact_phone=e.contact_phone)
    return body
