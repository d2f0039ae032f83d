"""GeoJSON builders and the streaming FeatureCollection."""

import json

import pytest

from enforcement.geo import dumps, feature, feature_collection, iter_feature_collection, point


def test_feature_point_is_lon_lat():
    f = feature((116.4, 39.9), {"name": "某化工厂"}, id=7)
    assert f == {
        "type": "Feature",
        "id": 7,
        "geometry": {"type": "Point", "coordinates": [116.4, 39.9]},
        "properties": {"name": "某化工厂"},
    }


def test_feature_without_id_geometry_or_properties():
    f = feature(None, None)
    assert "id" not in f
    assert f["geometry"] is None and f["properties"] is None


def test_feature_passes_geometry_mapping_through():
    line = {"type": "LineString", "coordinates": [[116.0, 39.0], [117.0, 40.0]]}
    assert feature(line, {})["geometry"] == line


@pytest.mark.parametrize(
    "geometry, props, fid",
    [
        ((39.9, 200.0), {}, None),  # lat/lon swapped -> lat 200 is out of range
        ((116.4,), {}, None),
        ({"type": "Circle"}, {}, None),
        ("116.4,39.9", {}, None),
        ((116.4, 39.9), [1, 2], None),
        ((116.4, 39.9), {}, True),
        ((116.4, 39.9), {}, [1]),
    ],
)
def test_feature_rejects_bad_input(geometry, props, fid):
    with pytest.raises(ValueError):
        feature(geometry, props, id=fid)


def test_point_validates():
    assert point(116.4, 39.9) == {"type": "Point", "coordinates": [116.4, 39.9]}
    with pytest.raises(ValueError):
        point(116.4, 91)


def test_feature_collection_with_foreign_members():
    feats = [feature((116.4, 39.9), {"a": 1}, id="e1")]
    fc = feature_collection(feats, next_cursor="abc")
    assert fc == {"type": "FeatureCollection", "features": feats, "next_cursor": "abc"}
    assert feature_collection(iter(feats))["features"] == feats


@pytest.mark.parametrize("name", ["type", "geometry", "properties", "coordinates", "geometries"])
def test_feature_collection_rejects_reserved_members(name):
    with pytest.raises(ValueError):
        feature_collection([], **{name: 1})


def _features(n):
    for i in range(n):
        yield feature((116.0 + i * 1e-4, 39.0 + i * 1e-4), {"name": f"企业{i}", "i": i}, id=i)


@pytest.mark.parametrize("n", [0, 1, 2, 500])
@pytest.mark.parametrize("chunk_chars", [1, 100, 64 * 1024])
def test_stream_concatenates_to_valid_json(n, chunk_chars):
    chunks = list(iter_feature_collection(_features(n), {"next_cursor": None}, chunk_chars=chunk_chars))
    assert all(isinstance(c, str) and c for c in chunks)
    doc = json.loads("".join(chunks))
    assert doc == feature_collection(list(_features(n)), next_cursor=None)
    if chunk_chars == 1 and n > 1:
        assert len(chunks) > 1  # really streamed, not built in one piece


def test_stream_without_foreign_members_and_utf8():
    text = "".join(iter_feature_collection(_features(1)))
    assert json.loads(text) == {"type": "FeatureCollection", "features": list(_features(1))}
    assert "企业0" in text  # not \u-escaped


def test_stream_foreign_members_callable_is_called_after_features():
    seen = []

    def feats():
        for f in _features(3):
            seen.append(f["id"])
            yield f

    def members():
        return {"next_cursor": str(seen[-1]), "count": len(seen)}

    doc = json.loads("".join(iter_feature_collection(feats(), members)))
    assert doc["next_cursor"] == "2" and doc["count"] == 3


def test_stream_rejects_reserved_member_before_sending_anything():
    gen = iter_feature_collection(_features(1), {"type": "x"})
    with pytest.raises(ValueError):
        next(gen)


def test_stream_rejects_nan():
    bad = {"type": "Feature", "geometry": None, "properties": {"x": float("nan")}}
    with pytest.raises(ValueError):
        "".join(iter_feature_collection([bad]))
    with pytest.raises(ValueError):
        dumps(bad)
