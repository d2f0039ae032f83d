"""Townships and parks (乡镇、街道、园区): created from the statistics bureau's code list or a
GeoJSON of boundaries, with aliases; and the one place that turns what a clerk wrote (a name, a
short form, an address) into a township.

Matching keys: the official name, every alias, and the short forms clerks use by themselves
(高新区 for 高新技术产业开发区, 经开区 for 经济技术开发区, the name without 镇/乡/街道). A key
that two townships share is ambiguous and matches neither.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from enforcement.errors import ValidationError
from enforcement.extensions import db
from enforcement.geo import gcj_to_wgs
from enforcement.geo.polygons import POLYGON_TYPES, Area, BoxArea
from enforcement.models import Township
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor

#: Long official forms and the short forms clerks write for them (applied both ways).
SHORT_FORMS = (
    ("高新技术产业开发区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("工业园区", "工业园"),
    ("产业园区", "产业园"),
    ("开发区", "开发区"),
)
#: Suffixes a clerk may leave off (longest first).
SUFFIXES = ("街道办事处", "办事处", "街道", "地区", "镇", "乡", "区")
_SPACE = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff\u3000]+")


def norm(text: str) -> str:
    """Whitespace removed, full-width brackets made half-width."""
    text = _SPACE.sub("", text or "")
    return text.replace("（", "(").replace("）", ")")


def name_keys(name: str) -> list[str]:
    """The name and the short forms a clerk would write for it, most specific first."""
    base = norm(name)
    keys = [base]
    for long, short in SHORT_FORMS:
        if long in base and long != short:
            keys.append(base.replace(long, short))
    for key in list(keys):
        for suffix in SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                keys.append(key[: -len(suffix)])
                break
    seen: list[str] = []
    for k in keys:
        if k and k not in seen:
            seen.append(k)
    return seen


def alias_list(township: Township) -> list[str]:
    return [a for a in (norm(x) for x in (township.aliases or "").splitlines()) if a]


class TownshipIndex:
    """Every township's keys in memory: one query, then look-ups (for 130,000 rows)."""

    def __init__(self, townships: list[Township] | None = None):
        if townships is None:
            townships = list(db.session.scalars(select(Township)))
        exact: dict[str, set[int]] = {}
        short: dict[str, set[int]] = {}
        self.areas: dict[int, Area] = {}
        self.names: dict[int, str] = {}
        for t in townships:
            self.names[t.id] = t.name
            for key in filter(None, (t.code, t.stat_code, t.name_en)):
                exact.setdefault(key.strip().lower(), set()).add(t.id)
            for key in [norm(t.name), *alias_list(t)]:
                exact.setdefault(key.lower(), set()).add(t.id)
            for source in [t.name, *alias_list(t)]:
                for key in name_keys(source)[1:]:
                    short.setdefault(key.lower(), set()).add(t.id)
            if t.boundary:
                try:
                    self.areas[t.id] = Area.from_json(t.boundary)
                except (ValueError, KeyError, TypeError):
                    pass
        self.exact = {k: next(iter(v)) for k, v in exact.items() if len(v) == 1}
        self.short = {k: next(iter(v)) for k, v in short.items() if len(v) == 1 and k not in exact}
        # For addresses: the longest key found inside wins; keys of one character are noise.
        self._address_keys = sorted(
            (k for k in {**self.short, **self.exact} if len(k) >= 2 and not k.isascii()),
            key=len,
            reverse=True,
        )

    def __bool__(self) -> bool:
        return bool(self.names)

    def resolve(self, text: str) -> int | None:
        """The township a clerk meant by ``text`` (code, name, alias or short form)."""
        if not text:
            return None
        key = norm(text).lower()
        found = self.exact.get(key) or self.short.get(key)
        if found is not None:
            return found
        for candidate in name_keys(key)[1:]:
            found = self.exact.get(candidate) or self.short.get(candidate)
            if found is not None:
                return found
        return None

    def in_address(self, address: str) -> int | None:
        """The township whose name (or short form) appears in the address, longest first."""
        text = norm(address).lower()
        if not text:
            return None
        for key in self._address_keys:
            if key in text:
                return self.exact.get(key) or self.short.get(key)
        return None

    def containing(self, lat: float, lon: float) -> int | None:
        for tid, area in self.areas.items():
            if area.contains(lat, lon):
                return tid
        return None


def _centre(boundary: dict | None) -> tuple[float, float] | tuple[None, None]:
    """The middle of a boundary's extent (none for a geometry without points)."""
    return (Area([boundary]).centre() if boundary else None) or (None, None)


def bureau_area(config):
    """What "inside the bureau's area" means: the county boundary file if configured, else the
    union of the township boundaries, else the configured rectangle."""
    path = config.get("BUREAU_BOUNDARY") or ""
    if path:
        with open(path, "rb") as handle:
            return Area([_geometry(f) for f in _features(json.loads(handle.read()))])
    texts = list(
        db.session.scalars(select(Township.boundary).where(Township.boundary.is_not(None)))
    )
    if texts:
        return Area.from_json(*texts)
    return BoxArea(config["BUREAU_BBOX"])


# ---------------------------------------------------------------- importing


@dataclass
class Entry:
    code: str  #: 统计用区划代码 (9 or 12 digits), or the file's own code
    name: str
    boundary: dict | None = None


@dataclass
class TownshipImport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def _bad(message: str) -> ValidationError:
    return ValidationError(message, {"file": message})


def read_entries(data: bytes, filename: str = "", *, gcj02: bool = False) -> list[Entry]:
    """The townships in a code list (CSV) or a boundary file (GeoJSON). Nothing is written."""
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise _bad(
            _(
                "The file is neither UTF-8 nor GBK text: save the code list as CSV (UTF-8) "
                "or the boundaries as GeoJSON."
            )
        )
    stripped = text.lstrip()
    if stripped.startswith("{") or filename.lower().endswith((".geojson", ".json")):
        return _geojson_entries(stripped, gcj02)
    return _csv_entries(text)


_DIGITS = re.compile(r"^\d{9}(\d{3})?$")


def _csv_entries(text: str) -> list[Entry]:
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "|"), key=first.count)
    entries: list[Entry] = []
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        cells = [norm(c) for c in cells]
        if sum(1 for c in cells if c) > 4:
            raise _bad(
                _(
                    "This is not a township code list (it has more than two columns of "
                    "data): choose the statistics bureau's list of codes and names."
                )
            )
        code = next((c for c in cells if _DIGITS.match(c)), None)
        # The name is the last cell that is not a number (the list may carry 城乡分类代码 too).
        name = next((c for c in reversed(cells) if c and not c.isdigit()), None)
        if code is None or name is None:
            continue  # a header row, a title or a blank line
        entries.append(Entry(code, name))
    if not entries:
        raise _bad(
            _(
                "No township found: the file needs two columns, the statistics code "
                "(统计用区划代码) and the name, one township per line."
            )
        )
    _no_repeats(entries)
    return entries


def _no_repeats(entries: list[Entry]) -> None:
    codes = [e.code for e in entries]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise _bad(
            _(
                "The code %(codes)s appears more than once: keep one line per township.",
                codes="、".join(twice),
            )
        )


def _features(doc) -> list[dict]:
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise _bad(
            _(
                "The GeoJSON is not a FeatureCollection: export the township boundaries "
                "as a FeatureCollection of polygons."
            )
        )
    return doc["features"]


def _geometry(feature) -> dict:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        raise _bad(
            _(
                "A feature is a %(kind)s, not a polygon: the boundary file must hold "
                "township polygons (Polygon or MultiPolygon) only.",
                kind=kind or "—",
            )
        )
    return geometry


def _convert(geometry: dict, gcj02: bool) -> dict:
    def ring(points):
        out = []
        for pt in points:
            lon, lat = float(pt[0]), float(pt[1])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise _bad(
                    _(
                        "A boundary point (%(lon)s, %(lat)s) is not a longitude and "
                        "latitude: export the boundaries in WGS84 or GCJ-02 degrees.",
                        lon=pt[0],
                        lat=pt[1],
                    )
                )
            if gcj02:
                lat, lon = gcj_to_wgs(lat, lon)
            out.append([round(lon, 7), round(lat, 7)])
        return out

    try:
        if geometry["type"] == "Polygon":
            return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
        return {
            "type": "MultiPolygon",
            "coordinates": [[ring(r) for r in poly] for poly in geometry["coordinates"]],
        }
    except (TypeError, IndexError, KeyError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise _bad(
            _("A polygon's coordinates cannot be read: export the boundaries again as GeoJSON.")
        ) from None


def _geojson_entries(text: str, gcj02: bool) -> list[Entry]:
    try:
        doc = json.loads(text)
    except ValueError:
        raise _bad(
            _("The file is not valid GeoJSON: export the township boundaries again.")
        ) from None
    entries = []
    for feature in _features(doc):
        geometry = _geometry(feature)
        props = feature.get("properties") or {}
        code = norm(str(props.get("code") or props.get("stat_code") or ""))
        name = norm(str(props.get("name") or ""))
        if not code or not name:
            raise _bad(
                _(
                    "A feature has no code or name: give each polygon the properties "
                    '"code" (统计用区划代码) and "name".'
                )
            )
        entries.append(Entry(code, name, _convert(geometry, gcj02)))
    if not entries:
        raise _bad(_("The GeoJSON holds no township polygon."))
    _no_repeats(entries)
    return entries


def _kind(code: str, name: str) -> str:
    # 统计用区划代码 digits 7-9: 0xx 街道, 1xx 镇, 2xx 乡, 4xx/5xx 开发区、农场等类似乡级单位.
    if len(code) >= 9 and code[:9].isdigit() and code[6] in "45":
        return "park"
    if any(w in name for w in ("园区", "开发区", "高新区", "工业区", "经开区", "工业园")):
        return "park"
    return "township"


def import_townships(actor: Actor, entries: list[Entry], *, now: datetime) -> TownshipImport:
    """Create or update townships: matched by statistics code, else code, else name. Running it
    again with the same file changes nothing."""
    if not actor.is_admin:
        from enforcement.errors import Forbidden

        raise Forbidden("Only administrators import townships.")
    result = TownshipImport()
    existing = list(db.session.scalars(select(Township)))
    by_stat = {t.stat_code: t for t in existing if t.stat_code}
    by_code = {t.code: t for t in existing}
    by_name: dict[str, Township] = {}
    by_short: dict[str, Township | None] = {}
    for t in existing:
        for key in name_keys(t.name)[:1] + alias_list(t):
            by_name.setdefault(key, t)
        for key in name_keys(t.name):
            # A short form two townships share tells nothing.
            by_short[key] = None if by_short.get(key, t) is not t else t
    for entry in entries:
        stat = entry.code if entry.code.isdigit() else None
        township: Township | None = (
            (by_stat.get(stat) if stat else None)
            or by_code.get(entry.code)
            or by_name.get(norm(entry.name))
        )
        if township is None:
            # A township created by hand as 燕郊高新区 is the official 燕郊高新技术产业开发区.
            township = next(
                (
                    short
                    for k in name_keys(entry.name)[1:]
                    if (short := by_short.get(k)) is not None and not short.stat_code
                ),
                None,
            )
        boundary = (
            json.dumps(entry.boundary, ensure_ascii=False, separators=(",", ":"))
            if entry.boundary
            else None
        )
        if township is None:
            township = Township(
                code=entry.code,
                name=entry.name,
                name_en="",
                kind=_kind(entry.code, entry.name),
                stat_code=stat,
                aliases="",
                boundary=boundary,
            )
            if boundary:
                township.center_lat, township.center_lon = _centre(entry.boundary)
            db.session.add(township)
            db.session.flush()
            by_code[township.code] = township
            result.created.append(entry.name)
            audit.record(
                actor,
                "township.import",
                "township",
                township.id,
                now=now,
                after={
                    "code": township.code,
                    "name": township.name,
                    "stat_code": stat,
                    "boundary": bool(boundary),
                },
            )
            continue
        before = {
            "name": township.name,
            "stat_code": township.stat_code,
            "boundary": township.boundary,
        }
        if stat and township.stat_code != stat:
            township.stat_code = stat
        if township.name != entry.name:
            # The old spelling stays findable: clerks keep writing it.
            aliases = alias_list(township)
            if norm(township.name) not in aliases:
                aliases.append(norm(township.name))
            township.aliases = "\n".join(aliases)
            township.name = entry.name
        if boundary and township.boundary != boundary:
            township.boundary = boundary
            township.center_lat, township.center_lon = _centre(entry.boundary)
        after = {
            "name": township.name,
            "stat_code": township.stat_code,
            "boundary": township.boundary,
        }
        if after == before:
            result.unchanged.append(entry.name)
            continue
        result.updated.append(entry.name)
        audit.record(
            actor,
            "township.import_update",
            "township",
            township.id,
            now=now,
            before={k: (bool(v) if k == "boundary" else v) for k, v in before.items()},
            after={k: (bool(v) if k == "boundary" else v) for k, v in after.items()},
        )
    db.session.flush()
    return result


def set_aliases(actor: Actor, township: Township, text: str, *, now: datetime) -> Township:
    """Replace a township's aliases (one per line); an alias another township already answers
    to is refused, since it could not tell them apart."""
    if not actor.is_reviewer:
        from enforcement.errors import Forbidden

        raise Forbidden("Only reviewers and administrators edit township aliases.")
    aliases = []
    for line in (text or "").splitlines():
        key = norm(line)
        if key and key not in aliases and key != norm(township.name):
            if len(key) > 80:
                raise ValidationError(
                    "Alias too long.",
                    {
                        "aliases": _(
                            "An alias may have at most 80 characters: shorten “%(alias)s”.",
                            alias=key[:20],
                        )
                    },
                )
            aliases.append(key)
    others = TownshipIndex([t for t in db.session.scalars(select(Township)) if t.id != township.id])
    taken = [a for a in aliases if others.exact.get(a.lower())]
    if taken:
        raise ValidationError(
            "Alias already used.",
            {
                "aliases": _(
                    "“%(alias)s” already names another township: remove it here or there.",
                    alias=taken[0],
                )
            },
        )
    new = "\n".join(aliases)
    if new != (township.aliases or ""):
        before = township.aliases
        township.aliases = new
        db.session.flush()
        audit.record(
            actor,
            "township.aliases",
            "township",
            township.id,
            now=now,
            before={"aliases": before},
            after={"aliases": new},
        )
    return township
