"""The evidence pack (证据包) of a case for a hearing or a court: one ZIP with the papers served
(as PDF), the visits with their photos and GPS, the SHA-256 of every original photo, and the case's full
history (its events and the audit events that touch it), indexed by a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import or_, select

from enforcement.exports import csv  # the app's one CSV writer: text cells formula-guarded
from enforcement.extensions import db
from enforcement.models import AuditEvent, Case, PaperNumber
from enforcement.services.core import audit
from enforcement.services.papers import map_exhibit, papers
from enforcement.services.core.actor import Actor

#: Every stored photo is the server's re-encoded JPEG (services.field.photos.reencode), whatever
#: the upload's type: the pack names it .jpg and records the original type in the manifest.
STORED_PHOTO_EXTENSION = "jpg"


def _json(value) -> bytes:
    return json.dumps(
        value,
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
        default=lambda v: v.isoformat() if isinstance(v, (date, datetime)) else str(v),
    ).encode()


def _photo_bytes(storage, storage_key: str) -> bytes | None:
    # Through the storage interface (local folder or object store); a key the store refuses or
    # does not hold (a restored or migrated database is not always our own) is reported missing.
    try:
        with storage.open(storage_key) as handle:
            return handle.read()
    except (FileNotFoundError, ValueError, KeyError):
        return None


def _history(case: Case, visit_ids: list[int]) -> dict:
    events = [
        {
            "seq": e.seq,
            "type": e.type,
            "on": e.on,
            "data": e.data,
            "recorded_at": e.recorded_at,
            "received_at": e.received_at,
            "actor": e.actor.username if e.actor else None,
        }
        for e in case.events
    ]
    clauses = [(AuditEvent.object_type == "case") & (AuditEvent.object_id == str(case.id))]
    if visit_ids:
        clauses.append(
            (AuditEvent.object_type == "visit")
            & AuditEvent.object_id.in_([str(v) for v in visit_ids])
        )
    rows = db.session.scalars(select(AuditEvent).where(or_(*clauses)).order_by(AuditEvent.id))
    trail = [
        {
            "id": a.id,
            "at": a.at,
            "actor": a.actor,
            "action": a.action,
            "object": f"{a.object_type}:{a.object_id}",
            "before": a.before,
            "after": a.after,
            "hash": a.hash,
            "prev_hash": a.prev_hash,
        }
        for a in rows
    ]
    return {"case_events": events, "audit_events": trail}


def build_pack(
    actor: Actor,
    case: Case,
    *,
    now: datetime,
    config,
    timezone: str,
    case_view: dict,
    render: Callable[[papers.Paper], bytes],
    storage=None,
) -> tuple[bytes, dict]:
    """The ZIP's bytes and a summary. ``render`` turns a paper into its PDF (the web layer owns
    templates). Only papers that were issued (have a number) are included:
    the pack documents what was served, and packing must not allocate numbers."""
    if not papers.may_print_case(actor, case):
        from enforcement.errors import Forbidden

        raise Forbidden("You may not download this case's evidence.")
    if storage is None:
        from enforcement.services.core.storage import photo_storage

        storage = photo_storage()
    visits = papers.case_visits(case)
    visit_ids = [v.id for v in visits]
    files: list[dict] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:

        def add(path: str, data: bytes, kind: str, **extra):
            zf.writestr(
                path,
                data,
                compress_type=zipfile.ZIP_STORED if kind == "photo" else zipfile.ZIP_DEFLATED,
            )
            files.append(
                {
                    "path": path,
                    "kind": kind,
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    **extra,
                }
            )

        issued = db.session.scalars(
            select(PaperNumber)
            .where(
                or_(
                    (PaperNumber.subject_type == "case") & (PaperNumber.subject_id == case.id),
                    (PaperNumber.subject_type == "visit")
                    & PaperNumber.subject_id.in_(visit_ids or [-1]),
                )
            )
            .order_by(PaperNumber.id)
        ).all()
        by_visit = {v.id: v for v in visits}
        for number in issued:
            if number.subject_type == "case":
                paper = papers.build_case_paper(case, number.kind, number.number, config)
                path = f"papers/{number.kind}.pdf"
            else:
                paper = papers.build_visit_record(
                    by_visit[number.subject_id], number.number, config, timezone
                )
                path = f"papers/inspection_record-visit-{number.subject_id}.pdf"
            add(path, render(paper), "paper", number=number.number)

        photo_rows = []
        for visit in visits:
            record: dict[str, Any] = {
                "id": visit.id,
                "visited_at": visit.visited_at,
                "purpose": visit.purpose,
                "unannounced": visit.unannounced,
                "findings": visit.findings,
                "inspectors": [
                    {"username": u.username, "name": u.label, "credential_no": u.credential_no}
                    for u in visit.inspectors
                ],
                "gps": {
                    "lat": visit.lat,
                    "lon": visit.lon,
                    "accuracy_m": visit.accuracy_m,
                    "distance_from_pin_m": visit.distance_m,
                    "geofence_ok": visit.geofence_ok,
                    "geofence_reason": visit.geofence_reason,
                },
                "enterprise_pin": {"lat": visit.enterprise.lat, "lon": visit.enterprise.lon},
                "outcome": visit.outcome,
                "photos": [],
            }
            for photo in visit.photos:
                path = f"visits/{visit.id}/photo-{photo.id}.{STORED_PHOTO_EXTENSION}"
                data = _photo_bytes(storage, photo.storage_key)
                entry = {
                    "photo_id": photo.id,
                    "file": path if data is not None else None,
                    "sha256_original": photo.sha256_original,
                    "original_content_type": photo.content_type,
                    "exif_lat": photo.exif_lat,
                    "exif_lon": photo.exif_lon,
                    "exif_taken_at": photo.exif_taken_at,
                    "width": photo.width,
                    "height": photo.height,
                    "received_at": photo.created_at,
                }
                if data is not None:
                    add(path, data, "photo", sha256_original=photo.sha256_original)
                else:
                    entry["missing"] = "file not found in photo storage"
                record["photos"].append(entry)
                photo_rows.append({"visit_id": visit.id, **entry})
            add(f"visits/{visit.id}/visit.json", _json(record), "visit")
        map_exhibit.add_to_pack(add, case, config, timezone)  # map/case-map.html, no network
        add("case.json", _json(case_view), "case")
        add("history.json", _json(_history(case, visit_ids)), "history")

        summary = {
            "case_id": case.id,
            "enterprise": case.enterprise.name,
            "credit_code": case.enterprise.credit_code,
            "action": case.action,
            "state": case.state,
            "generated_at": now,
            "generated_by": actor.username,
            "bureau": config["BUREAU_NAME"],
            "papers": [n.number for n in issued],
            "visits": visit_ids,
            "photos": len(photo_rows),
        }
        manifest = {
            "summary": summary,
            "files": files,
            "photos": photo_rows,
            "note": (
                "sha256 is the digest of each file in this archive; "
                "sha256_original is the digest of the photo as uploaded from the "
                "phone, recorded at upload (the stored file is re-encoded)."
            ),
        }
        zf.writestr("manifest.json", _json(manifest))
        table = io.StringIO()
        writer = csv.writer(table)
        writer.writerow(["path", "kind", "bytes", "sha256", "sha256_original", "number"])
        for f in files:
            writer.writerow(
                [
                    f["path"],
                    f["kind"],
                    f["bytes"],
                    f["sha256"],
                    f.get("sha256_original", ""),
                    f.get("number", ""),
                ]
            )
        zf.writestr("manifest.csv", ("\ufeff" + table.getvalue()).encode())
    data = buffer.getvalue()
    audit.record(
        actor,
        "case.evidence_pack",
        "case",
        case.id,
        now=now,
        after={
            "papers": summary["papers"],
            "visits": visit_ids,
            "photos": len(photo_rows),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return data, summary
