"""Visit photos through the API: sniffed, decoded, re-encoded without metadata, GPS and time kept
as evidence, limits enforced, idempotent by client_uuid."""
from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from support_app import new_uuid
from enforcement.extensions import db
from enforcement.models import Photo


def jpeg_with_exif(width=40, height=20, orientation=6) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = orientation  # rotate 90° when shown
    exif.get_ifd(0x8769)[36867] = "2026:11:20 10:02:03"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 57.0, 36.0), 3: "E", 4: (116.0, 49.0, 48.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def visit_id(client, make_user, make_enterprise, api_token):
    insp = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    headers = api_token(insp)
    e = make_enterprise()
    response = client.post("/api/v1/visits", headers=headers, json={
        "client_uuid": new_uuid(), "enterprise_id": e.id, "visited_at": "2026-11-20T10:00:00+08:00",
        "purpose": "routine", "inspectors": ["zhangwei", "liuyang"]})
    assert response.status_code == 201
    return response.get_json()["id"], headers


def upload(client, visit, headers, data: bytes, client_uuid=None, name="photo.jpg"):
    return client.post(f"/api/v1/visits/{visit}/photos", headers=headers,
                       data={"file": (io.BytesIO(data), name),
                             "client_uuid": client_uuid or new_uuid()},
                       content_type="multipart/form-data")


def test_a_photo_is_reencoded_oriented_and_stripped_with_its_evidence_kept(client, visit_id):
    visit, headers = visit_id
    original = jpeg_with_exif()
    key = new_uuid()
    first = upload(client, visit, headers, original, key)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["sha256_original"] == hashlib.sha256(original).hexdigest()
    assert (body["width"], body["height"]) == (20, 40)  # EXIF orientation applied
    assert body["exif_lat"] == pytest.approx(39.96) and body["exif_lon"] == pytest.approx(116.83)
    assert body["exif_taken_at"] == "2026:11:20 10:02:03"
    served = client.get(body["url"], headers=headers)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (20, 40) and not image.getexif()
    thumb = client.get(body["thumb_url"], headers=headers)
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.data)).size) <= 320
    replay = upload(client, visit, headers, original, key)
    assert replay.status_code == 200 and replay.get_json()["id"] == body["id"]
    other = upload(client, visit, headers, jpeg_with_exif(orientation=1, width=41), key)
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "client_uuid_reused"
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
    assert client.get(body["url"]).status_code == 401


def test_the_type_comes_from_the_bytes_not_the_name(client, visit_id, server_without_heic):
    visit, headers = visit_id
    png = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(png, "PNG")
    named_wrong = upload(client, visit, headers, png.getvalue(), name="photo.jpg")
    assert named_wrong.status_code == 201 and named_wrong.get_json()["content_type"] == "image/png"
    script = upload(client, visit, headers, b"<script>alert(1)</script>", name="photo.jpg")
    assert script.status_code == 415 and "file" in script.get_json()["error"]["fields"]
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    refused = upload(client, visit, headers, heic, name="IMG_0001.HEIC")
    assert refused.status_code == 415 and "HEIC" in refused.get_json()["error"]["message"]
    broken = upload(client, visit, headers, b"\xff\xd8\xff\xe0" + b"\x00" * 50)
    assert broken.status_code == 422


def test_size_and_pixel_limits(app, client, visit_id):
    visit, headers = visit_id
    app.config["PHOTO_MAX_PIXELS"] = 10_000
    bomb = io.BytesIO()
    Image.new("L", (1000, 1000)).save(bomb, "PNG")  # a few KB that decode to a megapixel
    response = upload(client, visit, headers, bomb.getvalue())
    assert response.status_code == 413 and "pixels" in response.get_json()["error"]["fields"]["file"]
    app.config["PHOTO_MAX_BYTES"] = 100
    assert upload(client, visit, headers, jpeg_with_exif()).status_code == 413
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    from enforcement.services.core.storage import file_storage
    assert not [k for k in file_storage().keys() if k.endswith(".jpg")]  # nothing written


def test_only_the_officers_of_the_visit_add_photos(client, visit_id, make_user, api_token):
    visit, _ = visit_id
    stranger = api_token(make_user("wanglei", "inspector"))
    assert upload(client, visit, stranger, jpeg_with_exif()).status_code == 403
    assert upload(client, 999, stranger, jpeg_with_exif()).status_code == 404
