from __future__ import annotations

from dataclasses import replace

import pytest

from enforcement.workflow import ForbiddenByLaw, ImpossibleEvent, InvalidEvent, due_events
from enforcement.workflow.types import FollowUp

from .support import d

LIMIT = {"measure": "limit", "approved_by": "Director Wang"}


def test_a_stop_order_served_2026_09_28_has_its_plan_due_2026_10_23(flow):
    f = flow("stop", d("2026-09-28"))
    # 15 working days: National Day skipped, the adjusted working Saturday 10 October counted.
    assert f.case.deadlines["plan_due"].due_on == d("2026-10-23")
    # 停产整治 runs until lifted (MEP Order No. 30 Art. 14): no period end.
    assert "period_end" not in f.case.deadlines and f.case.params["measure"] == "stop"
    # 限制生产: at most 3 months from service.
    assert flow("stop", d("2026-09-28"), LIMIT).case.deadlines["period_end"].due_on == d("2026-12-28")


def test_the_first_unannounced_check_within_7_days_moves_past_national_day(flow):
    f = flow("stop", d("2026-09-28"))
    check = f.case.followups["stop_check_1"]
    # 5 October is a holiday: the check moves to Thursday 8 October.
    assert (check.earliest_on, check.due_on, check.unannounced) == (d("2026-09-29"), d("2026-10-08"), True)


def test_a_clean_check_schedules_the_next_one_30_days_later(flow):
    f = flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=False)
    nxt = f.case.followups["stop_check_2"]
    assert nxt.due_on == d("2026-11-09")  # 7 November is a Saturday
    assert f.case.followups["stop_check_1"].visit_id == 11


def test_production_found_running_proposes_closure_and_never_closes_by_itself(flow):
    f = flow("stop", d("2026-09-28"))
    out = f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=True)
    assert f.case.state == "closure_proposed" and out.escalations == ()
    assert f.case.facts["closure_proposal"]["reason"] == "production_running"


def test_the_same_visit_twice_has_no_effect(flow):
    f = flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=False)
    before = f.case
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=False)
    assert f.case == before
    with pytest.raises(ImpossibleEvent):
        f("visit", d("2026-10-09"), followup="stop_check_1", visit_id=12, production_running=False)


def test_one_extension_of_at_most_3_months_with_approval(flow):
    f = flow("stop", d("2026-09-28"), LIMIT)
    with pytest.raises(ForbiddenByLaw) as too_long:
        f("extend", d("2026-12-01"), months=4, approved_by="Director Wang")
    assert too_long.value.article == "MEP Order No. 30 (2014) Art. 14"
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-12-01"), months=2)
    assert set(err.value.fields) == {"approved_by"}
    f("extend", d("2026-12-01"), months=3, approved_by="Director Wang")
    end = f.case.deadlines["period_end"]
    assert end.due_on == d("2027-03-29") and end.provisional  # 28 March 2027 is a Sunday; 2027 not yet official
    assert f.case.facts["extension"] == {"months": 3, "approved_by": "Director Wang", "on": "2026-12-01"}
    with pytest.raises(ForbiddenByLaw):
        f("extend", d("2026-12-02"), months=1, approved_by="Director Wang")


def test_the_completion_report_turns_the_pending_check_into_the_verification_visit(flow):
    f = flow("stop", d("2026-09-28"))
    f("file_plan", d("2026-10-20"))
    f("accept_plan", d("2026-10-21"))
    f("visit", d("2026-10-22"), followup="stop_check_1", visit_id=1, production_running=False)
    out = f("report_completed", d("2026-11-02"))
    assert f.case.state == "lifted" and f.case.facts["lifted_on"] == "2026-11-02"  # lifted on filing
    assert f.case.deadlines["verify_by"].due_on == d("2026-11-23")
    check = f.case.followups["stop_check_2"]
    assert check.purpose == "verification" and check.due_on == d("2026-11-23")
    assert out.moved == ()  # same due date: re-purposed, not moved
    f("verify", d("2026-11-10"), compliant=True, visit_id=2)
    assert f.case.state == "lifted"
    assert f.case.followups["stop_check_2"].done_on == d("2026-11-10")
    assert f.case.followups["post_resumption"].due_on == d("2026-12-10")


def test_the_completion_report_moves_an_earlier_pending_check(flow):
    f = flow("stop", d("2026-09-28"))
    f("file_plan", d("2026-10-20"))
    f("visit", d("2026-10-22"), followup="stop_check_1", visit_id=1, production_running=False)
    # stop_check_2 is due 23 November; the completion report on 26 October sets verify_by 16 November.
    out = f("report_completed", d("2026-10-26"))
    assert out.moved == (("stop_check_2", d("2026-11-23"), d("2026-11-16")),)
    assert f.case.facts["verify_followup"] == "stop_check_2"


def test_a_limit_period_ending_without_completion_only_proposes_closure(flow, rules, cal):
    f = flow("stop", d("2026-09-28"), LIMIT)
    assert due_events(f.case, d("2026-12-28"), rules=rules, calendar=cal) == []
    (event,) = due_events(f.case, d("2027-01-05"), rules=rules, calendar=cal)
    assert (event.type, event.on) == ("expire", d("2026-12-29"))
    out = f(event.type, event.on)
    # Local campaign rule: a proposal, never a closure (EPL Art. 60 needs the government).
    assert f.case.state == "closure_proposed" and out.escalations == ()
    assert f.case.facts["closure_proposal"] == {"reason": "period_expired", "on": "2026-12-29",
                                                "from": "ordered", "local_rule": True}
    out = f("approve_close", d("2027-01-08"), approved_by="County People's Government", approved_on="2027-01-06")
    assert f.case.state == "escalated"
    (esc,) = out.escalations
    assert (esc.action, esc.reason, esc.served_on) == ("close", "period_expired", d("2027-01-08"))
    assert esc.params["government_approved_by"] == "County People's Government"
    assert esc.params["government_approved_on"] == "2027-01-06"
    assert "stop_check_1" in out.cancelled and f.case.facts["cancelled_followups"] == ["stop_check_1"]
    assert f.case.facts["cancelled_followup_log"][0]["reason"] == "escalated: period_expired"


def test_a_stop_measure_never_expires_by_itself(flow, rules, cal):
    f = flow("stop", d("2026-09-28"))
    assert due_events(f.case, d("2027-06-30"), rules=rules, calendar=cal) == []


def test_expiry_before_the_end_of_the_period_is_refused(flow):
    f = flow("stop", d("2026-09-28"), LIMIT)
    with pytest.raises(InvalidEvent):
        f("expire", d("2026-12-28"))


def test_a_failed_verification_within_the_period_returns_to_rectifying(flow):
    f = flow("stop", d("2026-09-28"), LIMIT)
    f("file_plan", d("2026-10-20"))
    f("report_completed", d("2026-10-26"))
    f("verify", d("2026-11-02"), compliant=False, visit_id=5)
    assert f.case.state == "rectifying"
    assert f.case.deadlines["period_end"].met_on is None
    assert any(k.startswith("stop_check_") and v.done_on is None for k, v in f.case.followups.items())


def test_an_approved_closure_records_the_day_and_withdraws_the_checks_still_planned(flow):
    # 限制生产 served Monday 28 September 2026: the period ends 28 December (3 months). The first
    # check (due Thursday 8 October) was never done; the period expires and the closure is
    # proposed (local rule); the county government approves it on Wednesday 30 December.
    f = flow("stop", d("2026-09-28"), LIMIT)
    f("expire", d("2026-12-29"))
    assert f.case.state == "closure_proposed"
    out = f("approve_close", d("2026-12-30"), approved_by="县人民政府")
    assert f.case.state == "escalated" and f.case.facts["escalated_on"] == "2026-12-30"
    assert out.cancelled == ("stop_check_1",)
    assert f.case.facts["cancelled_followup_log"] == [
        {"key": "stop_check_1", "due_on": "2026-10-08", "on": "2026-12-30", "reason": "escalated: period_expired"}
    ]
    (esc,) = out.escalations
    assert (esc.action, esc.reason, esc.served_on) == ("close", "period_expired", d("2026-12-30"))
    assert esc.params == {"government_approved_by": "县人民政府", "government_approved_on": "2026-12-30",
                          "resumed_production": False}


def test_the_extension_of_a_limit_needs_its_months_and_comes_within_the_period(flow):
    # 限制生产 served Monday 28 September 2026: the period ends Monday 28 December (Order No. 30
    # Art. 14: 3 months).
    f = flow("stop", d("2026-09-28"), LIMIT)
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-12-01"))
    assert err.value.fields == {"months": "is required", "approved_by": "is required"}
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-12-01"), months=0, approved_by="局长 王")
    assert err.value.fields == {"months": "must be at least 1"}
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-12-29"), months=1, approved_by="局长 王")
    assert err.value.fields == {"on": "the period already ended on 2026-12-28"}
    f("extend", d("2026-12-28"), months=1, approved_by="局长 王")  # its last day
    # 28 September + 4 months = Thursday 28 January 2027.
    assert f.case.deadlines["period_end"].due_on == d("2027-01-28")
    assert f.case.facts["extension"] == {"months": 1, "approved_by": "局长 王", "on": "2026-12-28"}


def test_an_extension_with_a_check_still_planned_plans_no_second_one(flow):
    f = flow("stop", d("2026-09-28"), LIMIT)
    f("extend", d("2026-10-05"), months=2, approved_by="局长 王")
    assert [k for k in f.case.followups] == ["stop_check_1"] and f.case.facts["check_count"] == 1


def test_a_periodic_check_falling_on_the_last_day_of_the_period_is_planned(flow):
    f = flow("stop", d("2026-09-28"), LIMIT)  # period_end Monday 28 December
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    # Done late on Saturday 28 November: 28 November + 30 = 28 December, the period's last day.
    f("visit", d("2026-11-28"), followup="stop_check_2", visit_id=2, production_running=False)
    assert f.case.followups["stop_check_3"] == FollowUp(
        "stop_check_3", "follow_up", d("2026-11-30"), d("2026-12-28"), True,
        note="periodic check every 30 days while the measure runs",
    )
    assert f.case.facts["check_count"] == 3
    # A day later, natural would be 29 December, past the period: no check.
    g = flow("stop", d("2026-09-28"), LIMIT)
    g("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    g("visit", d("2026-11-29"), followup="stop_check_2", visit_id=2, production_running=False)
    assert "stop_check_3" not in g.case.followups


def _filed_completion(flow, params=None):
    # 停产整治 served Monday 28 September 2026; the first check (8 October) finds it stopped and
    # plans the next for Monday 9 November (7 November + 2: a weekend); the completion report is
    # filed Monday 2 November (Order No. 30 Art. 17): lifted that day, and the planned check
    # becomes the verification, due by Monday 23 November (15 working days).
    f = flow("stop", d("2026-09-28"), params)
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    f("file_plan", d("2026-10-20"))
    f("accept_plan", d("2026-10-21"))
    f("report_completed", d("2026-11-02"))
    assert f.case.facts["verify_followup"] == "stop_check_2"
    return f


def test_a_verification_confirms_the_lifting_and_plans_the_check_after_resumption(flow):
    f = _filed_completion(flow)
    f("verify", d("2026-11-10"), compliant=True, visit_id=5)
    assert f.case.state == "lifted"
    assert f.case.deadlines["verify_by"].met_on == d("2026-11-10")
    check = f.case.followups["stop_check_2"]
    assert (check.done_on, check.visit_id) == (d("2026-11-10"), 5)
    assert {k: f.case.facts[k] for k in ("completed_on", "lifted_on", "verified_on")} == {
        "completed_on": "2026-11-02", "lifted_on": "2026-11-02", "verified_on": "2026-11-10"}
    assert set(f.case.facts) == {"check_count", "plan_filed_on", "plan_accepted_on", "completed_on", "lifted_on",
                                 "verified_on", "verify_followup", "last_event_on"}
    # 30 days after production resumed: 11 November to Thursday 10 December, unannounced.
    assert f.case.followups["post_resumption"] == FollowUp(
        "post_resumption", "follow_up", d("2026-11-11"), d("2026-12-10"), True,
        note="check 30 days after production resumed",
    )


def test_a_case_stored_before_lifting_was_recorded_at_the_filing_is_lifted_at_verification(flow):
    # Older snapshots: no lifted_on (and no verify_followup) when the verification comes.
    f = _filed_completion(flow)
    old = {k: v for k, v in f.case.facts.items() if k not in ("lifted_on", "verify_followup")}
    f.case = replace(f.case, facts=old)
    f("verify", d("2026-11-10"), compliant=True, visit_id=5)
    assert f.case.facts["lifted_on"] == "2026-11-02"  # the filing day it names
    assert f.case.followups["stop_check_2"].done_on is None  # no key to complete
    g = _filed_completion(flow)
    g.case = replace(g.case, facts={k: v for k, v in g.case.facts.items() if k not in ("lifted_on", "completed_on")})
    g("verify", d("2026-11-10"), compliant=True, visit_id=5)
    assert g.case.facts["lifted_on"] == "2026-11-10"
    # Found not done, such a case goes back to rectifying all the same.
    h = _filed_completion(flow)
    h.case = replace(h.case, facts={k: v for k, v in h.case.facts.items() if k not in ("lifted_on", "completed_on")})
    h("verify", d("2026-11-10"), compliant=False, visit_id=5)
    assert h.case.state == "rectifying" and h.case.facts["rejected_completions"][0]["reported_on"] is None


def test_every_rejected_completion_is_kept_and_the_checks_start_again(flow):
    f = _filed_completion(flow, LIMIT)  # 限制生产: its period_end (28 December) was met by the filing
    assert f.case.deadlines["period_end"].met_on == d("2026-11-02")
    f("verify", d("2026-11-10"), compliant=False, visit_id=2)
    assert f.case.state == "rectifying" and f.case.deadlines["period_end"].met_on is None
    assert "completed_on" not in f.case.facts and "lifted_on" not in f.case.facts
    assert f.case.followups["stop_check_2"].visit_id == 2
    # The next check 30 days after the failed verification: Thursday 10 December.
    assert f.case.followups["stop_check_3"].due_on == d("2026-12-10")
    f("report_completed", d("2026-11-20"))
    f("verify", d("2026-11-25"), compliant=False, visit_id=3)
    assert f.case.facts["rejected_completions"] == [
        {"on": "2026-11-10", "visit_id": 2, "reported_on": "2026-11-02"},
        {"on": "2026-11-25", "visit_id": 3, "reported_on": "2026-11-20"},
    ]


def test_the_completion_filing_keeps_its_references_and_turns_the_planned_check_into_the_verification(flow):
    f = flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    f("file_plan", d("2026-10-20"))
    f("accept_plan", d("2026-10-21"))
    with pytest.raises(InvalidEvent) as err:
        f("report_completed", d("2026-11-02"), disclosure_ref=" ", monitoring_ref=7)
    assert err.value.fields == {"disclosure_ref": "must be a non-empty string",
                                "monitoring_ref": "must be a non-empty string"}
    f("report_completed", d("2026-11-02"), disclosure_ref="企业官网 2026-11-01", monitoring_ref="监测报告 第12号")
    assert (f.case.facts["disclosure_ref"], f.case.facts["monitoring_ref"]) == ("企业官网 2026-11-01", "监测报告 第12号")
    # The periodic check planned for Monday 9 November becomes the verification: from Tuesday
    # 3 November to verify_by, Monday 23 November (15 working days), under the same key.
    assert f.case.followups["stop_check_2"] == FollowUp(
        "stop_check_2", "verification", d("2026-11-03"), d("2026-11-23"), True,
        note="check after the completion filing, before verify_by (was periodic check stop_check_2)",
    )


def test_a_completion_filed_while_closure_is_proposed_withdraws_the_proposal(flow):
    # 限制生产 served Monday 28 September 2026 (period_end Monday 28 December). Production found
    # running on 8 October: closure proposed, no further check planned. The completion is filed
    # on Tuesday 20 October: the proposal is withdrawn and a verification visit planned as such.
    f = flow("stop", d("2026-09-28"), LIMIT)
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=True)
    f("report_completed", d("2026-10-20"))
    assert f.case.state == "lifted" and "closure_proposal" not in f.case.facts
    # verify_by, 15 working days after 20 October: 21-23 (3), 26-30 (8), 2-6 Nov (13), 9, 10:
    # Tuesday 10 November.
    assert f.case.followups["verify"] == FollowUp(
        "verify", "verification", d("2026-10-21"), d("2026-11-10"), True,
        note="check after the completion filing, before verify_by",
    )
    assert f.case.facts["verify_followup"] == "verify"
    # Found not done on 1 December: no periodic check fits before 28 December (1 December + 30
    # is 31 December), so the next filing's verification is a visit of its own: verify_2.
    f("verify", d("2026-12-01"), compliant=False, visit_id=2)
    assert not [k for k, x in f.case.followups.items() if x.done_on is None]
    f("report_completed", d("2026-12-10"))
    assert f.case.facts["verify_followup"] == "verify_2" and f.case.followups["verify_2"].done_on is None
