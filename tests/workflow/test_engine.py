from __future__ import annotations

import json

import pytest

from enforcement.workflow import (
    Calendar,
    Event,
    ImpossibleEvent,
    InvalidEvent,
    allowed_events,
    apply,
    current_deadline,
    deadline_status,
    days_overdue,
    followup_status,
    open_case,
    parse_schedule,
    replay,
    snapshot_from_dict,
    snapshot_to_dict,
    state_info,
    worst_state,
)

from .support import FICTIONAL_2027, d


def test_open_case_rejects_unknown_actions_and_params(rules, cal):
    with pytest.raises(InvalidEvent) as err:
        open_case("demolish", d("2026-09-01"), {}, rules=rules, calendar=cal)
    assert "action" in err.value.fields
    with pytest.raises(InvalidEvent) as err:
        open_case("rectify", d("2026-09-01"), {"rectify_dayz": 7}, rules=rules, calendar=cal)
    assert "rectify_dayz" in err.value.fields and err.value.code == "invalid_event"


def test_an_unknown_event_type_is_invalid_and_an_untimely_one_impossible(flow):
    f = flow("fine", d("2026-09-01"))
    with pytest.raises(InvalidEvent):
        f("explode", d("2026-09-02"))
    with pytest.raises(ImpossibleEvent) as err:
        f("pay", d("2026-09-02"), amount_fen=1)
    assert err.value.allowed == ["notify", "extend_decision", "suspend"] and "'filed'" in str(err.value)


def test_events_apply_in_date_order_and_not_before_service(flow):
    f = flow("rectify", d("2026-09-28"))
    with pytest.raises(InvalidEvent):
        f("report_rectified", d("2026-09-27"))
    f("report_rectified", d("2026-10-10"))
    with pytest.raises(InvalidEvent):
        f("verify", d("2026-10-09"), compliant=True, visit_id=1)


def test_replay_rebuilds_the_same_case_including_completed_follow_ups(rules, cal):
    events = [
        Event("file_plan", d("2026-10-20")),
        Event("visit", d("2026-10-22"), {"followup": "stop_check_1", "visit_id": 5, "production_running": False}),
    ]
    case = open_case("stop", d("2026-09-28"), {}, rules=rules, calendar=cal).case
    for e in events:
        case = apply(case, e, rules=rules, calendar=cal).case
    again = replay("stop", d("2026-09-28"), {}, events, rules=rules, calendar=cal)
    assert again == case
    assert again.followups["stop_check_1"].visit_id == 5


def test_a_deadline_counted_into_2027_is_provisional_until_the_schedule_is_imported(rules):
    events = [Event("file_plan", d("2027-01-04"))]
    before = replay("stop", d("2026-12-20"), {}, events, rules=rules, calendar=Calendar())
    plan_due = before.deadlines["plan_due"]
    # served Sun 2026-12-20; 15 working days: 21–25 Dec (5), 28–31 Dec (9), Fri 1 Jan 2027 is New
    # Year (放假办法 Art. 2, certain before the notice), 4–8 Jan (14), Mon 11 Jan (15).
    assert (plan_due.due_on, plan_due.provisional) == (d("2027-01-11"), True)
    official = Calendar(extra_years={2027: parse_schedule(FICTIONAL_2027)})
    after = replay("stop", d("2026-12-20"), {}, events, rules=rules, calendar=official)
    plan_due = after.deadlines["plan_due"]
    assert (plan_due.due_on, plan_due.provisional) == (d("2027-01-11"), False)
    assert plan_due.met_on == d("2027-01-04")


def test_statuses_are_derived_from_as_of(flow):
    f = flow("rectify", d("2026-09-28"))
    rb = f.case.deadlines["rectify_by"]
    assert deadline_status(rb, d("2026-10-28")) == "pending"
    assert deadline_status(rb, d("2026-11-02")) == "overdue" and days_overdue(rb, d("2026-11-02")) == 5
    fu = f.case.followups["reinspect"]
    assert followup_status(fu, d("2026-11-04")) == "planned"
    assert followup_status(fu, d("2026-11-05")) == "missed"
    assert current_deadline(f.case, d("2026-11-02")).name == "rectify_by"


def test_snapshots_survive_a_json_round_trip(flow):
    f = flow("fine", d("2026-09-01"), {"daily_penalty": True, "illegal_discharge": True})
    f("notify", d("2026-09-02"))
    f("decide", d("2026-09-16"), amount_fen=100)
    f("pay", d("2026-09-20"), amount_fen=40)
    text = json.dumps(snapshot_to_dict(f.case), ensure_ascii=False)
    assert snapshot_from_dict(json.loads(text)) == f.case


def test_the_worst_state_of_an_enterprise_colours_the_map(flow):
    ok = flow("control", d("2026-09-01"), {"risk_class": "C"}).case
    late = flow("rectify", d("2026-09-28")).case
    info = worst_state([ok, late], d("2026-11-01"))
    assert info.value == "overdue" and info.severity == 3
    esc = flow("rectify", d("2026-09-28"))
    esc("verify", d("2026-10-30"), compliant=False, visit_id=1)
    assert worst_state([ok, late, esc.case], d("2026-11-01")).value == "escalated"
    assert state_info("fine", "paid").zh == "已缴纳"


def test_allowed_events_of_a_terminal_case_are_empty(flow):
    f = flow("rectify", d("2026-09-28"))
    f("verify", d("2026-10-30"), compliant=False, visit_id=1)
    assert allowed_events(f.case) == []
