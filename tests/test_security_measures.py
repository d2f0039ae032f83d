"""Attacks on the new measures (issue #15): an officer not on the case, another township, an
inspector recording the government's decision, a paper printed from another township."""
from __future__ import annotations

from sqlalchemy import func, select

from enforcement.extensions import db
from enforcement.models import Case, Conflict

SEAL = {"action": "seal", "served_on": "2026-03-02", "violation": "暗管排放", "legal_basis": "EPL Art. 25",
        "approved_by": "局长 王", "items": ["电镀槽 2 个"]}


def _city(make_township, make_user, make_enterprise, api_token):
    make_township("yanjiao")
    make_township("gaolou", "高楼镇", "Gaolou")
    on = make_user("zhangwei", "inspector", township_code="yanjiao")
    off = make_user("wangfang", "inspector", township_code="gaolou")
    other = make_user("liuyang", "inspector", township_code="yanjiao")
    reviewer = make_user("rev", "reviewer")
    site = make_enterprise(township="yanjiao")
    return site, {u.username: api_token(u) for u in (on, off, other, reviewer)}


def test_an_inspector_of_another_township_cannot_seal_up_a_site(client, make_township, make_user,
                                                                 make_enterprise, api_token):
    site, tokens = _city(make_township, make_user, make_enterprise, api_token)
    refused = client.post("/api/v1/cases", json={**SEAL, "enterprise_id": site.id}, headers=tokens["wangfang"])
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_an_officer_not_on_the_case_cannot_extend_or_release_a_seal_up(client, make_township, make_user,
                                                                       make_enterprise, api_token):
    site, tokens = _city(make_township, make_user, make_enterprise, api_token)
    case_id = client.post("/api/v1/cases", json={**SEAL, "enterprise_id": site.id},
                          headers=tokens["zhangwei"]).get_json()["id"]
    for who in ("liuyang", "wangfang"):
        for event in ({"type": "extend", "on": "2026-03-20", "days": 10, "approved_by": "x"},
                      {"type": "release", "on": "2026-03-20"}):
            response = client.post(f"/api/v1/cases/{case_id}/events", json=event, headers=tokens[who])
            assert response.status_code == 403, (who, event)
    assert db.session.get(Case, case_id).state == "sealed"


def test_only_the_desk_records_the_governments_decision_on_a_closure(client, make_township, make_user,
                                                                      make_enterprise, api_token):
    site, tokens = _city(make_township, make_user, make_enterprise, api_token)
    case_id = client.post("/api/v1/cases", headers=tokens["zhangwei"], json={
        "enterprise_id": site.id, "action": "stop", "served_on": "2026-09-28", "violation": "超标",
        "legal_basis": "EPL 60", "approved_by": "局长 王"}).get_json()["id"]
    client.post(f"/api/v1/cases/{case_id}/events", headers=tokens["zhangwei"], json={
        "type": "visit", "on": "2026-10-08", "followup": "stop_check_1", "visit_id": 5,
        "production_running": True})
    approve = {"type": "approve_close", "on": "2026-10-20", "approved_by": "县人民政府"}
    forged = client.post(f"/api/v1/cases/{case_id}/events", json=approve, headers=tokens["zhangwei"])
    assert forged.status_code == 403 and db.session.get(Case, case_id).state == "closure_proposed"
    done = client.post(f"/api/v1/cases/{case_id}/events", json=approve, headers=tokens["rev"])
    assert done.status_code == 200 and len(done.get_json()["opened_case_ids"]) == 1


def test_a_refused_extension_is_kept_but_an_intruders_is_not_let_in(client, make_township, make_user,
                                                                    make_enterprise, api_token):
    site, tokens = _city(make_township, make_user, make_enterprise, api_token)
    case_id = client.post("/api/v1/cases", json={**SEAL, "enterprise_id": site.id},
                          headers=tokens["zhangwei"]).get_json()["id"]
    event = {"type": "extend", "on": "2026-03-20", "days": 40, "approved_by": "局长 王"}
    assert client.post(f"/api/v1/cases/{case_id}/events", json=event, headers=tokens["wangfang"]).status_code == 403
    assert client.post(f"/api/v1/cases/{case_id}/events", json=event, headers=tokens["zhangwei"]).status_code == 409
    # Both refusals are kept for a reviewer (a phone's refused item must not vanish), each with
    # its own code; the intruder's changed nothing on the case.
    kept = db.session.scalars(select(Conflict).order_by(Conflict.id)).all()
    assert [(c.code, c.case_id) for c in kept] == [("not_on_case", case_id), ("forbidden_by_law", case_id)]
