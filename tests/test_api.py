"""JSON API v1: tokens, the error shape, idempotent visits, cases and events with conflicts
kept for review."""
from __future__ import annotations


import pytest
from sqlalchemy import func, select

from support_app import PASSWORD, new_uuid
from enforcement.extensions import db
from enforcement.models import Conflict, Visit


@pytest.fixture
def team(make_user, make_enterprise, api_token):
    insp = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    reviewer = make_user("reviewer", "reviewer")
    return {"inspector": api_token(insp), "reviewer": api_token(reviewer),
            "enterprise": make_enterprise()}


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message", "fields"}
    return body["error"]


def test_token_login_and_bad_credentials(client, make_user):
    make_user("reviewer", "reviewer")
    ok = client.post("/api/v1/auth/token", json={"username": "reviewer", "password": PASSWORD})
    assert ok.status_code == 200 and ok.get_json()["role"] == "reviewer"
    bad = client.post("/api/v1/auth/token", json={"username": "reviewer", "password": "nope"})
    assert bad.status_code == 401 and error_of(bad)["code"] == "unauthorized"
    headers = {"Authorization": f"Bearer {ok.get_json()['token']}"}
    assert client.get("/api/v1/cases/99", headers=headers).status_code == 404


def test_no_token_is_401_with_the_error_shape(client):
    response = client.get("/api/v1/cases/1")
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"
    assert client.get("/api/v1/audit/verify", headers={"Authorization": "Bearer x"}).status_code == 401


def test_audit_verify_is_for_admins(client, team):
    assert client.get("/api/v1/audit/verify", headers=team["reviewer"]).status_code == 403


def test_a_visit_posted_twice_is_one_record(client, team):
    e = team["enterprise"]
    data = {"client_uuid": new_uuid(), "enterprise_id": e.id,
            "visited_at": "2026-11-20T10:00:00+08:00", "lat": e.lat, "lon": e.lon + 0.003,
            "accuracy_m": 10, "purpose": "routine", "unannounced": True,
            "inspectors": ["zhangwei", "liuyang"], "findings": "正常"}
    first = client.post("/api/v1/visits", json=data, headers=team["inspector"])
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["geofence_ok"] is False and 250 < body["distance_m"] < 260
    again = client.post("/api/v1/visits", json=data, headers=team["inspector"])
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    other = client.post("/api/v1/visits", json={**data, "findings": "不同"}, headers=team["inspector"])
    assert other.status_code == 409 and error_of(other)["code"] == "client_uuid_reused"
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
    assert db.session.scalar(select(func.count()).select_from(Conflict)) == 1


def test_bad_visit_input_is_422_naming_every_field(client, team):
    response = client.post("/api/v1/visits", json={"client_uuid": "not-a-uuid"},
                           headers=team["inspector"])
    assert response.status_code == 422 and "client_uuid" in error_of(response)["fields"]
    response = client.post("/api/v1/visits", json={"client_uuid": new_uuid(), "lat": "north"},
                           headers=team["inspector"])
    fields = error_of(response)["fields"]
    assert {"enterprise_id", "visited_at", "lat", "purpose"} <= set(fields)
    assert client.post("/api/v1/visits", data="[1,2", headers={
        **team["inspector"], "Content-Type": "application/json"}).status_code == 422


def test_case_read_shows_deadlines_as_of_any_day(client, team):
    e = team["enterprise"]
    created = client.post("/api/v1/cases", headers=team["reviewer"], json={
        "enterprise_id": e.id, "action": "rectify", "served_on": "2026-09-28",
        "violation": "排污口标志不规范", "legal_basis": "水污染防治法", "rectify_days": 30})
    assert created.status_code == 201, created.get_json()
    case_id = created.get_json()["id"]
    early = client.get(f"/api/v1/cases/{case_id}?as_of=2026-10-01", headers=team["reviewer"]).get_json()
    late = client.get(f"/api/v1/cases/{case_id}?as_of=2026-11-02", headers=team["reviewer"]).get_json()
    rectify_by = {d["name"]: d for d in early["deadlines"]}["rectify_by"]
    assert rectify_by == {"name": "rectify_by", "due_on": "2026-10-28", "status": "pending",
                          "met_on": None, "provisional": False, "days_overdue": 0}
    late_row = {d["name"]: d for d in late["deadlines"]}["rectify_by"]
    assert late_row["status"] == "overdue" and late_row["days_overdue"] == 5
    assert late["display_state"] == "overdue" and late["state"] == "ordered"
    assert late["followups"][0]["status"] in ("planned", "missed")


def test_an_impossible_event_is_409_with_allowed_types_and_kept_for_review(client, team):
    e = team["enterprise"]
    case_id = client.post("/api/v1/cases", headers=team["reviewer"], json={
        "enterprise_id": e.id, "action": "close", "served_on": "2026-11-02",
        "violation": "无证生产"}).get_json()["id"]
    payload = {"type": "close", "on": "2026-11-20", "client_uuid": new_uuid()}
    response = client.post(f"/api/v1/cases/{case_id}/events", json=payload, headers=team["reviewer"])
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "impossible_transition" and error["allowed"] == ["execute", "hearing"]
    kept = db.session.scalars(select(Conflict)).one()
    assert kept.case_id == case_id and kept.payload["type"] == "close"


def test_a_fine_case_shows_its_surcharge(client, team):
    e = team["enterprise"]
    headers = team["reviewer"]
    case_id = client.post("/api/v1/cases", headers=headers, json={
        "enterprise_id": e.id, "action": "fine", "served_on": "2026-08-03",
        "violation": "暗管偷排", "amount_fen": 1_000_000}).get_json()["id"]
    for event in ({"type": "notify", "on": "2026-08-04"},
                  {"type": "decide", "on": "2026-08-20", "amount_fen": 1_000_000}):
        assert client.post(f"/api/v1/cases/{case_id}/events", json=event,
                           headers=headers).status_code == 200
    body = client.get(f"/api/v1/cases/{case_id}?as_of=2026-09-14", headers=headers).get_json()
    pay_by = {d["name"]: d["due_on"] for d in body["deadlines"]}["pay_by"]
    assert pay_by == "2026-09-04"
    # 10 days late at 3% of 10,000 yuan a day = 3,000 yuan.
    assert body["surcharge_fen"] == 300_000
    capped = client.get(f"/api/v1/cases/{case_id}?as_of=2027-01-01", headers=headers).get_json()
    assert capped["surcharge_fen"] == 1_000_000
