"""WGS84 <-> GCJ-02 ("Mars coordinates") conversion.

Why this exists: maps published in mainland China (AMap/Gaode, Tencent,
Tianditu's commercial mirrors, most Chinese tile servers) are drawn in GCJ-02,
an obfuscated datum that offsets positions by a few hundred metres. Phones'
GPS and our database use WGS84. To put a WGS84 pin on a GCJ-02 basemap, the pin
must be shifted to GCJ-02 for display only; stored data stays WGS84.

The forward transform is the widely published public algorithm (as in the
"eviltransform" projects; Krasovsky 1940 ellipsoid parameters). It only applies
inside a rough rectangle around China; outside it the input is returned
unchanged, as every implementation of this algorithm does.

The inverse has no closed form; ``gcj_to_wgs`` solves it by fixed-point
iteration, which converges quickly because the offset varies slowly with
position (it changes by far less than a metre over a few hundred metres).
"""

from __future__ import annotations

import math

__all__ = ["gcj_to_wgs", "out_of_china", "wgs_to_gcj"]

# Krasovsky 1940 semi-major axis and eccentricity squared, as used by GCJ-02.
_A = 6378245.0
_EE = 0.00669342162296594323

# Convergence threshold for the inverse, in degrees: 1e-10 deg is ~0.01 mm,
# far below the 0.01 m we promise.
_INVERSE_TOLERANCE_DEG = 1e-10
_INVERSE_MAX_ITER = 30


def out_of_china(lat: float, lon: float) -> bool:
    """True outside the rectangle where GCJ-02 is applied.

    This is the standard coarse box (it includes some neighbouring countries
    and excludes nothing of mainland China); it is what the Chinese map
    providers' clients use too, so matching it keeps pins on their tiles.
    """
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform(x: float, y: float) -> tuple[float, float]:
    # x = lon - 105, y = lat - 35. Returns the raw (dlat, dlon) offsets in
    # metres-ish units before scaling by the ellipsoid radii.
    xy = x * y
    abs_x = math.sqrt(abs(x))
    x_pi = x * math.pi
    y_pi = y * math.pi
    d = 20.0 * math.sin(6.0 * x_pi) + 20.0 * math.sin(2.0 * x_pi)

    lat = d
    lon = d
    lat += 20.0 * math.sin(y_pi) + 40.0 * math.sin(y_pi / 3.0)
    lon += 20.0 * math.sin(x_pi) + 40.0 * math.sin(x_pi / 3.0)
    lat += 160.0 * math.sin(y_pi / 12.0) + 320.0 * math.sin(y_pi / 30.0)
    lon += 150.0 * math.sin(x_pi / 12.0) + 300.0 * math.sin(x_pi / 30.0)
    lat *= 2.0 / 3.0
    lon *= 2.0 / 3.0
    lat += -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * xy + 0.2 * abs_x
    lon += 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * xy + 0.1 * abs_x
    return lat, lon


def _delta(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 offset (dlat, dlon) in degrees at a WGS84 position."""
    dlat, dlon = _transform(lon - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = math.sin(rad_lat)
    magic = 1 - _EE * magic * magic
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlat, dlon


def wgs_to_gcj(lat: float, lon: float) -> tuple[float, float]:
    """WGS84 (lat, lon) -> GCJ-02 (lat, lon). Identity outside China."""
    lat = float(lat)
    lon = float(lon)
    if out_of_china(lat, lon):
        return lat, lon
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj_to_wgs(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 (lat, lon) -> WGS84 (lat, lon), exact to well under 0.01 m.

    Solves ``wgs_to_gcj(w) == g`` by iterating ``w <- w + (g - wgs_to_gcj(w))``
    from ``w = g``. Each step shrinks the error by roughly the relative slope
    of the offset field (~1e-3), so a handful of iterations reach the
    tolerance. The one-step approximation often seen (``g - delta(g)``) is
    off by up to a few metres, too much for a 200 m geofence audit trail.
    """
    g_lat = float(lat)
    g_lon = float(lon)
    if out_of_china(g_lat, g_lon):
        return g_lat, g_lon
    w_lat, w_lon = g_lat, g_lon
    for _ in range(_INVERSE_MAX_ITER):
        # Use the raw delta (not wgs_to_gcj) so a guess that strays just
        # outside the China box near its edge still converges smoothly.
        dlat, dlon = _delta(w_lat, w_lon)
        err_lat = (w_lat + dlat) - g_lat
        err_lon = (w_lon + dlon) - g_lon
        w_lat -= err_lat
        w_lon -= err_lon
        if abs(err_lat) < _INVERSE_TOLERANCE_DEG and abs(err_lon) < _INVERSE_TOLERANCE_DEG:
            break
    return w_lat, w_lon
