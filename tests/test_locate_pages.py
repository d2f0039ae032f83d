"""The desk works through the sites awaiting a location: a geocoder (a local server answering like
Nominatim) searched in the background, once per address, cached; a dragged pin saved; a visit's
pin confirmed. The townships page imports the code list and keeps aliases."""
from __future__ import annotations

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from support_app import NOW
from enforcement.extensions import db
from enforcement.models import Enterprise, Township
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import imports, locations, townships

FIXTURES = Path(__file__).parent / "fixtures"


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers /search like Nominatim: a point for addresses on 迎宾路, nothing otherwise."""

    queries: list[str] = []

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        type(self).queries.append(q)
        body = [{"lat": "39.8301", "lon": "116.7302", "display_name": q, "place_id": 1,
                 "boundingbox": ["39.8", "39.9", "116.7", "116.8"]}] if "迎宾路" in q else []
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder_server():
    FakeNominatim.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def waiting(app, writing):
    path = FIXTURES / "county_boundaries.geojson"
    townships.import_townships(SYSTEM, townships.read_entries(path.read_bytes(), path.name),
                               now=NOW)
    db.session.commit()
    sheet = ("单位名称,所在乡镇,地址\n"
             "甲厂,鼎盛东大街道,鼎盛东大街道迎宾路1号\n"
             "乙厂,鼎盛东大街道,鼎盛东大街道迎宾路1号\n"
             "丙厂,高楼镇,高楼镇无名路2号\n").encode("gbk")
    table = imports.read_table(sheet, "w.csv")
    analysis = imports.analyse(table, imports.mapping_for(table.headers),
                               area=townships.bureau_area(app.config))
    imports.apply(SYSTEM, analysis, now=NOW)
    db.session.commit()
    return {e.name: e.id for e in db.session.scalars(select(Enterprise))}


def test_the_geocoder_is_asked_once_per_address_and_cached(app, waiting, geocoder_server):
    geocode = imports.geocoder_from_config("nominatim", {
        "domain": geocoder_server, "scheme": "http", "user_agent": "enforcement-test"})
    assert locations.geocode_progress()["addresses"] == 2
    done = locations.geocode_pending(geocode, now=NOW, area=townships.bureau_area(app.config))
    assert done == 2 and len(FakeNominatim.queries) == 2  # two firms share one address
    assert locations.geocode_progress() == {"addresses": 2, "looked_up": 2, "found": 1,
                                            "running": 0}
    assert locations.geocode_pending(geocode, now=NOW) == 0 and len(FakeNominatim.queries) == 2
    items, total = locations.awaiting()
    suggestions = {w.enterprise.name: w.suggestion for w in items}
    assert total == 3 and suggestions["甲厂"] == (39.8301, 116.7302) and suggestions["丙厂"] is None


def test_the_desk_searches_in_the_background_and_never_from_a_page_view(
        app, client, auth, make_user, waiting, geocoder_server):
    app.config.update(GEOCODER="nominatim", GEOCODER_OPTIONS={
        "domain": geocoder_server, "scheme": "http", "user_agent": "enforcement-test"})
    make_user("rev", "reviewer")
    auth.login("rev")
    db.session.rollback()
    page = client.get("/desk/locate")
    assert page.status_code == 200 and "待定位企业" in page.get_data(as_text=True)
    client.get(f"/desk/locate/{waiting['甲厂']}")
    assert FakeNominatim.queries == []  # page views ask nobody
    started = client.post("/desk/locate/geocode", data={"csrf_token": auth.csrf("/desk/locate")})
    assert started.status_code == 302
    for _ in range(100):
        progress = client.get("/desk/locate/progress.json").get_json()
        if not progress["running"] and progress["looked_up"] == 2:
            break
        time.sleep(0.1)
    assert progress["looked_up"] == 2 and progress["found"] == 1
    view = client.get(f"/desk/locate/{waiting['甲厂']}").get_data(as_text=True)
    assert 'value="39.830100"' in view and "地址搜索给出的位置" in view


def test_a_dragged_pin_is_saved_and_the_next_site_opens(app, client, auth, make_user, waiting):
    make_user("rev", "reviewer")
    auth.login("rev")
    db.session.rollback()
    url = f"/desk/locate/{waiting['甲厂']}"
    saved = client.post(url, data={"csrf_token": auth.csrf(url), "lat": "39.8355",
                                   "lon": "116.7355"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(
        f"/desk/locate/{waiting['乙厂']}")
    e = db.session.get(Enterprise, waiting["甲厂"])
    assert (e.lat, e.lon, e.location_source) == (39.8355, 116.7355, "desk")
    db.session.rollback()
    outside = client.post(url, data={"csrf_token": auth.csrf(url), "lat": "23.1",
                                     "lon": "113.2"})
    assert outside.status_code == 422 and "辖区" in outside.get_data(as_text=True)
    assert db.session.get(Enterprise, waiting["甲厂"]).lat == 39.8355
    db.session.rollback()
    listing = client.get("/desk/locate").get_data(as_text=True)
    assert 'id="waiting-count">2<' in listing


def test_a_reviewer_confirms_a_pin_set_by_a_visit(app, client, auth, make_user, waiting):
    e = db.session.get(Enterprise, waiting["丙厂"])
    assert locations.pin_from_first_fix(SYSTEM, e, 39.93, 116.82, 9.0, now=NOW) is True
    db.session.commit()
    make_user("rev", "reviewer")
    auth.login("rev")
    db.session.rollback()
    listing = client.get("/desk/locate?show=visit").get_data(as_text=True)
    assert "丙厂" in listing
    done = client.post(f"/desk/locate/{waiting['丙厂']}/confirm",
                       data={"csrf_token": auth.csrf("/desk/locate?show=visit")})
    assert done.status_code == 302, done.headers
    assert "show=visit" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Enterprise, waiting["丙厂"]).location_source == "confirmed"


def test_the_townships_page_imports_the_code_list_and_keeps_aliases(app, client, auth, make_user):
    make_user("boss", "admin")
    auth.login("boss")
    token = auth.csrf("/admin/townships")
    data = (FIXTURES / "county_townships.csv").read_bytes()
    done = client.post("/admin/townships", data={"csrf_token": token, "file": (
        io.BytesIO(data), "代码.csv")}, content_type="multipart/form-data")
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Township)) == 12
    db.session.rollback()
    bad = client.post("/admin/townships", data={"csrf_token": auth.csrf("/admin/townships"),
                                                "file": (io.BytesIO(b'{"type": "Feature"}'),
                                                         "b.geojson")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "FeatureCollection" in bad.get_data(as_text=True)
    gaolou = db.session.scalar(select(Township).where(Township.name == "高楼镇"))
    db.session.rollback()
    saved = client.post(f"/admin/townships/{gaolou.id}/aliases",
                        data={"csrf_token": auth.csrf("/admin/townships"), "aliases": "高楼老区"})
    assert saved.status_code == 302
    assert townships.TownshipIndex().resolve("高楼老区") == gaolou.id
    db.session.rollback()
    page = client.get("/admin/townships").get_data(as_text=True)
    assert "高楼老区" in page and "131082107000" in page


def test_a_reviewer_may_keep_aliases_but_not_import_townships(app, client, auth, make_user):
    make_user("rev", "reviewer")
    auth.login("rev")
    refused = client.post("/admin/townships", data={
        "csrf_token": auth.csrf("/admin/townships"),
        "file": (io.BytesIO(b"131082100000,x\n"), "a.csv")}, content_type="multipart/form-data")
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Township)) == 0


def test_the_phone_offers_the_sites_of_its_township_and_the_visit_page_has_no_pin(
        app, client, auth, make_user, waiting):
    township = db.session.scalar(select(Township.id).where(Township.name == "鼎盛东大街道"))
    inspector = make_user("zhangwei", "inspector")
    inspector.township_id = township
    db.session.commit()
    auth.login("zhangwei")
    db.session.rollback()
    page = client.get("/m/worklist")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "待定位" in text
    assert "甲厂" in text and "乙厂" in text and "丙厂" not in text  # 丙厂 is in 高楼镇
    visit = client.get(f"/m/enterprises/{waiting['甲厂']}/visit").get_data(as_text=True)
    assert 'data-lat=""' in visit and "精度优于 50 米" in visit


def test_the_map_and_the_enterprise_list_say_how_many_are_waiting(app, client, auth, make_user,
                                                                 waiting):
    make_user("rev", "reviewer")
    auth.login("rev")
    db.session.rollback()
    for url in ("/desk/map", "/enterprises"):
        page = client.get(url)
        assert page.status_code == 200 and "3 家企业待定位" in page.get_data(as_text=True), url
    one = client.get(f"/enterprises/{waiting['甲厂']}").get_data(as_text=True)
    assert "待定位" in one
