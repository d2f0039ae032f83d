"""Branches (分局, issue 20): the complaints desk (信访投诉) and the conflict queue, attacked by
the reviewer of another branch. Written as attacks first: before the fix the west reviewer
listed, counted and assigned the east's complaints, and saw, accepted and discarded the east's
conflicts (services/desk/complaint_desk.py and conflicts.py took no branch).

燕郊镇 (yanjiao) is the east branch's, 古城镇 (gucheng) the west's; the case and its conflict,
kept by ``build_city``, are in 燕郊镇."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from security_city import build_city, login, place_in_branches
from enforcement.extensions import db
from enforcement.models import AuditEvent, Complaint, Conflict, Enterprise


@pytest.fixture
def branched(app, client, make_township, make_user, make_enterprise, make_case, api_token):
    city = build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    city.users.update(place_in_branches(make_user))
    app.config["WTF_CSRF_ENABLED"] = False
    return city


def _complaint(enterprise: Enterprise, text: str) -> Complaint:
    complaint = Complaint(channel="hotline", category="odour", text=text, address="某村",
                          enterprise_id=enterprise.id, township_id=enterprise.township_id,
                          received_at=datetime(2026, 11, 24, 2, tzinfo=timezone.utc),
                          received_on=date(2026, 11, 24), triage_by=date(2026, 11, 25),
                          answer_by=date(2026, 12, 15), status="new")
    db.session.add(complaint)
    db.session.commit()
    return complaint


def _state():
    db.session.expire_all()
    return (sorted((c.id, c.status, c.assignee_id) for c in db.session.scalars(select(Complaint))),
            sorted((c.id, c.resolution) for c in db.session.scalars(select(Conflict))),
            db.session.scalar(select(func.count()).select_from(AuditEvent)))


def test_a_west_reviewer_neither_sees_nor_acts_on_the_easts_complaints(
        app, branched, make_enterprise):
    city = branched
    east_firm = db.session.get(Enterprise, city["enterprise_id"])
    west_firm = make_enterprise(name="古城镇某铸造厂", lat=39.961, lon=116.831, township="gucheng")
    east = _complaint(east_firm, "燕郊镇夜间异味")
    west = _complaint(west_firm, "古城镇粉尘扰民")
    pages = {}
    for who in ("rev_west", "rev_east", "reviewer"):
        pages[who] = app.test_client()
        login(pages[who], who)
    before = _state()
    listed = pages["rev_west"].get("/desk/complaints").get_data(as_text=True)
    assert "古城镇粉尘扰民" in listed and "燕郊镇夜间异味" not in listed
    assert "夜间异味" not in listed  # the city's complaint of no township is not the west's either
    # the counts beside the filter are the branch's: one new complaint (the west's)
    assert "(1)</option>" in listed and "(3)</option>" not in listed
    assigned = pages["rev_west"].post(f"/desk/complaints/{east.id}/assign",
                                      data={"assignee": "wangfang"})
    assert assigned.status_code == 404
    assert _state() == before
    # The east's reviewer and the city see the east's; the city sees all three.
    assert "燕郊镇夜间异味" in pages["rev_east"].get("/desk/complaints").get_data(as_text=True)
    everything = pages["reviewer"].get("/desk/complaints").get_data(as_text=True)
    assert all(t in everything for t in ("燕郊镇夜间异味", "古城镇粉尘扰民", "夜间异味"))
    own = pages["rev_west"].post(f"/desk/complaints/{west.id}/assign", data={"assignee": "wangfang"})
    assert own.status_code == 302
    db.session.expire_all()
    assert db.session.get(Complaint, west.id).status == "triaged"


def test_a_west_reviewer_neither_sees_nor_decides_the_easts_conflicts(app, branched):
    city = branched
    conflict_id = city["conflict_id"]
    assert db.session.get(Conflict, conflict_id).case_id == city["case_id"]  # an east case
    pages = {}
    for who in ("rev_west", "rev_east", "reviewer"):
        pages[who] = app.test_client()
        login(pages[who], who)
    before = _state()
    queue = pages["rev_west"].get("/desk/conflicts").get_data(as_text=True)
    assert f'id="conflict-{conflict_id}"' not in queue
    assert f'id="conflict-{conflict_id}"' in pages["rev_east"].get("/desk/conflicts").get_data(
        as_text=True)
    assert f'id="conflict-{conflict_id}"' in pages["reviewer"].get("/desk/conflicts").get_data(
        as_text=True)
    accepted = pages["rev_west"].post(f"/desk/conflicts/{conflict_id}/accept", data={})
    discarded = pages["rev_west"].post(f"/desk/conflicts/{conflict_id}/discard",
                                       data={"d%d-reason" % conflict_id: "冒名处理"})
    assert (accepted.status_code, discarded.status_code) == (404, 404)
    assert _state() == before
    # the hub's count of open conflicts is the branch's
    from enforcement.services.desk import conflicts
    from enforcement.services.core.actor import Actor
    from enforcement.services.core import scope
    west = Actor.of(city.users["west"])
    assert conflicts.open_count(scope.allowed_township_ids(west)) == 0
    assert conflicts.open_count(None) >= 1
    # The east's own reviewer decides it.
    done = pages["rev_east"].post(f"/desk/conflicts/{conflict_id}/discard",
                                  data={"d%d-reason" % conflict_id: "重复提交"})
    assert done.status_code == 302


def test_a_west_officer_records_no_complaint_against_the_easts_firm_through_the_api(
        client, branched, api_token):
    city = branched
    west, east = api_token(city.users["west"]), api_token(city.users["east"])
    body = {"channel": "hotline", "category": "odour", "text": "异味",
            "enterprise_id": city["enterprise_id"], "client_uuid": "7f0c2a52-0d8e-4a57-9a77-3f3f2d1e6a01"}
    refused = client.post("/api/v1/complaints", headers=west, json=body)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"enterprise_id": "no such enterprise"}
    made = client.post("/api/v1/complaints", headers=east, json=body)
    assert made.status_code == 201 and made.get_json()["township"] == "yanjiao"
    # Replaying the east's key does not hand the east's complaint to the west.
    replay = client.post("/api/v1/complaints", headers=west,
                         json={**body, "enterprise_id": None, "address": "某村"})
    assert replay.status_code == 409 and "燕郊" not in replay.get_data(as_text=True)
    # His own complaint by address (of no township) he may replay as before.
    own = {"channel": "hotline", "category": "noise", "text": "噪声", "address": "古城镇某村",
           "client_uuid": "7f0c2a52-0d8e-4a57-9a77-3f3f2d1e6a02"}
    first = client.post("/api/v1/complaints", headers=west, json=own)
    again = client.post("/api/v1/complaints", headers=west, json=own)
    assert (first.status_code, again.status_code) == (201, 200)


def test_the_desk_dashboard_shows_a_branch_its_own_figures(app, branched, make_enterprise):
    """Before: the west reviewer's dashboard counted the east's cases, conflicts, complaints
    and inspectors' visits (desk.dashboard_page passed no branch)."""
    from enforcement.services.core import scope
    from enforcement.services.core.actor import Actor
    from enforcement.services.desk import dashboard
    city = branched
    _complaint(db.session.get(Enterprise, city["enterprise_id"]), "燕郊镇夜间异味")
    west = Actor.of(city.users["west"])
    within = scope.allowed_township_ids(west)
    as_of = date(2026, 11, 25)
    mine = dashboard.charts(as_of, "Asia/Shanghai", townships_within=within)
    everything = dashboard.charts(as_of, "Asia/Shanghai")
    assert mine["by_action_state"] == {} and everything["by_action_state"]
    assert mine["complaints_category"] == [] and everything["complaints_category"]
    assert {u for u, _, _ in mine["visits_week"]} == {"wangfang"}
    assert {"zhangwei", "liuyang"} <= {u for u, _, _ in everything["visits_week"]}
    summary = dashboard.bureau_summary(as_of, townships_within=within)
    assert (summary["open"], summary["conflicts"], summary["recent"]) == (0, 0, [])
    assert dashboard.bureau_summary(as_of)["conflicts"] >= 1
    page = app.test_client()
    login(page, "rev_west")
    html = page.get("/desk/dashboard").get_data(as_text=True)
    label = city.users["inspector_on"].label
    assert label not in html
    city_page = app.test_client()
    login(city_page, "reviewer")
    assert label in city_page.get("/desk/dashboard").get_data(as_text=True)


def test_the_lists_through_the_api_show_a_branch_its_own(client, branched, api_token):
    """Before: the lists' API took the branch from the page session only, so a west officer's
    bearer token listed and exported the east's cases."""
    city = branched
    west, desk = api_token(city.users["west"]), api_token(city.users["reviewer"])

    def case_ids(h, extra=""):
        body = client.get(f"/api/v1/lists/action/close?as_of=2026-11-25{extra}", headers=h)
        assert body.status_code == 200, body.get_data(as_text=True)[:500]
        return {i["case_id"] for i in body.get_json()["items"]}

    assert case_ids(desk) == {city["case_id"]}
    assert case_ids(west) == set()
    # Asking for another branch is refused, as every other list is (test_branch_scope.py).
    refused = client.get("/api/v1/lists/action/close?as_of=2026-11-25&branch=east", headers=west)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["fields"] == {"branch": "not your branch"}
    assert case_ids(desk, "&branch=west") == set()
    def download(h, path):
        got = client.get(path, headers=h, buffered=True)
        assert got.status_code == 200
        if "format=xlsx" in path:
            import io
            from openpyxl import load_workbook
            sheet = load_workbook(io.BytesIO(got.data)).active
            return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
        return got.data.decode("utf-8-sig")

    for fmt in ("csv", "xlsx"):
        path = f"/api/v1/lists/action/close?as_of=2026-11-25&format={fmt}"
        assert "燕郊镇" not in download(west, path) and "燕郊镇" in download(desk, path)
    assert "燕郊镇" not in download(west, "/api/v1/lists/monthly?month=2026-11&format=csv")


def test_a_branch_reviewers_daily_overdue_reminder_names_his_branchs_cases_only(app, branched):
    """Before: every reviewer's daily overdue notification listed the whole city's overdue
    cases by firm name, the west's reviewer's too (services/notify/reminders.collect)."""
    from enforcement.services.calendar.calendars import load_calendar
    from enforcement.services.notify import reminders
    city = branched
    as_of = date(2027, 6, 1)  # long after the east case's deadlines
    items = reminders.collect(as_of=as_of, last_as_of=None, since=None, calendar=load_calendar())
    lists = {i["user_id"]: i["params"] for i in items if i["kind"] == "overdue_list"}
    east_case = city["case_id"]
    assert [c["case_id"] for c in lists[city.users["east"].id]["top"]] == [east_case]
    assert east_case in [c["case_id"] for c in lists[city.users["reviewer"].id]["top"]]
    assert city.users["west"].id not in lists  # nothing overdue in his branch: no list


def test_a_west_reviewer_hands_no_work_to_the_easts_inspectors(app, branched, make_enterprise,
                                                              make_case):
    """Before: the complaint and follow-up assignee choices were every inspector of the city,
    and the west reviewer could hand his branch's complaint or follow-up to the east's."""
    from enforcement.models import FollowUp
    city = branched
    west_firm = make_enterprise(name="古城镇某铸造厂", lat=39.961, lon=116.831, township="gucheng")
    complaint = _complaint(west_firm, "古城镇粉尘扰民")
    case = make_case(action="rectify", served_on=date(2026, 11, 2), enterprise=west_firm)
    followup = db.session.scalar(select(FollowUp).where(FollowUp.case_id == case.id,
                                                        FollowUp.done_on.is_(None)))
    page = app.test_client()
    login(page, "rev_west")
    east_label = city.users["inspector_on"].label
    assert east_label not in page.get("/desk/complaints").get_data(as_text=True)
    assert 'value="zhangwei"' not in page.get(f"/cases/{case.id}").get_data(as_text=True)
    before = _state()
    page.post(f"/desk/complaints/{complaint.id}/assign", data={"assignee": "zhangwei"})
    moved = page.post(f"/cases/{case.id}/review/followups", data={f"followup-{followup.id}": "zhangwei"})
    assert moved.status_code == 422
    assert _state() == before
    db.session.expire_all()
    assert db.session.get(FollowUp, followup.id).assignee_id != city.users["inspector_on"].id
    # His own branch's inspector he may choose.
    assert page.post(f"/desk/complaints/{complaint.id}/assign",
                     data={"assignee": "wangfang"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).assignee_id == city.users["inspector_off"].id


def _options(html: str, name: str) -> list[str]:
    import re
    found = re.search(r'<select[^>]*name="%s"[^>]*>(.*?)</select>' % name, html, re.S)
    return [] if found is None else re.findall(r'<option value="([^"]*)"', found.group(1))


def test_the_desk_map_page_offers_the_city_a_branch_and_a_branch_its_townships(app, branched):
    pages = {}
    for who in ("rev_west", "reviewer"):
        pages[who] = app.test_client()
        login(pages[who], who)
    west = pages["rev_west"].get("/desk/map").get_data(as_text=True)
    assert _options(west, "township") == ["", "gucheng"]
    assert _options(west, "branch") == []  # his branch is fixed: no choice
    city = pages["reviewer"].get("/desk/map").get_data(as_text=True)
    assert _options(city, "branch") == ["", "east", "west"]
    assert set(_options(city, "township")) >= {"", "gucheng", "yanjiao"}
    east = pages["reviewer"].get("/desk/map?branch=east").get_data(as_text=True)
    assert _options(east, "township") == ["", "yanjiao"]
    assert 'value="east" selected' in east


def test_without_branches_the_desk_map_offers_no_branch(app, client, make_township, make_user,
                                                        make_enterprise, make_case, api_token):
    build_city(client, make_township, make_user, make_enterprise, make_case, api_token)
    page = app.test_client()
    login(page, "reviewer")
    html = page.get("/desk/map").get_data(as_text=True)
    assert _options(html, "branch") == [] and {"gucheng", "yanjiao"} <= set(_options(html, "township"))
    assert "branch-rollup" not in page.get("/enterprises").get_data(as_text=True)


def test_the_enterprise_list_shows_the_city_each_branchs_count(app, branched, make_enterprise):
    import re
    make_enterprise(name="古城镇某铸造厂", lat=39.961, lon=116.831, township="gucheng")
    make_enterprise(name="古城镇某砖厂", lat=39.962, lon=116.832, township="gucheng")
    pages = {}
    for who in ("rev_west", "reviewer"):
        pages[who] = app.test_client()
        login(pages[who], who)
    html = pages["reviewer"].get("/enterprises").get_data(as_text=True)
    assert re.search(r'branch=east">东区分局</a> <span class="badge outline">1<', html)
    assert re.search(r'branch=west">西区分局</a> <span class="badge outline">2<', html)
    searched = pages["reviewer"].get("/enterprises?q=砖").get_data(as_text=True)
    assert re.search(r"东区分局</a> <span class=\"badge outline\">0<", searched)
    assert re.search(r"西区分局</a> <span class=\"badge outline\">1<", searched)
    assert "branch-rollup" not in pages["rev_west"].get("/enterprises").get_data(as_text=True)
    assert "branch-rollup" not in pages["reviewer"].get("/enterprises?branch=east").get_data(
        as_text=True)


def test_a_west_reviewer_declares_and_removes_quiet_days_of_his_townships_only(app, branched):
    """Before: the west reviewer declared a quiet day for the east's township or the whole
    bureau, and removed the bureau-wide day (``build_city`` declares one) by its id."""
    from enforcement.models import QuietDay
    city = branched
    page = app.test_client()
    login(page, "rev_west")
    form = page.get("/desk/quiet-days").get_data(as_text=True)
    assert _options(form, "township") == ["gucheng"]
    assert "/delete" not in form  # the bureau-wide day is shown, but not his to remove
    before = _state(), db.session.scalar(select(func.count()).select_from(QuietDay))
    east = page.post("/desk/quiet-days", data={"on": "2026-12-20", "township": "yanjiao",
                                               "reason": "越权宁静日"})
    bureau = page.post("/desk/quiet-days", data={"on": "2026-12-20", "township": "",
                                                 "reason": "越权宁静日"})
    removed = page.post(f"/desk/quiet-days/{city['quiet_day_id']}/delete")
    assert (east.status_code, bureau.status_code, removed.status_code) == (422, 422, 404)
    assert (_state(), db.session.scalar(select(func.count()).select_from(QuietDay))) == before
    own = page.post("/desk/quiet-days", data={"on": "2026-12-20", "township": "gucheng",
                                              "reason": "古城镇宁静日"})
    assert own.status_code == 302
    city_page = app.test_client()
    login(city_page, "reviewer")
    assert _options(city_page.get("/desk/quiet-days").get_data(as_text=True), "township")[0] == ""


def test_a_west_reviewer_neither_opens_the_citys_draw_nor_draws_outside_his_branch(
        app, branched):
    """Before: the west reviewer opened and downloaded the city-wide 双随机 draw (every branch's
    firms by name) by its id, saw it listed, and drew among the east's township or the city."""
    from enforcement.models import Draw
    city = branched
    page = app.test_client()
    login(page, "rev_west")
    draw_id = city["draw_id"]
    assert page.get(f"/desk/draws/{draw_id}").status_code == 404
    assert page.get(f"/desk/draws/{draw_id}.csv").status_code == 404
    listed = page.get("/desk/draws").get_data(as_text=True)
    assert f"/desk/draws/{draw_id}\"" not in listed
    assert _options(listed, "township") == ["gucheng"]
    count = db.session.scalar(select(func.count()).select_from(Draw))
    base = {"period": "2026-Q4", "seed": "现场抽签", "quota_A": 1, "quota_B": 1, "quota_C": 1}
    for town in ("yanjiao", ""):
        assert page.post("/desk/draws", data={**base, "township": town}).status_code == 422
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Draw)) == count
    # His own township is his to draw in (the refusal there is the quotas', not the township's).
    own = page.post("/desk/draws", data={**base, "township": "gucheng"}).get_data(as_text=True)
    assert "<select id=\"township\" name=\"township\"><option selected value=\"gucheng\">" in own
    assert own.count("field has-error") == 1  # the quotas' (no firm of his to draw)
    city_page = app.test_client()
    login(city_page, "reviewer")
    assert city_page.get(f"/desk/draws/{draw_id}").status_code == 200
