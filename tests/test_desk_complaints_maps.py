"""The complaints desk's recording form, the desk's maps on GCJ-02 tiles, the enterprise page's
map and case timelines, and the links that take a reviewer to every desk page."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from support_app import NOW, new_uuid
from enforcement.extensions import db
from enforcement.geo.gcj02 import gcj_to_wgs, wgs_to_gcj
from enforcement.models import AuditEvent, Complaint
from enforcement.services.casework import cases
from enforcement.services.field import visits
from enforcement.services.core.actor import SYSTEM, Actor

ROOT = Path(__file__).resolve().parents[1]
DESK_PAGES = ["/desk/", "/desk/map", "/desk/dashboard", "/desk/conflicts", "/desk/complaints",
              "/desk/draws", "/desk/quiet-days"]


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def complaints_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint))


@pytest.fixture
def reviewer(client, auth, make_user):
    make_user("zhangwei", "inspector")
    make_user("reviewer", "reviewer")
    auth.login("reviewer")
    return client


def form(token: str, **fields) -> dict:
    return {"csrf_token": token, "client_uuid": new_uuid(), "channel": "hotline",
            "category": "odour", "text": "夜间有刺鼻异味", **fields}


# ---------------------------------------------------------------- recording a complaint

def test_a_pinned_complaint_becomes_a_visit_task_and_a_reply_clock(reviewer):
    token = csrf(reviewer, "/desk/complaints")
    # Received on Monday 23 November: the visit is due the next working day, the reply within
    # 15 working days (Tuesday 24 November .. Monday 14 December).
    response = reviewer.post("/desk/complaints", data=form(
        token, received_at="2026-11-23T09:30", lat="39.961234", lon="116.834567"))
    assert response.status_code == 302
    stored = db.session.scalars(select(Complaint)).one()
    assert (stored.channel, stored.category, stored.status) == ("hotline", "odour", "new")
    assert stored.received_on == date(2026, 11, 23)
    assert (stored.triage_by, stored.answer_by) == (date(2026, 11, 24), date(2026, 12, 14))
    assert (round(stored.lat, 6), round(stored.lon, 6)) == (39.961234, 116.834567)
    assert stored.recorded_by_id is not None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "complaint.record" in actions
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "2026-11-24" in page and "2026-12-14" in page
    row = page[page.index(f'id="complaint-{stored.id}"'):]
    assert "夜间有刺鼻异味" in row[:2000] and 'class="status-overdue">2026-11-24' in row[:2000]
    listed = reviewer.get("/desk/complaints?status=new&category=odour").get_data(as_text=True)
    assert f'id="complaint-{stored.id}"' in listed
    other = reviewer.get("/desk/complaints?category=noise").get_data(as_text=True)
    assert f'id="complaint-{stored.id}"' not in other


def test_recording_now_starts_the_clocks_today(reviewer):
    token = csrf(reviewer, "/desk/complaints")
    response = reviewer.post("/desk/complaints", data=form(token, address="燕郊镇东贾各庄村北"))
    assert response.status_code == 302
    stored = db.session.scalars(select(Complaint)).one()
    assert stored.address == "燕郊镇东贾各庄村北" and stored.lat is None
    assert stored.received_on <= stored.triage_by < stored.answer_by


def test_pressing_record_twice_records_one_complaint(reviewer):
    data = form(csrf(reviewer, "/desk/complaints"), address="燕郊镇")
    assert reviewer.post("/desk/complaints", data=data).status_code == 302
    assert reviewer.post("/desk/complaints", data=data).status_code == 302
    assert complaints_count() == 1
    edited = reviewer.post("/desk/complaints", data={**data, "text": "改过的内容"})
    assert edited.status_code == 422 and complaints_count() == 1
    page = edited.get_data(as_text=True)
    assert "flash-error" in page
    fresh = re.search(r'name="client_uuid"[^>]*value="([^"]+)"', page).group(1)
    assert fresh != data["client_uuid"]
    again = reviewer.post("/desk/complaints", data={**data, "text": "改过的内容", "client_uuid": fresh})
    assert again.status_code == 302 and complaints_count() == 2


def test_a_complaint_nobody_could_find_is_refused_at_the_field(reviewer):
    token = csrf(reviewer, "/desk/complaints")
    nowhere = reviewer.post("/desk/complaints", data=form(token))
    assert nowhere.status_code == 422
    page = nowhere.get_data(as_text=True)
    address = page[page.index('for="address"'):page.index('for="enterprise_id"')]
    assert 'class="field-error"' in address
    half_pin = reviewer.post("/desk/complaints", data=form(token, lat="39.96"))
    assert half_pin.status_code == 422
    lon = half_pin.get_data(as_text=True)
    assert 'class="field-error"' in lon[lon.index('for="lon"'):lon.index('for="address"')]
    future = reviewer.post("/desk/complaints", data=form(token, address="燕郊镇",
                                                         received_at="2099-01-01T08:00"))
    assert future.status_code == 422
    assert complaints_count() == 0
    # What was typed stays in the form.
    assert "夜间有刺鼻异味" in future.get_data(as_text=True)


def test_a_complaint_about_an_enterprise_is_located_there(reviewer, make_enterprise):
    plant = make_enterprise(name="三河市某化工厂", address="燕郊镇工业园区8号")
    page = reviewer.get(f"/enterprises/{plant.id}")
    link = re.search(r'href="(/desk/complaints\?enterprise_id=\d+)#record"',
                     page.get_data(as_text=True)).group(1)
    prefilled = reviewer.get(link).get_data(as_text=True)
    assert f'name="enterprise_id" type="number" value="{plant.id}"' in prefilled \
        or re.search(rf'name="enterprise_id"[^>]*value="{plant.id}"', prefilled)
    assert "三河市某化工厂" in prefilled
    token = csrf(reviewer, link)
    response = reviewer.post("/desk/complaints", data=form(token, enterprise_id=str(plant.id)))
    assert response.status_code == 302
    stored = db.session.scalars(select(Complaint)).one()
    assert stored.enterprise_id == plant.id and stored.address == "燕郊镇工业园区8号"
    missing = reviewer.post("/desk/complaints", data=form(token, enterprise_id="999999"))
    assert missing.status_code == 422 and complaints_count() == 1
    body = missing.get_data(as_text=True)
    assert 'class="field-error"' in body[body.index('for="enterprise_id"'):]


def test_inspectors_cannot_record_on_the_desk(client, auth, make_user):
    make_user("zhangwei", "inspector")
    auth.login("zhangwei")
    # With a valid CSRF token (from a page the inspector may open), so the refusal is the role
    # check's 403, not the CSRF check's 400.
    token = csrf(client, "/m/find")
    response = client.post("/desk/complaints", data={"csrf_token": token, "channel": "hotline",
                                                     "category": "air", "text": "x", "address": "y"})
    assert response.status_code == 403
    assert complaints_count() == 0


# ---------------------------------------------------------------- maps and GCJ-02 tiles

def _attrs(page: str, marker: str) -> dict:
    tag = re.search(r"<div[^>]*" + re.escape(marker) + r"[^>]*>", page).group(0)
    return {k: unescape(v) for k, v in re.findall(r'(data-[\w-]+)="([^"]*)"', tag)}


def test_with_gcj02_tiles_every_desk_map_says_so_and_loads_the_shared_shift(
        app, reviewer, make_enterprise):
    plant = make_enterprise(name="坐标企业", lat=39.95, lon=116.82)
    pages = {"/desk/map": 'id="desk-map"', "/desk/complaints": "complaint-map",
             f"/enterprises/{plant.id}": "enterprise-map"}
    for path, marker in pages.items():
        page = reviewer.get(path).get_data(as_text=True)
        assert _attrs(page, marker)["data-gcj02"] == "0"
    app.config["MAP_TILES_GCJ02"] = True
    for path, marker in pages.items():
        page = reviewer.get(path).get_data(as_text=True)
        assert _attrs(page, marker)["data-gcj02"] == "1", path
        scripts = re.findall(r'<script src="([^"]+)"', page)
        assert "/static/js/gcj02.js" in scripts, path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path  # no inline script
        assert scripts.index("/static/js/gcj02.js") < len(scripts) - 1  # before the map's own
    enterprise = _attrs(reviewer.get(f"/enterprises/{plant.id}").get_data(as_text=True),
                        "enterprise-map")
    # The page carries the stored WGS84 pin; only the browser shifts it for the tiles.
    assert (float(enterprise["data-lat"]), float(enterprise["data-lon"])) == (39.95, 116.82)


def test_the_inspector_find_page_loads_the_shared_shift_before_its_map(app, client, auth,
                                                                        make_user):
    make_user("zhangwei", "inspector")
    auth.login("zhangwei")
    page = client.get("/m/find").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts.index("/static/js/gcj02.js") < scripts.index("/static/js/inspector-map.js")
    assert "/static/js/gcj02.js" in page[page.index("data-assets"):]  # cached for offline use
    shared = (ROOT / "static/js/gcj02.js").read_text()
    inspector = (ROOT / "static/js/inspector-map.js").read_text()
    assert "6378245" in shared and "6378245" not in inspector  # one copy of the algorithm


def test_the_javascript_shift_matches_the_python_one():
    # Fails, never skips, without node: .ci/run installs it (Debian's nodejs).
    assert shutil.which("node"), "node is not installed (apt-get install nodejs)"
    points = [(39.96, 116.83), (31.2304, 121.4737), (22.5431, 114.0579), (45.75, 126.65),
              (51.5, -0.12)]
    script = ("const g = require(%s); const pts = %s;"
              "console.log(JSON.stringify(pts.map(p => [g.wgsToGcj(p[0], p[1]),"
              " g.gcjToWgs(p[0], p[1])])));") % (
        json.dumps(str(ROOT / "static/js/gcj02.js")), json.dumps(points))
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30,
                         check=True).stdout
    for (lat, lon), (forward, back) in zip(points, json.loads(out)):
        assert forward == pytest.approx(wgs_to_gcj(lat, lon), abs=1e-9)
        assert back == pytest.approx(gcj_to_wgs(lat, lon), abs=1e-9)


# ---------------------------------------------------------------- the enterprise page

def test_the_enterprise_page_has_its_map_and_each_case_timeline_in_order(
        reviewer, make_enterprise, make_case, make_user, writing):
    make_user("liuyang", "inspector")
    plant = make_enterprise(name="时间线企业", lat=39.9612, lon=116.8345)
    fine = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=2_000_000,
                     enterprise=plant)
    cases.apply_event(SYSTEM, fine, {"type": "notify", "on": "2026-09-03"}, now=NOW)
    cases.apply_event(SYSTEM, fine, {"type": "decide", "on": "2026-09-16",
                                     "amount_fen": 2_000_000}, now=NOW)
    rectify = make_case(action="rectify", served_on=date(2026, 10, 8), enterprise=plant)
    from enforcement.models import User
    officer = db.session.scalar(select(User).where(User.username == "zhangwei"))
    visits.record_visit(Actor.of(officer), {
        "client_uuid": new_uuid(), "enterprise_id": plant.id,
        "visited_at": "2026-11-20T10:00:00+08:00", "lat": 39.9615, "lon": 116.8345,
        "accuracy_m": 8, "purpose": "routine", "unannounced": True,
        "inspectors": ["zhangwei", "liuyang"], "findings": "现场检查"}, now=NOW)
    db.session.commit()
    page = reviewer.get(f"/enterprises/{plant.id}").get_data(as_text=True)
    pin = _attrs(page, "enterprise-map")
    assert (float(pin["data-lat"]), float(pin["data-lon"])) == (39.9612, 116.8345)
    assert json.loads(pin["data-points"]) == [[39.9615, 116.8345, "2026-11-20"]]
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/js/desk-pin.js" in page

    def timeline(case_id):
        start = page.index(f'id="case-{case_id}"')
        block = page[start:page.index("</ol>", start)]
        return re.findall(r"<li><strong>(\d{4}-\d{2}-\d{2})</strong>\s*([^<]+)", block)

    fine_steps = timeline(fine.id)
    assert [d for d, _ in fine_steps] == ["2026-09-01", "2026-09-03", "2026-09-16"]
    assert fine_steps[1][1].strip() == "送达告知书" and fine_steps[2][1].strip() == "作出处罚决定"
    assert [d for d, _ in timeline(rectify.id)] == ["2026-10-08"]
    # Newest case first, each with its own timeline.
    assert page.index(f'id="case-{rectify.id}"') < page.index(f'id="case-{fine.id}"')


# ---------------------------------------------------------------- reaching every desk page

def _links(page: str) -> set[str]:
    return {unescape(h).split("#")[0] for h in re.findall(r'href="(/[^"]*)"', page)}


def test_the_dashboard_and_the_desk_link_to_every_desk_page(reviewer):
    dashboard = _links(reviewer.get("/desk/dashboard").get_data(as_text=True))
    hub = _links(reviewer.get("/desk/").get_data(as_text=True))
    assert set(DESK_PAGES) - dashboard - {"/desk/dashboard"} == set()
    assert set(DESK_PAGES) - hub - {"/desk/"} == set()
    # From the home page, every desk page is at most two clicks away.
    home = _links(reviewer.get("/").get_data(as_text=True))
    reached = set(home)
    for link in home:
        if link.startswith("/desk"):
            reached |= _links(reviewer.get(link).get_data(as_text=True))
    assert set(DESK_PAGES) - reached == set()
