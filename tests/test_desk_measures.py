"""The desk side of issue #15: the government's approval of a proposed closure, a seal-up's
extension in days and its refusal by law, the case page showing what the law records."""
from __future__ import annotations

import re
from datetime import date

from enforcement.extensions import db
from enforcement.models import Case, CaseLink
from enforcement.services.casework import cases
from enforcement.services.core.actor import SYSTEM
from support_app import NOW
from test_desk import csrf, reviewer  # noqa: F401  (fixture)


def test_the_desk_records_the_governments_approval_and_the_close_case_opens(reviewer, make_case):  # noqa: F811
    case = make_case(action="stop", served_on=date(2026, 9, 28), approved_by="局长 王")
    cases.apply_event(SYSTEM, case, {"type": "visit", "on": "2026-10-08", "followup": "stop_check_1",
                                     "visit_id": 3, "production_running": True}, now=NOW)
    db.session.commit()
    page = reviewer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert set(re.findall(r'data-event="([a-z_]+)"', page)) == {"approve_close", "decline_close",
                                                                 "report_completed"}
    assert 'id="case-closure-proposal"' in page and 'id="case-approved-by"' in page
    token = csrf(reviewer, f"/cases/{case.id}")
    response = reviewer.post(f"/cases/{case.id}/review/event", data={
        "csrf_token": token, "type": "approve_close", "on": "2026-10-20",
        "approved_by": "三河市人民政府", "approved_on": "2026-10-16"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "escalated"
    link = db.session.query(CaseLink).one()
    assert db.session.get(Case, link.to_case_id).params["government_approved_by"] == "三河市人民政府"


def test_a_seal_up_is_extended_in_days_at_the_desk_and_beyond_30_refused_with_the_article(
        reviewer, make_case):  # noqa: F811
    case = make_case(action="seal", served_on=date(2026, 3, 2), approved_by="局长 王", items=["电镀槽 2 个"])
    page = reviewer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="days"' in page and 'id="case-items"' in page
    token = csrf(reviewer, f"/cases/{case.id}")
    refused = reviewer.post(f"/cases/{case.id}/review/event", data={
        "csrf_token": token, "type": "extend", "on": "2026-03-25", "days": "31", "approved_by": "局长 王"})
    assert refused.status_code == 409 and "第25条" in refused.get_data(as_text=True)
    done = reviewer.post(f"/cases/{case.id}/review/event", data={
        "csrf_token": token, "type": "extend", "on": "2026-03-25", "days": "30", "approved_by": "局长 王"})
    assert done.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Case, case.id)
    # 2 March + 60 days = 1 May (Labour Day, 1-5 May): 6 May.
    assert {d.name: d.due_on for d in stored.deadlines}["seal_end"] == date(2026, 5, 6)
