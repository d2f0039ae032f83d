"""Raster tile sets the app serves itself: MBTiles (SQLite) and PMTiles v3 archives.

MBTiles 1.3 (the format QGIS, GDAL and most offline-map tools write): a SQLite file with a
``metadata`` (name, value) table and a ``tiles`` (zoom_level, tile_column, tile_row, tile_data)
table or view. Rows are in TMS order: ``tile_row`` counts from the SOUTH, so the XYZ ``y`` a
browser asks for is ``2**z - 1 - y``.

PMTiles v3: one file, a 127-byte header, compressed directories of Hilbert-ordered tile ids, and
the tiles; read with the ``pmtiles`` package (BSD-3, pure Python), whose directory decoding we
cache here (its ``Reader.get`` decodes the root directory again for every tile).

``open_tileset(path)`` checks what a person can get wrong (the file is not a tile set, holds
vector tiles, holds no tiles, tiles that are not what the metadata says, zoom levels out of
range) and raises ``TileSetError`` with a stable ``code`` and the facts for one clear message.
Pure Python, no Flask: the service layer decides where files live and words the message.
"""

from __future__ import annotations

import enum
import functools
import gzip
import json
import math
import mmap
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "MEDIA_TYPES",
    "TileSet",
    "TileSetError",
    "bbox_distance_km",
    "open_tileset",
    "sniff_format",
    "tile_bounds",
    "tiles_for_bbox",
]

#: Tile encodings we serve, by the MBTiles ``format`` name.
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
MAX_ZOOM = 22
SQLITE_MAGIC = b"SQLite format 3\x00"
PMTILES_MAGIC = b"PMTiles"


class TileSetError(ValueError):
    """A file that cannot be served as a basemap. ``code`` names the problem; ``facts`` hold
    the values a message shows (``format``, ``bounds``, ...)."""

    def __init__(self, code: str, message: str, **facts):
        super().__init__(message)
        self.code, self.message, self.facts = code, message, facts


def sniff_format(data: bytes) -> str | None:
    """``png``, ``jpg``, ``webp``, ``pbf`` (vector, gzip or raw protobuf guessed) or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\x1f\x8b"):
        return "pbf"
    return None


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of XYZ tile z/x/y (Web Mercator)."""
    n = 2**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y))


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    lat = max(min(lat, 85.0511), -85.0511)
    x = int((lon + 180) / 360 * n)
    r = math.radians(lat)
    y = int((1 - math.asinh(math.tan(r)) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tiles_for_bbox(bbox: tuple[float, float, float, float], z: int):
    """Every XYZ tile (z, x, y) that covers WGS84 ``bbox`` = (min lon, min lat, max lon, max lat)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    x0, y0 = _tile_xy(min_lon, max_lat, z)
    x1, y1 = _tile_xy(max_lon, min_lat, z)
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            yield z, x, y


def bbox_distance_km(a, b) -> float:
    """0 when two (min lon, min lat, max lon, max lat) boxes overlap, else roughly how far apart."""
    dx = max(a[0] - b[2], b[0] - a[2], 0.0)
    dy = max(a[1] - b[3], b[1] - a[3], 0.0)
    mid_lat = math.radians((max(a[1], b[1]) + min(a[3], b[3])) / 2)
    return math.hypot(dx * 111.32 * math.cos(mid_lat), dy * 110.57)


@dataclass
class TileSet:
    """An opened, validated tile set. ``get(z, x, y)`` answers the tile's bytes or None."""

    path: str
    kind: str  # "mbtiles" or "pmtiles"
    format: str  # png, jpg or webp
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    name: str = ""
    attribution: str = ""
    description: str = ""
    center: tuple[float, float, int] | None = None
    #: Reader of one tile's bytes (z, x, y), and of its size; set by the opener.
    _get: Callable[[int, int, int], bytes | None] = field(default=None, repr=False)  # type: ignore[assignment]  # always set by open_tileset
    _sizes: Callable[[int, int, int], int | None] = field(default=None, repr=False)  # type: ignore[assignment]  # always set by open_tileset

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def get(self, z: int, x: int, y: int) -> bytes | None:
        if not (self.min_zoom <= z <= self.max_zoom) or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        return self._get(z, x, y)

    def size(self, z: int, x: int, y: int) -> int | None:
        """Bytes of a tile without reading it when the format allows (MBTiles: length())."""
        if self._sizes is not None:
            if not (self.min_zoom <= z <= self.max_zoom) or not (0 <= x < 2**z and 0 <= y < 2**z):
                return None
            return self._sizes(z, x, y)
        data = self.get(z, x, y)
        return None if data is None else len(data)

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            "format": self.format,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
            "bounds": list(self.bounds),
            "name": self.name,
            "attribution": self.attribution,
        }


def open_tileset(path: str) -> TileSet:
    """Open and validate an MBTiles or PMTiles file (by its first bytes, not its name)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise TileSetError("unreadable", f"cannot read {path}: {exc.strerror}", path=path) from None
    if head.startswith(SQLITE_MAGIC):
        tileset = _open_mbtiles(path)
    elif head.startswith(PMTILES_MAGIC):
        tileset = _open_pmtiles(path)
    else:
        raise TileSetError(
            "not_tiles",
            f"{os.path.basename(path)} is neither an MBTiles nor a PMTiles file",
            path=path,
        )
    _check_zooms(tileset.min_zoom, tileset.max_zoom)
    return tileset


def _check_zooms(min_zoom: int, max_zoom: int) -> None:
    if not (0 <= min_zoom <= max_zoom <= MAX_ZOOM):
        raise TileSetError(
            "zoom_range",
            f"zoom levels {min_zoom}–{max_zoom} are not within 0–{MAX_ZOOM}",
            min_zoom=min_zoom,
            max_zoom=max_zoom,
        )


def _check_encoding(declared: str | None, sample: bytes) -> str:
    found = sniff_format(sample)
    if declared in ("pbf", "mvt") or found == "pbf":
        raise TileSetError(
            "vector",
            "the file holds vector tiles (pbf); only raster tiles (PNG, JPEG, WebP) can be served",
            format="pbf",
        )
    if found is None:
        raise TileSetError(
            "encoding", "a tile is not a PNG, JPEG or WebP image", format=declared or "?"
        )
    if declared and declared != found:
        raise TileSetError(
            "encoding",
            f"the metadata says {declared} but the tiles are {found}",
            format=declared,
            found=found,
        )
    return found


# -- MBTiles ---------------------------------------------------------------------------------


def _parse_bounds(text) -> tuple[float, float, float, float] | None:
    try:
        b = tuple(float(v) for v in str(text).split(","))
    except ValueError:
        return None
    if len(b) != 4 or not (-180 <= b[0] < b[2] <= 180 and -90 <= b[1] < b[3] <= 90):
        return None
    return b


def _open_mbtiles(path: str) -> TileSet:
    local = threading.local()

    def connection() -> sqlite3.Connection:
        conn = getattr(local, "conn", None)
        if conn is None:
            uri = "file:" + os.path.abspath(path) + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            local.conn = conn
        return conn

    try:
        conn = connection()
        meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
        z_min, z_max = conn.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        sample = (
            conn.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? LIMIT 1", (z_max,)
            ).fetchone()
            if z_max is not None
            else None
        )
    except sqlite3.DatabaseError as exc:
        raise TileSetError(
            "not_tiles",
            f"{os.path.basename(path)} is an SQLite file but not MBTiles ({exc})",
            path=path,
        ) from None
    if sample is None or sample[0] is None:
        raise TileSetError("empty", "the file holds no tiles", path=path)
    declared = (meta.get("format") or "").lower() or None
    declared = "jpg" if declared == "jpeg" else declared
    fmt = _check_encoding(declared, bytes(sample[0]))
    min_zoom = _int(meta.get("minzoom"), z_min)
    max_zoom = _int(meta.get("maxzoom"), z_max)
    _check_zooms(min_zoom, max_zoom)
    bounds = _parse_bounds(meta.get("bounds")) if meta.get("bounds") else None
    if bounds is None:
        # From the tiles at the top zoom (TMS rows count from the south).
        x0, x1, r0, r1 = conn.execute(
            "SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row) FROM tiles "
            "WHERE zoom_level = ?",
            (z_max,),
        ).fetchone()
        n = 2**z_max
        west, _, _, north = tile_bounds(z_max, x0, n - 1 - r1)
        _, south, east, _ = tile_bounds(z_max, x1, n - 1 - r0)
        bounds = (west, south, east, north)
    center = None
    if meta.get("center"):
        try:
            lon, lat, *rest = (float(v) for v in meta["center"].split(","))
            center = (lat, lon, int(rest[0]) if rest else min_zoom)
        except ValueError:
            center = None

    def get(z, x, y):
        row = (
            connection()
            .execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, 2**z - 1 - y),
            )
            .fetchone()
        )
        return None if row is None else bytes(row[0])

    def size(z, x, y):
        row = (
            connection()
            .execute(
                "SELECT length(tile_data) FROM tiles WHERE zoom_level = ? AND tile_column = ? "
                "AND tile_row = ?",
                (z, x, 2**z - 1 - y),
            )
            .fetchone()
        )
        return None if row is None else int(row[0])

    return TileSet(
        path=path,
        kind="mbtiles",
        format=fmt,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        bounds=bounds,
        name=meta.get("name", ""),
        attribution=meta.get("attribution", ""),
        description=meta.get("description", ""),
        center=center,
        _get=get,
        _sizes=size,
    )


def _int(value, default) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return int(default)


# -- PMTiles ---------------------------------------------------------------------------------

_PMTILES_TYPES = {2: "png", 3: "jpg", 4: "webp", 1: "pbf"}


def _open_pmtiles(path: str) -> TileSet:
    from pmtiles.tile import (
        Compression,
        deserialize_directory,
        deserialize_header,
        find_tile,
        zxy_to_tileid,
    )

    with open(path, "rb") as handle:
        # Mapped, not read: a province's imagery archive may be gigabytes; pages load on use.
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        header = deserialize_header(data[:127])
    except Exception as exc:  # the package raises its own classes and struct errors
        raise TileSetError("not_tiles", f"not a PMTiles v3 archive ({exc})", path=path) from None
    if header["internal_compression"] != Compression.GZIP:
        # What every PMTiles writer produces; the package decodes only gzip directories.
        raise TileSetError(
            "encoding",
            "PMTiles directories compressed other than with gzip are not supported",
            format="pmtiles",
        )
    gz = True

    @functools.lru_cache(maxsize=64)
    def directory(offset: int, length: int):
        return deserialize_directory(data[offset : offset + length])  # gunzips itself

    def get(z, x, y):
        tile_id = zxy_to_tileid(z, x, y)
        offset, length = header["root_offset"], header["root_length"]
        for _ in range(4):
            entry = find_tile(directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length == 0:
                offset = header["leaf_directory_offset"] + entry.offset
                length = entry.length
                continue
            start = header["tile_data_offset"] + entry.offset
            tile = data[start : start + entry.length]
            if header["tile_compression"] == Compression.GZIP:
                tile = gzip.decompress(tile)
            return tile
        return None

    try:
        meta = json.loads(
            gzip.decompress(
                data[
                    header["metadata_offset"] : header["metadata_offset"]
                    + header["metadata_length"]
                ]
            )
            if gz
            else data[
                header["metadata_offset"] : header["metadata_offset"] + header["metadata_length"]
            ]
            or b"{}"
        )
    except (OSError, ValueError):
        meta = {}
    raw_type = header["tile_type"]  # pmtiles' TileType enum, or its number
    tile_type = raw_type.value if isinstance(raw_type, enum.Enum) else raw_type
    declared = _PMTILES_TYPES.get(tile_type)
    min_zoom, max_zoom = header["min_zoom"], header["max_zoom"]
    bounds = (
        header["min_lon_e7"] / 1e7,
        header["min_lat_e7"] / 1e7,
        header["max_lon_e7"] / 1e7,
        header["max_lat_e7"] / 1e7,
    )
    cz = header.get("center_zoom", min_zoom)
    lon_c, lat_c = header["center_lon_e7"] / 1e7, header["center_lat_e7"] / 1e7
    if _parse_bounds(",".join(map(str, bounds))) is None:
        raise TileSetError("bounds", "the archive's bounds are not a valid WGS84 box", path=path)
    # A sample tile to check the encoding: at the centre at every zoom, then anywhere at the
    # lowest zoom (a handful of tiles).
    candidates = [(z, *_tile_xy(lon_c, lat_c, z)) for z in range(max_zoom, min_zoom - 1, -1)]
    candidates += list(tiles_for_bbox(bounds, min_zoom))[:64]
    sample = None
    for z, x, y in candidates:
        sample = get(z, x, y)
        if sample:
            break
    if not sample:
        raise TileSetError("empty", "the archive holds no tiles inside its bounds", path=path)
    fmt = _check_encoding(declared, sample)
    return TileSet(
        path=path,
        kind="pmtiles",
        format=fmt,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        bounds=bounds,
        name=str(meta.get("name", "")),
        attribution=str(meta.get("attribution", "")),
        description=str(meta.get("description", "")),
        center=(lat_c, lon_c, cz),
        _get=get,
    )
