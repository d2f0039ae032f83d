"""Small raster tile sets drawn with Pillow: the demo city's basemap and the tests' fixtures.

``write_mbtiles`` / ``write_pmtiles`` render every tile covering a WGS84 box at the given zoom
levels with ``draw(image, z, x, y)`` and store them. ``demo_painter`` draws a plain paper map
of townships (their boundaries when imported, else a labelled dot at their centre) so that
`make run` shows a readable basemap with no outside tile server.
"""

from __future__ import annotations

import io
import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterable

from PIL import Image, ImageDraw, ImageFont

from .tiles import tile_bounds, tiles_for_bbox

TILE = 256
LAND = (244, 241, 232)
WATER = (170, 205, 230)
GRID = (226, 221, 206)
LINE = (120, 96, 150)
TEXT = (60, 60, 60)
FILLS = [
    (238, 243, 226),
    (246, 238, 224),
    (232, 240, 240),
    (243, 234, 240),
    (236, 236, 226),
    (228, 238, 230),
]

FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


def _font(size: int):
    for p in FONT_PATHS:
        if os.path.exists(p):
            try:
                return ImageFont.truetype(p, size)
            except OSError:
                continue
    return ImageFont.load_default()


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[fmt], quality=80)
    return out.getvalue()


def plain_painter(colour=(200, 230, 200)) -> Callable:
    """Every tile one colour with its z/x/y written on it (what the tests look for)."""
    font = _font(18)

    def draw(image, z, x, y):
        d = ImageDraw.Draw(image)
        d.rectangle([0, 0, TILE - 1, TILE - 1], fill=colour, outline=(150, 150, 150))
        d.text((8, 8), f"{z}/{x}/{y}", fill=(40, 40, 40), font=font)

    return draw


def _project(lon, lat, z, x, y):
    n = 2**z
    px = ((lon + 180) / 360 * n - x) * TILE
    r = math.radians(max(min(lat, 85.0511), -85.0511))
    py = ((1 - math.asinh(math.tan(r)) / math.pi) / 2 * n - y) * TILE
    return px, py


def demo_painter(townships: Iterable[dict]) -> Callable:
    """A paper map: land, a faint kilometre-ish grid, township boundaries and names.
    ``townships``: dicts with ``name``, ``lat``, ``lon`` and optional GeoJSON ``boundary``."""
    towns = list(townships)
    fonts = {z: _font(11 + max(0, z - 10) * 2) for z in range(0, 23)}

    def draw(image, z, x, y):
        d = ImageDraw.Draw(image)
        d.rectangle([0, 0, TILE, TILE], fill=LAND)
        step = TILE // 4
        for i in range(0, TILE, step):
            d.line([(i, 0), (i, TILE)], fill=GRID)
            d.line([(0, i), (TILE, i)], fill=GRID)
        for i, t in enumerate(towns):
            geom = t.get("boundary")
            if geom:
                polys = (
                    geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
                )
                for poly in polys:
                    outer = [_project(lon, lat, z, x, y) for lon, lat in poly[0]]
                    d.polygon(outer, fill=FILLS[i % len(FILLS)])
        for i in range(0, TILE, step):  # the grid over the fills
            d.line([(i, 0), (i, TILE)], fill=GRID)
            d.line([(0, i), (TILE, i)], fill=GRID)
        for t in towns:
            geom = t.get("boundary")
            if geom:
                polys = (
                    geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
                )
                for poly in polys:
                    for ring in poly:
                        pts = [_project(lon, lat, z, x, y) for lon, lat in ring]
                        d.line(pts, fill=LINE, width=2 if z >= 12 else 1)
        if z >= 10:
            for t in towns:
                # Named here only without a boundary: with one, the live map's boundary layer
                # names it (twice would be noise).
                if t.get("lat") is None or t.get("boundary"):
                    continue
                px, py = _project(t["lon"], t["lat"], z, x, y)
                if -120 < px < TILE + 120 and -40 < py < TILE + 40:
                    d.ellipse([px - 3, py - 3, px + 3, py + 3], fill=LINE)
                    d.text((px + 6, py - 8), t["name"], fill=TEXT, font=fonts[z])

    return draw


def _render(bbox, zooms, draw, fmt):
    for z in zooms:
        for _, x, y in tiles_for_bbox(bbox, z):
            image = Image.new("RGB", (TILE, TILE), LAND)
            draw(image, z, x, y)
            yield z, x, y, _encode(image, fmt)


def _metadata(name, fmt, zooms, bbox, attribution, description):
    lon = (bbox[0] + bbox[2]) / 2
    lat = (bbox[1] + bbox[3]) / 2
    return {
        "name": name,
        "format": fmt,
        "minzoom": str(min(zooms)),
        "maxzoom": str(max(zooms)),
        "bounds": ",".join(f"{v:.6f}" for v in bbox),
        "center": f"{lon:.6f},{lat:.6f},{min(zooms)}",
        "type": "baselayer",
        "version": "1",
        "attribution": attribution,
        "description": description,
    }


def write_mbtiles(
    path: str,
    bbox,
    zooms: Iterable[int],
    draw: Callable | None = None,
    *,
    fmt: str = "png",
    name: str = "basemap",
    attribution: str = "",
    description: str = "",
    metadata_overrides: dict | None = None,
) -> int:
    """Write an MBTiles file; returns the number of tiles."""
    zooms = list(zooms)
    draw = draw or plain_painter()
    if os.path.exists(path):
        os.remove(path)
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
        "tile_row INTEGER, tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    meta = _metadata(name, fmt, zooms, bbox, attribution, description)
    meta.update(metadata_overrides or {})
    conn.executemany(
        "INSERT INTO metadata VALUES (?, ?)", [(k, v) for k, v in meta.items() if v is not None]
    )
    n = 0
    for z, x, y, data in _render(bbox, zooms, draw, fmt):
        conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
        n += 1
    conn.commit()
    conn.close()
    return n


def write_pmtiles(
    path: str,
    bbox,
    zooms: Iterable[int],
    draw: Callable | None = None,
    *,
    fmt: str = "png",
    name: str = "basemap",
    attribution: str = "",
) -> int:
    """Write a PMTiles v3 archive with the ``pmtiles`` package's writer; returns the tile count."""
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    zooms = list(zooms)
    draw = draw or plain_painter()
    tiles = sorted(
        (zxy_to_tileid(z, x, y), data) for z, x, y, data in _render(bbox, zooms, draw, fmt)
    )
    with open(path, "wb") as handle:
        writer = Writer(handle)
        for tile_id, data in tiles:
            writer.write_tile(tile_id, data)
        lon = (bbox[0] + bbox[2]) / 2
        lat = (bbox[1] + bbox[3]) / 2
        writer.finalize(
            {
                "tile_type": {"png": TileType.PNG, "jpg": TileType.JPEG, "webp": TileType.WEBP}[
                    fmt
                ],
                "tile_compression": Compression.NONE,
                "min_zoom": min(zooms),
                "max_zoom": max(zooms),
                "min_lon_e7": int(bbox[0] * 1e7),
                "min_lat_e7": int(bbox[1] * 1e7),
                "max_lon_e7": int(bbox[2] * 1e7),
                "max_lat_e7": int(bbox[3] * 1e7),
                "center_zoom": min(zooms),
                "center_lon_e7": int(lon * 1e7),
                "center_lat_e7": int(lat * 1e7),
            },
            {"name": name, "attribution": attribution},
        )
    return len(tiles)


def townships_for_demo(rows) -> list[dict]:
    """(name, lat, lon, boundary text) rows -> painter input."""
    out = []
    for name, lat, lon, boundary in rows:
        out.append(
            {
                "name": name,
                "lat": lat,
                "lon": lon,
                "boundary": json.loads(boundary) if boundary else None,
            }
        )
    return out


__all__ = [
    "demo_painter",
    "plain_painter",
    "tile_bounds",
    "townships_for_demo",
    "write_mbtiles",
    "write_pmtiles",
]
