"""JSON API v1 beyond the basics: enterprises as GeoJSON with every filter, editing, session
auth with CSRF, cases linked to offline visits, follow-ups, complaints, and every answer
checked against the published OpenAPI document."""
from __future__ import annotations

import contextvars
import threading
from datetime import date

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from support_app import new_uuid
from enforcement.extensions import db
from enforcement.models import AuditEvent, Complaint, Visit
from enforcement.web import openapi

CODE = "91110000600037341L"


def conforms(response, schema_name: str) -> dict:
    """The body, after checking it against the published component schema."""
    body = response.get_json()
    doc = openapi.document()
    validator = Draft202012Validator({"$ref": openapi.REF + schema_name,
                                      "components": doc["components"]})
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, [e.message for e in errors[:3]]
    return body


def fields_of(response) -> dict:
    return conforms(response, "Error")["error"]["fields"]


@pytest.fixture
def team(make_user, make_township, api_token):
    make_township("yanjiao")
    make_township("gaolou", "高楼镇", "Gaolou")
    insp = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    reviewer = make_user("reviewer", "reviewer")
    return {"inspector": api_token(insp), "reviewer": api_token(reviewer)}


def test_the_document_is_openapi_3_and_lists_every_endpoint_of_the_contract(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    ops = {(p, m) for p, item in doc["paths"].items() for m in item if m != "parameters"}
    for op in [("/api/v1/auth/token", "post"), ("/api/v1/enterprises", "get"),
               ("/api/v1/enterprises", "post"), ("/api/v1/enterprises/{enterprise_id}", "get"),
               ("/api/v1/enterprises/{enterprise_id}", "patch"), ("/api/v1/visits", "post"),
               ("/api/v1/visits/{visit_id}/photos", "post"), ("/api/v1/cases", "post"),
               ("/api/v1/cases/{case_id}", "get"), ("/api/v1/cases/{case_id}/events", "post"),
               ("/api/v1/followups", "get"), ("/api/v1/lists/{name}", "get"),
               ("/api/v1/complaints", "post"), ("/api/v1/audit/verify", "get")]:
        assert op in ops
    row = doc["components"]["schemas"]["ListRow"]["properties"]
    assert {"case_id", "enterprise_id", "enterprise_name", "credit_code", "township", "action",
            "state", "deadline", "due_on", "days_overdue", "surcharge_fen", "assignee"} <= set(row)
    assert doc["components"]["schemas"]["VisitCreate"]["example"]


def test_enterprise_create_read_edit_and_duplicate_credit_code(client, team):
    headers = team["inspector"]
    created = client.post("/api/v1/enterprises", headers=headers, json={
        "name": "燕郊某铸造厂", "lat": 39.95, "lon": 116.82, "credit_code": CODE.lower(),
        "township": "yanjiao", "industry": "foundry", "contact_phone": "13800000000"})
    assert created.status_code == 201, created.get_json()
    body = conforms(created, "Enterprise")
    assert body["credit_code"] == CODE and body["township"] == "yanjiao"
    again = client.post("/api/v1/enterprises", headers=headers,
                        json={"name": "别的厂", "lat": 39.9, "lon": 116.8, "credit_code": CODE})
    assert again.status_code == 409 and fields_of(again) == {"credit_code": "already registered"}
    bad = client.post("/api/v1/enterprises", headers=headers, json={
        "name": "x", "lat": 95, "lon": 116.8, "permit_expires": "2026-02-30", "colour": "red"})
    assert bad.status_code == 422
    assert set(fields_of(bad)) == {"lat", "permit_expires", "colour"}
    assert fields_of(bad)["colour"] == "unknown field"
    wrong_check = client.post("/api/v1/enterprises", headers=headers, json={
        "name": "x", "lat": 39.9, "lon": 116.8, "credit_code": "911100006000373410"})
    assert wrong_check.status_code == 422 and "check character" in fields_of(wrong_check)["credit_code"]
    edited = client.patch(f"/api/v1/enterprises/{body['id']}", headers=team["reviewer"],
                          json={"risk_class": "A", "township": "gaolou"})
    assert edited.status_code == 200 and conforms(edited, "Enterprise")["risk_class"] == "A"
    read = client.get(f"/api/v1/enterprises/{body['id']}", headers=headers)
    detail = conforms(read, "EnterpriseDetail")
    assert detail["open_cases"] == [] and detail["last_visits"] == []
    assert client.get("/api/v1/enterprises/999", headers=headers).status_code == 404
    assert client.patch("/api/v1/enterprises/999", headers=headers, json={}).status_code == 404


def test_an_inspector_edits_enterprises_of_their_own_township_only(client, make_user,
                                                                   make_township, make_enterprise,
                                                                   api_token):
    make_township("yanjiao")
    other = make_township("gaolou", "高楼镇", "Gaolou")
    insp = make_user("wanglei", "inspector", township_code="yanjiao")
    e = make_enterprise(township="gaolou")
    assert e.township_id == other.id
    response = client.patch(f"/api/v1/enterprises/{e.id}", headers=api_token(insp),
                            json={"name": "改名"})
    assert response.status_code == 403


def _pins(client, headers, query: str) -> dict:
    response = client.get("/api/v1/enterprises" + query, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/geo+json"
    return conforms(response, "EnterpriseFeatureCollection")


def test_enterprises_as_geojson_with_every_filter(client, team, make_enterprise, make_case):
    near = make_enterprise("近厂", lat=39.9600, lon=116.8300, township="yanjiao",
                           industry="foundry")
    mid = make_enterprise("中厂", lat=39.9650, lon=116.8300, township="yanjiao",
                          industry="plastics", credit_code=CODE)
    far = make_enterprise("远厂", lat=40.2000, lon=117.1000, township="gaolou")
    make_case(action="rectify", enterprise=near, served_on=date(2026, 9, 28), rectify_days=30)
    make_case(action="fine", enterprise=mid, served_on=date(2026, 11, 20), amount_fen=500_000)
    headers = team["reviewer"]

    everything = _pins(client, headers, "")
    assert [f["id"] for f in everything["features"]] == [near.id, mid.id, far.id]
    assert everything["next_cursor"] is None
    props = everything["features"][0]["properties"]
    assert props["open_actions"] == ["rectify"] and props["overdue"] is True
    assert props["worst_state"] == "overdue" and props["next_due"] == "2026-10-28"
    assert everything["features"][0]["geometry"]["coordinates"] == [116.83, 39.96]
    # As of a day before the deadline the same case is not overdue.
    early = _pins(client, headers, "?as_of=2026-10-01")["features"][0]["properties"]
    assert early["overdue"] is False and early["worst_state"] == "ordered"

    ids = lambda q: [f["id"] for f in _pins(client, headers, q)["features"]]
    assert ids("?bbox=116.7,39.9,116.9,40.0") == [near.id, mid.id]
    assert ids("?q=远") == [far.id] and ids(f"?q={CODE}") == [mid.id]
    assert ids("?township=gaolou") == [far.id] and ids("?industry=foundry") == [near.id]
    assert ids("?action=fine") == [mid.id] and ids("?overdue=true") == [near.id]
    assert ids("?state=overdue") == [near.id] and ids("?state=filed") == [mid.id]
    by_distance = _pins(client, headers, "?near=39.9651,116.8300&radius_m=2000")["features"]
    assert [f["id"] for f in by_distance] == [mid.id, near.id]
    assert by_distance[0]["properties"]["distance_m"] < 20 < by_distance[1]["properties"]["distance_m"]

    first = _pins(client, headers, "?limit=2")
    assert len(first["features"]) == 2 and first["next_cursor"]
    rest = _pins(client, headers, f"?limit=2&cursor={first['next_cursor']}")
    assert [f["id"] for f in rest["features"]] == [far.id] and rest["next_cursor"] is None


@pytest.mark.parametrize("query, field", [
    ("?bbox=116.9,39.9,116.7,40.0", "bbox"), ("?bbox=1,2,3", "bbox"),
    ("?near=95,116", "near"), ("?near=39.9,116&radius_m=-5", "radius_m"),
    ("?cursor=bm90LWEtY3Vyc29y", "cursor"), ("?limit=5001", "limit"), ("?limit=abc", "limit"),
    ("?as_of=2026-02-30", "as_of"), ("?overdue=maybe", "overdue"), ("?action=demolish", "action"),
])
def test_bad_enterprise_queries_are_422_naming_the_parameter(client, team, query, field):
    response = client.get("/api/v1/enterprises" + query, headers=team["reviewer"])
    assert response.status_code == 422 and field in fields_of(response)


def test_session_cookie_works_and_needs_csrf_to_change_state(client, team, auth, make_enterprise):
    e = make_enterprise()
    assert client.get("/api/v1/enterprises").status_code == 401
    auth.login("reviewer")
    assert client.get(f"/api/v1/enterprises/{e.id}").status_code == 200
    refused = client.patch(f"/api/v1/enterprises/{e.id}", json={"risk_class": "A"})
    assert refused.status_code == 400 and conforms(refused, "Error")["error"]["code"] == "csrf_failed"
    token = auth.csrf("/")
    accepted = client.patch(f"/api/v1/enterprises/{e.id}", json={"risk_class": "A"},
                            headers={"X-CSRFToken": token})
    assert accepted.status_code == 200


def _visit(enterprise, **extra) -> dict:
    return {"client_uuid": new_uuid(), "enterprise_id": enterprise.id,
            "visited_at": "2026-11-20T10:00:00+08:00", "lat": enterprise.lat,
            "lon": enterprise.lon, "purpose": "routine", "inspectors": ["zhangwei", "liuyang"],
            "findings": "排污口标志不规范", **extra}


def test_a_case_links_to_the_visit_the_phone_made_offline(client, team, make_enterprise):
    e = make_enterprise()
    visit = _visit(e)
    assert client.post("/api/v1/visits", json=visit, headers=team["inspector"]).status_code == 201
    case = {"enterprise_id": e.id, "action": "rectify", "served_on": "2026-11-20",
            "rectify_days": 30, "visit_client_uuid": visit["client_uuid"], "client_uuid": new_uuid()}
    created = client.post("/api/v1/cases", json=case, headers=team["inspector"])
    assert created.status_code == 201, created.get_json()
    body = conforms(created, "Case")
    stored = db.session.scalar(select(Visit).where(Visit.client_uuid == visit["client_uuid"]))
    from enforcement.models import Case
    assert db.session.get(Case, body["id"]).visit_id == stored.id
    replay = client.post("/api/v1/cases", json=case, headers=team["inspector"])
    assert replay.status_code == 200 and replay.get_json()["id"] == body["id"]
    unknown = client.post("/api/v1/cases", headers=team["inspector"], json={
        **case, "client_uuid": new_uuid(), "visit_client_uuid": new_uuid()})
    assert unknown.status_code == 422 and "visit_client_uuid" in fields_of(unknown)


def test_twenty_parallel_posts_of_one_visit_make_one_record(app, client, team, make_enterprise):
    e = make_enterprise()
    data = _visit(e)
    statuses, barrier = [], threading.Barrier(20)

    def post():
        own = FlaskClient(app)  # its own connection and session, like a separate phone
        barrier.wait()
        response = contextvars.Context().run(own.post, "/api/v1/visits", json=data,
                                             headers=team["inspector"])
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.rollback()
    assert sorted(statuses) == [200] * 19 + [201]
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1


def test_followups_worklist_mine_overdue_and_nearest_first(client, team, make_enterprise,
                                                           make_case):
    from enforcement.models import User
    insp = db.session.scalar(select(User).where(User.username == "zhangwei"))
    a = make_enterprise("甲厂", lat=39.96, lon=116.83)
    b = make_enterprise("乙厂", lat=39.99, lon=116.83)
    ca = make_case(action="rectify", enterprise=a, served_on=date(2026, 9, 28), rectify_days=30,
                   assignee_id=insp.id)
    make_case(action="rectify", enterprise=b, served_on=date(2026, 11, 20), rectify_days=30)
    headers = team["inspector"]
    mine = client.get("/api/v1/followups?assignee=me", headers=headers)
    items = conforms(mine, "FollowupList")["items"]
    assert items and {i["case"]["id"] for i in items} == {ca.id}
    assert items[0]["enterprise"]["name"] == "甲厂" and items[0]["assignee"] == "zhangwei"
    late = conforms(client.get("/api/v1/followups?overdue=true", headers=headers), "FollowupList")
    assert {i["case"]["id"] for i in late["items"]} == {ca.id}
    assert all(i["status"] == "missed" for i in late["items"])
    nearest = conforms(client.get("/api/v1/followups?near=39.99,116.83", headers=headers),
                       "FollowupList")["items"]
    assert nearest[0]["enterprise"]["name"] == "乙厂"
    assert nearest[0]["distance_m"] < nearest[-1]["distance_m"]
    page = conforms(client.get("/api/v1/followups?limit=1", headers=headers), "FollowupList")
    assert page["next_cursor"]  # two follow-ups at least (nearest above), one per page
    more = client.get(f"/api/v1/followups?limit=1&cursor={page['next_cursor']}", headers=headers)
    assert more.status_code == 200
    assert more.get_json()["items"][0]["id"] != page["items"][0]["id"]
    assert client.get("/api/v1/followups?assignee=nobody", headers=headers).status_code == 422


def test_a_complaint_gets_its_triage_and_answer_dates_in_working_days(client, team, make_enterprise):
    e = make_enterprise()
    data = {"client_uuid": new_uuid(), "channel": "hotline", "category": "odour",
            "text": "夜间有刺鼻气味", "enterprise_id": e.id,
            "received_at": "2026-11-20T16:00:00+08:00"}
    created = client.post("/api/v1/complaints", json=data, headers=team["inspector"])
    assert created.status_code == 201, created.get_json()
    body = conforms(created, "Complaint")
    # Received Friday 20 November 2026: triage by Monday 23, answer within 15 working days.
    assert body["triage_by"] == "2026-11-23" and body["answer_by"] == "2026-12-11"
    assert body["status"] == "new"
    again = client.post("/api/v1/complaints", json=data, headers=team["inspector"])
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    other = client.post("/api/v1/complaints", json={**data, "text": "别的"}, headers=team["inspector"])
    assert other.status_code == 409
    nowhere = client.post("/api/v1/complaints", headers=team["inspector"],
                          json={"channel": "hotline", "category": "odour", "text": "x"})
    assert nowhere.status_code == 422 and "address" in fields_of(nowhere)
    fax = client.post("/api/v1/complaints", headers=team["inspector"],
                      json={"channel": "fax", "category": "odour", "text": "x", "address": "y"})
    assert fax.status_code == 422 and "channel" in fields_of(fax)
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "complaint.record")) == 1


def test_malformed_and_mistyped_bodies_are_4xx_naming_the_field(client, team, make_enterprise):
    e = make_enterprise()
    h = team["inspector"]
    wrong = client.post("/api/v1/visits", headers=h, json={**_visit(e), "enterprise_id": "one",
                                                           "unannounced": "sometimes"})
    assert wrong.status_code == 422 and {"enterprise_id", "unannounced"} <= set(fields_of(wrong))
    event = client.post("/api/v1/cases/1/events", headers=h, json={"type": "pay", "on": "2026-13-01"})
    assert event.status_code == 422 and "on" in fields_of(event)
    huge = client.get("/api/v1/cases/99999999999", headers=h)
    assert huge.status_code == 404
    nul = client.post("/api/v1/complaints", headers=h, json={
        "channel": "hotline", "category": "air", "text": "a\x00b", "address": "x"})
    assert nul.status_code == 422 and "text" in fields_of(nul)
