"""A stop-production order's record event by event: the facts kept after each step, the events
offered in each state, and each refusal with its message (MEP Order No. 30 (2014); EPL Art. 60;
APL Arts. 63-64)."""
from __future__ import annotations


import pytest

from enforcement.workflow import ForbiddenByLaw, InvalidEvent, allowed_events

from .support import d, stop_verified_without_key

LIMIT = {"measure": "limit", "approved_by": "局长 王"}
ART_PERIOD = "MEP Order No. 30 (2014) Art. 14"


def test_the_plan_filed_and_accepted_are_dated_and_a_stop_order_offers_no_extension(flow):
    # 停产整治 served Monday 28 September 2026: no period, so neither extend nor expire is offered
    # in any state before lifting (Order No. 30 Art. 14).
    f = flow("stop", d("2026-09-28"))
    assert allowed_events(f.case) == ["file_plan", "visit", "hearing"]
    f("file_plan", d("2026-10-20"))  # Art. 15: within 15 working days (plan_due 23 October)
    assert f.case.facts["plan_filed_on"] == "2026-10-20"
    assert f.case.deadlines["plan_due"].met_on == d("2026-10-20")
    assert allowed_events(f.case) == ["accept_plan", "report_completed", "visit", "hearing"]
    f("accept_plan", d("2026-10-21"))
    assert f.case.state == "rectifying" and f.case.facts["plan_accepted_on"] == "2026-10-21"
    assert allowed_events(f.case) == ["report_completed", "visit", "hearing"]


def test_a_stop_order_refuses_an_extension_with_its_article(flow):
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-10-20"), months=1, approved_by="局长 王")
    assert str(err.value) == f"停产整治 runs until it is lifted; it has no period to extend ({ART_PERIOD})"
    assert err.value.allowed == ["file_plan", "visit", "hearing"]


def test_a_limit_is_extended_once_and_then_offers_no_second_extension(flow):
    # 限制生产 served Monday 28 September 2026, period_end Monday 28 December (Art. 14: 3 months).
    f = flow("stop", d("2026-09-28"), LIMIT)
    assert allowed_events(f.case) == ["file_plan", "extend", "visit", "expire", "hearing"]
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-10-20"), months=4, approved_by="局长 王")
    assert str(err.value) == f"the extension of 限制生产 may not exceed 3 months ({ART_PERIOD})"
    assert err.value.allowed == ["file_plan", "extend", "visit", "expire", "hearing"]
    # The first check (8 October) finds production stopped: the next is planned (due 9 November).
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    # Extended on 20 October by 1 month: 28 September + 4 months = Thursday 28 January 2027. The
    # check already planned stays the only one.
    f("extend", d("2026-10-20"), months=1, approved_by="局长 王")
    assert f.case.deadlines["period_end"].due_on == d("2027-01-28")
    assert sorted(f.case.followups) == ["stop_check_1", "stop_check_2"]
    assert allowed_events(f.case) == ["file_plan", "visit", "expire", "hearing"]  # once only
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-10-21"), months=1, approved_by="局长 王")
    assert str(err.value) == f"限制生产 may be extended once only ({ART_PERIOD})"
    assert err.value.allowed == ["file_plan", "visit", "expire", "hearing"]
    # Lifted on the completion filing (Art. 17): only the verification is left to record; the
    # planned check became that verification visit, which is recorded with 'verify', not 'visit'.
    f("file_plan", d("2026-10-22"))
    f("report_completed", d("2026-11-02"))
    assert allowed_events(f.case) == ["verify"]


def test_an_expiry_before_the_period_ends_names_its_last_day(flow):
    f = flow("stop", d("2026-09-28"), LIMIT)
    with pytest.raises(InvalidEvent) as err:
        f("expire", d("2026-12-28"))
    assert err.value.fields == {"on": "the period runs until 2026-12-28"}


def test_a_first_edition_stop_order_escalated_on_expiry_but_a_limit_only_proposes(flow):
    # First-edition 停产整治 served Monday 2 March 2026: its 3-month period ended Tuesday 2 June;
    # the expiry the next day escalated to closure then, and replays so.
    f = flow("stop", d("2026-03-02"), {"measure": "stop", "first_edition": True})
    out = f("expire", d("2026-06-03"))
    assert f.case.state == "escalated" and f.case.facts["escalated_on"] == "2026-06-03"
    (esc,) = out.escalations
    assert (esc.action, esc.reason, esc.served_on, esc.params) == ("close", "period_expired", d("2026-06-03"), {})
    # A 限制生产 never escalates by itself, first-edition mark or not: closure is only proposed
    # (local rule) and needs the government's approval (EPL Art. 60).
    g = flow("stop", d("2026-03-02"), {**LIMIT, "first_edition": True})
    out = g("expire", d("2026-06-03"))
    assert g.case.state == "closure_proposed" and out.escalations == ()
    assert g.case.facts["closure_proposal"] == {"reason": "period_expired", "on": "2026-06-03",
                                                "from": "ordered", "local_rule": True}


def test_production_found_running_is_dated_and_a_declined_closure_restarts_the_checks(flow):
    # 停产整治 served Monday 28 September 2026.
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(InvalidEvent) as err:
        f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1)
    assert err.value.fields == {"production_running": "is required"}
    # Thursday 8 October: production found running against the order (Order No. 30 Art. 18):
    # closure proposed by the bureau itself (not a local rule), for the government to decide.
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=True)
    assert f.case.facts["production_running_on"] == "2026-10-08"
    assert f.case.facts["closure_proposal"] == {"reason": "production_running", "on": "2026-10-08",
                                                "from": "ordered", "local_rule": False}
    # No check is planned any more: nothing to visit until the government decides.
    assert allowed_events(f.case) == ["approve_close", "decline_close", "report_completed"]
    # Monday 12 October the government declines: back to ordered, and the next check 30 days
    # later, Wednesday 11 November.
    f("decline_close", d("2026-10-12"), note="县政府不批准关闭")
    assert f.case.state == "ordered"
    assert f.case.followups["stop_check_2"].due_on == d("2026-11-11")
    # Found running again on Tuesday 10 November, declined again on Thursday 12 November: both
    # declines are kept.
    f("visit", d("2026-11-10"), followup="stop_check_2", visit_id=2, production_running=True)
    f("decline_close", d("2026-11-12"))
    assert f.case.facts["declined_closures"] == [
        {"reason": "production_running", "on": "2026-10-08", "from": "ordered", "local_rule": False,
         "declined_on": "2026-10-12", "note": "县政府不批准关闭"},
        {"reason": "production_running", "on": "2026-11-10", "from": "ordered", "local_rule": False,
         "declined_on": "2026-11-12", "note": None},
    ]


def test_production_found_running_while_closure_is_proposed_keeps_the_first_proposal(flow):
    # 限制生产 served 28 September 2026; the first check was never done and the period ran out on
    # 28 December: closure proposed on 29 December (local rule). The overdue check, done on
    # Monday 4 January 2027, finds production running: dated, but the proposal stays as it was.
    f = flow("stop", d("2026-09-28"), LIMIT)
    f("expire", d("2026-12-29"))
    f("visit", d("2027-01-04"), followup="stop_check_1", visit_id=1, production_running=True)
    assert f.case.state == "closure_proposed"
    assert f.case.facts["production_running_on"] == "2027-01-04"
    assert f.case.facts["closure_proposal"] == {"reason": "period_expired", "on": "2026-12-29",
                                                "from": "ordered", "local_rule": True}


def _verified(flow):
    # 停产整治 served 28 September 2026, checked 8 October, completion filed Monday 2 November
    # (Art. 17), verification confirmed Tuesday 10 November: the check after resumption is due
    # by Thursday 10 December (30 days).
    f = flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    f("file_plan", d("2026-10-20"))
    f("report_completed", d("2026-11-02"))
    f("verify", d("2026-11-10"), compliant=True, visit_id=2)
    return f


def test_the_check_after_resumption_is_recorded_with_what_it_found(flow):
    f = _verified(flow)
    assert allowed_events(f.case) == ["visit"]  # verified once: no second verification
    f("visit", d("2026-12-08"), followup="post_resumption", visit_id=9, compliant=True)
    check = f.case.followups["post_resumption"]
    assert (check.done_on, check.visit_id) == (d("2026-12-08"), 9)
    assert f.case.state == "lifted" and f.case.facts["post_resumption_compliant"] is True
    assert allowed_events(f.case) == []
    # The finding may be left out: nothing is recorded for it then.
    g = _verified(flow)
    g("visit", d("2026-12-08"), followup="post_resumption", visit_id=9)
    assert g.case.followups["post_resumption"].done_on == d("2026-12-08")
    assert "post_resumption_compliant" not in g.case.facts


def test_a_verification_visit_is_not_recorded_as_a_check(flow):
    # An older snapshot without verify_followup: the verification leaves the planned visit
    # stop_check_2 (a verification) open beside the check after resumption.
    f = _verified(flow)
    g = stop_verified_without_key()
    assert f.case.followups["stop_check_2"].done_on is not None  # as a current case has it
    assert g.case.followups["stop_check_2"].done_on is None
    with pytest.raises(InvalidEvent) as err:
        g("visit", d("2026-11-12"), followup="stop_check_2", visit_id=3, production_running=False)
    assert err.value.fields == {
        "followup": "'stop_check_2' is a verification follow-up; record it with the 'verify' event"}


def test_a_hearing_on_a_stop_order_is_recorded_and_too_short_a_notice_refused(flow):
    # APL Art. 63: a stop order carries the right to a hearing; Art. 64: notified at least 7
    # days before it is held. Notified Thursday 8 October, held Monday 12 October: 4 days.
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(ForbiddenByLaw) as err:
        f("hearing", d("2026-10-12"), requested_on="2026-09-30", notified_on="2026-10-08", held_on="2026-10-12")
    assert err.value.article == "APL Art. 64"
    assert err.value.allowed == ["file_plan", "visit", "hearing"]
    # Held Thursday 15 October, 7 days after the notice: recorded.
    f("hearing", d("2026-10-15"), requested_on="2026-09-30", notified_on="2026-10-08", held_on="2026-10-15")
    assert f.case.facts["hearings"] == [
        {"requested_on": "2026-09-30", "notified_on": "2026-10-08", "held_on": "2026-10-15"}]
