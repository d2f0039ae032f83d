"""folium maps that load nothing from the internet.

folium 0.20 pages pull Leaflet, jQuery, Bootstrap, Font Awesome and
awesome-markers from public CDNs, and OpenStreetMap tiles. Inspectors work on
bureau networks and phones with poor or no internet, and the bureau must not
leak who looks at which enterprise to third parties, so every script and
stylesheet here is served by the app from ``static/vendor/`` (see
``scripts/vendor.sh``) and tiles come only from configuration.

How folium collects resources (folium/elements.py, ``JSCSSMixin.render``): at
render time each element adds ``self.default_js`` / ``self.default_css``
entries, by name, to the root Figure's header. ``folium.Map.default_js`` *is*
the module-level list ``folium.folium._default_js``, and ``add_js_link``
mutates it in place, i.e. for every map in the process. So we never call it;
instead the subclasses below set their own lists (new list objects) as class
attributes, and per-instance lists when a non-default static prefix is used
(an instance attribute shadows the class one without touching it).

What we keep: Leaflet (the map), jQuery (folium's Popup template builds the
popup with ``$(`...`)[0]``). What we drop: Bootstrap, its glyphicons, Font
Awesome, awesome-markers and the awesome-rotate CSS -- only ``folium.Icon``
needs them, so use ``folium.CircleMarker`` or plain ``folium.Marker`` (Leaflet's
own icon, found under ``leaflet/images/`` beside ``leaflet.css``).

Other folium plugins and features that declare CDN resources (HeatMap,
Vega, TopoJson, ...) are not made local here: using one would bring its CDN
link back, which the tests of this module would catch for the maps we build.
"""

from __future__ import annotations


from .tile_config import TileConfig  # re-exported: folium-free for callers that need only it
import folium
from folium.plugins import MarkerCluster as _FoliumMarkerCluster

from .distance import validate_lat_lon
from .gcj02 import wgs_to_gcj

__all__ = [
    "DEFAULT_STATIC_PREFIX",
    "LocalMap",
    "LocalMarkerCluster",
    "TileConfig",
    "build_map",
    "vendor_css",
    "vendor_js",
]

DEFAULT_STATIC_PREFIX = "/static/vendor/"

# Paths relative to static/vendor/, as laid out by scripts/vendor.sh. The
# names are folium's own keys, so an element elsewhere that registers the same
# name replaces rather than duplicates the resource.
_MAP_JS = (
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),
)
_MAP_CSS = (("leaflet_css", "leaflet/leaflet.css"),)
_CLUSTER_JS = (("markerclusterjs", "leaflet.markercluster/leaflet.markercluster.js"),)
_CLUSTER_CSS = (
    ("markerclustercss", "leaflet.markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "leaflet.markercluster/MarkerCluster.Default.css"),
)


def _normalise_prefix(static_prefix: str) -> str:
    if not isinstance(static_prefix, str) or not static_prefix:
        raise ValueError("static_prefix must be a non-empty string such as '/static/vendor/'")
    # Accept "/static/vendor" as well: the files are joined onto it.
    return static_prefix if static_prefix.endswith("/") else static_prefix + "/"


def _links(pairs, static_prefix: str) -> list[tuple[str, str]]:
    prefix = _normalise_prefix(static_prefix)
    return [(name, prefix + path) for name, path in pairs]


def vendor_js(static_prefix: str = DEFAULT_STATIC_PREFIX, cluster: bool = False) -> list[str]:
    """URLs of the vendored scripts a folium map page loads (in order)."""
    pairs = _MAP_JS + (_CLUSTER_JS if cluster else ())
    return [url for _, url in _links(pairs, static_prefix)]


def vendor_css(static_prefix: str = DEFAULT_STATIC_PREFIX, cluster: bool = False) -> list[str]:
    """URLs of the vendored stylesheets a folium map page loads."""
    pairs = _MAP_CSS + (_CLUSTER_CSS if cluster else ())
    return [url for _, url in _links(pairs, static_prefix)]


class LocalMap(folium.Map):
    """``folium.Map`` whose page loads Leaflet and jQuery from our static files.

    ``static_prefix`` is the URL under which ``static/vendor/`` is served
    (default ``/static/vendor/``; pass ``url_for('static', filename='vendor/')``
    when the app is mounted under a prefix). ``tiles`` defaults to ``None``:
    folium's default would add OpenStreetMap's tile server.
    """

    # New lists, not folium's module-level ones (see module docstring).
    default_js = _links(_MAP_JS, DEFAULT_STATIC_PREFIX)
    default_css = _links(_MAP_CSS, DEFAULT_STATIC_PREFIX)

    def __init__(
        self,
        location=None,
        *args,
        static_prefix: str = DEFAULT_STATIC_PREFIX,
        tile_config: TileConfig | None = None,
        **kwargs,
    ):
        kwargs.setdefault("tiles", None)
        super().__init__(location, *args, **kwargs)
        self.static_prefix = _normalise_prefix(static_prefix)
        self.tile_config = tile_config
        if self.static_prefix != DEFAULT_STATIC_PREFIX:
            # Instance attributes shadow the class lists for this map only.
            self.default_js = _links(_MAP_JS, self.static_prefix)
            self.default_css = _links(_MAP_CSS, self.static_prefix)

    def display_location(self, lat, lon) -> list[float]:
        """``[lat, lon]`` at which to draw a WGS84 point on this map.

        Identity unless the tiles are GCJ-02, in which case the point is
        shifted so it lands on the right building of the Chinese basemap.
        Only for drawing: never store the result.
        """
        lat_f, lon_f = validate_lat_lon(lat, lon)
        if self.tile_config is not None and self.tile_config.gcj02:
            lat_f, lon_f = wgs_to_gcj(lat_f, lon_f)
        return [lat_f, lon_f]


class LocalMarkerCluster(_FoliumMarkerCluster):
    """``folium.plugins.MarkerCluster`` loading leaflet.markercluster locally.

    folium's own points at markercluster 1.1.0 on cdnjs; we vendor 1.5.3.
    With ``static_prefix=None`` (default) the prefix of the ``LocalMap`` it is
    added to is used, so a map and its clusters cannot disagree.
    """

    default_js = _links(_CLUSTER_JS, DEFAULT_STATIC_PREFIX)
    default_css = _links(_CLUSTER_CSS, DEFAULT_STATIC_PREFIX)

    def __init__(self, *args, static_prefix: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.static_prefix = None if static_prefix is None else _normalise_prefix(static_prefix)

    def _effective_prefix(self) -> str:
        if self.static_prefix is not None:
            return self.static_prefix
        parent = self._parent
        while parent is not None:
            prefix = getattr(parent, "static_prefix", None)
            if isinstance(parent, LocalMap) and prefix:
                return prefix
            parent = getattr(parent, "_parent", None)
        return DEFAULT_STATIC_PREFIX

    def render(self, **kwargs):
        # Decided at render time because the parent map is only known once
        # the cluster has been added to it.
        prefix = self._effective_prefix()
        if prefix != DEFAULT_STATIC_PREFIX:
            self.default_js = _links(_CLUSTER_JS, prefix)
            self.default_css = _links(_CLUSTER_CSS, prefix)
        super().render(**kwargs)


def build_map(
    center,
    zoom: int,
    tiles: TileConfig,
    static_prefix: str = DEFAULT_STATIC_PREFIX,
    **map_kwargs,
) -> LocalMap:
    """A CDN-free map centred on WGS84 ``center`` = ``(lat, lon)``.

    The tile layer is built only from ``tiles`` (``TileConfig``); with
    ``tiles.url is None`` the map has no tile layer at all. When the tiles are
    GCJ-02 the centre is shifted like the points (``display_location``).
    Extra keyword arguments go to ``folium.Map`` (e.g. ``control_scale=True``).
    Render the page with ``m.get_root().render()``, or embed pieces of it in
    a Jinja template.
    """
    if not isinstance(tiles, TileConfig):
        raise TypeError("tiles must be a TileConfig")
    if isinstance(zoom, bool) or not isinstance(zoom, int):
        raise ValueError(f"zoom must be an integer, got {zoom!r}")
    lat, lon = validate_lat_lon(*center)
    if tiles.gcj02:
        lat, lon = wgs_to_gcj(lat, lon)
    zoom = max(tiles.min_zoom, min(zoom, tiles.max_zoom))

    for forbidden in ("tiles", "attr", "location", "zoom_start"):
        if forbidden in map_kwargs:
            raise TypeError(f"build_map() sets {forbidden!r} itself")
    m = LocalMap(
        [lat, lon],
        zoom_start=zoom,
        tiles=None,
        static_prefix=static_prefix,
        tile_config=tiles,
        **map_kwargs,
    )
    # folium.Map only forwards min/max_zoom to a tile layer it creates itself;
    # set them on the map so zoom is bounded even without tiles.
    m.options["min_zoom"] = tiles.min_zoom
    m.options["max_zoom"] = tiles.max_zoom

    if tiles.url is not None:
        folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution,
            name="basemap",
            min_zoom=tiles.min_zoom,
            max_zoom=tiles.max_zoom,
            subdomains=tiles.subdomains,
            control=False,
        ).add_to(m)
    return m
