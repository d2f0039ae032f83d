"""Branches (分局, issue 20): an officer of one branch attacks the other branch's records by id,
on the pages and through the API, reading and writing; city staff see all. Written as attacks
first (they failed before the fix: the west reviewer read, delivered and answered the east's
records), then the fix in services/oversight/access.py and web/branch_guard.py.

The city: 燕郊镇 (yanjiao) is the east branch's, 古城镇 (gucheng) the west's. The case, the
enterprise, the visit and its photo, the task, the record, the supervision visit and the unit
named by ``city.ids`` are all in 燕郊镇, so all of them are the east's."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from security_city import build_city, jpeg, login, place_in_branches
from support_app import new_uuid
from enforcement.extensions import db
from enforcement.models import (AccountabilityRecord, AuditEvent, Case, CaseEvent, Enterprise,
                                FollowUp, SupervisionPhoto, SupervisionVisit, Task)


@pytest.fixture
def branched(app, client, make_township, make_user, make_enterprise, make_case, api_token):
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    people = place_in_branches(make_user)
    app.config["WTF_CSRF_ENABLED"] = False
    city.users.update(people)
    return city


def _state(city):
    db.session.expire_all()
    task = db.session.get(Task, city["task_id"])
    record = db.session.get(AccountabilityRecord, city["record_id"])
    return (task.done_on, record.answered_on, record.closed_on, record.published,
            db.session.get(Enterprise, city["enterprise_id"]).address,
            db.session.get(Case, city["case_id"]).state,
            *(db.session.scalar(select(func.count()).select_from(m)) for m in (
                Task, AccountabilityRecord, SupervisionVisit, SupervisionPhoto, Case, CaseEvent)),
            # every audit event but the refused submission kept for the desk (conflict.keep)
            db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action != "conflict.keep")))


def test_a_west_reviewer_opens_none_of_the_easts_oversight_records_on_the_pages(app, branched):
    city = branched
    west = app.test_client()
    login(west, "rev_west")
    before = _state(city)
    ids = city.ids
    attacks = {
        ("GET", f"/oversight/tasks/{ids['task_id']}"): {},
        ("POST", f"/oversight/tasks/{ids['task_id']}/deliver"): {
            "data": {"done_on": "2026-11-24", "report": "冒名办结"}},
        ("POST", f"/oversight/tasks/{ids['task_id']}/reopen"): {"data": {"reason": "x"}},
        ("GET", f"/oversight/units/{ids['unit_id']}"): {},
        ("POST", f"/oversight/units/{ids['unit_id']}/officers"): {"data": {"username": "unit_gc"}},
        ("GET", f"/oversight/supervision/{ids['supervision_id']}"): {},
        ("POST", f"/oversight/supervision/{ids['supervision_id']}/photos"): {
            "data": {"file": (io.BytesIO(jpeg()), "p.jpg"), "client_uuid": new_uuid()},
            "content_type": "multipart/form-data"},
        ("GET", f"/oversight/accountability/{ids['record_id']}"): {},
        ("POST", f"/oversight/accountability/{ids['record_id']}/answer"): {
            "data": {"answer": "冒名说明"}},
        ("POST", f"/oversight/accountability/{ids['record_id']}/close"): {"data": {"note": "x"}},
        ("POST", f"/oversight/accountability/{ids['record_id']}/publish"): {},
        # cases, enterprises, visits, papers and maps of the east's township
        ("GET", f"/cases/{ids['case_id']}"): {},
        ("GET", f"/enterprises/{ids['enterprise_id']}"): {},
        ("GET", f"/cases/{ids['case_id']}/map"): {},
        ("GET", f"/papers/case/{ids['case_id']}"): {},
        ("GET", f"/papers/case/{ids['case_id']}/evidence.zip"): {},
        ("GET", f"/m/visits/{ids['visit_id']}"): {},
        ("GET", f"/papers/visit/{ids['visit_id']}"): {},
        ("GET", f"/desk/locate/{ids['enterprise_id']}"): {},
        ("GET", f"/desk/map/enterprises/{ids['enterprise_id']}.json"): {},
        ("POST", f"/cases/{ids['case_id']}/review/event"): {"data": {"type": "reopen"}},
    }
    got = {k: west.open(k[1], method=k[0], **v).status_code for k, v in attacks.items()}
    assert got == {k: 404 for k in attacks}
    # Writing through a form that names the east's unit, task or case: a field error.
    task = west.post("/oversight/tasks", data={"title": "越权任务", "host_unit_id": ids["unit_id"],
                                               "deadline": "2026-12-31"})
    record = west.post("/oversight/accountability", data={
        "unit_id": ids["unit_id"], "ground": "inaction", "decision": "interview",
        "respond_by": "2026-12-31"})
    visit = west.post("/oversight/supervision", data={"unit_id": ids["unit_id"],
                                                      "findings": "越权督查"})
    assert (task.status_code, record.status_code, visit.status_code) == (422, 422, 422)
    assert "没有这个责任单位" in task.get_data(as_text=True)  # said in Chinese
    # A prefilled record form does not show the east's task's responsible person.
    assert "王镇长" not in west.get(f"/oversight/accountability?task={ids['task_id']}").get_data(
        as_text=True)
    assert _state(city) == before


def test_a_west_reviewer_opens_none_of_the_easts_records_through_the_api(
        app, client, branched, api_token):
    city = branched
    h = api_token(city.users["west"])
    before = _state(city)
    ids = city.ids
    attacks = {
        ("GET", f"/api/v1/tasks/{ids['task_id']}"): {},
        ("POST", f"/api/v1/tasks/{ids['task_id']}/delivery"): {
            "json": {"done_on": "2026-11-24", "report": "冒名办结"}},
        ("GET", f"/api/v1/accountability/{ids['record_id']}"): {},
        ("POST", f"/api/v1/accountability/{ids['record_id']}/answer"): {"json": {"answer": "x"}},
        ("POST", f"/api/v1/accountability/{ids['record_id']}/close"): {"json": {"note": "x"}},
        ("GET", f"/api/v1/supervision-photos/{ids['supervision_photo_id']}"): {},
        ("POST", f"/api/v1/supervision-visits/{ids['supervision_id']}/photos"): {
            "data": {"file": (io.BytesIO(jpeg()), "p.jpg"), "client_uuid": new_uuid()},
            "content_type": "multipart/form-data"},
        ("GET", f"/api/v1/cases/{ids['case_id']}"): {},
        ("POST", f"/api/v1/cases/{ids['case_id']}/events"): {
            "json": {"type": "reopen", "on": "2026-11-24", "client_uuid": new_uuid()}},
        ("GET", f"/api/v1/enterprises/{ids['enterprise_id']}"): {},
        ("PATCH", f"/api/v1/enterprises/{ids['enterprise_id']}"): {"json": {"address": "被改"}},
        ("GET", f"/api/v1/visits/{ids['visit_id']}"): {},
        ("GET", f"/api/v1/photos/{ids['photo_id']}"): {},
    }
    answers = {k: client.open(k[1], method=k[0], headers=h, **v) for k, v in attacks.items()}
    assert {k: r.status_code for k, r in answers.items()} == {k: 404 for k in attacks}
    assert all(r.get_json()["error"]["code"] == "not_found" for r in answers.values()
               if r.is_json)
    # Lists: asking for the east branch is refused; his own lists hold only the west's.
    for path in ("/api/v1/tasks?branch=east", "/api/v1/accountability?branch=east",
                 "/api/v1/supervision-visits?branch=east", "/api/v1/units?branch=east",
                 "/api/v1/scoreboard?branch=east", "/api/v1/supervision/overdue?branch=east",
                 # The enforcement lists too: once they answered the west's own list, silently.
                 "/api/v1/lists/overdue?branch=east", "/api/v1/lists/weekly?branch=east",
                 "/api/v1/lists/overdue?format=csv&branch=east"):
        refused = client.get(path, headers=h)
        assert refused.status_code == 403, path
        assert refused.get_json()["error"]["fields"] == {"branch": "not your branch"}, path
    tasks = client.get("/api/v1/tasks", headers=h).get_json()["items"]
    assert [t["title"] for t in tasks] == ["古城镇铸造厂关停"]
    records = client.get("/api/v1/accountability", headers=h).get_json()["items"]
    assert [r["ground"] for r in records] == ["slow_action"]  # 古城镇's record only
    assert client.get("/api/v1/supervision-visits", headers=h).get_json()["items"] == []
    units = {u["code"] for u in client.get("/api/v1/units", headers=h).get_json()["items"]}
    assert units == {"gucheng-gov", "power"}  # his township's and the city-wide power company
    # Writes naming the east's unit, task or case: field errors, nothing written.
    made = client.post("/api/v1/tasks", headers=h, json={
        "title": "越权任务", "host_unit_id": ids["unit_id"], "deadline": "2026-12-31"})
    recorded = client.post("/api/v1/accountability", headers=h, json={
        "task_id": ids["task_id"], "decision": "interview", "respond_by": "2026-12-31"})
    visited = client.post("/api/v1/supervision-visits", headers=h, json={
        "unit_id": ids["unit_id"], "findings": "越权督查"})
    # The power company is city-wide (every branch may visit it), but the east's task it helps
    # with (as co-unit) is not the west's to find undelivered.
    power = db.session.scalar(select(Task).where(Task.id == ids["task_id"])).co_units[0].id
    via_power = client.post("/api/v1/supervision-visits", headers=h, json={
        "unit_id": power, "findings": "越权督查", "undelivered_task_ids": [ids["task_id"]]})
    assert via_power.status_code == 422 and via_power.get_json()["error"]["fields"] == {
        "undelivered_task_ids": f"no such task: {ids['task_id']}"}
    served = client.post("/api/v1/cases", headers=h, json={
        "enterprise_id": ids["enterprise_id"], "action": "rectify", "served_on": "2026-11-20",
        "violation": "未批先建", "legal_basis": "《环境影响评价法》第三十一条", "rectify_days": 30})
    assert made.status_code == 422 and made.get_json()["error"]["fields"] == {
        "host_unit_id": "no such unit"}
    assert recorded.status_code == 422 and recorded.get_json()["error"]["fields"]["task_id"] == \
        "no such task"
    assert visited.status_code == 422 and visited.get_json()["error"]["fields"] == {
        "unit_id": "no such unit"}
    visit = client.post("/api/v1/visits", headers=h, json={
        "client_uuid": new_uuid(), "enterprise_id": ids["enterprise_id"],
        "visited_at": "2026-11-24T10:00:00+08:00", "purpose": "routine", "findings": "越界",
        "inspectors": ["rev_west", "wangfang"]})
    assert visit.status_code == 422 and visit.get_json()["error"]["fields"] == {
        "enterprise_id": "no such enterprise"}
    # A record against the city-wide power company, tied to nothing of the west's, would be
    # the west's to write and nobody's to read: refused, naming what to add.
    loose = client.post("/api/v1/accountability", headers=h, json={
        "unit_id": power, "ground": "inaction", "decision": "interview",
        "respond_by": "2026-12-31"})
    assert loose.status_code == 422 and loose.get_json()["error"]["fields"] == {
        "task_id": "name the task or case in your branch"}
    # Serving at another branch's firm: refused like an inspector outside his township.
    assert served.status_code == 403 and served.get_json()["error"]["code"] == "outside_township"
    assert _state(city) == before


def test_the_branch_sees_its_own_and_the_city_sees_all(app, client, branched, api_token):
    city = branched
    ids = city.ids
    west = api_token(city.users["west"])
    east = api_token(city.users["east"])
    desk = api_token(city.users["reviewer"])  # city staff: no branch
    other = db.session.scalar(select(Task.id).where(Task.title == "古城镇铸造厂关停"))
    assert client.get(f"/api/v1/tasks/{other}", headers=west).status_code == 200
    assert client.get(f"/api/v1/tasks/{other}", headers=east).status_code == 404
    for h in (east, desk):
        assert client.get(f"/api/v1/tasks/{ids['task_id']}", headers=h).status_code == 200
        assert client.get(f"/api/v1/cases/{ids['case_id']}", headers=h).status_code == 200
        assert client.get(f"/api/v1/accountability/{ids['record_id']}", headers=h).status_code == 200
    titles = {t["title"] for t in client.get("/api/v1/tasks", headers=desk).get_json()["items"]}
    assert titles == {"清理燕郊镇全部小塑料", "燕郊镇小塑料断电", "古城镇铸造厂关停"}
    east_only = client.get("/api/v1/tasks?branch=east", headers=desk).get_json()["items"]
    assert {t["title"] for t in east_only} == {"清理燕郊镇全部小塑料", "燕郊镇小塑料断电"}
    # The east's own reviewer delivers the east's task.
    done = client.post(f"/api/v1/tasks/{ids['task_id']}/delivery", headers=east,
                       json={"done_on": "2026-11-24", "report": "已清理"})
    assert done.status_code == 200


def test_a_west_inspector_opens_no_east_case_or_enterprise(app, client, branched, api_token):
    city = branched
    ids = city.ids
    h = api_token(city.users["inspector_off"])  # wangfang, of 古城镇, now in the west branch
    assert client.get(f"/api/v1/cases/{ids['case_id']}", headers=h).status_code == 404
    assert client.get(f"/api/v1/enterprises/{ids['enterprise_id']}", headers=h).status_code == 404
    page = app.test_client()
    login(page, "wangfang")
    assert page.get(f"/cases/{ids['case_id']}").status_code == 404
    assert page.get(f"/m/cases/{ids['case_id']}/execute").status_code == 404
    assert page.get(f"/m/visits/by-uuid/{ids['client_uuid']}").status_code == 404
    # The east's inspector, placed in no branch, still opens his township's case as before.
    on = api_token(city.users["inspector_on"])
    assert client.get(f"/api/v1/cases/{ids['case_id']}", headers=on).status_code == 200


def test_a_unit_officer_outside_his_unit_is_refused_on_the_pages_too(app, branched):
    city = branched
    gc = app.test_client()
    login(gc, "unit_gc")
    before = _state(city)
    ids = city.ids
    assert gc.get(f"/oversight/tasks/{ids['task_id']}").status_code == 404
    assert gc.post(f"/oversight/tasks/{ids['task_id']}/deliver",
                   data={"done_on": "2026-11-24", "report": "冒名"}).status_code == 404
    assert gc.get(f"/oversight/accountability/{ids['record_id']}").status_code == 404
    assert gc.post(f"/oversight/accountability/{ids['record_id']}/answer",
                   data={"answer": "冒名"}).status_code == 404
    assert gc.get(f"/oversight/units/{ids['unit_id']}").status_code == 403
    assert _state(city) == before


# ---------------------------------------------------------------- lists, map and search

def _gucheng_firm(make_enterprise, make_case):
    firm = make_enterprise(name="古城镇某铸造厂", lat=39.961, lon=116.831, township="gucheng")
    make_case(action="rectify", served_on=date(2026, 11, 2), enterprise=firm)
    return firm


def test_the_case_list_map_and_search_show_a_branch_its_townships_and_the_city_all(
        app, client, branched, api_token, make_enterprise, make_case):
    city = branched
    firm = _gucheng_firm(make_enterprise, make_case)
    east_firm = city["enterprise_id"]
    pages = {}
    for who in ("rev_west", "rev_east", "reviewer"):
        pages[who] = app.test_client()
        login(pages[who], who)

    def case_ids(who, query=""):
        html = pages[who].get(f"/cases?status=all{query}").get_data(as_text=True)
        return set(int(i) for i in re.findall(r'href="/cases/(\d+)"', html))

    def map_ids(who, query=""):
        body = pages[who].get(f"/desk/map/points.json?bbox=116.7,39.9,116.9,40.0&zoom=14{query}")
        assert body.status_code == 200, body.get_data(as_text=True)[:3000]
        return {f["properties"]["id"] for f in body.get_json()["features"]}

    def search_ids(user, query=""):
        body = client.get(f"/api/v1/enterprises?bbox=116.7,39.9,116.9,40.0{query}",
                          headers=api_token(city.users[user]))
        return {f["id"] for f in body.get_json()["features"]}

    def list_names(who, query=""):
        return pages[who].get(f"/enterprises?q=厂{query}").get_data(as_text=True)

    east_cases = set(db.session.scalars(select(Case.id).where(Case.enterprise_id == east_firm)))
    west_cases = set(db.session.scalars(select(Case.id).where(Case.enterprise_id == firm.id)))
    assert case_ids("rev_west") == west_cases
    assert case_ids("rev_west", "&branch=east") == west_cases  # his own, whatever he asks
    assert case_ids("rev_east") == east_cases
    assert case_ids("reviewer") == east_cases | west_cases
    assert case_ids("reviewer", "&branch=west") == west_cases
    # The city's roll-up: each branch's count of the same filter.
    html = pages["reviewer"].get("/cases?status=all").get_data(as_text=True)
    assert re.search(r"东区分局</a> <span class=\"badge outline\">%d<" % len(east_cases), html)
    assert re.search(r"西区分局</a> <span class=\"badge outline\">%d<" % len(west_cases), html)
    assert "branch-rollup" not in pages["rev_west"].get("/cases").get_data(as_text=True)
    # The desk map's data and the API's search.
    assert map_ids("rev_west") == {firm.id}
    assert map_ids("rev_west", "&branch=east") == {firm.id}
    assert map_ids("reviewer") == {firm.id, east_firm}
    assert map_ids("reviewer", "&branch=east") == {east_firm}
    assert search_ids("west") == {firm.id}
    assert search_ids("reviewer") == {firm.id, east_firm}
    assert search_ids("reviewer", "&branch=west") == {firm.id}
    refused = client.get("/api/v1/enterprises?branch=east", headers=api_token(city.users["west"]))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["fields"] == {"branch": "not your branch"}
    unknown = client.get("/api/v1/enterprises?branch=nowhere", headers=api_token(city.users["reviewer"]))
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"] == {
        "branch": "no such branch"}
    # The enterprise pages' search.
    assert "古城镇某铸造厂" in list_names("rev_west")
    assert "三河市某塑料加工厂" not in list_names("rev_west")
    assert "三河市某塑料加工厂" in list_names("reviewer")
    assert "古城镇某铸造厂" not in list_names("reviewer", "&branch=east")


def test_the_phones_search_and_near_me_show_a_branch_its_townships(
        app, branched, make_enterprise, make_case):
    firm = _gucheng_firm(make_enterprise, make_case)
    west = app.test_client()
    login(west, "wangfang")  # the 古城镇 inspector, in the west branch
    near = west.get("/m/find/near.json?lat=39.96&lon=116.83&radius_m=5000").get_json()["items"]
    assert [i["id"] for i in near] == [firm.id]
    found = west.get("/m/find?q=厂").get_data(as_text=True)
    assert "古城镇某铸造厂" in found and "三河市某塑料加工厂" not in found
    east = app.test_client()
    login(east, "zhangwei")  # the 燕郊镇 inspector, placed in no branch: sees all as before
    near = east.get("/m/find/near.json?lat=39.96&lon=116.83&radius_m=5000").get_json()["items"]
    assert {i["id"] for i in near} == {firm.id, branched["enterprise_id"]}


def test_ids_in_the_query_string_or_a_form_are_scoped_too(app, branched, make_enterprise,
                                                          make_case):
    city = branched
    own = _gucheng_firm(make_enterprise, make_case).id
    west = app.test_client()
    login(west, "wangfang")
    assert west.get(f"/m/serve?enterprise_id={city['enterprise_id']}").status_code == 404
    assert west.get(f"/m/serve?visit={city['visit_id']}").status_code == 404
    assert west.get(f"/m/enterprises/{own}/visit").status_code == 200
    # an east case's follow-up, named on the visit form of his own firm
    east_case = make_case(action="rectify", served_on=date(2026, 11, 2),
                          enterprise=db.session.get(Enterprise, city["enterprise_id"]))
    followup = db.session.scalar(select(FollowUp.id).where(FollowUp.case_id == east_case.id))
    assert followup
    assert west.get(f"/m/enterprises/{own}/visit?followup={followup}").status_code == 404
    east = app.test_client()
    login(east, "zhangwei")  # in no branch: as before
    assert east.get(f"/m/serve?enterprise_id={city['enterprise_id']}").status_code == 200


def test_the_follow_up_list_shows_a_branch_its_townships(client, branched, api_token,
                                                          make_enterprise, make_case):
    city = branched
    _gucheng_firm(make_enterprise, make_case)
    make_case(action="rectify", served_on=date(2026, 11, 2),
              enterprise=db.session.get(Enterprise, city["enterprise_id"]))

    def towns(user):
        body = client.get("/api/v1/followups?as_of=2026-11-25",
                          headers=api_token(city.users[user])).get_json()
        return {i["enterprise"]["township"] for i in body["items"]}

    assert towns("west") == {"gucheng"}
    assert towns("east") == {"yanjiao"}
    assert towns("reviewer") == {"gucheng", "yanjiao"}


def test_a_complaint_given_by_address_or_pin_alone_reaches_the_branch_of_its_township(
        app, client, branched, api_token):
    """A complaint phoned in with only an address (or pinned on the map) once had no township,
    so only the city saw it: the west's reviewer could not find the complaint about his own
    古城镇. Now the township comes from the firm, else the township boundary around the pin,
    else a township named in the address."""
    import json

    from enforcement.models import Complaint, Township
    from enforcement.services.core.actor import Actor
    from enforcement.services.core.scope import allowed_township_ids
    from enforcement.services.desk import complaint_desk

    gucheng = db.session.scalar(select(Township).where(Township.code == "gucheng"))
    yanjiao = db.session.scalar(select(Township).where(Township.code == "yanjiao"))
    # 古城镇's boundary: a square around (39.90, 116.70).
    gucheng.boundary = json.dumps({"type": "Polygon", "coordinates": [[
        [116.68, 39.88], [116.72, 39.88], [116.72, 39.92], [116.68, 39.92], [116.68, 39.88]]]})
    db.session.commit()
    # The city's hotline desk (no branch) takes the calls.
    h = api_token(branched.users["reviewer"])
    by_address = client.post("/api/v1/complaints", headers=h, json={
        "client_uuid": new_uuid(), "channel": "hotline", "category": "odour",
        "text": "古城村西头塑料厂夜间异味", "address": "三河市古城镇古城村西头"})
    by_pin = client.post("/api/v1/complaints", headers=h, json={
        "client_uuid": new_uuid(), "channel": "hotline", "category": "odour",
        "text": "河边有黑水", "lat": 39.90, "lon": 116.70})
    nowhere = client.post("/api/v1/complaints", headers=h, json={
        "client_uuid": new_uuid(), "channel": "hotline", "category": "odour",
        "text": "不知在哪个镇", "address": "某工业园区"})
    assert (by_address.status_code, by_pin.status_code, nowhere.status_code) == (201, 201, 201)
    placed = {c.text: c.township_id for c in db.session.scalars(select(Complaint))}
    assert placed["古城村西头塑料厂夜间异味"] == gucheng.id
    assert placed["河边有黑水"] == gucheng.id
    assert placed["不知在哪个镇"] is None  # the city's, as before
    assert yanjiao.id not in placed.values()
    west = branched.users["west"]
    seen = {c.text for c in complaint_desk.listing(
        townships_within=allowed_township_ids(Actor.of(west)))}
    assert seen == {"古城村西头塑料厂夜间异味", "河边有黑水"}
