"""GeoJSON (RFC 7946) builders, including a streaming FeatureCollection.

RFC 7946 points that matter here:

* positions are ``[longitude, latitude]`` (x, y) in WGS84 -- the opposite of
  how people (and our ``near=lat,lon`` parameter) write them, so the functions
  take ``lon, lat`` explicitly and say so in their names;
* a Feature's ``id`` is a string or a number, ``properties`` an object or null;
* extra top-level members ("foreign members", e.g. our ``next_cursor``) are
  allowed, but a FeatureCollection must not use ``type``, ``features`` or the
  geometry/feature member names (RFC 7946 section 7.1);
* NaN and Infinity are not JSON: we serialise with ``allow_nan=False`` so a bad
  value fails loudly here instead of producing a document clients reject.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from numbers import Real
from typing import Any

from .distance import validate_lat_lon

__all__ = [
    "dumps",
    "feature",
    "feature_collection",
    "iter_feature_collection",
    "point",
]

_GEOMETRY_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)

# Members a FeatureCollection must not carry as foreign members (RFC 7946
# 7.1), plus the ones we write ourselves.
_RESERVED_COLLECTION_MEMBERS = frozenset(
    {"type", "features", "coordinates", "geometries", "geometry", "properties"}
)


def dumps(obj: Any) -> str:
    """Compact JSON as our GeoJSON responses use it.

    ``ensure_ascii=False``: enterprise names are Chinese; UTF-8 output is a
    third of the size of ``\\uXXXX`` escapes. ``allow_nan=False``: see module
    docstring.
    """
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def point(lon: float, lat: float) -> dict:
    """A GeoJSON Point geometry at WGS84 (lon, lat) -- note the order."""
    lat_f, lon_f = validate_lat_lon(lat, lon)
    return {"type": "Point", "coordinates": [lon_f, lat_f]}


def _geometry(geometry_lon_lat) -> dict | None:
    if geometry_lon_lat is None:
        # RFC 7946 3.2: an unlocated feature has "geometry": null.
        return None
    if isinstance(geometry_lon_lat, Mapping):
        gtype = geometry_lon_lat.get("type")
        if gtype not in _GEOMETRY_TYPES:
            raise ValueError(
                f"geometry type must be one of {sorted(_GEOMETRY_TYPES)}, got {gtype!r}"
            )
        return dict(geometry_lon_lat)
    if isinstance(geometry_lon_lat, Sequence) and not isinstance(geometry_lon_lat, (str, bytes)):
        if len(geometry_lon_lat) != 2:
            raise ValueError(
                f"a point position must be [lon, lat] (2 numbers), got {list(geometry_lon_lat)!r}"
            )
        lon, lat = geometry_lon_lat
        return point(lon, lat)
    raise ValueError(
        f"geometry must be a GeoJSON geometry mapping, a (lon, lat) pair or None, got {geometry_lon_lat!r}"
    )


def feature(
    geometry_lon_lat, properties: Mapping | None, id: str | int | float | None = None
) -> dict:
    """A GeoJSON Feature.

    ``geometry_lon_lat`` is either a ``(lon, lat)`` pair (becomes a Point;
    longitude first, as in GeoJSON), a GeoJSON geometry mapping (passed
    through), or ``None`` (null geometry). ``properties`` is a mapping or
    ``None``. ``id`` is omitted when ``None``; otherwise it must be a string or
    a number (not a bool).
    """
    out: dict[str, Any] = {"type": "Feature"}
    if id is not None:
        if isinstance(id, bool) or not isinstance(id, (str, Real)):
            raise ValueError(f"feature id must be a string or a number, got {id!r}")
        out["id"] = id
    out["geometry"] = _geometry(geometry_lon_lat)
    if properties is not None and not isinstance(properties, Mapping):
        raise ValueError(
            f"feature properties must be a mapping or None, got {type(properties).__name__}"
        )
    out["properties"] = dict(properties) if properties is not None else None
    return out


def _check_foreign_members(members: Mapping) -> dict:
    if not isinstance(members, Mapping):
        raise ValueError(f"foreign members must be a mapping, got {type(members).__name__}")
    bad = sorted(_RESERVED_COLLECTION_MEMBERS.intersection(members))
    if bad:
        raise ValueError(f"foreign members may not be named {bad} in a FeatureCollection")
    for key in members:
        if not isinstance(key, str):
            raise ValueError(f"foreign member names must be strings, got {key!r}")
    return dict(members)


def feature_collection(features: Iterable[Mapping], **foreign_members) -> dict:
    """A GeoJSON FeatureCollection dict.

    Keyword arguments become foreign members, e.g.
    ``feature_collection(feats, next_cursor=None)``.
    """
    out: dict[str, Any] = {"type": "FeatureCollection", "features": list(features)}
    out.update(_check_foreign_members(foreign_members))
    return out


def iter_feature_collection(
    features_iter: Iterable[Mapping],
    foreign_members: Mapping | Callable[[], Mapping] | None = None,
    *,
    chunk_chars: int = 64 * 1024,
) -> Iterator[str]:
    """Stream a FeatureCollection as JSON text chunks.

    ``"".join(iter_feature_collection(...))`` is one valid JSON document equal
    to ``dumps(feature_collection(list(features), **foreign_members))`` (up to
    member order). Meant for Flask ``Response(stream_with_context(...))`` on
    large lists, so the server never holds the whole list or its JSON in
    memory.

    Foreign members are written *after* ``features`` (member order is not
    significant in JSON). ``foreign_members`` may be a callable, called once
    the features are exhausted: that lets a paged endpoint compute
    ``next_cursor`` from the last row it streamed without reading ahead.

    Features are batched into chunks of about ``chunk_chars`` characters:
    one write per feature would cost a syscall per row under a WSGI server.

    A failure midway (database error, bad value) raises out of the iterator;
    the response is then truncated, invalid JSON, which a client detects --
    better than a well-formed but silently partial list.
    """
    if chunk_chars < 1:
        raise ValueError("chunk_chars must be positive")
    if foreign_members is not None and not callable(foreign_members):
        # Validate eagerly so a programming error surfaces before any byte is sent.
        _check_foreign_members(foreign_members)

    buf: list[str] = ['{"type":"FeatureCollection","features":[']
    size = len(buf[0])
    first = True
    for feat in features_iter:
        if not isinstance(feat, Mapping):
            raise ValueError(f"features must be mappings, got {type(feat).__name__}")
        text = dumps(feat)
        if not first:
            text = "," + text
        first = False
        buf.append(text)
        size += len(text)
        if size >= chunk_chars:
            yield "".join(buf)
            buf = []
            size = 0

    members = foreign_members() if callable(foreign_members) else foreign_members
    tail = ["]"]
    if members:
        for key, value in _check_foreign_members(members).items():
            tail.append("," + dumps(key) + ":" + dumps(value))
    tail.append("}")
    buf.append("".join(tail))
    yield "".join(buf)
