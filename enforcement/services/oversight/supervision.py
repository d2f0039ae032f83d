"""督查: the joint supervision group's visits to units and townships, open or unannounced, with
GPS, findings and the tasks found undelivered; and the units' overdue-task list."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from enforcement.errors import (
    IdempotencyMismatch,
    NotFound,
    ValidationError,
)
from enforcement.extensions import db
from enforcement.models import ResponsibleUnit, SupervisionPhoto, SupervisionVisit, Task
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.field import photos
from enforcement.services.core.parsing import parse_ids, parse_uuid
from enforcement.services.core.shapes import Input
from enforcement.services.oversight import bodies

from .access import (
    branch_scope,
    require_desk,
    task_in_branch,
    unit_in_branch,
    visit_in_branch,
    where_branch,
)
from .tasks import state_clause


def record_visit(
    actor: Actor, data: dict | Input, *, now: datetime
) -> tuple[SupervisionVisit, bool]:
    """Record a supervision visit; returns (visit, created). The same client_uuid again returns
    the first record and writes nothing."""
    require_desk(actor)
    visit_input = bodies.SUPERVISION_VISIT.input(data)
    data = visit_input.raw
    fields: dict[str, str] = dict(visit_input.problems)
    client_uuid = visit_input["client_uuid"]
    if client_uuid:
        found = db.session.scalar(
            select(SupervisionVisit).where(SupervisionVisit.client_uuid == client_uuid)
        )
        if found is not None:
            return found, False
    unit_id = visit_input["unit_id"]
    unit = (
        db.session.scalar(
            where_branch(
                select(ResponsibleUnit).where(ResponsibleUnit.id == unit_id),
                unit_in_branch(branch_scope(actor)),
            )
        )
        if unit_id
        else None
    )
    if unit_id and unit is None:
        fields["unit_id"] = "no such unit"
    visited_at = visit_input["visited_at"]
    if visited_at is None and "visited_at" not in fields:
        visited_at = now  # not sent: recorded as it happens
    if visited_at and visited_at > now:
        fields["visited_at"] = "is in the future"
    unannounced = visit_input["unannounced"]
    lat, lon, acc = visit_input["lat"], visit_input["lon"], visit_input["accuracy_m"]
    if (lat is None) != (lon is None) and not {"lat", "lon"} & set(fields):
        fields["lat" if lat is None else "lon"] = "give both lat and lon, or neither"
    members = visit_input["members"] or ""
    findings = visit_input["findings"]
    task_ids = parse_ids(data.get("undelivered_task_ids"), "undelivered_task_ids", fields)
    tasks = []
    if unit is not None and visited_at is not None:
        day = visited_at.astimezone(ZoneInfo(current_app.config["BUREAU_TIMEZONE"])).date()
        in_branch = task_in_branch(branch_scope(actor))
        for tid in dict.fromkeys(task_ids):
            task = db.session.scalar(where_branch(select(Task).where(Task.id == tid), in_branch))
            if task is None:
                fields["undelivered_task_ids"] = f"no such task: {tid}"
            elif unit.id != task.host_unit_id and unit not in task.co_units:
                fields["undelivered_task_ids"] = f"task {tid} is not this unit's"
            elif task.done_on is not None and task.done_on <= day:
                fields["undelivered_task_ids"] = f"task {tid} was delivered on {task.done_on}"
            else:
                tasks.append(task)
    if fields:
        raise ValidationError("The supervision visit could not be recorded.", fields)
    assert unit is not None  # else fields named it
    visit = SupervisionVisit(
        client_uuid=client_uuid,
        unit_id=unit.id,
        township_id=unit.township_id,
        visited_at=visited_at,
        unannounced=bool(unannounced),
        lat=lat,
        lon=lon,
        accuracy_m=acc,
        members=members,
        findings=findings,
        recorded_by_id=actor.id,
        created_at=now,
    )
    visit.undelivered = tasks
    db.session.add(visit)
    db.session.flush()
    audit.record(
        actor,
        "supervision.record",
        "supervision_visit",
        visit.id,
        now=now,
        after={
            "unit_id": unit.id,
            "visited_at": visited_at,
            "unannounced": visit.unannounced,
            "lat": lat,
            "lon": lon,
            "findings": findings,
            "undelivered_task_ids": [t.id for t in tasks],
        },
    )
    return visit, True


def get_visit(actor: Actor, visit_id: int) -> SupervisionVisit:
    require_desk(actor)
    visit = db.session.scalar(
        where_branch(
            select(SupervisionVisit).where(SupervisionVisit.id == visit_id),
            visit_in_branch(branch_scope(actor)),
        )
    )
    if visit is None:
        raise NotFound("No such supervision visit.")
    return visit


def list_visits(
    actor: Actor, *, unit_id: int | None = None, branch_id: int | None = None, limit: int = 200
) -> list[SupervisionVisit]:
    require_desk(actor)
    stmt = select(SupervisionVisit).order_by(SupervisionVisit.visited_at.desc()).limit(limit)
    if unit_id is not None:
        stmt = stmt.where(SupervisionVisit.unit_id == unit_id)
    stmt = where_branch(stmt, visit_in_branch(branch_scope(actor, branch_id)))
    return list(db.session.scalars(stmt))


def overdue_by_unit(actor: Actor, as_of: date, *, branch_id: int | None = None) -> list[dict]:
    """Per unit: its overdue tasks as host on ``as_of`` (the list the supervision group works
    from), the worst first."""
    require_desk(actor)
    stmt = (
        select(ResponsibleUnit, func.count(Task.id), func.min(Task.deadline))
        .join(Task, Task.host_unit_id == ResponsibleUnit.id)
        .where(state_clause("overdue", as_of))
        .group_by(ResponsibleUnit.id)
        .order_by(func.count(Task.id).desc(), func.min(Task.deadline), ResponsibleUnit.id)
    )
    stmt = where_branch(stmt, task_in_branch(branch_scope(actor, branch_id)))
    return [
        {
            "unit": unit,
            "overdue": n,
            "oldest_deadline": oldest,
            "days_overdue": (as_of - oldest).days,
        }
        for unit, n, oldest in db.session.execute(stmt)
    ]


def visit_row(v: SupervisionVisit) -> dict:
    return {
        "id": v.id,
        "client_uuid": v.client_uuid,
        "unit_id": v.unit_id,
        "unit": v.unit.name if v.unit else None,
        "township": v.township.code if v.township else None,
        "visited_at": v.visited_at.isoformat(),
        "unannounced": v.unannounced,
        "lat": v.lat,
        "lon": v.lon,
        "accuracy_m": v.accuracy_m,
        "members": v.members,
        "findings": v.findings,
        "undelivered_task_ids": [t.id for t in v.undelivered],
        "photos": [photo_row(p) for p in v.photos],
    }


def store_photo(
    actor: Actor, visit: SupervisionVisit, *, data: bytes, client_uuid, now: datetime, storage
) -> tuple[SupervisionPhoto, bool]:
    """A photo of a supervision visit, checked and re-encoded exactly like a visit's photo;
    the same client_uuid again returns the first photo."""
    require_desk(actor)
    key_uuid = parse_uuid(client_uuid)
    digest = hashlib.sha256(data).hexdigest()
    found = db.session.scalar(
        select(SupervisionPhoto).where(SupervisionPhoto.client_uuid == key_uuid)
    )
    if found is not None:
        if found.visit_id != visit.id or found.sha256_original != digest:
            raise IdempotencyMismatch(
                "This client_uuid was already used for another photo.",
                {"client_uuid": "already used with other content"},
            )
        return found, False
    # The same checks, decoding and re-encoding as a visit's photo: one place decides what a
    # photo may be (size, kind, no payload smuggled behind it, pixel limit).
    p = photos.prepare(data)
    photo = SupervisionPhoto(
        client_uuid=key_uuid,
        visit_id=visit.id,
        storage_key=f"supervision/{visit.id}/{key_uuid}.jpg",
        sha256_original=digest,
        content_type=p.kind,
        width=p.width,
        height=p.height,
        size_bytes=p.size_bytes,
        exif_lat=p.lat,
        exif_lon=p.lon,
        created_at=now,
    )
    db.session.add(photo)
    db.session.flush()
    storage.put(photo.storage_key, p.full)
    storage.put(thumb_key(photo), p.small)
    audit.record(
        actor,
        "supervision.photo",
        "supervision_photo",
        photo.id,
        now=now,
        after={
            "visit_id": visit.id,
            "sha256_original": digest,
            "content_type": p.kind,
            "size_bytes": p.size_bytes,
            "exif_lat": p.lat,
            "exif_lon": p.lon,
        },
    )
    return photo, True


def thumb_key(photo: SupervisionPhoto) -> str:
    return photo.storage_key[:-4] + "-thumb.jpg"


def get_photo(actor: Actor, photo_id: int) -> SupervisionPhoto:
    require_desk(actor)
    photo = db.session.get(SupervisionPhoto, photo_id)
    if photo is None:
        raise NotFound("No such photo.")
    get_visit(actor, photo.visit_id)  # another branch's visit: not found
    return photo


def photo_row(p: SupervisionPhoto) -> dict:
    return {
        "id": p.id,
        "client_uuid": p.client_uuid,
        "visit_id": p.visit_id,
        "content_type": p.content_type,
        "width": p.width,
        "height": p.height,
        "size_bytes": p.size_bytes,
        "sha256_original": p.sha256_original,
        "exif_lat": p.exif_lat,
        "exif_lon": p.exif_lon,
        "url": f"/api/v1/supervision-photos/{p.id}",
        "thumb_url": f"/api/v1/supervision-photos/{p.id}?size=thumb",
    }
