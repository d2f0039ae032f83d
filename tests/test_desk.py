"""The bureau desk as reviewers use it: case review actions, the conflict queue, quiet days, the
双随机 draw, the map's data, the dashboard and the complaints desk."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from support_app import NOW, new_uuid
from enforcement.extensions import db
from enforcement.models import AuditEvent, Case, Complaint, Conflict, QuietDay
from enforcement.services.maps import mapdata
from enforcement.services.core.actor import SYSTEM


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def reviewer(client, auth, make_user):
    make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    make_user("reviewer", "reviewer")
    auth.login("reviewer")
    return client


# ---------------------------------------------------------------- who may use the desk

def test_inspectors_are_refused_the_desk_and_reviewers_get_every_page(client, auth, make_user):
    make_user("zhangwei", "inspector")
    make_user("reviewer", "reviewer")
    pages = ["/desk/", "/desk/map", "/desk/conflicts", "/desk/quiet-days", "/desk/draws",
             "/desk/dashboard", "/desk/complaints", "/desk/map/points.json?bbox=116,39,117,40"]
    auth.login("zhangwei")
    assert {client.get(p).status_code for p in pages} == {403}
    auth.logout()
    auth.login("reviewer")
    assert {p: client.get(p).status_code for p in pages} == {p: 200 for p in pages}


# ---------------------------------------------------------------- case review

def test_the_case_page_offers_only_the_events_allowed_now(reviewer, make_case):
    case = make_case(action="stop", served_on=date(2026, 11, 2))
    page = reviewer.get(f"/cases/{case.id}").get_data(as_text=True)
    offered = set(re.findall(r'data-event="([a-z_]+)"', page))
    assert offered == {"file_plan", "hearing"}  # 停产整治 has no period to extend


def test_a_reviewer_records_a_plan_filed_on_behalf_of_the_enterprise(reviewer, make_case):
    case = make_case(action="stop", served_on=date(2026, 11, 2))
    token = csrf(reviewer, f"/cases/{case.id}")
    response = reviewer.post(f"/cases/{case.id}/review/event",
                             data={"csrf_token": token, "type": "file_plan", "on": "2026-11-20"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.state == "plan_filed"
    assert stored.events[-1].actor.username == "reviewer"
    assert "case.event.file_plan" in audit_actions()


def test_an_impossible_event_answers_409_with_the_events_allowed(reviewer, make_case):
    case = make_case(action="stop", served_on=date(2026, 11, 2))
    token = csrf(reviewer, f"/cases/{case.id}")
    response = reviewer.post(f"/cases/{case.id}/review/event",
                             data={"csrf_token": token, "type": "report_completed",
                                   "on": "2026-11-20"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    refused = page[page.index('id="refused"'):page.index("</div>", page.index('id="refused"'))]
    assert "报送整改方案" in refused  # file_plan is allowed now
    assert db.session.get(Case, case.id).state == "ordered"


def test_an_extension_needs_its_approver_and_the_field_says_so(reviewer, make_case):
    case = make_case(action="stop", served_on=date(2026, 11, 2), measure="limit", approved_by="局长 王")
    token = csrf(reviewer, f"/cases/{case.id}")
    response = reviewer.post(f"/cases/{case.id}/review/event",
                             data={"csrf_token": token, "type": "extend", "on": "2026-11-20",
                                   "months": "2", "approved_by": ""})
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
    response = reviewer.post(f"/cases/{case.id}/review/event",
                             data={"csrf_token": token, "type": "extend", "on": "2026-11-20",
                                   "months": "2", "approved_by": "局长 李明"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).facts["extension"]["approved_by"] == "局长 李明"


def test_a_payment_in_yuan_is_stored_in_fen(reviewer, make_case):
    from enforcement.services.casework import cases
    case = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=1_000_000)
    cases.apply_event(SYSTEM, case, {"type": "notify", "on": "2026-09-03"}, now=NOW)
    cases.apply_event(SYSTEM, case, {"type": "decide", "on": "2026-09-16",
                                     "amount_fen": 1_000_000}, now=NOW)
    db.session.commit()
    token = csrf(reviewer, f"/cases/{case.id}")
    response = reviewer.post(f"/cases/{case.id}/review/event",
                             data={"csrf_token": token, "type": "pay", "on": "2026-11-20",
                                   "amount_yuan": "2500.50", "payment_ref": "R-1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).facts["paid_fen"] == 250_050


def test_reassigning_a_follow_up_and_the_responsibility_chain_are_audited(reviewer, make_case):
    case = make_case(action="stop", served_on=date(2026, 11, 20))
    followup = case.followups[0]
    token = csrf(reviewer, f"/cases/{case.id}")
    response = reviewer.post(f"/cases/{case.id}/review/followups",
                             data={"csrf_token": token, f"followup-{followup.id}": "liuyang"})
    assert response.status_code == 302
    response = reviewer.post(f"/cases/{case.id}/review/followups",
                             data={"csrf_token": token, f"followup-{followup.id}": "nobody-here"})
    assert response.status_code == 422
    response = reviewer.post(f"/cases/{case.id}/review/responsibility",
                             data={"csrf_token": token, "lead": "副县长 王强",
                                   "host_unit": "县生态环境局", "co_units": "燕郊镇政府、县供电公司",
                                   "responsible_person": "赵磊", "responsibility_due": "2026-12-31"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert stored.followups[0].assignee.username == "liuyang"
    assert stored.co_units == ["燕郊镇政府", "县供电公司"]
    assert {"followup.reassign", "case.responsibility"} <= set(audit_actions())


# ---------------------------------------------------------------- the conflict queue

def _refused_event(client, api_token, make_user_obj, case, data):
    return client.post(f"/api/v1/cases/{case.id}/events", json=data,
                       headers=api_token(make_user_obj))


def test_a_refused_submission_waits_in_the_queue_until_decided(app, client, auth, make_user,
                                                               make_case, api_token):
    inspector = make_user("zhangwei", "inspector")
    make_user("reviewer", "reviewer")
    case = make_case(action="stop", served_on=date(2026, 11, 2), assignee_id=inspector.id)
    response = _refused_event(client, api_token, inspector, case,
                              {"type": "accept_plan", "on": "2026-11-20",
                               "client_uuid": new_uuid()})
    assert response.status_code == 409
    auth.login("reviewer")
    page = client.get("/desk/conflicts").get_data(as_text=True)
    conflict = db.session.scalars(select(Conflict)).one()
    assert f'id="conflict-{conflict.id}"' in page and 'class="version kept"' in page
    assert 'class="version current"' in page
    token = csrf(client, "/desk/conflicts")
    # Without a reason nothing is decided.
    response = client.post(f"/desk/conflicts/{conflict.id}/discard",
                           data={"csrf_token": token, f"d{conflict.id}-reason": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Conflict, conflict.id).resolved_at is None
    # Still impossible: accepting fails and it stays.
    response = client.post(f"/desk/conflicts/{conflict.id}/accept", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Conflict, conflict.id).resolved_at is None
    # Once the plan is filed the kept "plan accepted" applies.
    token_case = csrf(client, f"/cases/{case.id}")
    client.post(f"/cases/{case.id}/review/event",
                data={"csrf_token": token_case, "type": "file_plan", "on": "2026-11-18"})
    response = client.post(f"/desk/conflicts/{conflict.id}/accept",
                           data={"csrf_token": token, f"a{conflict.id}-note": "方案已备案"})
    assert response.status_code == 302
    db.session.expire_all()
    decided = db.session.get(Conflict, conflict.id)
    assert decided.resolution == "accepted" and decided.resolution_note == "方案已备案"
    stored = db.session.get(Case, case.id)
    assert stored.state == "rectifying"
    assert stored.events[-1].actor.username == "zhangwei"  # the submitter's record
    assert "conflict.accept" in audit_actions()
    assert f'id="conflict-{conflict.id}"' not in client.get("/desk/conflicts").get_data(as_text=True)


def test_discarding_with_a_reason_is_audited(client, auth, make_user, make_case, api_token):
    inspector = make_user("zhangwei", "inspector")
    make_user("reviewer", "reviewer")
    case = make_case(action="stop", served_on=date(2026, 11, 2), assignee_id=inspector.id)
    _refused_event(client, api_token, inspector, case,
                   {"type": "report_completed", "on": "2026-11-20"})
    conflict = db.session.scalars(select(Conflict)).one()
    auth.login("reviewer")
    token = csrf(client, "/desk/conflicts")
    response = client.post(f"/desk/conflicts/{conflict.id}/discard",
                           data={"csrf_token": token, f"d{conflict.id}-reason": "重复提交"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Conflict, conflict.id).resolution == "discarded"
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "conflict.discard")).one()
    assert event.after["note"] == "重复提交"


# ---------------------------------------------------------------- quiet days

def test_quiet_days_are_declared_listed_and_removed_with_audit(reviewer, make_township):
    make_township("yanjiao", "燕郊镇")
    db.session.commit()
    token = csrf(reviewer, "/desk/quiet-days")
    for where in ("yanjiao", ""):
        response = reviewer.post("/desk/quiet-days", data={
            "csrf_token": token, "on": "2026-12-10", "township": where, "reason": "高考"})
        assert response.status_code == 302
    again = reviewer.post("/desk/quiet-days", data={"csrf_token": token, "on": "2026-12-10",
                                                   "township": "", "reason": "高考"})
    assert again.status_code == 422
    past = reviewer.post("/desk/quiet-days", data={"csrf_token": token, "on": "2026-11-01",
                                                  "township": "", "reason": "x"})
    assert past.status_code == 422
    rows = db.session.scalars(select(QuietDay)).all()
    assert len(rows) == 2
    assert "燕郊镇" in reviewer.get("/desk/quiet-days").get_data(as_text=True)
    response = reviewer.post(f"/desk/quiet-days/{rows[0].id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert len(db.session.scalars(select(QuietDay)).all()) == 1
    assert audit_actions().count("quiet_day.declare") == 2
    assert "quiet_day.delete" in audit_actions()


# ---------------------------------------------------------------- the 双随机 draw

def test_a_draw_needs_its_published_seed_and_re_runs_to_the_same_list(reviewer, make_enterprise):
    for i in range(6):
        make_enterprise(name=f"企业{i}", lat=39.9 + i / 100, risk_class="AB"[i % 2])
    token = csrf(reviewer, "/desk/draws")
    form = {"csrf_token": token, "period": "2026-Q4", "seed": "2026-11-25 县纪委 现场抽签",
            "township": "", "quota_A": "2", "quota_B": "1", "quota_C": "0"}
    assert reviewer.post("/desk/draws", data=form).status_code == 422  # not published yet
    response = reviewer.post("/desk/draws/publish", data={
        "csrf_token": token, "period": "2026-Q4", "seed": form["seed"]})
    assert response.status_code == 302
    import hashlib
    digest = hashlib.sha256(form["seed"].encode()).hexdigest()
    assert digest in reviewer.get("/desk/draws").get_data(as_text=True)
    response = reviewer.post("/desk/draws", data=form)
    assert response.status_code == 302
    detail = response.headers["Location"]
    page = reviewer.get(detail + "?check=1").get_data(as_text=True)
    assert digest in page and 'id="rerun"' in page and "flash-success" in page
    csv_text = reviewer.get(detail + ".csv").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 1 + 3 and digest in csv_text


# ---------------------------------------------------------------- the map's data

def test_the_map_gets_the_enterprises_in_the_box_coloured_by_their_worst_case(
        reviewer, make_enterprise, make_case):
    inside = make_enterprise(name="箱内企业", lat=39.96, lon=116.83)
    make_enterprise(name="箱外企业", lat=40.5, lon=117.5)
    clean = make_enterprise(name="无案企业", lat=39.961, lon=116.831)
    make_case(action="rectify", served_on=date(2026, 9, 1), enterprise=inside, rectify_days=7)
    body = reviewer.get("/desk/map/points.json?bbox=116.8,39.9,116.9,40.0").get_json()
    props = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    assert set(props) == {"箱内企业", "无案企业"}
    assert props["箱内企业"]["worst_state"] == "overdue" and props["箱内企业"]["overdue"] is True
    assert props["箱内企业"]["open_actions"] == ["rectify"]
    assert props["无案企业"]["worst_state"] == "clean"
    only = reviewer.get("/desk/map/points.json?bbox=116.8,39.9,116.9,40.0&action=rectify"
                        "&overdue=true").get_json()
    assert [f["properties"]["id"] for f in only["features"]] == [inside.id]
    popup = reviewer.get(f"/desk/map/enterprises/{inside.id}.json").get_json()
    assert popup["cases"][0]["state"] == "overdue" and popup["cases"][0]["url"].startswith("/cases/")
    assert reviewer.get("/desk/map/points.json?bbox=nonsense").status_code == 422
    assert clean.id in [f["properties"]["id"] for f in body["features"]]


def test_a_box_over_the_limit_gets_grid_counts_not_points(app, make_enterprise):
    for i in range(5):
        make_enterprise(name=f"网格{i}", lat=39.9 + i / 50, lon=116.8 + i / 50)
    query = mapdata.parse_query({"bbox": "116.7,39.8,117.0,40.1"})
    body = mapdata.features(query, date(2026, 11, 25), limit=3)
    assert body["mode"] == "grid" and body["total"] == 5
    assert sum(f["properties"]["count"] for f in body["features"]) == 5


# ---------------------------------------------------------------- dashboard and complaints

def test_the_dashboard_draws_each_chart_with_its_numbers(reviewer, make_case):
    from enforcement.services.casework import cases
    fine = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=5_000_000)
    cases.apply_event(SYSTEM, fine, {"type": "notify", "on": "2026-09-03"}, now=NOW)
    cases.apply_event(SYSTEM, fine, {"type": "decide", "on": "2026-09-16",
                                     "amount_fen": 5_000_000}, now=NOW)
    cases.apply_event(SYSTEM, fine, {"type": "pay", "on": "2026-09-20", "amount_fen": 1_000_000,
                                     "payment_ref": "A"}, now=NOW)
    db.session.commit()
    page = reviewer.get("/desk/dashboard").get_data(as_text=True)
    for section in ("chart-action-state", "chart-overdue", "chart-visits", "chart-fines",
                    "chart-closures", "chart-complaints"):
        assert f'id="{section}"' in page
    assert page.count("<svg") >= 6 and "<script" not in page.split("</main>")[0]
    assert "¥50,000.00" in page and "¥10,000.00" in page


def test_complaints_are_listed_by_state_and_assigned_to_an_inspector(reviewer, make_enterprise):
    from datetime import datetime, timezone
    c = Complaint(channel="hotline", category="odour", text="夜间异味", address="燕郊镇某村",
                  received_at=datetime(2026, 11, 24, 2, tzinfo=timezone.utc),
                  received_on=date(2026, 11, 24), triage_by=date(2026, 11, 25),
                  answer_by=date(2026, 12, 15), status="new")
    db.session.add(c)
    db.session.commit()
    page = reviewer.get("/desk/complaints?status=new").get_data(as_text=True)
    assert "夜间异味" in page
    token = csrf(reviewer, "/desk/complaints")
    response = reviewer.post(f"/desk/complaints/{c.id}/assign",
                             data={"csrf_token": token, "assignee": "zhangwei"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Complaint, c.id)
    assert stored.assignee.username == "zhangwei" and stored.status == "triaged"
    assert "夜间异味" not in reviewer.get("/desk/complaints?status=new").get_data(as_text=True)


def test_the_desk_records_an_extension_of_the_time_limit_and_refuses_one_beyond_30_days(
        reviewer, make_case):
    # filed Tue 2026-09-01: decide_by 90 days = Mon 11-30; 30 more days = Wed 12-30.
    case = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=1_000_000)
    page = reviewer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "批准延长办案期限" in page and "办案期限中止" in page  # offered at the desk, in zh_CN
    token = csrf(reviewer, f"/cases/{case.id}")
    refused = reviewer.post(f"/cases/{case.id}/review/event", data={
        "csrf_token": token, "type": "extend_decision", "on": "2026-11-20", "days": "31",
        "approved_by": "局长 李明"})
    # beyond 30 days: refused by the engine, naming the rule (409, kept for a reviewer)
    assert refused.status_code == 409 and "生态环境行政处罚办法" in refused.get_data(as_text=True)
    response = reviewer.post(f"/cases/{case.id}/review/event", data={
        "csrf_token": token, "type": "extend_decision", "on": "2026-11-20", "days": "30",
        "approved_by": "局长 李明"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    assert next(d for d in stored.deadlines if d.name == "decide_by").due_on == date(2026, 12, 30)
    # a second one without the collective decision: 409 naming the rule
    again = reviewer.post(f"/cases/{case.id}/review/event", data={
        "csrf_token": token, "type": "extend_decision", "on": "2026-12-01", "days": "10",
        "approved_by": "局长 李明"})
    assert again.status_code == 409 and "生态环境行政处罚办法" in again.get_data(as_text=True)
