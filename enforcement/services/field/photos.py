"""Visit photos: evidence. The uploaded bytes are fingerprinted (SHA-256) and their EXIF GPS and
time kept in the database; the file we serve is decoded and re-encoded (orientation applied,
metadata stripped) so it cannot carry a payload or leak an officer's location history."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from enforcement.errors import (
    Forbidden,
    IdempotencyMismatch,
    NotFound,
    TooLarge,
    UnsupportedMedia,
    ValidationError,
)
from enforcement.extensions import db
from enforcement.models import Photo, Visit
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import parse_datetime, parse_uuid
from enforcement.services.core.storage import Storage

JPEG_QUALITY = 85
THUMB_SIZE = (320, 320)
_GPS_IFD, _EXIF_IFD = 0x8825, 0x8769
_DATETIME_ORIGINAL = 36867


@dataclass
class PhotoResult:
    photo: Photo
    created: bool
    #: Storage keys written in this unit of work (removed again if it does not commit).
    written: list[str] = field(default_factory=list)


def sniff(data: bytes) -> str | None:
    """The image type by its magic bytes: the file name and the client's header can lie."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (
        b"heic",
        b"heix",
        b"hevc",
        b"hevx",
        b"mif1",
        b"msf1",
        b"heim",
        b"heis",
    ):
        return "image/heic"
    return None


def heic_supported() -> bool:
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def can_attach(actor: Actor, visit: Visit) -> bool:
    if actor.is_reviewer:
        return True
    return actor.id == visit.recorded_by_id or actor.id in {u.id for u in visit.inspectors}


def get_visit(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(f"No visit {visit_id}.")
    return visit


def get_photo(photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise NotFound(f"No photo {photo_id}.")
    return photo


def thumb_key(photo: Photo) -> str:
    return photo.storage_key.rsplit(".", 1)[0] + "-thumb.jpg"


def _existing(client_uuid: str, visit: Visit, digest: str) -> Photo | None:
    found = db.session.scalar(select(Photo).where(Photo.client_uuid == client_uuid))
    if found is not None and (found.visit_id != visit.id or found.sha256_original != digest):
        raise IdempotencyMismatch(
            "This client_uuid was already used for a different photo.",
            {"client_uuid": "already used with other content"},
        )
    return found


def _ratio(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        num, den = value
        return float(num) / float(den)


def _gps(exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(_GPS_IFD)
        if not gps or 2 not in gps or 4 not in gps:
            return None, None
        lat = sum(_ratio(v) / 60**i for i, v in enumerate(gps[2]))
        lon = sum(_ratio(v) / 60**i for i, v in enumerate(gps[4]))
        if str(gps.get(1, "N")).upper().startswith("S"):
            lat = -lat
        if str(gps.get(3, "E")).upper().startswith("W"):
            lon = -lon
    except (TypeError, ValueError, ZeroDivisionError, KeyError, AttributeError):
        return None, None  # a damaged GPS block is no evidence; the photo still counts
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
        return None, None
    return round(lat, 7), round(lon, 7)


def _taken(exif) -> str:
    try:
        value = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or ""
    except (AttributeError, KeyError, TypeError):
        return ""
    return str(value).strip("\x00 ")[:32]


def decode(data: bytes, *, max_pixels: int) -> tuple[Image.Image, float | None, float | None, str]:
    """Decode with the pixel limit enforced before the pixels are read (a decompression bomb
    is a small file that declares a huge image)."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise TooLarge(
                    "The photo has too many pixels.", {"file": f"at most {max_pixels} pixels"}
                )
            exif = image.getexif()
            lat, lon = _gps(exif)
            taken = _taken(exif)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooLarge(
            "The photo has too many pixels.", {"file": f"at most {max_pixels} pixels"}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(
            "The file is not a readable image.", {"file": "damaged or not an image"}
        ) from None
    return image, lat, lon, taken


def reencode(image: Image.Image, *, thumb: bool = False) -> tuple[bytes, int, int]:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if thumb:
        image = image.copy()
        image.thumbnail(THUMB_SIZE)
    out = io.BytesIO()
    # No exif= / icc_profile=: the served file carries no metadata at all.
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), image.width, image.height


@dataclass(frozen=True)
class Prepared:
    """A photo checked, decoded and re-encoded: everything the write transaction stores."""

    digest: str
    kind: str
    size_bytes: int
    full: bytes
    width: int
    height: int
    small: bytes
    lat: float | None
    lon: float | None
    exif_taken: str


def uuid_taken(client_uuid: str) -> bool:
    return db.session.scalar(select(Photo.id).where(Photo.client_uuid == client_uuid)) is not None


def check_attach(actor: Actor, visit: Visit) -> None:
    if not can_attach(actor, visit):
        raise Forbidden("Only the officers of this visit add its photos.")


def prepare(data: bytes) -> Prepared:
    """Check, decode and re-encode an upload. CPU only, no database: the caller runs it before
    its write transaction begins, so a large photo never holds SQLite's write lock."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if len(data) > limit:
        raise TooLarge("The photo is too large.", {"file": f"at most {limit} bytes"})
    if not data:
        raise ValidationError("The photo is empty.", {"file": "required"})
    kind = sniff(data)
    if kind is None:
        raise UnsupportedMedia(
            "Send a JPEG, PNG or WebP photo.", {"file": "not a JPEG, PNG or WebP image"}
        )
    if smuggles_payload(data):
        raise UnsupportedMedia(
            "The file carries something besides the photo.",
            {"file": "an image with an archive or a web page inside"},
        )
    if kind == "image/heic" and not heic_supported():
        raise UnsupportedMedia(
            "HEIC photos are not supported on this server; send JPEG "
            "(set the phone camera to 'Most compatible').",
            {"file": "HEIC is not supported here"},
        )
    image, lat, lon, exif_taken = decode(data, max_pixels=current_app.config["PHOTO_MAX_PIXELS"])
    full, width, height = reencode(image)
    small, _, _ = reencode(image, thumb=True)
    return Prepared(
        hashlib.sha256(data).hexdigest(),
        kind,
        len(data),
        full,
        width,
        height,
        small,
        lat,
        lon,
        exif_taken,
    )


def store_photo(
    actor: Actor,
    visit: Visit,
    *,
    client_uuid,
    taken_at=None,
    now: datetime,
    storage: Storage,
    data: bytes | None = None,
    prepared: Prepared | None = None,
) -> PhotoResult:
    """Store a photo of a visit, once per client_uuid. Give ``prepared`` (from ``prepare``,
    run outside the transaction); ``data`` alone is prepared here (scripts, tests)."""
    key_uuid = parse_uuid(client_uuid)
    taken = parse_datetime(taken_at, "taken_at") if taken_at not in (None, "") else None
    check_attach(actor, visit)
    if prepared is None:
        digest = hashlib.sha256(data or b"").hexdigest()
        found = _existing(key_uuid, visit, digest)
        if found is not None:
            return PhotoResult(found, created=False)
        prepared = prepare(data or b"")
    p = prepared
    digest, kind, lat, lon, exif_taken = p.digest, p.kind, p.lat, p.lon, p.exif_taken
    full, small, width, height = p.full, p.small, p.width, p.height
    found = _existing(key_uuid, visit, digest)
    if found is not None:
        return PhotoResult(found, created=False)
    photo = Photo(
        client_uuid=key_uuid,
        visit_id=visit.id,
        storage_key=f"visits/{visit.id}/{key_uuid}.jpg",
        sha256_original=digest,
        content_type=kind,
        width=width,
        height=height,
        size_bytes=p.size_bytes,
        exif_lat=lat,
        exif_lon=lon,
        exif_taken_at=exif_taken,
        created_at=now,
    )
    # Replays racing each other meet on the unique index, not on a check-then-insert.
    try:
        with db.session.begin_nested():
            db.session.add(photo)
            db.session.flush()
    except IntegrityError:
        found = _existing(key_uuid, visit, digest)
        if found is None:
            raise
        return PhotoResult(found, created=False)
    written = []
    for key, blob in ((photo.storage_key, full), (thumb_key(photo), small)):
        storage.put(key, blob)
        written.append(key)
    audit.record(
        actor,
        "photo.add",
        "photo",
        photo.id,
        now=now,
        after={
            "visit_id": visit.id,
            "sha256_original": digest,
            "content_type": kind,
            "size_bytes": p.size_bytes,
            "exif_lat": lat,
            "exif_lon": lon,
            "exif_taken_at": exif_taken,
            "taken_at": taken,
        },
    )
    return PhotoResult(photo, created=True, written=written)


def photo_dict(photo: Photo) -> dict:
    return {
        "id": photo.id,
        "client_uuid": photo.client_uuid,
        "visit_id": photo.visit_id,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "size_bytes": photo.size_bytes,
        "sha256_original": photo.sha256_original,
        "exif_lat": photo.exif_lat,
        "exif_lon": photo.exif_lon,
        "exif_taken_at": photo.exif_taken_at,
        "url": f"/api/v1/photos/{photo.id}",
        "thumb_url": f"/api/v1/photos/{photo.id}?size=thumb",
    }


# A polyglot (a photo that is also a ZIP archive or a web page) would be evidence that means
# two things. Re-encoding drops the payload from the served copy, but the bureau refuses such a
# file outright. Phones' own trailers (motion-photo video after the JPEG) carry neither marker.
_MARKUP = re.compile(rb"<\s*(?:script|html|svg|iframe|body|\?php)", re.IGNORECASE)
_ZIP_END = b"PK\x05\x06"  # a ZIP's end-of-directory record sits in its last 64 KiB
_ZIP_ENTRY = b"PK\x03\x04"


def smuggles_payload(data: bytes) -> bool:
    tail = data[-(65_535 + 22) :]
    return (
        _ZIP_END in tail or (_ZIP_ENTRY in data and _ZIP_END in data) or bool(_MARKUP.search(data))
    )
