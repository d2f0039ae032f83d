"""Sites awaiting a location, and how they get one: a clerk at the desk (a geocoder's
suggestion or a dragged pin), or the first good GPS fix of a visit (for a reviewer to confirm).

The geocoder is never asked from a page view: ``geocode_pending`` works through the addresses of
the waiting sites in the background (or from the CLI), one request per distinct address, and
keeps every answer in ``geocode_cache``. Its progress is read from the database, so every worker
and every page sees the same figure.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from enforcement.errors import Forbidden, ValidationError
from enforcement.extensions import db
from enforcement.models import Enterprise, GeocodeCache, Township
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor

#: A visit's GPS fix pins an unlocated site only when it is better than this (metres).
GOOD_FIX_M = 50.0
_SPACE = re.compile(r"\s+")


def address_key(address: str) -> str:
    return _SPACE.sub("", address or "")[:300]


def awaiting_clause():
    return Enterprise.lat.is_(None)


def count_awaiting(township_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(Enterprise).where(awaiting_clause())
    if township_id is not None:
        stmt = stmt.where(Enterprise.township_id == township_id)
    return db.session.scalar(stmt) or 0


def count_to_confirm() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Enterprise)
            .where(Enterprise.location_source == "visit")
        )
        or 0
    )


@dataclass
class Waiting:
    enterprise: Enterprise
    #: (lat, lon) from the geocoder cache, None when not looked up or not found.
    suggestion: tuple[float, float] | None
    looked_up: bool


def awaiting(
    *,
    township_id: int | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
    to_confirm: bool = False,
) -> tuple[list[Waiting], int]:
    """One page of sites awaiting a location (or pinned by a visit, awaiting confirmation),
    with the geocoder's cached suggestion for each; and how many there are."""
    where = [Enterprise.location_source == "visit"] if to_confirm else [awaiting_clause()]
    if township_id is not None:
        where.append(Enterprise.township_id == township_id)
    if q:
        where.append(
            Enterprise.name.icontains(q.strip(), autoescape=True)
            | Enterprise.address.icontains(q.strip(), autoescape=True)
        )
    total = db.session.scalar(select(func.count()).select_from(Enterprise).where(*where)) or 0
    found = list(
        db.session.scalars(
            select(Enterprise).where(*where).order_by(Enterprise.id).offset(offset).limit(limit)
        )
    )
    keys = {address_key(e.address) for e in found if e.address}
    cached = (
        {
            c.address: c
            for c in db.session.scalars(select(GeocodeCache).where(GeocodeCache.address.in_(keys)))
        }
        if keys
        else {}
    )
    out = []
    for e in found:
        hit = cached.get(address_key(e.address)) if e.address else None
        out.append(
            Waiting(
                e,
                (hit.lat, hit.lon) if hit and hit.lat is not None and hit.lon is not None else None,
                hit is not None,
            )
        )
    return out, total


def _check_point(lat, lon) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValidationError(
            "The location is not a pair of numbers.", {"lat": "expected decimal degrees"}
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(
            "The location is not on the earth.", {"lat": "latitude -90..90, longitude -180..180"}
        )
    return round(lat, 7), round(lon, 7)


def set_location(
    actor: Actor,
    enterprise: Enterprise,
    lat,
    lon,
    *,
    now: datetime,
    area=None,
    source: str = "desk",
) -> Enterprise:
    """A clerk places the pin (a dragged marker or an accepted geocoder suggestion)."""
    from .enterprises import can_edit

    if not can_edit(actor, enterprise):
        raise Forbidden("Inspectors locate enterprises of their own township only.")
    lat, lon = _check_point(lat, lon)
    if area is not None and not area.contains(lat, lon):
        raise ValidationError(
            "The point is outside the bureau's area.",
            {"lat": "outside the bureau's area: move the pin into the county"},
        )
    before = {
        "lat": enterprise.lat,
        "lon": enterprise.lon,
        "location_source": enterprise.location_source,
    }
    enterprise.lat, enterprise.lon, enterprise.location_source = lat, lon, source
    enterprise.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "enterprise.locate",
        "enterprise",
        enterprise.id,
        now=now,
        before=before,
        after={"lat": lat, "lon": lon, "location_source": source},
    )
    return enterprise


def confirm_location(actor: Actor, enterprise: Enterprise, *, now: datetime) -> Enterprise:
    """A reviewer confirms a pin a visit set."""
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers confirm locations.")
    if enterprise.lat is None:
        raise ValidationError("Nothing to confirm.", {"lat": "the site has no pin yet"})
    if enterprise.location_source != "confirmed":
        before = enterprise.location_source
        enterprise.location_source = "confirmed"
        enterprise.updated_at = now
        db.session.flush()
        audit.record(
            actor,
            "enterprise.locate_confirm",
            "enterprise",
            enterprise.id,
            now=now,
            before={"location_source": before},
            after={"location_source": "confirmed"},
        )
    return enterprise


def pin_from_first_fix(
    actor: Actor,
    enterprise: Enterprise,
    lat: float,
    lon: float,
    accuracy_m: float | None,
    *,
    now: datetime,
) -> bool:
    """Called by ``record_visit`` with the visit's GPS fix. True when the enterprise had no pin
    before this visit, so no geofence can be checked; a fix better than ``GOOD_FIX_M`` then pins
    it, marked as located by a visit for a reviewer to confirm."""
    if enterprise.lat is not None:
        return False
    if accuracy_m is not None and accuracy_m < GOOD_FIX_M:
        enterprise.lat, enterprise.lon = round(lat, 7), round(lon, 7)
        enterprise.location_source = "visit"
        enterprise.updated_at = now
        db.session.flush()
        audit.record(
            actor,
            "enterprise.locate",
            "enterprise",
            enterprise.id,
            now=now,
            before={"lat": None, "lon": None},
            after={
                "lat": enterprise.lat,
                "lon": enterprise.lon,
                "location_source": "visit",
                "accuracy_m": accuracy_m,
            },
        )
    return True


# ---------------------------------------------------------------- geocoding


def pending_addresses(limit: int | None = None) -> list[str]:
    """Addresses of waiting sites the geocoder has not been asked about yet."""
    stmt = select(Enterprise.address).where(awaiting_clause(), Enterprise.address != "").distinct()
    known = set(db.session.scalars(select(GeocodeCache.address)))
    out = []
    for address in db.session.scalars(stmt):
        key = address_key(address)
        if key and key not in known:
            known.add(key)
            out.append(key)
            if limit and len(out) >= limit:
                break
    return out


def geocode_progress() -> dict[str, int]:
    """How many distinct addresses of waiting sites there are, how many were looked up, and how
    many of those found a point."""
    keys = {
        address_key(a)
        for a in db.session.scalars(
            select(Enterprise.address).where(awaiting_clause(), Enterprise.address != "").distinct()
        )
    }
    keys.discard("")
    done = found = 0
    if keys:
        for (lat,) in db.session.execute(
            select(GeocodeCache.lat).where(GeocodeCache.address.in_(keys))
        ):
            done += 1
            found += lat is not None
    return {
        "addresses": len(keys),
        "looked_up": done,
        "found": found,
        "running": int(_running.locked()),
    }


def geocode_pending(
    geocode: Callable[[str], tuple[float, float] | None],
    *,
    now: datetime,
    area=None,
    hint: str = "",
    batch: int = 20,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Look up every pending address once, committing every ``batch`` answers (a long run
    survives an interruption and its progress shows). Returns how many were looked up."""
    done = 0
    while True:
        addresses = pending_addresses(batch)
        if not addresses:
            return done
        for address in addresses:
            found = geocode(hint + address if hint and not address.startswith(hint) else address)
            if found is not None and area is not None and not area.contains(*found):
                found = None  # a namesake street in another county is no suggestion
            db.session.add(
                GeocodeCache(
                    address=address,
                    looked_up_at=now,
                    lat=found[0] if found else None,
                    lon=found[1] if found else None,
                )
            )
            done += 1
        try:
            db.session.commit()
        except IntegrityError:  # another worker answered the same address first
            db.session.rollback()
        if progress:
            progress(len(addresses))


_running = threading.Lock()


def start_background_geocoding(app, geocode, *, now: datetime, area=None, hint: str = "") -> bool:
    """Run ``geocode_pending`` in a thread of this process; False if one is already running."""
    if not _running.acquire(blocking=False):
        return False

    def run():
        try:
            with app.app_context():
                from enforcement.extensions import write_intent

                token = write_intent.set(True)
                try:
                    geocode_pending(geocode, now=now, area=area, hint=hint)
                except Exception:  # logged, never raised into nowhere
                    app.logger.exception("background geocoding stopped")
                    db.session.rollback()
                finally:
                    write_intent.reset(token)
                    db.session.remove()
        finally:
            _running.release()

    threading.Thread(target=run, name="geocoder", daemon=True).start()
    return True


def township_names() -> dict[int, str]:
    return dict(db.session.execute(select(Township.id, Township.name)).all())
