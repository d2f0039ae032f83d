"""Issue #15 through the HTTP API: the year-end dates of papers served in December 2026, the
surcharge paused by a reconsideration, the suit window and the demand before court enforcement
(refused with 409 naming the article, and kept for a reviewer), the daily penalty over two cycles
and an extension beyond the limit. Every date is counted by hand in a comment."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from support_app import new_uuid
from enforcement.extensions import db
from enforcement.models import Conflict

from test_api_v1 import conforms

YUAN = 100


@pytest.fixture
def h(make_user, make_township, api_token):
    make_township("yanjiao")
    return api_token(make_user("reviewer", "reviewer"))


def open_case(client, h, enterprise, **data):
    response = client.post("/api/v1/cases", headers=h, json={
        "enterprise_id": enterprise.id, "client_uuid": new_uuid(), **data})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def event(client, h, case_id, type_, on, status=200, **data):
    response = client.post(f"/api/v1/cases/{case_id}/events", headers=h,
                           json={"type": type_, "on": on, **data})
    assert response.status_code == status, response.get_json()
    return conforms(response, "Case" if status == 200 else "Error")


def deadline(body, name):
    return next(d for d in body["deadlines"] if d["name"] == name)


def test_year_end_papers_get_the_new_year_holiday_and_say_provisional(client, h, make_enterprise):
    e = make_enterprise()
    # rectify served Wed 2026-12-02, 30 days: Fri 2027-01-01 (New Year) → Mon 2027-01-04.
    body = open_case(client, h, e, action="rectify", served_on="2026-12-02", rectify_days=30)
    rb = deadline(body, "rectify_by")
    assert (rb["due_on"], rb["provisional"]) == ("2027-01-04", True)
    # fine filed Tue 12-01, notice Wed 12-02 (hearing window: 3, 4, 7, 8, 9 Dec), decided and
    # served Thu 12-17: +15 = Fri 2027-01-01 → Mon 2027-01-04.
    fine = open_case(client, h, e, action="fine", served_on="2026-12-01")
    event(client, h, fine["id"], "notify", "2026-12-02")
    body = event(client, h, fine["id"], "decide", "2026-12-17", amount_fen=10_000 * YUAN)
    assert deadline(body, "pay_by")["due_on"] == "2027-01-04"
    # a notice served Mon 2026-12-28: 5 working days = 29, 30, 31 Dec, (1 Jan holiday, 2–3
    # weekend), 4, 5 Jan → Tue 2027-01-05, not 2027-01-04.
    other = open_case(client, h, e, action="fine", served_on="2026-12-21")
    body = event(client, h, other["id"], "notify", "2026-12-28")
    assert deadline(body, "hearing_request_by") == {**deadline(body, "hearing_request_by"),
                                                    "due_on": "2027-01-05", "provisional": True}


def test_surcharge_reconsideration_suit_window_demand_and_enforcement(client, h, make_enterprise):
    e = make_enterprise()
    fine = open_case(client, h, e, action="fine", served_on="2026-09-01")
    event(client, h, fine["id"], "notify", "2026-09-02")
    # decided and served Wed 2026-09-23: pay_by Thu 10-08. Delay from Fri 10-09; reconsideration
    # applied for on day 4, Mon 10-12: 3 days × 300 yuan = 900 yuan, frozen while pending.
    event(client, h, fine["id"], "decide", "2026-09-23", amount_fen=10_000 * YUAN)
    event(client, h, fine["id"], "appeal", "2026-10-12", kind="reconsideration")
    got = client.get(f"/api/v1/cases/{fine['id']}?as_of=2026-11-10", headers=h).get_json()
    assert got["surcharge_fen"] == 900 * YUAN
    # upheld Fri 11-20; the party may sue until 11-20 + 15 = Sat 12-05 → Mon 12-07 (ALL Art. 45).
    body = event(client, h, fine["id"], "appeal_decided", "2026-11-20", result="upheld")
    assert deadline(body, "litigation_by")["due_on"] == "2026-12-07"
    # counting resumes Sat 11-21: as of 11-30, 3 + 10 = 13 days = 3,900 yuan.
    got = client.get(f"/api/v1/cases/{fine['id']}?as_of=2026-11-30", headers=h).get_json()
    assert got["surcharge_fen"] == 3_900 * YUAN
    # the day after the reconsideration decision: refused, 409, ACL Art. 53, kept for review
    refused = event(client, h, fine["id"], "request_enforcement", "2026-11-21", status=409)
    assert refused["error"]["code"] == "forbidden_by_law"  # a 409 that names its article
    assert refused["error"]["article"] == "Administrative Compulsion Law Art. 53"
    assert "2026-12-07" in refused["error"]["detail"]  # the integrator's sentence keeps the date
    assert "行政强制法" in refused["error"]["message"]  # a person reads it in zh_CN
    assert db.session.scalar(select(func.count()).select_from(Conflict)) == 1
    # periods lapsed, no demand yet: ACL Art. 54
    refused = event(client, h, fine["id"], "request_enforcement", "2026-12-08", status=409)
    assert refused["error"]["article"] == "Administrative Compulsion Law Art. 54"
    # demand served Tue 12-08: ten days to Fri 12-18; the request on Mon 12-21 is accepted.
    body = event(client, h, fine["id"], "demand_served", "2026-12-08")
    assert deadline(body, "demand_period_end")["due_on"] == "2026-12-18"
    event(client, h, fine["id"], "request_enforcement", "2026-12-18", status=409)
    body = event(client, h, fine["id"], "request_enforcement", "2026-12-21")
    assert body["state"] == "enforcement_requested"


def test_the_daily_penalty_counts_from_the_correction_order_over_two_cycles(client, h, make_enterprise,
                                                                            make_user):
    make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    e = make_enterprise()
    visit = client.post("/api/v1/visits", headers=h, json={
        "client_uuid": new_uuid(), "enterprise_id": e.id, "visited_at": "2026-09-22T10:00:00+08:00",
        "lat": e.lat, "lon": e.lon, "purpose": "follow_up", "unannounced": True,
        "inspectors": ["zhangwei", "liuyang"], "findings": "仍在超标排放"})
    assert visit.status_code == 201, visit.get_json()
    visit_id = visit.get_json()["id"]
    # correction order served at the investigation, Mon 2026-08-24; filed Wed 08-26.
    fine = open_case(client, h, e, action="fine", served_on="2026-08-26", amount_fen=200_000 * YUAN,
                     daily_penalty=True, illegal_discharge=True, correction_served_on="2026-08-24")
    check = next(f for f in fine["followups"] if f["purpose"] == "follow_up")
    assert (check["earliest_on"], check["due_on"]) == ("2026-08-25", "2026-09-23")  # +30 of the order
    event(client, h, fine["id"], "notify", "2026-08-27")
    event(client, h, fine["id"], "decide", "2026-09-10", amount_fen=200_000 * YUAN)
    # Tue 09-22 still discharging: 25 Aug – 22 Sep = 7 + 22 = 29 days × 200,000 yuan.
    body = event(client, h, fine["id"], "visit", "2026-09-22", followup="daily_reinspect",
                 visit_id=visit_id, discharge_continues=True)
    (child_id,) = body["opened_case_ids"]
    child = client.get(f"/api/v1/cases/{child_id}", headers=h).get_json()
    assert child["params"]["amount_fen"] == 29 * 200_000 * YUAN
    assert child["params"]["correction_served_on"] == "2026-09-22"
    check = next(f for f in child["followups"] if f["purpose"] == "follow_up")
    # second cycle from the re-served order: Wed 09-23 .. Thu 10-22
    assert (check["earliest_on"], check["due_on"]) == ("2026-09-23", "2026-10-22")
    body = event(client, h, child_id, "visit", "2026-10-20", followup="daily_reinspect",
                 visit_id=visit_id, discharge_continues=True)
    (grandchild_id,) = body["opened_case_ids"]
    grand = client.get(f"/api/v1/cases/{grandchild_id}", headers=h).get_json()
    # 23–30 Sep (8) + 1–20 Oct (20) = 28 days at the original 200,000 yuan
    assert grand["params"]["amount_fen"] == 28 * 200_000 * YUAN


def test_an_extension_beyond_the_limit_is_409_with_its_article(client, h, make_enterprise):
    e = make_enterprise()
    fine = open_case(client, h, e, action="fine", served_on="2026-09-01")
    refused = event(client, h, fine["id"], "extend_decision", "2026-11-20", status=409,
                    days=45, approved_by="局长")
    assert "生态环境行政处罚办法" in refused["error"]["article"]
    body = event(client, h, fine["id"], "extend_decision", "2026-11-20", days=30, approved_by="局长")
    assert deadline(body, "decide_by")["due_on"] == "2026-12-30"  # 90 + 30 days from 09-01


def test_receipt_moves_the_payment_period(client, h, make_enterprise):
    e = make_enterprise()
    fine = open_case(client, h, e, action="fine", served_on="2026-11-02")
    event(client, h, fine["id"], "notify", "2026-11-03")
    # decided Thu 12-10, received Thu 12-17: pay_by 12-17 + 15 = 2027-01-01 → Mon 2027-01-04.
    body = event(client, h, fine["id"], "decide", "2026-12-10", amount_fen=5_000 * YUAN,
                 received_on="2026-12-17")
    assert deadline(body, "pay_by")["due_on"] == "2027-01-04"
