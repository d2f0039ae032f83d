"""Issue #15 through the API: the worked examples of the new measures (POST /api/v1/cases and
/cases/{id}/events), and the refusals the law requires (409 with the article, kept for review)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from enforcement.extensions import db
from enforcement.models import Case, CaseLink, Conflict
from test_api_v1 import conforms

BASIS = "《中华人民共和国环境保护法》第二十五条；《行政强制法》第二十四条"


@pytest.fixture
def officer(make_user, make_township, make_enterprise, api_token):
    make_township("yanjiao")
    user = make_user("zhangwei", "inspector")
    desk = make_user("rev", "reviewer")
    return {"headers": api_token(user), "desk": api_token(desk), "enterprise": make_enterprise().id}


def _open(client, officer, **data):
    body = {"enterprise_id": officer["enterprise"], "violation": "超标排放", "legal_basis": BASIS, **data}
    return client.post("/api/v1/cases", json=body, headers=officer["headers"])


def _event(client, officer, case_id, **data):
    return client.post(f"/api/v1/cases/{case_id}/events?as_of=2026-09-30", json=data,
                       headers=officer["headers"])


def _due(case, name):
    return next(d["due_on"] for d in case["deadlines"] if d["name"] == name)


def test_a_limit_extended_once_through_the_api(client, officer):
    # Served Monday 2 March 2026: period_end 2 June (3 months); extended by 3 months with the
    # head's approval: 2 September (6 months from service).
    opened = _open(client, officer, action="stop", measure="limit", approved_by="局长 王", served_on="2026-03-02")
    case = conforms(opened, "Case")
    assert opened.status_code == 201 and case["params"]["measure"] == "limit"
    assert _due(case, "period_end") == "2026-06-02"
    ok = _event(client, officer, case["id"], type="extend", on="2026-05-20", months=3, approved_by="局长 王")
    assert ok.status_code == 200 and _due(ok.get_json(), "period_end") == "2026-09-02"
    again = _event(client, officer, case["id"], type="extend", on="2026-05-21", months=1, approved_by="局长 王")
    error = conforms(again, "Error")["error"]
    assert again.status_code == 409 and error["code"] == "forbidden_by_law"
    assert error["article"] == "MEP Order No. 30 (2014) Art. 14"
    kept = db.session.scalars(select(Conflict)).one()
    assert kept.code == "forbidden_by_law" and kept.case_id == case["id"]


def test_a_stop_lifted_by_filing_through_the_api(client, officer):
    case = conforms(_open(client, officer, action="stop", measure="stop", approved_by="局长 王",
                          served_on="2026-09-28"), "Case")
    assert "period_end" not in {d["name"] for d in case["deadlines"]}
    _event(client, officer, case["id"], type="file_plan", on="2026-10-20")
    # Filed Monday 2 November: lifted that day; verify_by 15 working days later, 23 November.
    done = _event(client, officer, case["id"], type="report_completed", on="2026-11-02",
                  disclosure_ref="企业官网公示")
    body = conforms(done, "Case")
    assert body["state"] == "lifted" and _due(body, "verify_by") == "2026-11-23"


def test_a_seal_up_extended_once_and_released_through_the_api(client, officer):
    opened = _open(client, officer, action="seal", served_on="2026-03-02", approved_by="局长 王",
                   items=["电镀槽 2 个", "废水泵 1 台"])
    case = conforms(opened, "Case")
    # 2 March + 30 days = 1 April; extended by 30: 1 May is Labour Day (1-5 May), so 6 May.
    assert opened.status_code == 201 and _due(case, "seal_end") == "2026-04-01"
    too_long = _event(client, officer, case["id"], type="extend", on="2026-03-25", days=45, approved_by="局长 王")
    assert too_long.status_code == 409
    assert too_long.get_json()["error"]["article"] == "Administrative Compulsion Law Art. 25"
    ext = _event(client, officer, case["id"], type="extend", on="2026-03-25", days=30, approved_by="局长 王")
    assert _due(ext.get_json(), "seal_end") == "2026-05-06"
    released = _event(client, officer, case["id"], type="release", on="2026-04-20")
    assert conforms(released, "Case")["state"] == "released"


def test_a_seal_up_without_items_or_legal_basis_is_refused(client, officer):
    bad = client.post("/api/v1/cases", headers=officer["headers"], json={
        "enterprise_id": officer["enterprise"], "action": "seal", "served_on": "2026-03-02",
        "approved_by": "局长 王"})
    fields = conforms(bad, "Error")["error"]["fields"]
    assert bad.status_code == 422 and {"legal_basis"} <= set(fields)


def test_forced_execution_on_a_holiday_is_refused_and_kept(client, officer):
    case = conforms(_open(client, officer, action="close", served_on="2026-09-21"), "Case")
    checklist = {k: True for k in ("water_cut", "power_cut", "materials_cleared", "equipment_cleared",
                                   "products_cleared")}
    refused = _event(client, officer, case["id"], type="execute", on="2026-10-01", checklist=checklist)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["article"] == "Administrative Compulsion Law Art. 43"
    assert db.session.scalars(select(Conflict)).one().payload["on"] == "2026-10-01"
    night = _event(client, officer, case["id"], type="execute", on="2026-09-24", checklist=checklist,
                   started_at="22:30")
    assert night.status_code == 409
    urgent = _event(client, officer, case["id"], type="execute", on="2026-09-24", checklist=checklist,
                    started_at="22:30", urgency="废水正在外排，不立即断电将污染河道")
    assert urgent.status_code == 200 and urgent.get_json()["state"] == "executed"


def test_closure_after_resumed_production_carries_the_governments_approval(client, officer):
    case = conforms(_open(client, officer, action="stop", served_on="2026-09-28", approved_by="局长 王"), "Case")
    running = _event(client, officer, case["id"], type="visit", on="2026-10-08", followup="stop_check_1",
                     visit_id=11, production_running=True)
    assert running.get_json()["state"] == "closure_proposed" and running.get_json()["opened_case_ids"] == []
    # The government's decision reaches the bureau: the desk records it (an inspector may not).
    approved = client.post(f"/api/v1/cases/{case['id']}/events", headers=officer["desk"], json={
        "type": "approve_close", "on": "2026-10-20", "approved_by": "三河市人民政府",
        "approved_on": "2026-10-16"})
    (close_id,) = approved.get_json()["opened_case_ids"]
    close = db.session.get(Case, close_id)
    assert close.action == "close" and close.params["government_approved_on"] == "2026-10-16"
    assert db.session.scalars(select(CaseLink.reason)).one() == "production_running"
