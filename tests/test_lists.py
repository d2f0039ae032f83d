"""Enforcement lists and their exports, as the bureau uses them: who is overdue on a given day,
what falls due, Monday's dispatch, the monthly summary, and the public disclosure list."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from support_app import apply_events
from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.models import AuditEvent, Case
from enforcement.services.casework import cases
from enforcement.services.lists import lists

SERVED = date(2026, 10, 26)
RECTIFY_BY = date(2026, 11, 25)  # served + 30 calendar days


@pytest.fixture
def city(app, make_township, make_enterprise, make_case, make_user, writing):
    """A small city with cases in every stage that matters to a list."""
    town = make_township()
    make_township(code="juyang", name="泃阳镇", name_en="Juyang")
    db.session.commit()
    insp = make_user("insp1", "inspector", township_code=town.code)
    make_user("reviewer", "reviewer")

    def ent(name, **kw):
        return make_enterprise(name=name, township=town.code, **kw)

    c = {}
    c["rectify_ordered"] = make_case(action="rectify", served_on=SERVED, rectify_days=30,
                                     enterprise=ent("三河市甲塑料厂"), assignee_id=insp.id)
    c["rectify_reported"] = apply_events(make_case(action="rectify", served_on=SERVED, rectify_days=30,
                                             enterprise=ent("三河市乙铸造厂")),
                                   {"type": "report_rectified", "on": "2026-11-10"})
    c["rectify_old"] = make_case(action="rectify", served_on=date(2026, 9, 1), rectify_days=15,
                                 enterprise=ent("三河市丙石材厂"))
    c["close_ordered"] = make_case(action="close", served_on=date(2026, 11, 2),
                                   enterprise=ent("三河市丁炼油点"))
    c["stop_ordered"] = make_case(action="stop", served_on=date(2026, 10, 1),
                                  enterprise=ent("三河市戊电镀厂"))
    c["fine_filed"] = make_case(action="fine", served_on=date(2026, 11, 20), amount_fen=2_000_000,
                                enterprise=ent("三河市己化工厂"))
    c["fine_decided"] = apply_events(
        make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=5_000_000,
                  enterprise=ent("张三五金加工部", contact_name="张三", contact_phone="13900001111")),
        {"type": "notify", "on": "2026-09-03"},
        {"type": "decide", "on": "2026-09-16", "amount_fen": 5_000_000})
    c["control_active"] = make_case(action="control", served_on=date(2026, 6, 1),
                                    enterprise=ent("三河市庚热电厂"))
    c["fine_closed"] = apply_events(make_case(action="fine", served_on=date(2026, 8, 1), amount_fen=100_000,
                                        enterprise=ent("三河市辛家具厂")),
                              {"type": "notify", "on": "2026-08-03"},
                              {"type": "decide", "on": "2026-08-17", "amount_fen": 100_000},
                              {"type": "pay", "on": "2026-08-20", "amount_fen": 100_000},
                              {"type": "close", "on": "2026-08-21"})
    other = make_enterprise(name="泃阳某印刷厂", township="juyang")
    c["other_town"] = make_case(action="rectify", served_on=SERVED, rectify_days=30, enterprise=other)
    return c


def _engine_overdue(as_of):
    out = {}
    for case in db.session.scalars(select(Case)):
        snap = cases.snapshot_of(case)
        info = wf.state_info(case.action, case.state)
        if not info.terminal and wf.is_overdue(snap, as_of):
            d = wf.current_deadline(snap, as_of)
            out[case.id] = (d.name, d.due_on.isoformat(), wf.days_overdue(d, as_of))
    return out


@pytest.mark.parametrize("offset", [-1, 0, 1, 40])
def test_the_overdue_list_is_what_the_engine_calls_overdue_before_on_and_after_a_deadline(city, offset):
    as_of = RECTIFY_BY + timedelta(days=offset)
    items = lists.page("overdue", lists.Filters(as_of), limit=1000)["items"]
    got = {r["case_id"]: (r["deadline"], r["due_on"], r["days_overdue"]) for r in items}
    assert got == _engine_overdue(as_of)
    ordered = city["rectify_ordered"].id
    # The deadline day itself is not overdue; the day after is, by one day.
    assert (ordered in got) == (offset > 0)
    if offset > 0:
        assert got[ordered] == ("rectify_by", RECTIFY_BY.isoformat(), offset)
    assert city["fine_closed"].id not in got
    assert all(r["display_state"] == "overdue" for r in items)


def test_the_overdue_list_in_the_past_does_not_show_what_was_not_due_yet(city):
    items = lists.page("overdue", lists.Filters(date(2026, 9, 10)), limit=1000)["items"]
    got = {r["case_id"]: (r["deadline"], r["due_on"]) for r in items}
    # Only the 查封扣押 whose monitoring report was due 2026-07-15; not the rectify order due
    # 2026-09-16, nor anything served after 2026-09-10.
    assert got == {city["control_active"].id: ("monitoring_report_by", "2026-07-15")}
    assert city["rectify_old"].id not in got  # due 2026-09-16


def test_a_decided_unpaid_fine_is_overdue_with_its_surcharge_to_the_day(city):
    fine = city["fine_decided"]
    as_of = date(2026, 10, 11)
    row = next(r for r in lists.page("overdue", lists.Filters(as_of))["items"]
               if r["case_id"] == fine.id)
    pay_by = next(d for d in fine.deadlines if d.name == "pay_by")
    assert row["deadline"] == "pay_by" and row["due_on"] == pay_by.due_on.isoformat()
    expected = wf.surcharge_fen(cases.snapshot_of(fine), as_of, rules=cases.rules())
    assert row["surcharge_fen"] == expected > 0
    assert row["surcharge_fen"] == 5_000_000 * 3 // 100 * (as_of - pay_by.due_on).days


def test_due_within_n_days_and_filters(city):
    as_of = RECTIFY_BY - timedelta(days=3)
    items = lists.page("due", lists.Filters(as_of, within=3), limit=1000)["items"]
    ids = {r["case_id"] for r in items}
    assert {city["rectify_ordered"].id, city["rectify_reported"].id, city["other_town"].id} <= ids
    assert all(as_of.isoformat() <= r["due_on"] <= RECTIFY_BY.isoformat() for r in items)
    assert not lists.page("due", lists.Filters(as_of, within=2), limit=1000)["items"] or \
        RECTIFY_BY.isoformat() not in {r["due_on"] for r in
                                       lists.page("due", lists.Filters(as_of, within=2))["items"]}
    town = lists.page("due", lists.Filters(as_of, within=3, township="juyang"))["items"]
    assert [r["case_id"] for r in town] == [city["other_town"].id]
    mine = lists.page("due", lists.Filters(as_of, within=3, inspector="insp1"))["items"]
    assert [r["case_id"] for r in mine] == [city["rectify_ordered"].id]


def test_per_action_lists_hold_open_cases_only_and_page_with_a_cursor(city):
    items = lists.page("action/rectify", lists.Filters(RECTIFY_BY), limit=1000)["items"]
    assert {r["case_id"] for r in items} == {city[k].id for k in (
        "rectify_ordered", "rectify_reported", "rectify_old", "other_town")}
    first = lists.page("action/rectify", lists.Filters(RECTIFY_BY), limit=3)
    second = lists.page("action/rectify", lists.Filters(RECTIFY_BY), limit=3,
                        cursor=first["next_cursor"])
    assert first["next_cursor"] and second["next_cursor"] is None
    assert [r["case_id"] for r in first["items"] + second["items"]] == [r["case_id"] for r in items]


def test_followups_per_inspector(city):
    f = lists.Filters(date(2026, 11, 1), within=60)
    items = lists.page("followups", f, limit=1000)["items"]
    assert items and all(r["followup_id"] and r["deadline_status"] in ("planned", "missed") for r in items)
    stop = city["stop_ordered"]
    assert any(r["case_id"] == stop.id and r["unannounced"] for r in items)
    mine = lists.page("followups", lists.Filters(f.as_of, within=60, inspector="insp1"))["items"]
    assert mine and {r["assignee"] for r in mine} == {"insp1"}


def test_weekly_dispatch_has_its_four_sections(city):
    body = lists.weekly(lists.Filters(date(2026, 11, 26)))  # a Thursday: the week of Mon 23 Nov
    assert body["week_start"] == "2026-11-23" and body["week_end"] == "2026-11-29"
    s = body["sections"]
    assert city["fine_filed"].id in {r["case_id"] for r in s["new"]}  # served Fri 20 Nov
    assert city["rectify_ordered"].id in {r["case_id"] for r in s["due"]}  # due Wed 25 Nov
    assert city["rectify_old"].id in {r["case_id"] for r in s["overdue"]}
    assert city["rectify_ordered"].id not in {r["case_id"] for r in s["overdue"]}  # not yet on Monday


def test_monthly_summary_per_township(city):
    body = lists.monthly(lists.Filters(date(2026, 11, 25), month="2026-09"))
    town = next(r for r in body["items"] if r["township"] == "yanjiao")
    assert town["fines_decided"] == 1 and town["fines_decided_fen"] == 5_000_000
    assert town["cases"]["fine"] == {"decided": 1} and town["cases"]["rectify"] == {"ordered": 1}
    nov = lists.monthly(lists.Filters(date(2026, 11, 25)))
    assert nov["month"] == "2026-11"
    assert next(r for r in nov["items"] if r["township"] == "yanjiao")["cases"]["close"] == {"ordered": 1}


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel and WPS need the BOM to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", ["overdue", "weekly", "followups"])
def test_csv_and_xlsx_have_the_same_rows_as_json_and_each_download_is_audited(city, client, auth, name):
    auth.login("reviewer")
    as_of = "2026-11-30"
    items = client.get(f"/api/v1/lists/{name}?as_of={as_of}&within=30&limit=1000").get_json()["items"]
    assert items
    key = "followup_id" if name == "followups" else "case_id"
    exports = select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "list.export")
    before = db.session.scalar(exports)
    db.session.rollback()  # the test's own read must not hold SQLite's write lock

    rows = _read_csv(client.get(f"/api/v1/lists/{name}?as_of={as_of}&within=30&format=csv", buffered=True).data)
    header, body = rows[0], rows[1:]
    assert "企业名称" in header and "到期日" in header
    names = [r[header.index("企业名称")] for r in body]
    assert names == [i["enterprise_name"] for i in items]
    assert [r[header.index("到期日")] for r in body] == [i["due_on"] or "" for i in items]

    response = client.get(f"/api/v1/lists/{name}?as_of={as_of}&within=30&format=xlsx", buffered=True)
    ws = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    sheet = list(ws.iter_rows(values_only=True))
    head = list(sheet[0])
    assert [r[head.index("企业名称")] for r in sheet[1:]] == names
    due = [r[head.index("到期日")] for r in sheet[1:]]
    assert [d.date().isoformat() if d else "" for d in due] == [i["due_on"] or "" for i in items]
    if key == "case_id":  # the follow-up list has no case number column
        assert [r[head.index("案件编号")] for r in sheet[1:]] == [i["case_id"] for i in items]

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "list.export")
                                .order_by(AuditEvent.id)).all()
    assert len(events) == before + 2
    csv_event, xlsx_event = events[-2], events[-1]
    assert csv_event.actor == "reviewer" and csv_event.object_id == name
    assert csv_event.after["format"] == "csv" and xlsx_event.after["format"] == "xlsx"
    assert csv_event.after["rows"] == xlsx_event.after["rows"] == len(items)
    assert csv_event.after["filters"]["as_of"] == as_of


def test_money_is_yuan_with_two_decimals_and_dates_are_dates_in_xlsx(city, client, auth):
    auth.login("reviewer")
    data = client.get("/api/v1/lists/action/fine?format=xlsx&as_of=2026-10-11", buffered=True).data
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.active
    assert ws.freeze_panes == "A2"
    head = [c.value for c in ws[1]]
    rows = {ws.cell(row=i, column=1).value: i for i in range(2, ws.max_row + 1)}
    cell = ws.cell(row=rows[city["fine_decided"].id], column=head.index("加处罚款（元）") + 1)
    # Counted by hand: decided 2026-09-16, 15 days to pay end 10-01, a holiday, so pay_by rolls
    # to 10-08 (the first working day); 10-09, 10-10 and 10-11 are late: 3 × 3% × 50,000 yuan.
    assert cell.number_format == "#,##0.00" and cell.value == 4500
    assert ws.column_dimensions["B"].width >= 20


def test_geojson_puts_rows_at_the_enterprise(city, client, auth):
    auth.login("reviewer")
    doc = json.loads(client.get("/api/v1/lists/overdue?format=geojson&as_of=2026-12-31", buffered=True).data)
    assert doc["type"] == "FeatureCollection" and doc["features"]
    f = doc["features"][0]
    assert f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2
    assert f["properties"]["case_id"] and "lat" not in f["properties"]


def test_the_disclosure_list_never_shows_a_person(city, client):
    fine = city["fine_decided"]
    for path in ("/api/v1/lists/disclosure", "/api/v1/lists/disclosure?format=csv",
                 "/public/disclosure"):
        response = client.get(path, buffered=True)  # streamed: read inside its request
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        if response.is_json:
            text = json.dumps(response.get_json(), ensure_ascii=False)
        assert "13900001111" not in text and "张三" not in text
        assert "张某五金加工部" in text  # the trade name, the owner's name masked
    items = client.get("/api/v1/lists/disclosure").get_json()["items"]
    row = next(r for r in items if r["case_id"] == fine.id)
    assert set(row) <= {"case_id", "enterprise_name", "credit_code", "township", "township_name",
                        "violation", "action", "decision_date", "amount_fen"}
    assert row["decision_date"] == "2026-09-16" and row["amount_fen"] == 5_000_000
    assert city["fine_filed"].id not in {r["case_id"] for r in items}  # not decided
    assert city["close_ordered"].id in {r["case_id"] for r in items}


def test_a_decided_fine_is_public_only_from_its_publish_date(city):
    fine = city["fine_decided"]
    publish_by = next(d for d in fine.deadlines if d.name == "publish_by").due_on
    ids = lambda day: {r["case_id"] for r in lists.page("disclosure", lists.Filters(day))["items"]}
    assert fine.id not in ids(publish_by - timedelta(days=1))
    assert fine.id in ids(publish_by)


def test_api_errors_and_auth(city, client, make_user, api_token):
    assert client.get("/api/v1/lists/overdue").status_code == 401
    assert client.get("/api/v1/lists/disclosure").status_code == 200
    headers = api_token(make_user("api1", "inspector"))
    assert client.get("/api/v1/lists/nonsense", headers=headers).status_code == 404
    bad = client.get("/api/v1/lists/overdue?as_of=2026-13-01", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"] == {"as_of": "expected YYYY-MM-DD"}
    assert client.get("/api/v1/lists/overdue?limit=5000", headers=headers).status_code == 422
    assert client.get("/api/v1/lists/overdue?format=pdf", headers=headers).status_code == 422
    assert client.get("/api/v1/lists/overdue?cursor=zzz", headers=headers).status_code == 422
    ok = client.get("/api/v1/lists/overdue?as_of=2026-12-31", headers=headers)
    assert ok.status_code == 200 and set(ok.get_json()) >= {"items", "next_cursor"}
    row = ok.get_json()["items"][0]
    assert set(row) >= {"case_id", "enterprise_id", "enterprise_name", "credit_code", "township",
                        "action", "state", "deadline", "due_on", "days_overdue", "surcharge_fen",
                        "assignee"}


def test_the_pages_keep_filters_in_the_url_and_offer_every_format(city, client, auth):
    auth.login("reviewer")
    index = client.get("/lists").get_data(as_text=True)
    for name in lists.NAMES:
        assert f'href="/lists/{name}"' in index
    page = client.get("/lists/due?as_of=2026-11-22&within=3&township=yanjiao").get_data(as_text=True)
    assert "三河市甲塑料厂" in page
    for fmt in ("csv", "xlsx", "geojson"):
        assert f"format={fmt}" in page
    assert "within=3" in page and "township=yanjiao" in page
    printed = client.get("/lists/print/weekly?as_of=2026-11-23")
    text = printed.get_data(as_text=True)
    assert printed.status_code == 200 and "三河市生态环境局" in text and "2026-11-23" in text
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.action == "list.export" and last.after["format"] == "print"
    assert client.get("/lists/monthly?month=2026-9x").status_code == 200  # message, not a 500
