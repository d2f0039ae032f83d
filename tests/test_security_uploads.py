"""Hostile files sent as visit photos: each refused with a clear 4xx, and nothing of it kept —
no file in the photo folder, no Photo row, no audit event. (tests/test_api_photos.py checks the
good path, the replay and the officers-only rule.)"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from support_app import new_uuid
from enforcement.extensions import db
from enforcement.models import AuditEvent, Photo


def _jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def _png(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size).save(out, "PNG")
    return out.getvalue()


def _bomb() -> bytes:
    """A 100-byte PNG whose header declares 100,000 × 100,000 pixels (10 gigapixels)."""
    png = bytearray(_png())
    ihdr = bytearray(png[12:29])  # type + data of the IHDR chunk
    ihdr[4:12] = struct.pack(">II", 100_000, 100_000)
    png[12:29] = ihdr
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)) & 0xFFFFFFFF)
    return bytes(png)


def _with_zip() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.html", "<html><script>alert(1)</script></html>")
    return _jpeg() + archive.getvalue()


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')
GIF_JS = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=1;alert(1);//" + b"\x00" * 32
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64

# name: (bytes, file name, status). Oversize and wrong Content-Type are sent differently below.
HOSTILE = {
    "decompression bomb": (_bomb(), "bomb.png", 413),
    "PNG signature, script inside": (b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", "x.png", 415),
    "script named .png": (b"<script>alert(1)</script>", "x.png", 415),
    "SVG with script": (SVG, "x.svg", 415),
    "GIF/JavaScript polyglot": (GIF_JS, "x.gif", 415),
    "JPEG with a ZIP appended": (_with_zip(), "x.jpg", 415),
    "JPEG with HTML appended": (_jpeg() + b"<html><body onload=alert(1)></body></html>", "x.jpg", 415),
    "PNG with HTML appended": (_png() + b"<script src=//evil.example/x.js></script>", "x.png", 415),
    "truncated JPEG": (_jpeg((400, 300))[:600], "x.jpg", 422),
    "HEIC, damaged (the test set reads HEIC: pillow-heif)": (HEIC, "IMG_0001.HEIC", 422),
    "zero bytes": (b"", "empty.jpg", 422),
}


@pytest.fixture
def visit(client, make_user, make_enterprise, api_token):
    insp = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    headers = api_token(insp)
    e = make_enterprise()
    response = client.post("/api/v1/visits", headers=headers, json={
        "client_uuid": new_uuid(), "enterprise_id": e.id,
        "visited_at": "2026-11-20T10:00:00+08:00", "purpose": "routine",
        "inspectors": ["zhangwei", "liuyang"]})
    assert response.status_code == 201
    return response.get_json()["id"], headers


def _stored(app) -> tuple[set, int, int]:
    from enforcement.services.core.storage import file_storage
    files = set(file_storage().keys())  # the local folder or the S3 bucket
    photos = db.session.scalar(select(func.count()).select_from(Photo))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return files, photos, events


def test_every_hostile_file_is_refused_and_nothing_is_kept(app, client, visit):
    visit_id, headers = visit
    # One good photo first, so "nothing new" is measured against a folder that is in use.
    good = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                       data={"file": (io.BytesIO(_jpeg()), "ok.jpg"), "client_uuid": new_uuid()},
                       content_type="multipart/form-data")
    assert good.status_code == 201
    before = _stored(app)
    assert len(before[0]) == 2 and before[1] == 1  # the photo and its thumbnail
    answers = {}
    for name, (data, filename, _status) in HOSTILE.items():
        response = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                               data={"file": (io.BytesIO(data), filename),
                                     "client_uuid": new_uuid()},
                               content_type="multipart/form-data")
        error = (response.get_json() or {}).get("error", {})
        answers[name] = (response.status_code, bool(error.get("message")), "file" in error.get("fields", {}))
        assert _stored(app) == before, f"{name}: something was kept"
    assert answers == {name: (status, True, True) for name, (_, _, status) in HOSTILE.items()}


def test_oversize_and_wrongly_sent_files_are_refused_and_nothing_is_kept(app, client, visit):
    visit_id, headers = visit
    before = _stored(app)
    app.config["PHOTO_MAX_BYTES"] = 2_000
    big = _jpeg((300, 300)) + b"\x00" * 4_000
    response = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                           data={"file": (io.BytesIO(big), "big.jpg"), "client_uuid": new_uuid()},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "file" in response.get_json()["error"]["fields"]
    # Bigger than the whole request may be: refused before the body is read.
    app.config["MAX_CONTENT_LENGTH"] = 3_000
    response = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                           data={"file": (io.BytesIO(big), "big.jpg"), "client_uuid": new_uuid()},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
    # The photo as a raw body or as JSON instead of a multipart form.
    raw = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers, data=_jpeg(),
                      content_type="image/jpeg")
    as_json = client.post(f"/api/v1/visits/{visit_id}/photos", headers=headers,
                          json={"file": "data:image/jpeg;base64,/9j/4AAQ"})
    for response in (raw, as_json):
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"] == {"file": "required"}
    assert _stored(app) == before


def test_a_supervision_visits_photo_meets_the_same_hostile_files_with_the_same_refusals(
        app, client, make_township, make_user, api_token):
    """The supervision group's photos go through the visit photo's checks (one place decides what
    a photo may be): every hostile file gets the status a visit photo gets, nothing is kept."""
    import oversight_city
    from enforcement.models import SupervisionPhoto

    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_township("gucheng", "古城镇", "Gucheng")
    city = oversight_city.build(make_user)
    headers = api_token(make_user("desk_reviewer", "reviewer"))
    db.session.commit()  # the requests below write in their own transactions
    url = f"/api/v1/supervision-visits/{city['supervision_visit_id']}/photos"

    def kept():
        return (db.session.scalar(select(func.count()).select_from(SupervisionPhoto)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)))

    before = kept()
    answers = {}
    for name, (data, filename, _status) in HOSTILE.items():
        response = client.post(url, headers=headers, data={
            "file": (io.BytesIO(data), filename), "client_uuid": new_uuid()},
            content_type="multipart/form-data")
        error = (response.get_json() or {}).get("error", {})
        answers[name] = (response.status_code, "file" in error.get("fields", {}))
        assert kept() == before, f"{name}: something was kept"
    assert answers == {name: (status, True) for name, (_, _, status) in HOSTILE.items()}
    good = client.post(url, headers=headers, data={
        "file": (io.BytesIO(_jpeg()), "ok.jpg"), "client_uuid": new_uuid()},
        content_type="multipart/form-data")
    assert good.status_code == 201 and kept()[0] == before[0] + 1
