"""WGS84 <-> GCJ-02."""

import pytest

from enforcement.geo import distance_m, gcj_to_wgs, out_of_china, wgs_to_gcj

# Published reference vectors of the public algorithm (WGS84 -> GCJ-02), as
# used by the eviltransform implementations' own tests.
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]


@pytest.mark.parametrize("wgs, gcj", REFERENCE)
def test_reference_vectors(wgs, gcj):
    got = wgs_to_gcj(*wgs)
    assert got == pytest.approx(gcj, abs=1e-9)
    back = gcj_to_wgs(*gcj)
    assert distance_m(*back, *wgs) < 0.01


def test_beijing_offset_is_a_few_hundred_metres():
    lat, lon = wgs_to_gcj(39.9, 116.4)
    shift = distance_m(39.9, 116.4, lat, lon)
    assert 100 < shift < 700
    # GCJ-02 around Beijing moves points north-east.
    assert lat > 39.9 and lon > 116.4


def _china_grid():
    for lat in (18.3, 22.5, 25.0, 30.6, 34.3, 39.9, 43.8, 47.0, 53.3):
        for lon in (75.9, 87.6, 91.1, 103.8, 108.9, 113.3, 116.4, 121.5, 126.6, 134.0):
            yield lat, lon


def test_round_trip_under_one_centimetre():
    worst = 0.0
    for lat, lon in _china_grid():
        g = wgs_to_gcj(lat, lon)
        w = gcj_to_wgs(*g)
        worst = max(worst, distance_m(lat, lon, *w))
        # And the other way round: a GCJ point taken to WGS and back.
        g2 = wgs_to_gcj(*gcj_to_wgs(lat, lon))
        worst = max(worst, distance_m(lat, lon, *g2))
    assert worst < 0.01


@pytest.mark.parametrize(
    "lat, lon",
    [
        (51.5074, -0.1278),  # London
        (40.7128, -74.0060),  # New York
        (-33.9, 151.2),  # Sydney
        (35.68, 139.77),  # Tokyo: east of the box
        (60.0, 100.0),  # north of the box
        (0.5, 110.0),  # south of the box
    ],
)
def test_identity_outside_china(lat, lon):
    assert out_of_china(lat, lon)
    assert wgs_to_gcj(lat, lon) == (lat, lon)
    assert gcj_to_wgs(lat, lon) == (lat, lon)


def test_inside_china_box():
    assert not out_of_china(39.9, 116.4)
    assert not out_of_china(22.3, 114.2)  # Hong Kong is inside the coarse box
