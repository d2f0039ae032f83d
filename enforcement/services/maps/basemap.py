"""The basemap: tile files the app serves itself (MBTiles, PMTiles), the online presets
(天地图, GCJ-02 providers) and the layer list every live map reads; the offline download
plan for an inspector's worklist area.

Where layers come from, in order:

1. ``BASEMAPS`` in configuration: ``[{"name": "streets", "file": "/srv/maps/city.mbtiles",
   "label": "街道"}, ...]`` (a relative ``file`` is looked up in ``BASEMAP_DIR``);
2. files imported with ``flask basemap import FILE`` (copied into ``BASEMAP_DIR``, by default
   ``instance/basemaps/``, as ``<name>.mbtiles`` / ``<name>.pmtiles``);
3. the online preset ``MAP_PRESET`` (``tianditu`` with ``TIANDITU_KEY``, or ``gaode``), then
   the single ``MAP_TILE_URL`` of earlier versions.

A GCJ-02 preset (Gaode) cannot share a map with WGS84 layers (every marker would have to move
when the layer switches), so when it is configured it is the only online layer and the local
files are not offered on the same map.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from typing import Any, TypedDict

from flask_babel import lazy_gettext as _l

from enforcement.errors import ValidationError
from enforcement.geo import basemap_files as files
from enforcement.geo.tiles import (
    TileSet,
    TileSetError,
    bbox_distance_km,
    open_tileset,
    tiles_for_bbox,
)

#: Layers of the online presets. ``{tk}`` is the bureau's 天地图 key. 天地图's Web Mercator
#: ("_w") services are CGCS2000, which for a map agrees with WGS84 to well under a metre: no
#: shift. Gaode (高德) draws in GCJ-02: points are shifted for display (geo.gcj02).
TIANDITU = (
    "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk=%s"
)


class Preset(TypedDict):
    gcj02: bool
    subdomains: str
    max_zoom: int
    attribution: str
    #: (layer name, label, base layer, overlay): 天地图's layer codes, or Gaode's URL and None.
    layers: list[tuple[str, Any, str, str | None]]


PRESETS: dict[str, Preset] = {
    "tianditu": {
        "gcj02": False,
        "subdomains": "01234567",
        "max_zoom": 18,
        "attribution": "天地图 © 国家地理信息公共服务平台",
        "layers": [
            ("tdt-vec", _l("Streets (Tianditu)"), "vec", "cva"),
            ("tdt-img", _l("Imagery (Tianditu)"), "img", "cia"),
        ],
    },
    "gaode": {
        "gcj02": True,
        "subdomains": "1234",
        "max_zoom": 18,
        "attribution": "© 高德地图 AutoNavi",
        "layers": [
            (
                "gaode-vec",
                _l("Streets (Gaode)"),
                "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                "&style=8&x={x}&y={y}&z={z}",
                None,
            ),
            (
                "gaode-img",
                _l("Imagery (Gaode)"),
                "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
                None,
            ),
        ],
    },
}

#: Zoom levels above a file's top zoom that the map still allows (tiles drawn larger): more
#: would show a blur of a few pixels, which is the "empty 30 m view" reviewers complained of.
OVERZOOM = 2
#: Radius around each worklist site downloaded at the closest zoom levels (metres): the
#: find page's default "near me" circle is 1 km.
OFFLINE_SITE_RADIUS_M = 1200
#: How far a tile set may lie from the bureau's area and still be imported (km).
AREA_TOLERANCE_KM = 50

MESSAGES = {
    "unreadable": _l("The file cannot be read."),
    "not_tiles": _l(
        "This is not a tile file: give an MBTiles (.mbtiles) or PMTiles (.pmtiles) "
        "file of raster tiles."
    ),
    "vector": _l(
        "This file holds vector tiles; only raster tiles (PNG, JPEG, WebP) can be served."
    ),
    "encoding": _l("The tiles are not PNG, JPEG or WebP images, or not what the file says."),
    "empty": _l("The file holds no tiles."),
    "zoom_range": _l("The zoom levels of the file are out of range (0 to 22)."),
    "bounds": _l("The file's bounds are not a valid longitude/latitude box."),
    "far": _l(
        "The tiles cover %(bounds)s, %(km)s km from the bureau's area %(area)s: "
        "is this the right file?"
    ),
    "name": _l("A layer name is letters, digits, dash or underscore (e.g. streets)."),
}


def message(exc: TileSetError) -> str:
    text = MESSAGES.get(exc.code)
    if text is None:
        return exc.message
    return str(text) % {k: v for k, v in exc.facts.items()} if "%(" in str(text) else str(text)


@dataclass(frozen=True)
class Layer:
    name: str
    label: object  # str, or a lazy translation (presets): made text in as_dict
    url: str  # Leaflet template
    attribution: str
    min_zoom: int
    max_zoom: int  # native top zoom of the tiles
    bounds: tuple | None = None
    local: bool = False
    gcj02: bool = False
    subdomains: str = "abc"
    overlay: str = ""  # a labels layer drawn over it (天地图's 注记)
    bytes_per_tile: int = 0

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "label": str(self.label),
            "url": self.url,
            "attribution": self.attribution,
            "minZoom": self.min_zoom,
            "maxNativeZoom": self.max_zoom,
            "maxZoom": min(self.max_zoom + OVERZOOM, 22),
            "bounds": list(self.bounds) if self.bounds else None,
            "local": self.local,
            "subdomains": self.subdomains,
            "overlay": self.overlay,
            "gcj02": self.gcj02,
        }


basemap_dir = files.basemap_dir
_files = files.basemap_files
tileset = files.tileset


def local_layers(config) -> list[tuple[Layer, TileSet]]:
    out = []
    for name, label, path in _files(config):
        try:
            ts = tileset(path)
        except (OSError, TileSetError):
            continue  # a broken configured file is reported by `flask basemap check`
        out.append(
            (
                Layer(
                    name=name,
                    label=label,
                    url=f"/tiles/{name}/{{z}}/{{x}}/{{y}}",
                    attribution=ts.attribution or ts.name or name,
                    min_zoom=ts.min_zoom,
                    max_zoom=ts.max_zoom,
                    bounds=ts.bounds,
                    local=True,
                ),
                ts,
            )
        )
    return out


def online_layers(config) -> list[Layer]:
    """The preset's layers, then ``MAP_TILE_URL``; only the GCJ-02 ones when any is GCJ-02."""
    preset = (config.get("MAP_PRESET") or "").lower()
    spec = PRESETS.get(preset)
    online: list[Layer] = []
    if spec and (preset != "tianditu" or config.get("TIANDITU_KEY")):
        for name, label, a, b in spec["layers"]:
            if preset == "tianditu":
                key = config["TIANDITU_KEY"]
                url, overlay = TIANDITU % (a, a, key), TIANDITU % (b, b, key)
            else:
                url, overlay = a, ""
            online.append(
                Layer(
                    name=name,
                    label=label,
                    url=url,
                    attribution=spec["attribution"],
                    min_zoom=1,
                    max_zoom=spec["max_zoom"],
                    gcj02=spec["gcj02"],
                    subdomains=spec["subdomains"],
                    overlay=overlay,
                )
            )
    if config.get("MAP_TILE_URL"):
        online.append(
            Layer(
                name="custom",
                label=_l("Online map"),
                url=config["MAP_TILE_URL"],
                attribution=config.get("MAP_TILE_ATTRIBUTION") or "",
                min_zoom=0,
                max_zoom=18,
                gcj02=bool(config.get("MAP_TILES_GCJ02")),
            )
        )
    if any(layer.gcj02 for layer in online):
        return [layer for layer in online if layer.gcj02]
    return online


def layers(config) -> list[Layer]:
    """Every layer a live map offers, first = default."""
    online = online_layers(config)
    if any(layer.gcj02 for layer in online):
        return online
    return [layer for layer, _ in local_layers(config)] + online


def tile_hosts(config) -> list[str]:
    """CSP sources for the configured online layers (``{s}`` in a host becomes a wildcard label)."""
    hosts = []
    for layer in online_layers(config):
        for url in (layer.url, layer.overlay):
            if "://" not in url:
                continue
            scheme, rest = url.split("://", 1)
            host = rest.split("/", 1)[0]
            labels = host.split(".")
            if any("{" in part for part in labels):
                labels = ["*"] + [p for p in labels[1:]] if "{" in labels[0] else labels
                host = ".".join(labels)
            source = f"{scheme}://{host}"
            if source not in hosts:
                hosts.append(source)
    return hosts


def find_local(config, name: str | None) -> TileSet | None:
    for layer, ts in local_layers(config):
        if name is None or layer.name == name:
            return ts
    return None


# -- import ----------------------------------------------------------------------------------


def import_file(config, source: str, name: str | None = None) -> tuple[str, TileSet]:
    """Validate ``source`` and copy it into the basemap folder as ``<name>.<kind>``."""
    try:
        ts = open_tileset(source)
    except TileSetError as exc:
        raise ValidationError(message(exc), {"file": exc.code}) from None
    area = tuple(config["BUREAU_BBOX"])
    km = bbox_distance_km(ts.bounds, area)
    if km > AREA_TOLERANCE_KM:
        far = TileSetError(
            "far",
            "far from the bureau",
            km=round(km),
            bounds=_fmt_box(ts.bounds),
            area=_fmt_box(area),
        )
        raise ValidationError(message(far), {"file": "far"})
    name = name or os.path.splitext(os.path.basename(source))[0]
    if not name or not all(c.isalnum() or c in "-_" for c in name) or not name.isascii():
        raise ValidationError(str(MESSAGES["name"]), {"name": "name"})
    folder = basemap_dir(config)
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, f"{name}.{ts.kind}")
    partial = target + ".partial"
    shutil.copyfile(source, partial)
    os.replace(partial, target)  # a server reading the old file keeps a consistent view
    return target, tileset(target)


def _fmt_box(b) -> str:
    return "(" + ", ".join(f"{v:.2f}" for v in b) + ")"


# -- offline download ------------------------------------------------------------------------


def offline_plan(
    config,
    points: list[tuple[float, float]],
    *,
    name: str | None = None,
    budget_bytes: int | None = None,
    area_points=(),
) -> dict:
    """The tiles an inspector needs offline around ``points`` (WGS84 lat, lon of his sites):
    the whole area at the overview zoom levels, and a square of ``OFFLINE_SITE_RADIUS_M``
    around each site at the closer ones, down to the file's top zoom (``area_points`` widen
    the overview area only: the corners of the inspector's township). Sizes are read from the
    file, so the phone shows the download's size before it starts; a plan over the budget
    drops the closest zoom levels first and says so."""
    found = [(layer, ts) for layer, ts in local_layers(config) if name in (None, layer.name)]
    budget = (
        budget_bytes
        if budget_bytes is not None
        else int(config.get("OFFLINE_TILE_BUDGET_MB", 60)) * 1024 * 1024
    )
    if not found or not points:
        return {
            "layer": None,
            "tiles": [],
            "bytes": 0,
            "budget": budget,
            "zooms": [],
            "dropped_zooms": [],
            "sites": len(points),
        }
    layer, ts = found[0]
    lats = [p[0] for p in list(points) + list(area_points)]
    lons = [p[1] for p in list(points) + list(area_points)]
    pad = 0.02  # about 2 km around the outermost sites
    area = (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)
    overview_top = min(ts.max_zoom, max(ts.min_zoom, 13))
    by_zoom: dict[int, set] = {}
    for z in range(ts.min_zoom, overview_top + 1):
        by_zoom[z] = set(tiles_for_bbox(area, z))
    dlat = OFFLINE_SITE_RADIUS_M / 111_000
    for z in range(overview_top + 1, ts.max_zoom + 1):
        tiles = set()
        for lat, lon in points:
            dlon = dlat / max(0.2, math.cos(math.radians(lat)))
            tiles.update(tiles_for_bbox((lon - dlon, lat - dlat, lon + dlon, lat + dlat), z))
        by_zoom[z] = tiles
    sizes = {}
    for z, tiles in by_zoom.items():
        present = []
        total = 0
        for t in sorted(tiles):
            size = ts.size(*t)
            if size:
                present.append(t)
                total += size
        sizes[z] = (present, total)
    zooms = sorted(sizes)
    dropped = []
    while zooms and sum(sizes[z][1] for z in zooms) > budget and len(zooms) > 1:
        dropped.append(zooms.pop())
    chosen = [t for z in zooms for t in sizes[z][0]]
    return {
        "layer": layer.name,
        "tiles": [f"/tiles/{layer.name}/{z}/{x}/{y}" for z, x, y in chosen],
        "bytes": sum(sizes[z][1] for z in zooms),
        "budget": budget,
        "zooms": zooms,
        "dropped_zooms": sorted(dropped),
        "sites": len(points),
        "area": list(area),
    }
