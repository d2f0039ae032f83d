"""Distances, geofences and coordinate parsing (WGS84, decimal degrees).

Plain Python on purpose: the web layer (Flask) and the database layer call
these, never the other way round, so they stay testable without an app.

Every validation error is a ``CoordinateError`` (a ``ValueError``) whose
``field`` names the offending input, so the API can turn it straight into a
422 ``{"error": {"fields": {field: message}}}`` without string matching.
"""

from __future__ import annotations

import math
import re
from numbers import Real

from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS

__all__ = [
    "CoordinateError",
    "EARTH_A",
    "bbox_around",
    "distance_m",
    "parse_bbox",
    "parse_latlon",
    "validate_lat_lon",
    "within_geofence",
]

# WGS84 ellipsoid. Only used for the conservative bbox arithmetic below; the
# distance itself comes from geopy's geodesic (Karney's algorithm), which is
# accurate to nanometres and has no antipodal convergence problems.
EARTH_A = 6378137.0
_WGS84_F = 1 / 298.257223563
_WGS84_E2 = _WGS84_F * (2 - _WGS84_F)


class CoordinateError(ValueError):
    """A coordinate, bbox or radius that is not acceptable.

    ``field`` is the name of the input at fault (``"lat"``, ``"lon"``,
    ``"bbox"``, ``"near"``, ``"radius_m"``...), for the API's ``fields`` map.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# A plain decimal number, optionally with an exponent. Deliberately stricter
# than float(): float() also accepts "nan", "inf", "1_000" and non-ASCII digits
# such as full-width "１２", none of which belong in a query string we promise
# to validate.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z", re.ASCII)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)\Z", re.IGNORECASE)


def _check_number(value, field: str) -> float:
    # bool is a Real in Python (True == 1); a JSON `true` for a latitude is a
    # client bug, not latitude 1.
    if isinstance(value, bool) or not isinstance(value, Real):
        raise CoordinateError(f"{field} must be a number, got {value!r}", field)
    result = float(value)
    if not math.isfinite(result):
        raise CoordinateError(f"{field} must be a finite number, got {value!r}", field)
    return result


def validate_lat_lon(lat, lon) -> tuple[float, float]:
    """Check a WGS84 position and return it as ``(lat, lon)`` floats.

    Raises ``CoordinateError`` (a ``ValueError``) for non-numbers, booleans,
    NaN/inf, latitude outside [-90, 90] or longitude outside [-180, 180].
    """
    lat_f = _check_number(lat, "lat")
    lon_f = _check_number(lon, "lon")
    if not -90.0 <= lat_f <= 90.0:
        raise CoordinateError(f"lat must be between -90 and 90, got {lat_f}", "lat")
    if not -180.0 <= lon_f <= 180.0:
        raise CoordinateError(f"lon must be between -180 and 180, got {lon_f}", "lon")
    return lat_f, lon_f


# geopy's geodesic on its WGS-84 (in kilometres), built once: the same computation and the same
# bits as ``geopy.distance.geodesic(a, b, ellipsoid="WGS-84").meters``, without a new Geodesic
# (its series coefficients) and two Points for every distance. Inverse keeps no state.
_MAJOR_KM, _, _FLATTENING = ELLIPSOIDS["WGS-84"]
_WGS84_KM = Geodesic(_MAJOR_KM, _FLATTENING)


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Geodesic distance in metres between two WGS84 points.

    Geodesic on the ellipsoid (not haversine): at 200 m geofence scale the
    difference is small, but the API reports ``distance_m`` to users and
    inspectors may dispute it, so we use the exact answer.
    """
    a = validate_lat_lon(lat1, lon1)
    b = validate_lat_lon(lat2, lon2)
    return _WGS84_KM.Inverse(a[0], a[1], b[0], b[1], Geodesic.DISTANCE)["s12"] * 1000.0


def within_geofence(distance_m: float, radius_m: float) -> bool:
    """True when ``distance_m`` is within ``radius_m`` (boundary inclusive).

    A missing or non-finite distance (no GPS fix) is *not* within the fence:
    ``geofence_ok`` must never be true by accident. A bad radius is a
    configuration error and raises.
    """
    radius = _check_number(radius_m, "radius_m")
    if radius < 0:
        raise CoordinateError(f"radius_m must not be negative, got {radius}", "radius_m")
    if distance_m is None or isinstance(distance_m, bool) or not isinstance(distance_m, Real):
        return False
    d = float(distance_m)
    if not math.isfinite(d) or d < 0:
        return False
    return d <= radius


def bbox_around(lat, lon, radius_m) -> tuple[float, float, float, float]:
    """A box ``(min_lon, min_lat, max_lon, max_lat)`` containing every point
    within ``radius_m`` metres of (lat, lon).

    Meant as a cheap index prefilter (``lon BETWEEN .. AND lat BETWEEN ..``)
    before the exact ``distance_m`` check, so it must never be too small; being
    a little too large only costs a few extra candidates. Hence:

    * degrees of latitude use the smallest meridional radius of curvature of
      the ellipsoid, a(1 - e^2) (at the equator), so the latitude span is an
      overestimate everywhere;
    * degrees of longitude use a*cos(phi) at the box edge furthest from the
      equator (a <= the real prime-vertical radius, and the parallel shrinks
      poleward), again an overestimate;
    * plus a 1 % safety margin for the sphere-vs-ellipsoid approximations,
      and 1e-9 degrees (0.1 mm) so float rounding of stored coordinates can
      never drop a point sitting exactly on the edge (or, for radius 0, on
      the centre).

    Edge cases, chosen so a simple BETWEEN query stays correct:

    * if the circle reaches a pole, the box spans all longitudes;
    * if it would cross the antimeridian, the box spans all longitudes
      (-180..180) instead of returning min_lon > max_lon, which a naive
      BETWEEN would treat as empty. That only costs efficiency in the
      Pacific, never correctness, and cannot happen for China.
    """
    lat_f, lon_f = validate_lat_lon(lat, lon)
    radius = _check_number(radius_m, "radius_m")
    if radius < 0:
        raise CoordinateError(f"radius_m must not be negative, got {radius}", "radius_m")

    margin = 1.01
    m_per_deg_lat = math.radians(EARTH_A * (1 - _WGS84_E2))  # ~110 574 m, the minimum
    pad_deg = 1e-9
    dlat = radius * margin / m_per_deg_lat + pad_deg

    min_lat = lat_f - dlat
    max_lat = lat_f + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        # A pole is inside (or on) the circle: every meridian passes through it.
        return (-180.0, max(min_lat, -90.0), 180.0, min(max_lat, 90.0))

    edge_lat = max(abs(min_lat), abs(max_lat))
    m_per_deg_lon = math.radians(EARTH_A * math.cos(math.radians(edge_lat)))
    dlon = radius * margin / m_per_deg_lon + pad_deg
    min_lon = lon_f - dlon
    max_lon = lon_f + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        # Crosses the antimeridian: fall back to all longitudes (see docstring).
        min_lon, max_lon = -180.0, 180.0
    return (min_lon, min_lat, max_lon, max_lat)


def _parse_numbers(text, field: str, count: int, what: str) -> list[float]:
    if not isinstance(text, str):
        raise CoordinateError(f"{field} must be text like {what!r}, got {text!r}", field)
    if not text.strip():
        raise CoordinateError(f"{field} is empty; expected {count} numbers ({what})", field)
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != count:
        raise CoordinateError(
            f"{field} must have {count} comma-separated numbers ({what}), got {len(parts)}",
            field,
        )
    values = []
    for part in parts:
        if _NON_FINITE.match(part):
            raise CoordinateError(f"{field} values must be finite numbers, got {part!r}", field)
        if not _NUMBER.match(part):
            raise CoordinateError(f"{field} values must be numbers, got {part!r}", field)
        value = float(part)
        if not math.isfinite(value):  # e.g. "1e999" overflows to inf
            raise CoordinateError(f"{field} values must be finite numbers, got {part!r}", field)
        values.append(value)
    return values


def _check_range(value: float, limit: float, name: str, field: str) -> None:
    if not -limit <= value <= limit:
        raise CoordinateError(
            f"{field}: {name} must be between -{limit:g} and {limit:g}, got {value:g}", field
        )


def parse_bbox(text, field: str = "bbox") -> tuple[float, float, float, float]:
    """Parse ``"minLon,minLat,maxLon,maxLat"`` (the API's ``bbox=``) into floats.

    Raises ``CoordinateError`` (``ValueError``) on a wrong count, non-numbers,
    NaN/inf, latitudes outside +-90, longitudes outside +-180, or a minimum
    greater than its maximum. Boxes crossing the antimeridian (min_lon >
    max_lon, allowed by RFC 7946) are rejected on purpose: nobody needs them
    for China and accepting them would make every caller handle two boxes.
    """
    min_lon, min_lat, max_lon, max_lat = _parse_numbers(
        text, field, 4, "minLon,minLat,maxLon,maxLat"
    )
    _check_range(min_lon, 180, "minLon", field)
    _check_range(max_lon, 180, "maxLon", field)
    _check_range(min_lat, 90, "minLat", field)
    _check_range(max_lat, 90, "maxLat", field)
    if min_lon > max_lon:
        raise CoordinateError(
            f"{field}: minLon ({min_lon:g}) is greater than maxLon ({max_lon:g})", field
        )
    if min_lat > max_lat:
        raise CoordinateError(
            f"{field}: minLat ({min_lat:g}) is greater than maxLat ({max_lat:g})", field
        )
    return (min_lon, min_lat, max_lon, max_lat)


def parse_latlon(text, field: str = "near") -> tuple[float, float]:
    """Parse ``"lat,lon"`` (the API's ``near=``) into ``(lat, lon)`` floats.

    Note the order: latitude first, as people write it and as ``near=`` is
    documented; GeoJSON and bbox use longitude first.
    """
    lat, lon = _parse_numbers(text, field, 2, "lat,lon")
    _check_range(lat, 90, "lat", field)
    _check_range(lon, 180, "lon", field)
    return (lat, lon)
