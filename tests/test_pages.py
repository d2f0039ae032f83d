"""What people see on the pages: a case's deadlines and follow-ups, the worklist, disclosure."""
from __future__ import annotations

from datetime import date

from support_app import NOW
from enforcement.extensions import db
from enforcement.services.casework import cases
from enforcement.services.core.actor import SYSTEM


def test_the_case_page_shows_deadlines_followups_and_provisional_dates(client, auth, make_user,
                                                                        make_case):
    make_user("reviewer", "reviewer")
    case = make_case(action="rectify", served_on=date(2026, 12, 15), rectify_days=60)
    auth.login("reviewer")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "整改期限" in page and "2027-02-15" in page
    assert "暂定" in page  # counted without official 2027 data
    assert "跟踪检查" in page and "暗访" in page


def test_the_case_page_escapes_what_people_typed(client, auth, make_user, make_case):
    make_user("reviewer", "reviewer")
    case = make_case(action="close", violation="<script>alert(1)</script>")
    auth.login("reviewer")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_inspector_sees_follow_ups_assigned_to_them(client, auth, make_user, make_case,
                                                      writing):
    inspector = make_user("zhangwei", "inspector")
    served = date(2026, 11, 22)  # the app's today is pinned to 2026-11-25
    case = make_case(action="stop", served_on=served, assignee_id=inspector.id)
    auth.login("zhangwei")
    page = client.get("/m/worklist").get_data(as_text=True)
    assert case.enterprise.name in page


def test_disclosure_lists_decided_fines_without_personal_data(client, make_case, writing):
    case = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=5_000_000,
                     enterprise=None)
    case.enterprise.contact_name, case.enterprise.contact_phone = "李某某", "13900001111"
    for data in ({"type": "notify", "on": "2026-09-03"},
                 {"type": "decide", "on": "2026-09-16", "amount_fen": 5_000_000}):
        cases.apply_event(SYSTEM, case, data, now=NOW)
    db.session.commit()
    page = client.get("/public/disclosure").get_data(as_text=True)
    assert case.enterprise.name in page and "50,000.00" in page
    assert "李某某" not in page and "13900001111" not in page


def test_unknown_pages_are_a_friendly_404(client, auth, make_user):
    make_user("reviewer", "reviewer")
    auth.login("reviewer")
    response = client.get("/cases/999999")
    assert response.status_code == 404 and "返回首页" in response.get_data(as_text=True)
