"""API: visits (idempotent by client_uuid) and their photos."""

from __future__ import annotations

from flask import g, jsonify, request, send_file

from ..clock import utcnow
from ..errors import IdempotencyMismatch, ValidationError
from ..extensions import db
from ..services.core.parsing import parse_uuid
from ..services.field import photos, visits
from ..services.casework import serialize
from ..services.core.storage import photo_storage
from . import boundary
from .api import REFUSED_ERRORS, authenticated, body_input, bp, raw_object, refused, rejected


@bp.post("/visits")
@authenticated()
def record_visit():
    raw = raw_object()
    try:
        data = body_input("VisitCreate")
        result = visits.record_visit(g.actor, data, now=utcnow())
    except ValidationError as exc:
        refused("visit", exc, raw)
    except REFUSED_ERRORS as exc:
        rejected("visit", exc, data.raw)
    view = serialize.visit_dict(result.visit)
    view["opened_case_ids"] = [c.id for c in result.opened]
    return jsonify(view), 201 if result.created else 200


@bp.get("/visits/<int:visit_id>")
@authenticated()
def get_visit(visit_id: int):
    return jsonify(serialize.visit_dict(photos.get_visit(visit_id)))


@bp.post("/visits/<int:visit_id>/photos")
@authenticated()
def upload_photo(visit_id: int):
    visit = photos.get_visit(visit_id)
    photos.check_attach(g.actor, visit)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("Send the photo as multipart field 'file'.", {"file": "required"})
    data = upload.read()
    form = {
        "client_uuid": request.form.get("client_uuid"),
        "taken_at": request.form.get("taken_at"),
    }
    prepared = None
    if not photos.uuid_taken(parse_uuid(form["client_uuid"])):  # a replay is answered as sent
        # End the transaction the checks opened (on SQLite a writer's: BEGIN IMMEDIATE) before
        # the slow part: decoding and re-encoding hold no lock; the write only stores the result.
        boundary.commit_now()
        prepared = photos.prepare(data)
        visit = photos.get_visit(visit_id)
    storage = photo_storage()
    try:
        result = photos.store_photo(
            g.actor, visit, now=utcnow(), storage=storage, prepared=prepared, data=data, **form
        )
    except IdempotencyMismatch as exc:
        rejected("photo", exc, {**form, "visit_id": visit_id})
    try:
        boundary.commit_now()  # before answering: the files are deleted if the row did not make it
    except BaseException:
        # The row did not make it: its files must not outlive it.
        db.session.rollback()
        for key in result.written:
            storage.delete(key)
        raise
    return jsonify(photos.photo_dict(result.photo)), 201 if result.created else 200


@bp.get("/photos/<int:photo_id>")
@authenticated()
def get_photo(photo_id: int):
    size = request.args.get("size", "full")
    if size not in ("full", "thumb"):
        raise ValidationError("Unknown size.", {"size": "one of full, thumb"})
    photo = photos.get_photo(photo_id)
    key = photos.thumb_key(photo) if size == "thumb" else photo.storage_key
    response = send_file(
        photo_storage().open(key),
        mimetype="image/jpeg",
        max_age=0,
        download_name=f"photo-{photo.id}{'-thumb' if size == 'thumb' else ''}.jpg",
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
