"""The case's map exhibit (geo.exhibit, folium): in the evidence pack and as a page of the case.

In the pack it is ``map/case-map.html`` with Leaflet, its stylesheet and jQuery shipped beside
it under ``map/vendor/`` (the same files the app serves from static/vendor, with their
licences), so the ZIP opens the map with no network and no server.
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from enforcement.geo.exhibit import Exhibit, Fix, build, extent, parse_boundary, split_scripts
from enforcement.geo.basemap_files import first_local
from enforcement.geo.tile_config import TileConfig
from enforcement.geo.tiles import tiles_for_bbox
from enforcement.models import Case
from enforcement.services.papers import papers

VENDOR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
    "static",
    "vendor",
)
#: Files the exhibit needs, relative to static/vendor (licences travel with them).
PACK_FILES = (
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/LICENSE",
    "jquery/jquery.min.js",
    "jquery/LICENSE.txt",
)


def exhibit_of(case: Case, config, timezone: str) -> Exhibit:
    e = case.enterprise
    town = e.township or case.township
    zone = ZoneInfo(timezone)
    fixes = []
    for v in papers.case_visits(case):
        if v.lat is None or v.lon is None:
            continue
        when = v.visited_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        parts = [when]
        if v.accuracy_m is not None:
            parts.append(_("±%(m)s m", m=round(v.accuracy_m)))
        if v.distance_m is not None:
            parts.append(_("%(m)s m from the pin", m=round(v.distance_m)))
        fixes.append(
            Fix(
                lat=v.lat,
                lon=v.lon,
                accuracy_m=v.accuracy_m,
                label=" · ".join(parts),
                inside=v.geofence_ok is not False,
            )
        )
    site = (e.lat, e.lon) if e.lat is not None and e.lon is not None else None
    radius = float(config.get("GEOFENCE_RADIUS_M", 200))
    return Exhibit(
        title=_("Case %(id)s · %(name)s · map", id=case.id, name=e.name),
        site_name=e.name,
        site=site,
        radius_m=radius,
        fixes=fixes,
        boundary=parse_boundary(town.boundary) if town else None,
        township=town.name if town else "",
        legend={
            "site": _("Site pin"),
            "fix": _("Visit GPS fix (circle: accuracy)"),
            "far": _("GPS fix beyond the geofence"),
            "boundary": _("Township boundary"),
            "fence": _("Geofence: %(m)s m", m=round(radius)),
        },
    )


#: Most basemap tiles copied into a pack (the area of the site, its geofence and the fixes).
PACK_TILE_LIMIT = 160


def _basemap(config):
    """(name, file) of the app's own first basemap, or None (then the exhibit has none)."""
    try:
        return first_local(config)
    except Exception:  # a broken file must not stop an evidence pack
        return None


def _pack_tiles(ts, ex: Exhibit) -> list[tuple[int, int, int]]:
    box = extent(ex)
    if box is None:
        return []
    (s, w), (n, e) = box
    pad = 0.012  # about a kilometre: a screen around the site shows more than the geofence
    s, w, n, e = s - pad, w - pad, n + pad, e + pad
    chosen: list[tuple[int, int, int]] = []
    for z in range(max(ts.min_zoom, 12), ts.max_zoom + 1):
        tiles = list(tiles_for_bbox((w, s, e, n), z))
        if len(chosen) + len(tiles) > PACK_TILE_LIMIT:
            break
        chosen += tiles
    return chosen


def page_html(case: Case, config, timezone: str, static_prefix: str) -> str:
    """The exhibit as a page of the app (Leaflet from our static files, tiles from /tiles/)."""
    found = _basemap(config)
    tiles = None
    if found:
        name, ts = found
        tiles = TileConfig(
            url=f"/tiles/{name}/{{z}}/{{x}}/{{y}}",
            attribution=ts.attribution or ts.name or name,
            max_zoom=ts.max_zoom,
            min_zoom=ts.min_zoom,
        )
    return (
        build(
            exhibit_of(case, config, timezone),
            static_prefix=static_prefix,
            tiles=tiles,
            center=tuple(config["MAP_CENTER"]),
        )
        .get_root()
        .render()
    )


def page_parts(
    case: Case, config, timezone: str, static_prefix: str, script_url: str
) -> tuple[str, str]:
    """The page without inline scripts, and its script (geo.exhibit.split_scripts)."""
    return split_scripts(page_html(case, config, timezone, static_prefix), script_url)


def add_to_pack(add, case: Case, config, timezone: str) -> None:
    """Write the exhibit and the files it needs through the pack's ``add(path, bytes, kind)``."""
    ex = exhibit_of(case, config, timezone)
    found, tiles = _basemap(config), None
    if found is not None:
        ts = found[1]
        # The basemap around the site travels in the pack too, by relative paths.
        ext = {"jpg": "jpg", "png": "png", "webp": "webp"}[ts.format]
        copied = 0
        for z, x, y in _pack_tiles(ts, ex):
            data = ts.get(z, x, y)
            if data:
                add(f"map/tiles/{z}/{x}/{y}.{ext}", data, "map")
                copied += 1
        if copied:
            tiles = TileConfig(
                url="tiles/{z}/{x}/{y}." + ext,
                attribution=ts.attribution or ts.name or "basemap",
                min_zoom=ts.min_zoom,
                max_zoom=ts.max_zoom,
            )
    m = build(ex, static_prefix="vendor/", tiles=tiles, center=tuple(config["MAP_CENTER"]))
    add("map/case-map.html", m.get_root().render().encode(), "map")
    for rel in PACK_FILES:
        path = os.path.join(VENDOR, rel)
        if os.path.exists(path):
            with open(path, "rb") as handle:
                add(f"map/vendor/{rel}", handle.read(), "map")
