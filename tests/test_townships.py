"""Townships from the statistics bureau's code list and from boundary polygons; the names,
short forms and addresses a clerk writes resolve to them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from support_app import NOW
from enforcement.errors import ValidationError
from enforcement.extensions import db
from enforcement.geo import wgs_to_gcj
from enforcement.models import AuditEvent, Township
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import townships

FIXTURES = Path(__file__).parent / "fixtures"
CODES = FIXTURES / "county_townships.csv"
BOUNDARIES = FIXTURES / "county_boundaries.geojson"


def load(path, **kw):
    entries = townships.read_entries(path.read_bytes(), path.name, **kw)
    result = townships.import_townships(SYSTEM, entries, now=NOW)
    db.session.commit()
    return result


def test_the_code_list_creates_the_county_and_is_idempotent(app, writing):
    first = load(CODES)
    assert first.counts == {"created": 12, "updated": 0, "unchanged": 0}
    park = db.session.scalar(select(Township).where(Township.stat_code == "131082400000"))
    assert (park.name, park.kind) == ("燕郊高新技术产业开发区", "park")
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    again = load(CODES)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 12}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_code_list_without_header_in_gbk_with_village_codes_reads_the_same(app):
    text = "131082100000,111,泃阳镇\r\n131082107000,111,高楼镇\r\n"
    entries = townships.read_entries(text.encode("gbk"), "list.csv")
    assert [(e.code, e.name) for e in entries] == [("131082100000", "泃阳镇"),
                                                   ("131082107000", "高楼镇")]


def test_boundaries_fill_township_boundary_and_match_the_code_list(app, writing):
    load(CODES)
    result = load(BOUNDARIES)
    assert result.counts["updated"] == 12 and result.counts["created"] == 0
    gaolou = db.session.scalar(select(Township).where(Township.name == "高楼镇"))
    geometry = json.loads(gaolou.boundary)
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 5
    assert gaolou.center_lat is not None
    assert load(BOUNDARIES).counts["unchanged"] == 12


def test_gcj02_boundaries_are_stored_in_wgs84(app, writing):
    doc = json.loads(BOUNDARIES.read_text())
    for feature in doc["features"]:
        ring = feature["geometry"]["coordinates"][0]
        feature["geometry"]["coordinates"][0] = [list(reversed(wgs_to_gcj(lat, lon)))
                                                 for lon, lat in ring]
    entries = townships.read_entries(json.dumps(doc).encode(), "b.geojson", gcj02=True)
    townships.import_townships(SYSTEM, entries, now=NOW)
    original = json.loads(BOUNDARIES.read_text())["features"][0]["geometry"]["coordinates"][0][0]
    stored = json.loads(db.session.scalar(select(Township.boundary).where(
        Township.stat_code == "131082001000")))["coordinates"][0][0]
    assert stored == pytest.approx(original, abs=1e-6)


@pytest.mark.parametrize("data, name, words", [
    (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
     b'{"code": "1", "name": "x"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
     "b.geojson", "面（Polygon"),
    (b'{"type": "Feature"}', "b.geojson", "FeatureCollection"),
    (b"{not json", "b.geojson", "不是有效的 GeoJSON"),
    (b"name\nfoo\nbar\n", "list.csv", "统计用区划代码和名称"),
    (b"\xff\xfe\x00\xd8garbage\xff", "list.csv", "UTF-8"),
])
def test_bad_files_give_one_clear_message_and_write_nothing(app, data, name, words):
    with pytest.raises(ValidationError) as caught:
        townships.read_entries(data, name)
    assert words in caught.value.fields["file"]
    assert db.session.scalar(select(func.count()).select_from(Township)) == 0


@pytest.mark.parametrize("written, official", [
    ("燕郊高新技术产业开发区", "燕郊高新技术产业开发区"),
    ("燕郊高新区", "燕郊高新技术产业开发区"),
    ("燕郊 高新区", "燕郊高新技术产业开发区"),
    ("高楼", "高楼镇"),
    ("高楼镇", "高楼镇"),
    ("鼎盛东大", "鼎盛东大街道"),
    ("鼎盛东大街道办事处", "鼎盛东大街道"),
    ("131082107000", "高楼镇"),
])
def test_clerks_spellings_resolve(app, writing, written, official):
    load(CODES)
    index = townships.TownshipIndex()
    assert index.names[index.resolve(written)] == official


def test_a_township_is_found_inside_an_address_longest_name_first(app, writing):
    load(CODES)
    index = townships.TownshipIndex()
    assert index.names[index.in_address("河北省三河市燕郊高新区迎宾路8号")] == "燕郊高新技术产业开发区"
    assert index.names[index.in_address("三河市燕郊镇新华路8号")] == "燕郊镇"
    assert index.in_address("新华路8号") is None


def test_aliases_resolve_and_an_alias_of_another_township_is_refused(app, writing):
    load(CODES)
    gaolou = db.session.scalar(select(Township).where(Township.name == "高楼镇"))
    townships.set_aliases(SYSTEM, gaolou, "高楼乡\n 高楼老区 \n", now=NOW)
    index = townships.TownshipIndex()
    assert index.resolve("高楼老区") == gaolou.id
    with pytest.raises(ValidationError) as caught:
        townships.set_aliases(SYSTEM, gaolou, "燕郊镇", now=NOW)
    assert "燕郊镇" in caught.value.fields["aliases"]


def test_points_fall_in_their_township_polygon(app, writing):
    load(BOUNDARIES)
    index = townships.TownshipIndex()
    # cell 0 of the grid is 鼎盛东大街道
    assert index.names[index.containing(39.83, 116.73)] == "鼎盛东大街道"
    assert index.containing(39.0, 116.0) is None
    area = townships.bureau_area({"BUREAU_BBOX": (0, 0, 1, 1)})
    assert area.contains(39.83, 116.73) and not area.contains(39.79, 116.73)


def test_cli_imports_both_files(app, writing):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["townships", "import", str(CODES)])
    assert result.exit_code == 0, result.output
    assert "12 created" in result.output
    result = runner.invoke(args=["townships", "import", str(BOUNDARIES)])
    assert "12 updated" in result.output
    result = runner.invoke(args=["townships", "import", str(FIXTURES / "registry_messy_gbk.csv")])
    assert result.exit_code != 0


def test_a_township_made_by_hand_under_its_short_name_becomes_the_official_one(app, writing,
                                                                             make_township):
    hand = make_township("yanjiao", "燕郊高新区", "Yanjiao")
    db.session.commit()
    result = load(CODES)
    assert result.counts == {"created": 11, "updated": 1, "unchanged": 0}
    db.session.refresh(hand)
    assert (hand.name, hand.stat_code, hand.code) == ("燕郊高新技术产业开发区", "131082400000", "yanjiao")
    assert townships.TownshipIndex().resolve("燕郊高新区") == hand.id


def test_a_county_boundary_file_replaces_the_rectangle(app, tmp_path):
    county = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
              "geometry": {"type": "Polygon", "coordinates": [[[116.7, 39.8], [116.94, 39.8],
                                                                [116.94, 39.98], [116.7, 39.98],
                                                                [116.7, 39.8]]]}}]}
    path = tmp_path / "county.geojson"
    path.write_text(json.dumps(county))
    area = townships.bureau_area({"BUREAU_BOUNDARY": str(path), "BUREAU_BBOX": (0, 0, 1, 1)})
    assert area.contains(39.9, 116.8) and not area.contains(39.99, 116.8)
    rectangle = townships.bureau_area({"BUREAU_BBOX": (116.5, 39.7, 117.2, 40.2)})
    assert rectangle.contains(40.1, 117.1)  # no boundaries yet: the old rectangle
