"""The checks an uploaded photo passes before it becomes evidence: its type by its bytes, the
pixel and byte limits, payloads hidden in it, its EXIF position and time, a clean re-encoded copy,
who may attach it, and its client_uuid (mutation scope of `make mutants-guards`)."""
from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from support_app import NOW
from enforcement.errors import Forbidden, IdempotencyMismatch, TooLarge, UnsupportedMedia, ValidationError
from enforcement.extensions import db
from enforcement.models import Photo, User, Visit
from enforcement.services.core.actor import Actor
from enforcement.services.field import photos


def jpeg(width=40, height=20, *, gps=None, taken=None, orientation=None, mode="RGB") -> bytes:
    image = Image.new(mode, (width, height), (200, 30, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken is not None:
        exif.get_ifd(0x8769)[36867] = taken
    if gps is not None:
        exif.get_ifd(0x8825).update(gps)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width, height, mode="RGBA", colour=(0, 0, 0, 0)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, "PNG")
    return out.getvalue()


def where(gps) -> tuple:
    image, lat, lon, _ = photos.decode(jpeg(gps=gps), max_pixels=10_000)
    return lat, lon


def test_the_type_is_read_from_the_bytes():
    assert photos.sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert photos.sniff(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert photos.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert photos.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None  # a RIFF sound file
    for brand in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
        assert photos.sniff(b"\x00\x00\x00\x18ftyp" + brand + b"\x00") == "image/heic", brand
    assert photos.sniff(b"\x00\x00\x00\x18ftypisom\x00") is None  # an MP4 video
    assert photos.sniff(b"\xff\xd8") is None and photos.sniff(b"") is None
    assert photos.sniff(b"GIF89a") is None


def test_the_position_in_exif_is_kept_north_south_east_west():
    # 39°57'36" = 39 + 57/60 + 36/3600 = 39.96; 116°49'48" = 116.83
    north_east = {1: "N", 2: (39.0, 57.0, 36.0), 3: "E", 4: (116.0, 49.0, 48.0)}
    assert where(north_east) == (39.96, 116.83)
    assert where({**north_east, 1: "S", 3: "W"}) == (-39.96, -116.83)
    assert where({**north_east, 1: "s", 3: "w"}) == (-39.96, -116.83)
    no_refs = {2: (39.0, 57.0, 36.0), 4: (116.0, 49.0, 48.0)}
    assert where(no_refs) == (39.96, 116.83)  # north and east unless said otherwise
    # Rounded to 7 decimals (about 1 cm): 1/3600 of a second of arc is not kept.
    assert where({2: (1.0, 0.0, 0.0001), 4: (2.0, 0.0, 0.0)}) == (1.0, 2.0)
    assert where({2: (0.0, 0.0, 0.36), 4: (0.0, 0.0, 3.6)}) == (0.0001, 0.001)


def test_a_missing_or_impossible_position_is_no_position():
    assert where({1: "N", 2: (39.0, 57.0, 36.0)}) == (None, None)   # no longitude
    assert where({3: "E", 4: (116.0, 49.0, 48.0)}) == (None, None)  # no latitude
    assert where({2: (90.0, 0.0, 0.0), 4: (180.0, 0.0, 0.0)}) == (90.0, 180.0)  # the edges hold
    assert where({2: (90.0, 0.0, 1.0), 4: (116.0, 0.0, 0.0)}) == (None, None)
    assert where({2: (39.0, 0.0, 0.0), 4: (180.0, 0.0, 1.0)}) == (None, None)
    assert where({1: "S", 2: (90.0, 0.0, 1.0), 4: (116.0, 0.0, 0.0)}) == (None, None)
    assert where({2: (39.0, 0.0, 0.0), 3: "W", 4: (180.0, 0.0, 1.0)}) == (None, None)
    image, lat, lon, taken = photos.decode(jpeg(), max_pixels=10_000)
    assert (lat, lon, taken) == (None, None, "")


def test_a_ratio_written_as_a_pair_is_read():
    assert photos._ratio((1, 4)) == 0.25 and photos._ratio(2) == 2.0 and photos._ratio("1.5") == 1.5


def test_the_time_taken_is_kept_as_the_camera_wrote_it():
    def taken(value):
        return photos.decode(jpeg(taken=value), max_pixels=10_000)[3]
    assert taken("2026:11:20 10:02:03") == "2026:11:20 10:02:03"
    assert taken("2026:11:20 10:02:03\x00 ") == "2026:11:20 10:02:03"
    assert taken(" 2026:11:20") == "2026:11:20"
    assert taken("x" * 40) == "x" * 32


def test_the_pixel_limit_holds_before_the_pixels_are_read():
    data = jpeg(40, 20)
    image, *_ = photos.decode(data, max_pixels=800)  # exactly 40 x 20
    assert image.size == (40, 20)
    with pytest.raises(TooLarge) as caught:
        photos.decode(data, max_pixels=799)
    assert (caught.value.message, caught.value.fields) == ("The photo has too many pixels.",
                                                           {"file": "at most 799 pixels"})
    with pytest.raises(TooLarge) as caught:  # Pillow's own bomb check (more than twice the limit)
        photos.decode(jpeg(400, 200), max_pixels=100)
    assert caught.value.fields == {"file": "at most 100 pixels"}


def test_a_damaged_file_is_not_an_image():
    for data in (b"\xff\xd8\xff\xe0" + b"\x00" * 50, jpeg()[:200], b"RIFF....WEBPnothing"):
        with pytest.raises(ValidationError) as caught:
            photos.decode(data, max_pixels=10_000)
        assert (caught.value.message, caught.value.fields) == (
            "The file is not a readable image.", {"file": "damaged or not an image"})


def test_the_copy_served_is_upright_flattened_small_for_the_thumbnail_and_carries_no_metadata():
    image, *_ = photos.decode(jpeg(40, 20, orientation=6, taken="2026:11:20 10:02:03",
                                   gps={2: (39.0, 0.0, 0.0), 4: (116.0, 0.0, 0.0)}), max_pixels=10_000)
    full, width, height = photos.reencode(image)
    assert (width, height) == (20, 40)  # turned as the phone held it
    served = Image.open(io.BytesIO(full))
    assert served.format == "JPEG" and served.size == (20, 40) and not served.getexif()
    assert "icc_profile" not in served.info
    transparent, *_ = photos.decode(png(10, 10), max_pixels=10_000)
    flat, w, h = photos.reencode(transparent)
    pixel = Image.open(io.BytesIO(flat)).convert("RGB").getpixel((5, 5))
    assert min(pixel) > 245  # transparent becomes white, not black
    grey, *_ = photos.decode(png(10, 10, "L", 128), max_pixels=10_000)
    assert Image.open(io.BytesIO(photos.reencode(grey)[0])).mode == "L"
    big, *_ = photos.decode(png(1000, 500, "RGB", (1, 2, 3)), max_pixels=10**6)
    small, w, h = photos.reencode(big, thumb=True)
    assert (w, h) == (320, 160) and Image.open(io.BytesIO(small)).size == (320, 160)
    assert big.size == (1000, 500)  # the thumbnail is made from a copy
    assert photos.reencode(big)[1:] == (1000, 500)


def test_a_photo_with_something_else_inside_is_refused():
    photo = jpeg()
    assert not photos.smuggles_payload(photo)
    assert not photos.smuggles_payload(photo + bytes(range(256)) * 100)  # a phone's video trailer
    assert photos.smuggles_payload(photo + b"PK\x05\x06" + b"\x00" * 18)  # a ZIP appended
    # The ZIP's end record must sit in the last 65,557 bytes (64 KiB comment + 22)...
    assert photos.smuggles_payload(b"PK\x05\x06" + b"\x00" * (65_535 + 18))
    assert not photos.smuggles_payload(b"PK\x05\x06" + b"\x00" * (65_535 + 18 + 1))
    # ...unless an entry is there too: then anywhere.
    assert photos.smuggles_payload(photo + b"PK\x03\x04" + b"\x00" * 70_000 + b"PK\x05\x06" + b"\x00" * 70_000)
    assert not photos.smuggles_payload(photo + b"PK\x03\x04" + b"\x00" * 30)
    for markup in (b"<script>", b"< SCRIPT", b"<html", b"<svg", b"<iframe", b"<body", b"<?php"):
        assert photos.smuggles_payload(photo + markup), markup
    assert not photos.smuggles_payload(photo + b"<b>")


def test_an_upload_is_checked_before_it_is_decoded(app):
    app.config["PHOTO_MAX_BYTES"] = 2000
    ok = jpeg()
    assert len(ok) < 2000
    prepared = photos.prepare(ok)
    assert (prepared.digest, prepared.kind, prepared.size_bytes) == (
        hashlib.sha256(ok).hexdigest(), "image/jpeg", len(ok))
    assert (prepared.width, prepared.height) == (40, 20)
    assert Image.open(io.BytesIO(prepared.small)).size == (40, 20)
    app.config["PHOTO_MAX_BYTES"] = len(ok)
    photos.prepare(ok)  # exactly at the limit
    app.config["PHOTO_MAX_BYTES"] = len(ok) - 1

    def refused(data, kind):
        with pytest.raises(kind) as caught:
            photos.prepare(data)
        return caught.value.message, caught.value.fields
    assert refused(ok, TooLarge) == ("The photo is too large.", {"file": f"at most {len(ok) - 1} bytes"})
    app.config["PHOTO_MAX_BYTES"] = 10**6
    assert refused(b"", ValidationError) == ("The photo is empty.", {"file": "required"})
    assert refused(b"GIF89a....", UnsupportedMedia) == (
        "Send a JPEG, PNG or WebP photo.", {"file": "not a JPEG, PNG or WebP image"})
    assert refused(ok + b"<script>", UnsupportedMedia) == (
        "The file carries something besides the photo.",
        {"file": "an image with an archive or a web page inside"})
    app.config["PHOTO_MAX_PIXELS"] = 799
    assert refused(ok, TooLarge)[1] == {"file": "at most 799 pixels"}


def test_only_the_officers_of_the_visit_and_the_desk_attach_photos():
    recorder, colleague = User(id=1), User(id=2)
    visit = Visit(id=9, recorded_by_id=1)
    visit.inspectors = [recorder, colleague]
    assert photos.can_attach(Actor(1, "a", "inspector"), visit)
    assert photos.can_attach(Actor(2, "b", "inspector"), visit)
    assert photos.can_attach(Actor(5, "d", "reviewer"), visit)
    assert photos.can_attach(Actor(6, "e", "admin"), visit)
    assert not photos.can_attach(Actor(3, "c", "inspector"), visit)
    with pytest.raises(Forbidden) as refused:
        photos.check_attach(Actor(3, "c", "inspector"), visit)
    # The whole sentence (a regex match would pass a message with anything around it): it is
    # the catalogue's key for the zh_CN text the officer reads.
    assert refused.value.message == "Only the officers of this visit add its photos."
    solo = Visit(id=10, recorded_by_id=4)
    solo.inspectors = []
    assert photos.can_attach(Actor(4, "r", "inspector"), solo)  # recorded it alone


@pytest.fixture
def two_visits(make_user, make_enterprise, writing):
    from enforcement.services.field.visits import record_visit
    zhang = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    firm = make_enterprise()
    made = []
    for n in range(2):
        made.append(record_visit(Actor.of(zhang), {
            "client_uuid": f"{n}" * 8 + "-1f0a-4b7e-9a57-4b2f0c1d2e3f", "enterprise_id": firm.id,
            "visited_at": "2026-11-20T10:00:00+08:00", "purpose": "routine",
            "inspectors": ["zhangwei", "liuyang"]}, now=NOW).visit)
    db.session.commit()
    return made


def test_a_photos_client_uuid_names_one_photo_of_one_visit(two_visits):
    visit, other = two_visits
    key = "0b7c6a3e-1f0a-4b7e-9a57-4b2f0c1d2e3f"
    db.session.add(Photo(id=5, client_uuid=key, visit_id=visit.id, storage_key="visits/9/x.jpg",
                         sha256_original="ab" * 32, content_type="image/jpeg", width=1, height=1,
                         size_bytes=1, created_at=NOW))
    db.session.flush()
    assert photos.uuid_taken(key) and not photos.uuid_taken("0" * 8 + key[8:])
    assert photos._existing(key, visit, "ab" * 32).id == 5  # the same photo again
    assert photos._existing("1" * 8 + key[8:], visit, "ab" * 32) is None
    for where_, digest in ((other, "ab" * 32), (visit, "cd" * 32)):
        with pytest.raises(IdempotencyMismatch) as caught:
            photos._existing(key, where_, digest)
        assert caught.value.fields == {"client_uuid": "already used with other content"}
        assert caught.value.message == "This client_uuid was already used for a different photo."
    photo = db.session.get(Photo, 5)
    assert photos.thumb_key(photo) == "visits/9/x-thumb.jpg"
    assert photos.photo_dict(photo) == {
        "id": 5, "client_uuid": key, "visit_id": visit.id, "content_type": "image/jpeg", "width": 1,
        "height": 1, "size_bytes": 1, "sha256_original": "ab" * 32, "exif_lat": None, "exif_lon": None,
        "exif_taken_at": "", "url": "/api/v1/photos/5", "thumb_url": "/api/v1/photos/5?size=thumb"}


def test_a_photo_sent_again_is_the_same_photo_and_its_time_is_kept_in_the_audit(two_visits, tmp_path):
    from sqlalchemy import select

    from enforcement.errors import NotFound
    from enforcement.models import AuditEvent
    from enforcement.services.core.storage import LocalFolderStorage
    visit, other = two_visits
    storage = LocalFolderStorage(str(tmp_path / "photos"))
    zhang = Actor(visit.recorded_by_id, "zhangwei", "inspector")
    key = "7e5f3c2a-1b0d-4e8f-9a6b-5c4d3e2f1a0b"
    data = jpeg()
    first = photos.store_photo(zhang, visit, client_uuid=key, taken_at="2026-11-20T10:02:03+08:00",
                               now=NOW, storage=storage, data=data)
    assert first.created and first.photo.sha256_original == hashlib.sha256(data).hexdigest()
    assert first.written == [f"visits/{visit.id}/{key}.jpg", f"visits/{visit.id}/{key}-thumb.jpg"]
    assert storage.exists(first.written[0]) and storage.exists(first.written[1])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "photo.add")).one()
    assert (event.object_type, event.object_id, event.actor) == ("photo", str(first.photo.id), "zhangwei")
    assert event.after == {"visit_id": visit.id, "sha256_original": hashlib.sha256(data).hexdigest(),
                           "content_type": "image/jpeg", "size_bytes": len(data), "exif_lat": None,
                           "exif_lon": None, "exif_taken_at": "", "taken_at": "2026-11-20T10:02:03+08:00"}
    # The same upload again, by bytes or already prepared: the same photo, nothing new written.
    again = photos.store_photo(zhang, visit, client_uuid=key, now=NOW, storage=storage, data=data)
    prepared = photos.store_photo(zhang, visit, client_uuid=key, now=NOW, storage=storage,
                                  prepared=photos.prepare(data))
    for result in (again, prepared):
        assert (result.photo.id, result.created, result.written) == (first.photo.id, False, [])
    # The same uuid with another picture, or for another visit: refused.
    with pytest.raises(IdempotencyMismatch):
        photos.store_photo(zhang, visit, client_uuid=key, now=NOW, storage=storage, data=jpeg(41, 20))
    with pytest.raises(IdempotencyMismatch):
        photos.store_photo(zhang, other, client_uuid=key, now=NOW, storage=storage,
                           prepared=photos.prepare(data))
    # A time without its offset, and an empty upload, are refused by field.
    with pytest.raises(ValidationError) as caught:
        photos.store_photo(zhang, visit, client_uuid=key[:-1] + "c", taken_at="2026-11-20T10:02:03",
                           now=NOW, storage=storage, data=data)
    assert caught.value.fields == {"taken_at": "expected ISO 8601 with offset, e.g. +08:00"}
    with pytest.raises(ValidationError) as caught:
        photos.store_photo(zhang, visit, client_uuid=key[:-1] + "d", now=NOW, storage=storage, data=b"")
    assert caught.value.fields == {"file": "required"}
    # No time given: none recorded.
    bare = photos.store_photo(zhang, visit, client_uuid=key[:-1] + "e", taken_at="", now=NOW,
                              storage=storage, data=jpeg(42, 20))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(bare.photo.id),
                                                         AuditEvent.action == "photo.add")).one()
    assert event.after["taken_at"] is None
    with pytest.raises(NotFound, match="No photo 999999."):
        photos.get_photo(999999)
    with pytest.raises(NotFound, match="No visit 999999."):
        photos.get_visit(999999)
    assert photos.get_photo(first.photo.id).id == first.photo.id


def heic(width=64, height=48, *, gps=None) -> bytes:
    """An iPhone's photo: HEIC (HEVC in a HEIF box), EXIF position included."""
    import pillow_heif
    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    if gps is not None:
        exif.get_ifd(0x8825).update(gps)
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "HEIF", exif=exif.tobytes())
    return out.getvalue()


def test_an_iphone_heic_photo_is_read_and_kept_as_a_jpeg_where_pillow_heif_is_installed(app):
    # The test set installs pillow-heif (requirements-dev.in): a server with it reads an iPhone's
    # HEIC photo, keeps its position, and stores the bureau's JPEG like any other photo.
    data = heic(gps={1: "N", 2: (39.0, 57.0, 36.0), 3: "E", 4: (116.0, 49.0, 48.0)})
    assert photos.sniff(data) == "image/heic" and photos.heic_supported() is True
    prepared = photos.prepare(data)
    assert prepared.kind == "image/heic" and prepared.size_bytes == len(data)
    stored = Image.open(io.BytesIO(prepared.full))
    assert stored.format == "JPEG" and stored.size == (64, 48) and stored.mode == "RGB"
    assert (prepared.width, prepared.height) == (64, 48)
    # 39°57'36" N = 39.96, 116°49'48" E = 116.83
    assert (round(prepared.lat, 6), round(prepared.lon, 6)) == (39.96, 116.83)


def test_a_damaged_heic_file_is_refused_as_unreadable_where_pillow_heif_is_installed(app):
    with pytest.raises(ValidationError) as caught:
        photos.prepare(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    assert caught.value.fields == {"file": "damaged or not an image"}


def test_a_heic_photo_is_refused_with_what_to_do_when_the_server_cannot_read_it(
    app, server_without_heic
):
    # pillow-heif is not in requirements.txt: a server without it cannot decode HEIC, and says
    # how to send JPEG instead.
    assert photos.heic_supported() is False
    with pytest.raises(UnsupportedMedia) as caught:
        photos.prepare(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    assert caught.value.message == ("HEIC photos are not supported on this server; send JPEG "
                                    "(set the phone camera to 'Most compatible').")
    assert caught.value.fields == {"file": "HEIC is not supported here"}


def _race(store, *, winner_id, client_uuid):
    """Run ``store`` with another request's photo taking ``client_uuid`` between this request's
    checks and its insert: on the request's own connection, just before its savepoint (on SQLite
    writers never interleave like this; the interleaving is made, as in test_visit_race)."""
    from sqlalchemy import event
    raced = []

    def winner_first(conn, cursor, statement, parameters, context, executemany):
        if raced or not statement.lstrip().upper().startswith("SAVEPOINT"):
            return
        raced.append(statement)
        mark = "?" if conn.dialect.name == "sqlite" else "%s"  # the driver's parameter style
        cursor.execute(f"UPDATE photo SET client_uuid = {mark} WHERE id = {mark}", (client_uuid, winner_id))

    event.listen(db.engine, "before_cursor_execute", winner_first)
    try:
        return store()
    finally:
        event.remove(db.engine, "before_cursor_execute", winner_first)
        assert raced, "the request never reached its insert: the race was not run"


def test_a_photo_replay_that_loses_the_race_answers_with_the_winner(two_visits, tmp_path):
    from sqlalchemy import func, select

    from enforcement.services.core.storage import LocalFolderStorage
    visit, _ = two_visits
    storage = LocalFolderStorage(str(tmp_path / "photos"))
    zhang = Actor(visit.recorded_by_id, "zhangwei", "inspector")
    data = jpeg()
    winner = photos.store_photo(zhang, visit, client_uuid="11111111-1b0d-4e8f-9a6b-5c4d3e2f1a0b", now=NOW,
                                storage=storage, data=data).photo
    db.session.commit()
    winner_id = winner.id
    db.session.expunge(winner)  # another request's photo: not in this session's memory
    key = "22222222-1b0d-4e8f-9a6b-5c4d3e2f1a0b"
    result = _race(lambda: photos.store_photo(zhang, visit, client_uuid=key, now=NOW, storage=storage,
                                              data=data), winner_id=winner_id, client_uuid=key)
    assert (result.created, result.photo.id, result.written) == (False, winner_id, [])
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
    assert not storage.exists(f"visits/{visit.id}/{key}-thumb.jpg")


def test_a_photo_that_loses_the_race_to_other_content_is_refused(two_visits, tmp_path):
    from enforcement.services.core.storage import LocalFolderStorage
    visit, _ = two_visits
    storage = LocalFolderStorage(str(tmp_path / "photos"))
    zhang = Actor(visit.recorded_by_id, "zhangwei", "inspector")
    winner = photos.store_photo(zhang, visit, client_uuid="33333333-1b0d-4e8f-9a6b-5c4d3e2f1a0b", now=NOW,
                                storage=storage, data=jpeg(41, 20)).photo
    db.session.commit()
    winner_id = winner.id
    db.session.expunge(winner)
    key = "44444444-1b0d-4e8f-9a6b-5c4d3e2f1a0b"
    with pytest.raises(IdempotencyMismatch) as caught:
        _race(lambda: photos.store_photo(zhang, visit, client_uuid=key, now=NOW, storage=storage, data=jpeg()),
              winner_id=winner_id, client_uuid=key)
    assert caught.value.fields == {"client_uuid": "already used with other content"}


def test_the_thumbnail_fits_in_320_pixels_and_keeps_the_proportions(app):
    p = photos.prepare(jpeg(1000, 500))
    assert (p.width, p.height) == (1000, 500)
    assert Image.open(io.BytesIO(p.small)).size == (320, 160)


def test_the_stored_copy_is_the_bureaus_jpeg_quality_85_optimised():
    """Evidence is kept at quality 85, Huffman tables optimised: a lower quality loses detail a
    reviewer needs (a chimney's colour, a licence plate), a higher one or no optimisation fills
    the bureau's disk. Pinned against PIL's own encoding of the same pixels with those settings."""
    noisy = Image.effect_noise((64, 48), 80).convert("RGB")
    raw = io.BytesIO()
    noisy.save(raw, "PNG")
    image, *_ = photos.decode(raw.getvalue(), max_pixels=10_000)
    stored, *_ = photos.reencode(image)
    for quality, optimize in ((85, True), (85, False), (75, True), (95, True)):
        reference = io.BytesIO()
        noisy.save(reference, "JPEG", quality=quality, optimize=optimize)
        assert (stored == reference.getvalue()) == (quality == 85 and optimize), (quality, optimize)


def test_a_palette_image_with_a_transparent_colour_is_flattened_on_white():
    """A GIF-like palette PNG whose background index is transparent (what some screenshot and
    map apps send) becomes white where it was transparent, like an RGBA image."""
    palette = Image.new("P", (16, 16), 0)
    palette.putpalette([0, 0, 0] + [200, 30, 30] * 255)
    palette.paste(1, (0, 0, 8, 16))  # the left half opaque red, the right half transparent
    out = io.BytesIO()
    palette.save(out, "PNG", transparency=0)
    image, *_ = photos.decode(out.getvalue(), max_pixels=10_000)
    flat, *_ = photos.reencode(image)
    served = Image.open(io.BytesIO(flat)).convert("RGB")
    assert min(served.getpixel((13, 8))) > 245  # the transparent index: white, not black
    red = served.getpixel((3, 8))
    assert red[0] > 150 and red[1] < 100  # the opaque pixel keeps its colour


def test_a_cmyk_jpeg_and_a_16_bit_png_are_stored_as_plain_rgb():
    """A scanner's CMYK JPEG and a 16-bit greyscale PNG have no alpha channel and are neither RGB
    nor 8-bit grey: they are converted, never refused as damaged."""
    cmyk = io.BytesIO()
    Image.new("CMYK", (16, 16), (0, 200, 200, 0)).save(cmyk, "JPEG")
    deep = io.BytesIO()
    Image.new("I;16", (16, 16), 30000).save(deep, "PNG")
    for data in (cmyk.getvalue(), deep.getvalue()):
        image, *_ = photos.decode(data, max_pixels=10_000)
        assert image.mode not in ("RGB", "L")
        stored, width, height = photos.reencode(image)
        served = Image.open(io.BytesIO(stored))
        assert (served.format, served.mode, served.size) == ("JPEG", "RGB", (16, 16))


def test_a_position_at_the_very_ends_of_the_range_is_kept():
    # -90..90 and -180..180 include their ends: 90° S, 180° W is a position, not a damaged block.
    assert where({1: "S", 2: (90.0, 0.0, 0.0), 3: "W", 4: (180.0, 0.0, 0.0)}) == (-90.0, -180.0)
    assert where({1: "N", 2: (90.0, 0.0, 0.0), 3: "E", 4: (180.0, 0.0, 0.0)}) == (90.0, 180.0)


def test_a_position_is_kept_to_seven_decimals_about_a_centimetre():
    # 116°49'48.1234" E = 116 + 49/60 + 48.1234/3600 = 116.830034277…: kept as 116.8300343.
    lat, lon = where({1: "N", 2: (39.0, 57.0, 36.0), 3: "E", 4: (116.0, 49.0, 48.1234)})
    assert (lat, lon) == (39.96, 116.8300343)


def test_an_exif_block_that_cannot_be_read_gives_no_time_taken():
    assert photos._taken(None) == ""
