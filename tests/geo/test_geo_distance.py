"""Distances, geofence, bbox prefilter and coordinate parsing."""

import math

import pytest
from geopy.distance import geodesic

from enforcement.geo import (
    CoordinateError,
    bbox_around,
    distance_m,
    parse_bbox,
    parse_latlon,
    validate_lat_lon,
    within_geofence,
)


def test_distance_equator_degree_is_exact_arc():
    # Along the equator the geodesic is the equatorial arc: a * pi / 180.
    assert distance_m(0, 0, 0, 1) == pytest.approx(6378137.0 * math.pi / 180, abs=1e-6)


def test_distance_symmetric_and_zero():
    a = (39.9042, 116.4074)
    b = (31.2304, 121.4737)
    d = distance_m(*a, *b)
    assert d == pytest.approx(distance_m(*b, *a), abs=1e-6)
    assert 1_060_000 < d < 1_075_000  # Beijing - Shanghai, about 1 067 km
    assert distance_m(*a, *a) == 0.0


def test_distance_short_range_metres():
    # 0.001 deg of latitude near Beijing is about 111 m.
    assert distance_m(39.9, 116.4, 39.901, 116.4) == pytest.approx(111.03, abs=0.1)


@pytest.mark.parametrize(
    "args, field",
    [
        ((91, 0, 0, 0), "lat"),
        ((0, 181, 0, 0), "lon"),
        ((float("nan"), 0, 0, 0), "lat"),
        ((0, 0, 0, float("inf")), "lon"),
        ((True, 0, 0, 0), "lat"),
        (("39.9", 116.4, 0, 0), "lat"),
        ((None, 0, 0, 0), "lat"),
    ],
)
def test_distance_rejects_bad_coordinates(args, field):
    with pytest.raises(ValueError) as exc:
        distance_m(*args)
    assert exc.value.field == field


def test_validate_lat_lon_returns_floats_and_accepts_bounds():
    assert validate_lat_lon(90, -180) == (90.0, -180.0)
    assert validate_lat_lon(-90, 180) == (-90.0, 180.0)
    assert all(type(v) is float for v in validate_lat_lon(1, 2))


def test_within_geofence():
    assert within_geofence(0, 200)
    assert within_geofence(200, 200)  # boundary inclusive
    assert within_geofence(199.999, 200)
    assert not within_geofence(200.001, 200)
    # No usable fix is never "inside".
    assert not within_geofence(float("nan"), 200)
    assert not within_geofence(None, 200)
    assert not within_geofence(-1, 200)
    with pytest.raises(ValueError):
        within_geofence(10, -1)
    with pytest.raises(ValueError):
        within_geofence(10, float("nan"))


CENTRES = [
    (39.9, 116.4),  # Beijing
    (18.25, 109.5),  # Sanya
    (53.5, 122.3),  # Mohe, northernmost China
    (0.0, 0.0),
    (-33.9, 151.2),
    (80.0, 20.0),
    (89.99, 0.0),
    (10.0, 179.999),
    (-10.0, -179.999),
]


@pytest.mark.parametrize("centre", CENTRES)
@pytest.mark.parametrize("radius", [0.0, 1.0, 200.0, 5_000.0, 150_000.0])
def test_bbox_contains_circle(centre, radius):
    lat, lon = centre
    min_lon, min_lat, max_lon, max_lat = bbox_around(lat, lon, radius)
    assert -180 <= min_lon <= max_lon <= 180
    assert -90 <= min_lat <= max_lat <= 90
    for bearing in range(0, 360, 5):
        p = geodesic(meters=radius, ellipsoid="WGS-84").destination((lat, lon), bearing)
        assert min_lat <= p.latitude <= max_lat, (bearing, p)
        assert min_lon <= p.longitude <= max_lon, (bearing, p)


def test_bbox_is_tight_enough_in_china():
    # A prefilter that is far too big is useless: within a few % of the circle.
    lat, lon, r = 39.9, 116.4, 1000.0
    min_lon, min_lat, max_lon, max_lat = bbox_around(lat, lon, r)
    height = distance_m(min_lat, lon, max_lat, lon)
    width = distance_m(lat, min_lon, lat, max_lon)
    assert 2 * r <= height <= 2 * r * 1.03
    assert 2 * r <= width <= 2 * r * 1.03


def test_bbox_pole_and_antimeridian_span_all_longitudes():
    assert bbox_around(89.999, 10, 1000)[0::2] == (-180.0, 180.0)
    box = bbox_around(0, 179.9999, 1000)
    assert (box[0], box[2]) == (-180.0, 180.0)


def test_bbox_rejects_bad_radius():
    with pytest.raises(ValueError):
        bbox_around(0, 0, -5)
    with pytest.raises(ValueError):
        bbox_around(0, 0, float("inf"))


def test_parse_bbox_ok():
    assert parse_bbox("116.3,39.8,116.5,40.0") == (116.3, 39.8, 116.5, 40.0)
    assert parse_bbox(" -180 , -90 , 180 , 90 ") == (-180.0, -90.0, 180.0, 90.0)
    assert parse_bbox("1e2,0,1.5e2,.5") == (100.0, 0.0, 150.0, 0.5)
    # A degenerate (point) box is allowed.
    assert parse_bbox("116,39,116,39") == (116.0, 39.0, 116.0, 39.0)


@pytest.mark.parametrize(
    "text, needle",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("1,2,3", "4 comma-separated numbers"),
        ("1,2,3,4,5", "4 comma-separated numbers"),
        ("1,2,,4", "must be numbers"),
        ("a,2,3,4", "must be numbers"),
        ("1_0,2,30,40", "must be numbers"),
        ("１,2,3,4", "must be numbers"),  # full-width digit
        ("nan,2,3,4", "finite"),
        ("1,2,inf,4", "finite"),
        ("1,2,-Infinity,4", "finite"),
        ("1,2,1e999,4", "finite"),
        ("-181,0,0,1", "minLon must be between -180 and 180"),
        ("0,0,181,1", "maxLon must be between -180 and 180"),
        ("0,-91,1,1", "minLat must be between -90 and 90"),
        ("0,0,1,90.5", "maxLat must be between -90 and 90"),
        ("10,0,5,1", "minLon (10) is greater than maxLon (5)"),
        ("0,10,1,5", "minLat (10) is greater than maxLat (5)"),
        (None, "must be text"),
    ],
)
def test_parse_bbox_errors(text, needle):
    with pytest.raises(ValueError, match=None) as exc:
        parse_bbox(text)
    assert needle in str(exc.value)
    assert isinstance(exc.value, CoordinateError)
    assert exc.value.field == "bbox"


def test_parse_latlon_ok_and_order():
    assert parse_latlon("39.9,116.4") == (39.9, 116.4)
    assert parse_latlon(" -33.9 , 151.2 ") == (-33.9, 151.2)


@pytest.mark.parametrize(
    "text, needle",
    [
        ("39.9", "2 comma-separated numbers"),
        ("39.9,116.4,0", "2 comma-separated numbers"),
        ("x,116.4", "must be numbers"),
        ("NaN,116.4", "finite"),
        ("116.4,39.9x", "must be numbers"),
        ("116.4,39.9", "lat must be between -90 and 90"),
        ("39.9,190", "lon must be between -180 and 180"),
    ],
)
def test_parse_latlon_errors(text, needle):
    with pytest.raises(ValueError) as exc:
        parse_latlon(text)
    assert needle in str(exc.value)
    assert exc.value.field == "near"
