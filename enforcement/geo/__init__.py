"""Geography helpers for the enforcement app: distances and geofences,
coordinate parsing, WGS84/GCJ-02 conversion, GeoJSON and CDN-free folium maps.

Plain Python (geopy, folium): no Flask or SQLAlchemy, so the web, API, CLI and
database layers can all use it and it tests in isolation.
"""

from .distance import (
    CoordinateError,
    bbox_around,
    distance_m,
    parse_bbox,
    parse_latlon,
    validate_lat_lon,
    within_geofence,
)
from .gcj02 import gcj_to_wgs, out_of_china, wgs_to_gcj
from .geojson import dumps, feature, feature_collection, iter_feature_collection, point

# folium is heavy to import (about 0.3 s) and only the map pages need it: every worker and CLI
# command that records a visit or a case would otherwise pay for it at start-up.
_MAPS = (
    "DEFAULT_STATIC_PREFIX",
    "LocalMap",
    "LocalMarkerCluster",
    "TileConfig",
    "build_map",
    "vendor_css",
    "vendor_js",
)


def __getattr__(name):
    if name in _MAPS:
        from . import maps

        return getattr(maps, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CoordinateError",
    "DEFAULT_STATIC_PREFIX",
    "LocalMap",
    "LocalMarkerCluster",
    "TileConfig",
    "bbox_around",
    "build_map",
    "distance_m",
    "dumps",
    "feature",
    "feature_collection",
    "gcj_to_wgs",
    "iter_feature_collection",
    "out_of_china",
    "parse_bbox",
    "parse_latlon",
    "point",
    "validate_lat_lon",
    "vendor_css",
    "vendor_js",
    "wgs_to_gcj",
    "within_geofence",
]
