"""What the engine refuses before any action's own rules, word for word (the API shows these
messages as they are): a date that is not a date, an event the action does not know, an event
the state does not allow, an event dated before service or before the last recorded event. An
event without data is taken as one with empty data, and a case is counted and judged by its
township's own rules."""
from __future__ import annotations

import pytest

from enforcement.workflow import Event, ForbiddenByLaw, ImpossibleEvent, InvalidEvent, Rules, apply

from .support import Flow, d


def test_an_event_dated_with_a_string_is_refused(flow, rules, cal):
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(InvalidEvent) as err:
        apply(f.case, Event("file_plan", "2026-10-20"), rules=rules, calendar=cal)
    assert err.value.fields == {"on": "must be a date"}


def test_an_event_the_action_does_not_know_lists_the_ones_it_does(flow):
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(InvalidEvent) as err:
        f("release", d("2026-10-20"))
    assert err.value.fields == {"type": (
        "unknown event type 'release' for a stop case (known: file_plan, accept_plan, extend, "
        "report_completed, verify, visit, expire, approve_close, decline_close, hearing)")}


def test_an_event_the_state_does_not_allow_names_what_is_allowed(flow):
    # 停产整治 served Monday 28 September 2026: the plan is filed before it can be accepted.
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(ImpossibleEvent) as err:
        f("accept_plan", d("2026-10-20"))
    assert str(err.value) == (
        "a stop case in state 'ordered' cannot take 'accept_plan'; allowed now: file_plan, visit, hearing")
    # Production found running on 8 October, closure approved by the government on 20 October
    # (EPL Art. 60): the stop case has escalated and takes nothing more.
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=True)
    f("approve_close", d("2026-10-20"), approved_by="县人民政府")
    with pytest.raises(ImpossibleEvent) as err:
        f("report_completed", d("2026-10-21"))
    assert str(err.value) == (
        "a stop case in state 'escalated' cannot take 'report_completed'; allowed now: nothing")
    assert err.value.allowed == []


def test_events_come_after_service_and_in_date_order(flow):
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(InvalidEvent) as err:
        f("file_plan", d("2026-09-27"))
    assert err.value.fields == {"on": "before the case was served (2026-09-28)"}
    f("file_plan", d("2026-10-20"))
    with pytest.raises(InvalidEvent) as err:
        f("accept_plan", d("2026-10-19"))
    assert err.value.fields == {"on": "before the last recorded event (2026-10-20); events apply in date order"}


def test_an_event_without_data_is_read_as_empty_data(flow, rules, cal):
    f = flow("stop", d("2026-09-28"))
    out = apply(f.case, Event("file_plan", d("2026-10-20"), None), rules=rules, calendar=cal)
    assert out.case.state == "plan_filed" and out.case.facts["plan_filed_on"] == "2026-10-20"
    # A payment without data: refused for its missing amount, like a payment with empty data.
    g = flow("fine", d("2026-09-01"))
    g("notify", d("2026-09-02"))
    g("decide", d("2026-09-16"), amount_fen=1_000_000)
    with pytest.raises(InvalidEvent) as err:
        apply(g.case, Event("pay", d("2026-10-08"), None), rules=rules, calendar=cal)
    assert err.value.fields == {"amount_fen": "is required"}


def test_a_township_with_shorter_periods_is_held_to_its_own_rules(cal):
    # MEP Order No. 30 Art. 14: 限制生产 lasts at most 3 months, extended once by at most 3.
    # Hengli's bureau rules give 2 months and an extension of at most 2.
    rules = Rules.from_mapping({"townships": {"Hengli": {"stop": {"period_months": 2, "max_extension_months": 2}}}})
    f = Flow("stop", d("2026-09-28"), {"measure": "limit", "approved_by": "局长 王"},
             rules=rules, calendar=cal, township="Hengli")
    # 28 September + 2 months = Saturday 28 November, so Monday 30 November.
    assert f.case.deadlines["period_end"].due_on == d("2026-11-30")
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-11-02"), months=3, approved_by="局长 王")
    assert str(err.value) == "the extension of 限制生产 may not exceed 2 months (MEP Order No. 30 (2014) Art. 14)"
    # Extended by 2: 28 September + 4 months = Thursday 28 January 2027.
    f("extend", d("2026-11-02"), months=2, approved_by="局长 王")
    assert f.case.deadlines["period_end"].due_on == d("2027-01-28")


def test_event_data_that_is_not_an_object_is_refused(flow, rules, cal):
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(InvalidEvent) as err:
        apply(f.case, Event("file_plan", d("2026-10-20"), ["plan"]), rules=rules, calendar=cal)
    assert err.value.fields == {"data": "must be an object"}
