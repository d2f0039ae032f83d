"""Worked examples of the second edition of the stop workflow and of the new measures (issue #15),
each with its dates counted by hand in a comment, and the refusals the law requires."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement.workflow import Calendar, Event, ForbiddenByLaw, InvalidEvent, Rules, apply, open_case, replay

from .support import d, examples

LIMIT = {"measure": "limit", "approved_by": "局长 王"}
SEAL = {"items": ["电镀槽 2 个", "废水泵 1 台"], "approved_by": "局长 王"}
CHECKLIST = {k: True for k in ("water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared")}


def test_worked_example_a_limit_extended_once(flow):
    # 限制生产 served Monday 2 March 2026 (MEP Order No. 30 Art. 14).
    f = flow("stop", d("2026-03-02"), LIMIT)
    # plan_due, 15 working days (Art. 15), March 2026 has no holiday:
    # 3-6 Mar (4), 9-13 (9), 16-20 (14), Mon 23 Mar (15).
    assert f.case.deadlines["plan_due"].due_on == d("2026-03-23")
    # period_end: 3 months from 2 March = Tuesday 2 June 2026, a working day.
    assert f.case.deadlines["period_end"].due_on == d("2026-06-02")
    f("file_plan", d("2026-03-20"))
    # Extended on 20 May by 3 months with the head's approval: 6 months from service = Wednesday
    # 2 September 2026.
    f("extend", d("2026-05-20"), months=3, approved_by="局长 王")
    assert f.case.deadlines["period_end"].due_on == d("2026-09-02")
    assert f.case.facts["extension"] == {"months": 3, "approved_by": "局长 王", "on": "2026-05-20"}
    # A second extension is what Art. 14 forbids.
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-06-01"), months=1, approved_by="局长 王")
    assert "Art. 14" in str(err.value)
    # Filed on Friday 14 August: lifted that day (Art. 17). verify_by, 15 working days:
    # 17-21 Aug (5), 24-28 (10), 31 Aug-4 Sep (15) = Friday 4 September.
    f("report_completed", d("2026-08-14"), disclosure_ref="企业官网 2026-08-13")
    assert f.case.state == "lifted" and f.case.facts["lifted_on"] == "2026-08-14"
    assert f.case.deadlines["period_end"].met_on == d("2026-08-14")
    assert f.case.deadlines["verify_by"].due_on == d("2026-09-04")


def test_worked_example_a_stop_lifted_by_filing(flow):
    # 停产整治 served Monday 28 September 2026: no period, it runs until lifted (Art. 14).
    f = flow("stop", d("2026-09-28"), {"measure": "stop", "approved_by": "局长 王"})
    assert "period_end" not in f.case.deadlines
    # plan_due: 29, 30 Sep (2); 1-7 Oct National Day; 8, 9 Oct and the adjusted working Saturday
    # 10 Oct (5); 12-16 (10); 19-23 (15) = Friday 23 October.
    assert f.case.deadlines["plan_due"].due_on == d("2026-10-23")
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-10-09"), months=1, approved_by="局长 王")
    assert err.value.article == "MEP Order No. 30 (2014) Art. 14"
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    f("file_plan", d("2026-10-20"))
    f("accept_plan", d("2026-10-21"))
    # Filed Monday 2 November: lifted that day, not on the bureau's check (Art. 17).
    f("report_completed", d("2026-11-02"))
    assert f.case.state == "lifted" and f.case.facts["lifted_on"] == "2026-11-02"
    # verify_by, 15 working days: 3-6 Nov (4), 9-13 (9), 16-20 (14), Monday 23 Nov (15).
    assert f.case.deadlines["verify_by"].due_on == d("2026-11-23")
    # The check finds it not done: the bureau reopens the measure.
    f("verify", d("2026-11-10"), compliant=False, visit_id=2)
    assert f.case.state == "rectifying" and "lifted_on" not in f.case.facts
    assert f.case.facts["rejected_completions"][0]["reported_on"] == "2026-11-02"


def test_worked_example_a_seal_up_extended_once_and_released(flow):
    # 查封 served Monday 2 March 2026 with the items listed (ACL Art. 24).
    f = flow("seal", d("2026-03-02"), SEAL)
    assert f.case.state == "sealed" and f.case.params["items"] == SEAL["items"]
    # seal_end: 30 days (ACL Art. 25): 2 March + 30 = Wednesday 1 April 2026.
    assert f.case.deadlines["seal_end"].due_on == d("2026-04-01")
    # First seal check: 15 days after service = Tuesday 17 March.
    assert f.case.followups["seal_check_1"].due_on == d("2026-03-17")
    f("visit", d("2026-03-16"), followup="seal_check_1", visit_id=7, seals_intact=True)
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-03-25"), days=31, approved_by="局长 王")
    assert err.value.article == "Administrative Compulsion Law Art. 25"
    # Extended once by 30 days: 2 March + 60 days = Friday 1 May 2026, Labour Day; 1-5 May are the
    # holiday, so the period ends on Wednesday 6 May.
    f("extend", d("2026-03-25"), days=30, approved_by="局长 王")
    assert f.case.deadlines["seal_end"].due_on == d("2026-05-06")
    with pytest.raises(ForbiddenByLaw):
        f("extend", d("2026-04-20"), days=5, approved_by="局长 王")
    f("release", d("2026-04-20"), reason="整改完成")
    assert f.case.state == "released" and f.case.deadlines["seal_end"].met_on == d("2026-04-20")
    assert not [k for k, x in f.case.followups.items() if x.done_on is None]


def test_a_seal_up_without_items_or_approval_is_refused(flow):
    with pytest.raises(InvalidEvent) as err:
        flow("seal", d("2026-03-02"), {"items": []})
    assert set(err.value.fields) == {"items", "approved_by"}


def test_broken_seals_are_recorded_and_a_handling_decision_ends_the_seal_up(flow):
    f = flow("seal", d("2026-03-02"), SEAL)
    f("visit", d("2026-03-10"), followup="seal_check_1", visit_id=3, seals_intact=False)
    assert f.case.facts["seals_broken"] == [{"on": "2026-03-10", "visit_id": 3}]
    f("handle", d("2026-03-30"), decision="依法没收")
    assert f.case.state == "handled"


def test_forced_execution_on_a_holiday_or_at_night_needs_an_urgency_reason(flow):
    f = flow("close", d("2026-09-21"))
    # Thursday 1 October 2026 is National Day (ACL Art. 43).
    with pytest.raises(ForbiddenByLaw) as err:
        f("execute", d("2026-10-01"), checklist=CHECKLIST)
    assert err.value.article == "Administrative Compulsion Law Art. 43"
    # Thursday 24 September at 23:30 is night.
    with pytest.raises(ForbiddenByLaw):
        f("execute", d("2026-09-24"), checklist=CHECKLIST, started_at="23:30")
    f("execute", d("2026-09-24"), checklist=CHECKLIST, started_at="09:00")
    assert f.case.state == "executed" and f.case.facts["executed_at"] == "09:00"


def test_an_urgent_execution_may_happen_on_a_holiday(flow):
    f = flow("close", d("2026-09-21"))
    f("execute", d("2026-10-01"), checklist=CHECKLIST, started_at="23:00", urgency="有毒废水正在外排")
    assert f.case.facts["execution_urgency"] == "有毒废水正在外排"


def test_a_closure_for_resumed_production_needs_the_governments_approval_before_service(flow):
    with pytest.raises(InvalidEvent) as err:
        flow("close", d("2026-10-20"), {"resumed_production": True})
    assert set(err.value.fields) == {"government_approved_by", "government_approved_on"}
    with pytest.raises(InvalidEvent):
        flow("close", d("2026-10-20"), {"resumed_production": True, "government_approved_by": "县人民政府",
                                        "government_approved_on": "2026-10-21"})
    ok = flow("close", d("2026-10-20"), {"resumed_production": True, "government_approved_by": "县人民政府",
                                         "government_approved_on": "2026-10-16"})
    assert ok.case.params["government_approved_on"] == "2026-10-16"


def test_production_running_then_government_approval_opens_the_close_case(flow):
    f = flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=True)
    with pytest.raises(InvalidEvent):
        f("approve_close", d("2026-10-20"), approved_by="县人民政府", approved_on="2026-10-21")
    out = f("approve_close", d("2026-10-20"), approved_by="县人民政府", approved_on="2026-10-16")
    (esc,) = out.escalations
    assert esc.params == {"government_approved_by": "县人民政府", "government_approved_on": "2026-10-16",
                          "resumed_production": True}
    # The close case opens with that approval (EPL Art. 60).
    close = open_case("close", esc.served_on, esc.params, rules=f.rules, calendar=f.calendar).case
    assert close.params["resumed_production"] is True


def test_the_government_may_decline_a_proposed_closure(flow):
    f = flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=True)
    f("decline_close", d("2026-10-20"), note="限期整改")
    assert f.case.state == "ordered" and f.case.facts["declined_closures"][0]["reason"] == "production_running"


def test_a_hearing_is_notified_at_least_7_days_before_it_is_held(flow):
    f = flow("close", d("2026-09-21"))
    # Notified Tuesday 1 September, held Monday 7 September: 6 days, refused (APL Art. 64).
    with pytest.raises(ForbiddenByLaw) as err:
        f("hearing", d("2026-09-21"), requested_on="2026-08-31", notified_on="2026-09-01", held_on="2026-09-07")
    assert err.value.article == "APL Art. 64"
    # Held Tuesday 8 September: 7 days after the notice.
    f("hearing", d("2026-09-21"), requested_on="2026-08-31", notified_on="2026-09-01", held_on="2026-09-08")
    assert f.case.facts["hearings"][0]["held_on"] == "2026-09-08"


def test_first_edition_history_replays_unchanged(rules, cal):
    # A case opened before the second edition (the migration sets measure=stop, first_edition),
    # with its extension and its expiry: it replays to the state it reached then.
    params = {"measure": "stop", "first_edition": True, "illegal_discharge": False}
    events = [Event("extend", d("2026-05-20"), {"months": 1, "approved_by": "局长 王"}),
              Event("expire", d("2026-07-03"), {})]
    case = replay("stop", d("2026-03-02"), params, events, rules=rules, calendar=cal)
    # 3 + 1 months from 2 March = Thursday 2 July; the expiry on the day after escalated then.
    # Kept as a fact for the history, not as a deadline: 停产整治 has none (Art. 14).
    assert case.facts["first_edition_period_end"] == "2026-07-02" and "period_end" not in case.deadlines
    assert case.state == "escalated"


@settings(max_examples=examples(60), deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30)), st.integers(1, 30))
def test_a_seal_up_never_lasts_beyond_60_days_plus_a_rest_day_run(served, days):
    # ACL Art. 25: 30 days, once extended by at most 30; rolling only passes rest days.
    rules, cal = Rules.default(), Calendar()
    case = open_case("seal", served, SEAL, rules=rules, calendar=cal).case
    first = case.deadlines["seal_end"].due_on
    assert served + timedelta(days=30) <= first <= served + timedelta(days=30 + 10)
    case = apply(case, Event("extend", served, {"days": days, "approved_by": "x"}), rules=rules, calendar=cal).case
    end = case.deadlines["seal_end"].due_on
    assert served + timedelta(days=30 + days) <= end <= served + timedelta(days=30 + days + 10)
    assert cal.is_working_day(end)


@settings(max_examples=examples(60), deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 3, 31)), st.integers(1, 6))
def test_a_limit_never_runs_past_6_months_and_a_stop_never_has_a_period(served, months):
    rules, cal = Rules.default(), Calendar()
    stop = open_case("stop", served, {}, rules=rules, calendar=cal).case
    assert "period_end" not in stop.deadlines
    case = open_case("stop", served, LIMIT, rules=rules, calendar=cal).case
    event = Event("extend", served, {"months": months, "approved_by": "x"})
    if months > 3:
        with pytest.raises(ForbiddenByLaw):
            apply(case, event, rules=rules, calendar=cal)
        return
    end = apply(case, event, rules=rules, calendar=cal).case.deadlines["period_end"].due_on
    assert end <= cal.add_months(served, 6)[0]
