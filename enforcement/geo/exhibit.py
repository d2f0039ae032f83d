"""A case's map exhibit: one standalone folium page that opens with no network.

It shows the site's pin, the geofence circle around it, every visit's GPS fix with its accuracy
circle and time, and the township boundary. Built on ``LocalMap`` (no CDN); for the evidence
pack the page refers to Leaflet and jQuery by RELATIVE paths (``vendor/...``) and the pack
ships those files beside it, so the ZIP alone opens the map in any browser.

Every text that comes from data goes through ``html.escape``: folium puts tooltip and popup
strings into the page as HTML.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from .distance import validate_lat_lon
from typing import TYPE_CHECKING

from .tile_config import TileConfig

if TYPE_CHECKING:  # folium is imported only when an exhibit is drawn
    from .maps import LocalMap

#: Where the vendored Leaflet is found from a page of the app (geo.maps.DEFAULT_STATIC_PREFIX).
DEFAULT_STATIC_PREFIX = "/static/vendor/"

SITE = "#0f5c4d"
FIX_OK = "#1565c0"
FIX_FAR = "#c62828"
FENCE = "#0f5c4d"
BOUNDARY = "#6a4c93"


@dataclass
class Fix:
    lat: float
    lon: float
    accuracy_m: float | None
    label: str  # "2026-11-24 10:03 · 巡查 · 38 m from the pin"
    inside: bool = True


@dataclass
class Exhibit:
    title: str
    site_name: str
    site: tuple[float, float] | None
    radius_m: float
    fixes: list[Fix] = field(default_factory=list)
    boundary: dict | None = None  # GeoJSON Polygon/MultiPolygon, WGS84
    township: str = ""
    legend: dict = field(default_factory=dict)  # site, fence, fix, far, boundary -> text


def _e(text) -> str:
    return html.escape(str(text or ""), quote=True)


def extent(ex: Exhibit) -> list[list[float]] | None:
    """[[south, west], [north, east]] of what the exhibit shows, padded by the geofence."""
    pts = []
    if ex.site:
        pts.append(ex.site)
    pts += [(f.lat, f.lon) for f in ex.fixes]
    if not pts and ex.boundary:
        polys = (
            ex.boundary["coordinates"]
            if ex.boundary["type"] == "MultiPolygon"
            else [ex.boundary["coordinates"]]
        )
        pts = [(lat, lon) for poly in polys for ring in poly for lon, lat in ring]
    if not pts:
        return None
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    pad = max(ex.radius_m, 80) / 111_000
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def build(
    ex: Exhibit,
    *,
    static_prefix: str = DEFAULT_STATIC_PREFIX,
    tiles: TileConfig | None = None,
    center=(39.96, 116.83),
) -> "LocalMap":
    """The folium map of one case. ``tiles`` None: no basemap (the page must open offline)."""
    # folium (and numpy behind it) only when an exhibit is drawn, never at a worker's start.
    import folium

    from .maps import LocalMap

    tiles = tiles or TileConfig()
    m = LocalMap(
        list(ex.site or center),
        zoom_start=16,
        static_prefix=static_prefix,
        tile_config=tiles,
        control_scale=True,
        max_zoom=20,
    )
    if tiles.url:
        folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution,
            max_native_zoom=tiles.max_zoom,
            max_zoom=20,
            control=False,
        ).add_to(m)
    if ex.boundary:
        folium.GeoJson(
            {"type": "Feature", "geometry": ex.boundary, "properties": {}},
            name="boundary",
            style_function=lambda _f: {
                "color": BOUNDARY,
                "weight": 2,
                "fillOpacity": 0.04,
                "dashArray": "6 4",
            },
            tooltip=_e(ex.township) or None,
        ).add_to(m)
    if ex.site:
        lat, lon = validate_lat_lon(*ex.site)
        folium.Circle(
            [lat, lon],
            radius=ex.radius_m,
            color=FENCE,
            weight=1,
            fill=True,
            fill_opacity=0.06,
            dash_array="4 4",
            tooltip=_e(ex.legend.get("fence", "")),
        ).add_to(m)
        folium.CircleMarker(
            [lat, lon],
            radius=9,
            color="#ffffff",
            weight=3,
            fill=True,
            fill_color=SITE,
            fill_opacity=1,
            tooltip=_e(ex.site_name),
        ).add_to(m)
    for fix in ex.fixes:
        lat, lon = validate_lat_lon(fix.lat, fix.lon)
        colour = FIX_OK if fix.inside else FIX_FAR
        if fix.accuracy_m:
            folium.Circle(
                [lat, lon],
                radius=float(fix.accuracy_m),
                color=colour,
                weight=1,
                fill=True,
                fill_opacity=0.12,
            ).add_to(m)
        folium.CircleMarker(
            [lat, lon],
            radius=6,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=colour,
            fill_opacity=1,
            tooltip=_e(fix.label),
            popup=folium.Popup(_e(fix.label), max_width=260),
        ).add_to(m)
    box = extent(ex)
    if box:
        m.fit_bounds(box)
    root = m.get_root()
    assert isinstance(root, folium.Figure)  # a Map's root is its Figure
    root.html.add_child(folium.Element(_legend_html(ex)))
    root.header.add_child(
        folium.Element(f"<title>{_e(ex.title)}</title><style>{LEGEND_CSS}</style>")
    )
    _stable_ids(m.get_root())
    return m


def _stable_ids(root) -> None:
    """Number every element in tree order instead of folium's random uuid4 ids: the same case
    renders the same page (the pack's sha256 is reproducible), and the page and its script
    (``split_scripts``) can be rendered in two requests and still refer to the same names."""
    queue, order, old = [root], [], {}
    while queue:
        element = queue.pop(0)
        if id(element) in old:
            continue
        old[id(element)] = element.get_name()
        order.append(element)
        queue.extend(element._children.values())
        # Figures and popups keep header/html/script elements beside their children.
        queue.extend(
            getattr(element, part)
            for part in ("header", "html", "script")
            if getattr(getattr(element, part, None), "_children", None) is not None
        )
    for n, element in enumerate(order, 1):
        element._id = f"{n:06d}"
    # Children are keyed by the name they had when added, and templates use those keys.
    for element in order:
        element._children = type(element._children)(
            (child.get_name() if key == old[id(child)] else key, child)
            for key, child in element._children.items()
        )


_INLINE = re.compile(r"<script>(.*?)</script>", re.S)


def split_scripts(page: str, script_url: str) -> tuple[str, str]:
    """The page with its inline scripts moved to one external script at ``script_url``, and that
    script: the app's CSP runs no inline script. (The pack keeps the page whole: it is opened
    from disk, with no server and no CSP.)"""
    scripts = _INLINE.findall(page)
    body = _INLINE.sub("", page)
    tag = f'<script src="{html.escape(script_url)}"></script>'
    body = body.replace("</html>", tag + "\n</html>") if "</html>" in body else body + tag
    return body, "\n;\n".join(scripts)


LEGEND_CSS = (
    ".exhibit-legend{position:fixed;z-index:1000;right:10px;bottom:28px;background:#fff;"
    "padding:8px 10px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.3);"
    "font:13px/1.5 'Noto Sans CJK SC',sans-serif;max-width:70%}"
    ".exhibit-legend h1{font-size:14px;margin:0 0 4px}"
    ".exhibit-legend i{display:inline-block;width:10px;height:10px;border-radius:50%;"
    "margin-right:6px}.exhibit-legend li{list-style:none}.exhibit-legend ul{margin:0;padding:0}"
    ".exhibit-legend ol{margin:4px 0 0;padding-left:18px}"
)


def _legend_html(ex: Exhibit) -> str:
    items = [
        (SITE, ex.legend.get("site", "")),
        (FIX_OK, ex.legend.get("fix", "")),
        (FIX_FAR, ex.legend.get("far", "")),
    ]
    if ex.boundary:
        items.append((BOUNDARY, ex.legend.get("boundary", "")))
    rows = "".join(f'<li><i style="background:{c}"></i>{_e(t)}</li>' for c, t in items if t)
    fixes = "".join(f"<li>{_e(f.label)}</li>" for f in ex.fixes)
    return (
        f'<div class="exhibit-legend"><h1>{_e(ex.title)}</h1><ul>{rows}</ul>'
        + (f"<ol>{fixes}</ol>" if fixes else "")
        + "</div>"
    )


def parse_boundary(text: str | None) -> dict | None:
    """A township's stored boundary (GeoJSON geometry text) or None when absent or unusable."""
    if not text:
        return None
    try:
        geom = json.loads(text)
    except ValueError:
        return None
    if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    return geom
