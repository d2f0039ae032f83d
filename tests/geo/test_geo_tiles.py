"""Tile files: MBTiles and PMTiles drawn with Pillow open, validate and answer tiles by XYZ
(MBTiles rows are TMS, counted from the south); bad files are refused with one stated reason."""
from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings, strategies as st

from enforcement.geo.tilegen import write_mbtiles, write_pmtiles
from enforcement.geo.tiles import (TileSetError, bbox_distance_km, open_tileset, sniff_format,
                                   tile_bounds, tiles_for_bbox)

BOX = (116.78, 39.93, 116.86, 39.99)


@pytest.fixture(scope="module")
def mbtiles(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("t") / "city.mbtiles")
    write_mbtiles(path, BOX, range(10, 13), attribution="测试底图")
    return path


def test_mbtiles_answers_xyz_tiles_and_its_metadata(mbtiles):
    ts = open_tileset(mbtiles)
    assert (ts.kind, ts.format, ts.min_zoom, ts.max_zoom) == ("mbtiles", "png", 10, 12)
    assert ts.attribution == "测试底图" and ts.bounds == pytest.approx(BOX)
    z, x, y = next(tiles_for_bbox(BOX, 12))
    data = ts.get(z, x, y)
    assert sniff_format(data) == "png" and ts.size(z, x, y) == len(data)
    # the row stored is TMS: the XYZ y of the same tile, counted from the north, is different
    assert ts.get(z, x, 2 ** z - 1 - y) is None
    assert ts.get(9, 0, 0) is None and ts.get(12, 0, 0) is None and ts.get(12, -1, 5) is None


def test_pmtiles_holds_the_same_tiles(mbtiles, tmp_path):
    path = str(tmp_path / "city.pmtiles")
    write_pmtiles(path, BOX, range(10, 13))
    pm, mb = open_tileset(path), open_tileset(mbtiles)
    assert (pm.kind, pm.format, pm.min_zoom, pm.max_zoom) == ("pmtiles", "png", 10, 12)
    for t in tiles_for_bbox(BOX, 12):
        assert pm.get(*t) == mb.get(*t)
    assert pm.get(12, 0, 0) is None


def test_bounds_come_from_the_tiles_when_the_metadata_has_none(tmp_path):
    path = str(tmp_path / "nobounds.mbtiles")
    write_mbtiles(path, BOX, [11], metadata_overrides={"bounds": None, "minzoom": None,
                                                      "maxzoom": None})
    ts = open_tileset(path)
    west, south, east, north = ts.bounds
    assert west <= BOX[0] and south <= BOX[1] and east >= BOX[2] and north >= BOX[3]
    assert (ts.min_zoom, ts.max_zoom) == (11, 11)


@pytest.mark.parametrize("make, code", [
    (lambda p: p.write_bytes(b"hello, not a map"), "not_tiles"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE x (a)").connection.commit(), "not_tiles"),
    (lambda p: write_mbtiles(str(p), BOX, [10], fmt="jpg",
                             metadata_overrides={"format": "png"}), "encoding"),
    (lambda p: write_mbtiles(str(p), BOX, [10], metadata_overrides={"format": "pbf"}), "vector"),
    (lambda p: write_mbtiles(str(p), BOX, [10], metadata_overrides={"maxzoom": "40"}),
     "zoom_range"),
])
def test_bad_files_are_refused_with_their_reason(tmp_path, make, code):
    path = tmp_path / "bad.mbtiles"
    make(path)
    with pytest.raises(TileSetError) as info:
        open_tileset(str(path))
    assert info.value.code == code


def test_an_mbtiles_without_tiles_is_empty(tmp_path):
    path = str(tmp_path / "empty.mbtiles")
    write_mbtiles(path, BOX, [10])
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM tiles")
    conn.commit()
    with pytest.raises(TileSetError) as info:
        open_tileset(path)
    assert info.value.code == "empty"


def test_distance_between_boxes():
    assert bbox_distance_km(BOX, (116.5, 39.7, 117.2, 40.2)) == 0
    assert 2000 < bbox_distance_km((100, 20, 100.1, 20.1), (116.5, 39.7, 117.2, 40.2)) < 3500


@settings(max_examples=60, deadline=None)
@given(lon=st.floats(-179.9, 179.9), lat=st.floats(-85, 85), z=st.integers(0, 18))
def test_the_tile_found_for_a_point_contains_it(lon, lat, z):
    (tz, x, y), = list(tiles_for_bbox((lon, lat, lon, lat), z))
    west, south, east, north = tile_bounds(tz, x, y)
    assert west - 1e-9 <= lon <= east + 1e-9 and south - 1e-9 <= lat <= north + 1e-9
