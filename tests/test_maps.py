"""The app's own maps (issue 19): an imported MBTiles file is served at /tiles/... with caching
headers and listed for the live maps; a missing tile is 204 at once; township boundaries and
counts per township; the offline plan of an inspector's worklist area with its size; the case's
map exhibit as a page and in the evidence pack, opening with no network."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date

import pytest

from support_app import NOW, new_uuid
from enforcement.errors import ValidationError
from enforcement.extensions import db
from enforcement.geo.tilegen import write_mbtiles, write_pmtiles
from enforcement.geo.tiles import tiles_for_bbox
from enforcement.services.field import visits
from enforcement.services.maps import basemap, mapdata
from enforcement.services.core.actor import Actor

BOX = (116.78, 39.93, 116.86, 39.99)
SQUARE = {"type": "Polygon", "coordinates": [[[116.79, 39.94], [116.85, 39.94], [116.85, 39.98],
                                              [116.79, 39.98], [116.79, 39.94]]]}


@pytest.fixture
def streets(app, tmp_path):
    source = str(tmp_path / "streets.mbtiles")
    write_mbtiles(source, BOX, range(10, 14), attribution="三河市测绘院")
    basemap.import_file(app.config, source, "streets")
    return source


@pytest.fixture
def reviewer(make_user, auth):
    make_user("rev", "reviewer")
    auth.login("rev")


def test_an_imported_basemap_is_served_with_caching_headers(streets, reviewer, client):
    z, x, y = next(tiles_for_bbox(BOX, 13))
    r = client.get(f"/tiles/streets/{z}/{x}/{y}")
    assert r.status_code == 200 and r.mimetype == "image/png" and r.data[:4] == b"\x89PNG"
    assert "max-age=86400" in r.headers["Cache-Control"] and r.headers["ETag"]
    again = client.get(f"/tiles/streets/{z}/{x}/{y}", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(f"/tiles/{z}/{x}/{y}").data == r.data  # the first layer without its name
    # not in the file: empty at once; unknown layer: 404; never a 500
    assert client.get("/tiles/streets/13/0/0").status_code == 204
    assert client.get("/tiles/streets/30/1/1").status_code == 204
    assert client.get(f"/tiles/imagery/{z}/{x}/{y}").status_code == 404


def test_the_live_maps_list_the_layer_with_its_attribution(streets, reviewer, client):
    page = client.get("/desk/map").get_data(as_text=True)
    layers = json.loads(re.search(r"data-layers='([^']+)'", page).group(1).replace("&#34;", '"'))
    assert layers[0]["url"] == "/tiles/streets/{z}/{x}/{y}" and layers[0]["local"]
    assert layers[0]["attribution"] == "三河市测绘院" and layers[0]["maxNativeZoom"] == 13
    assert layers[0]["maxZoom"] == 13 + basemap.OVERZOOM
    assert "basemap.js" in page


def test_a_file_far_from_the_bureau_or_not_a_tile_file_is_refused(app, tmp_path):
    with app.test_request_context():  # messages in the bureau's language
        _refused(app, tmp_path)


def _refused(app, tmp_path):
    far = str(tmp_path / "far.mbtiles")
    write_mbtiles(far, (100.0, 20.0, 100.1, 20.1), [10])
    with pytest.raises(ValidationError) as info:
        basemap.import_file(app.config, far, "far")
    assert "2684 公里" in info.value.message and "是否选错了文件" in info.value.message
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"PK\x03\x04 a zip file")
    with pytest.raises(ValidationError) as info:
        basemap.import_file(app.config, str(junk), "junk")
    assert info.value.fields == {"file": "not_tiles"}
    assert basemap.layers(app.config) == []


def test_a_pmtiles_file_named_in_the_configuration_is_served(app, tmp_path, reviewer, client):
    path = str(tmp_path / "img.pmtiles")
    write_pmtiles(path, BOX, range(11, 13))
    app.config["BASEMAPS"] = [{"name": "imagery", "file": path, "label": "影像"}]
    z, x, y = next(tiles_for_bbox(BOX, 12))
    assert client.get(f"/tiles/imagery/{z}/{x}/{y}").mimetype == "image/png"
    with app.test_request_context():
        assert [layer.label for layer in basemap.layers(app.config)] == ["影像"]


def test_presets_and_the_csp_follow_the_configured_hosts(app):
    from enforcement import create_app
    tdt = create_app({"TESTING": True, "MAP_PRESET": "tianditu", "TIANDITU_KEY": "abc123",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with tdt.test_request_context():
        layers = basemap.online_layers(tdt.config)
    assert layers[0].url.startswith("https://t{s}.tianditu.gov.cn/vec_w/wmts?")
    assert "tk=abc123" in layers[0].url and "cva_w" in layers[0].overlay
    assert not layers[0].gcj02 and layers[0].subdomains == "01234567"
    with tdt.test_client() as c:
        csp = c.get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn;" in csp
    gaode = create_app({"TESTING": True, "MAP_PRESET": "gaode", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with gaode.test_request_context():
        assert all(layer.gcj02 for layer in basemap.layers(gaode.config))
        assert basemap.tile_hosts(gaode.config) == ["https://*.is.autonavi.com"]
    # no key: no 天地图 (its servers refuse every tile without one)
    assert basemap.online_layers({"MAP_PRESET": "tianditu", "TIANDITU_KEY": ""}) == []


def test_township_boundaries_and_counts_per_township_at_low_zoom(app, make_township,
                                                                 make_enterprise, reviewer,
                                                                 client):
    a = make_township("yanjiao", "燕郊镇")
    a.boundary = json.dumps(SQUARE)
    b = make_township("gaolou", "高楼镇")
    b.center_lat, b.center_lon = 39.90, 116.95
    db.session.commit()
    for i in range(4):
        make_enterprise(name=f"燕郊厂{i}", lat=39.95 + i * 0.001, lon=116.82, township="yanjiao")
    for i in range(2):
        make_enterprise(name=f"高楼厂{i}", lat=39.90, lon=116.95 + i * 0.001, township="gaolou")
    body = client.get("/maps/townships.json").get_json()
    assert [f["properties"]["name"] for f in body["features"]] == ["燕郊镇"]  # only with a boundary
    assert body["features"][0]["geometry"] == SQUARE
    q = mapdata.parse_query({"bbox": "116.5,39.7,117.2,40.2"})
    counted = mapdata.features(q, date(2026, 11, 25), limit=3)
    assert counted["mode"] == "townships" and counted["total"] == 6
    assert sorted((f["properties"]["name"], f["properties"]["count"])
                  for f in counted["features"]) == [("燕郊镇", 4), ("高楼镇", 2)]
    inside = mapdata.parse_query({"bbox": "116.80,39.94,116.84,39.97"})
    assert mapdata.features(inside, date(2026, 11, 25), limit=3)["mode"] == "grid"


def test_the_offline_plan_covers_the_worklist_area_within_the_budget(app, streets, make_user,
                                                                     auth, client):
    make_user("zhangwei", "inspector")
    auth.login("zhangwei")
    plan = client.get("/m/basemap/plan.json").get_json()  # empty worklist: the bureau's centre
    assert plan["layer"] == "streets" and plan["tiles"] and plan["bytes"] > 0
    assert plan["zooms"] == [10, 11, 12, 13] and plan["budget"] == 60 * 1024 * 1024
    assert all(client.get(u).status_code == 200 for u in plan["tiles"][:5])
    with app.test_request_context():
        small = basemap.offline_plan(app.config, [(39.96, 116.83)],
                                     budget_bytes=plan["bytes"] - 1)
    assert small["dropped_zooms"] == [13] and small["bytes"] <= plan["bytes"] - 1


def _visited_case(make_case, make_user, make_township):
    town = make_township()
    town.boundary = json.dumps(SQUARE)
    officers = make_user("zhangwei", "inspector"), make_user("liuyang", "inspector")
    case = make_case(action="rectify", served_on=date(2026, 9, 28))
    case.enterprise.township_id = town.id
    result = visits.record_visit(Actor.of(officers[0]), {
        "client_uuid": new_uuid(), "enterprise_id": case.enterprise_id,
        "visited_at": "2026-11-20T10:00:00+08:00", "lat": case.enterprise.lat + 0.0003,
        "lon": case.enterprise.lon, "accuracy_m": 12, "purpose": "routine",
        "inspectors": ["zhangwei", "liuyang"], "findings": "正常"}, now=NOW)
    case.visit_id = result.visit.id
    db.session.commit()
    return case


def test_the_evidence_pack_carries_a_map_that_opens_from_the_zip(make_case, make_user,
                                                                 make_township, reviewer, client):
    case = _visited_case(make_case, make_user, make_township)
    pack = zipfile.ZipFile(io.BytesIO(client.get(f"/papers/case/{case.id}/evidence.zip").data))
    names = set(pack.namelist())
    assert {"map/case-map.html", "map/vendor/leaflet/leaflet.js", "map/vendor/leaflet/leaflet.css",
            "map/vendor/jquery/jquery.min.js", "map/vendor/leaflet/LICENSE"} <= names
    page = pack.read("map/case-map.html").decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from outside
    for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert f"map/{ref}" in names
    assert "2026-11-20 10:00" in page and "±12 米" in page and "燕郊镇" in page
    assert "116.79" in page  # the township boundary
    manifest = json.loads(pack.read("manifest.json"))
    assert any(f["path"] == "map/case-map.html" and f["kind"] == "map" for f in manifest["files"])


def test_the_case_map_page_runs_no_inline_script(make_case, make_user, make_township,
                                                 reviewer, client):
    case = _visited_case(make_case, make_user, make_township)
    page = client.get(f"/cases/{case.id}/map").get_data(as_text=True)
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    script = client.get(f"/cases/{case.id}/map.js").get_data(as_text=True)
    # the page and its script, rendered in two requests, name the same map element
    name = re.search(r'id="(map_\w+)"', page).group(1)
    assert f'L.map(\n                "{name}"' in script or f'"{name}"' in script
    assert f"/cases/{case.id}/map" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_with_a_basemap_the_pack_carries_the_tiles_around_the_site(streets, make_case, make_user,
                                                                   make_township, reviewer,
                                                                   client):
    case = _visited_case(make_case, make_user, make_township)
    pack = zipfile.ZipFile(io.BytesIO(client.get(f"/papers/case/{case.id}/evidence.zip").data))
    tiles = [n for n in pack.namelist() if n.startswith("map/tiles/")]
    assert 0 < len(tiles) <= 160 and all(n.endswith(".png") for n in tiles)
    page = pack.read("map/case-map.html").decode()
    assert "\"tiles/{z}/{x}/{y}.png\"" in page and "\\u4e09\\u6cb3" in page  # attribution, JSON-escaped
    # the same case rendered twice is the same page (reproducible digests in the manifest)
    again = zipfile.ZipFile(io.BytesIO(client.get(f"/papers/case/{case.id}/evidence.zip").data))
    assert again.read("map/case-map.html").decode() == page


def test_the_import_command_says_what_is_wrong_in_one_line(app, tmp_path):
    runner = app.test_cli_runner()
    junk = tmp_path / "notes.mbtiles"
    junk.write_text("not a map")
    refused = runner.invoke(args=["basemap", "import", str(junk)])
    assert refused.exit_code == 1 and "这不是瓦片文件" in refused.output
    good = str(tmp_path / "city.mbtiles")
    write_mbtiles(good, BOX, [10, 11])
    done = runner.invoke(args=["basemap", "import", good, "--name", "streets"])
    assert done.exit_code == 0 and "底图已导入" in done.output and "zoom 10–11" in done.output
    checked = runner.invoke(args=["basemap", "check"])
    assert checked.exit_code == 0 and "streets" in checked.output
