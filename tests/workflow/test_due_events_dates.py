"""The events time makes due (a gate past its deadline, a 限制生产 period run out) are dated the
day after the deadline, or the day of the case's last recorded event if that came later: a
system event never goes back before what the bureau already recorded."""
from __future__ import annotations

from enforcement.workflow import Rules, due_events, worst_state

from .support import Flow, d
from .test_stop import LIMIT


def test_a_gate_overdue_is_dated_after_the_last_event_recorded_on_the_case(flow, rules, cal):
    f = flow("control", d("2026-09-01"), {"risk_class": "B",
                                         "gates": {"acceptance": "missing", "declaration": "missing"}})
    assert f.case.deadlines["gate_acceptance_by"].due_on == d("2026-10-08")
    # The declaration was put right on 15 October, after the acceptance deadline had passed.
    f("gate", d("2026-10-15"), gate="declaration", status="ok")
    assert f.case.facts["last_event_on"] == "2026-10-15"
    (event,) = due_events(f.case, d("2026-10-20"), rules=rules, calendar=cal)
    assert (event.type, event.on, dict(event.data)) == ("gate_overdue", d("2026-10-15"), {"gate": "acceptance"})
    f(event.type, event.on, **event.data)  # and it applies


def test_a_gate_overdue_after_an_earlier_event_is_dated_the_day_after_its_deadline(flow, rules, cal):
    f = flow("control", d("2026-09-01"), {"risk_class": "B",
                                         "gates": {"acceptance": "missing", "declaration": "missing"}})
    f("gate", d("2026-10-05"), gate="declaration", status="ok")  # before the 10-08 deadline
    (event,) = due_events(f.case, d("2026-10-20"), rules=rules, calendar=cal)
    assert (event.type, event.on) == ("gate_overdue", d("2026-10-09"))


def test_a_limit_period_run_out_after_an_earlier_check_is_dated_the_day_after_the_end(flow, rules, cal):
    f = flow("stop", d("2026-09-28"), LIMIT)
    f("visit", d("2026-10-20"), followup="stop_check_1", visit_id=1, production_running=False)
    (event,) = due_events(f.case, d("2027-01-05"), rules=rules, calendar=cal)
    assert (event.type, event.on) == ("expire", d("2026-12-29"))


def test_a_limit_period_run_out_is_dated_after_the_last_event_recorded(flow, rules, cal):
    f = flow("stop", d("2026-09-28"), LIMIT)
    end = f.case.deadlines["period_end"].due_on
    assert end == d("2026-12-28")
    f("visit", d("2027-01-04"), followup="stop_check_1", visit_id=1, production_running=False)
    (event,) = due_events(f.case, d("2027-01-05"), rules=rules, calendar=cal)
    assert (event.type, event.on, dict(event.data)) == ("expire", d("2027-01-04"), {})
    f(event.type, event.on, **event.data)
    assert f.case.state == "closure_proposed"


def test_without_the_local_rule_a_limit_period_proposes_nothing(cal):
    # The campaign rule (propose closure when 限制生产 runs out) is local: a township may drop it,
    # and the engine reads the rule of the case's own township.
    rules = Rules.from_mapping({"townships": {"Xinzhuang": {"stop": {"propose_close_on_expiry": False}}}})
    here = Flow("stop", d("2026-09-28"), LIMIT, rules=rules, township="Xinzhuang")
    elsewhere = Flow("stop", d("2026-09-28"), LIMIT, rules=rules, township="Hengli")
    assert due_events(here.case, d("2027-01-05"), rules=rules, calendar=cal) == []
    assert [e.type for e in due_events(elsewhere.case, d("2027-01-05"), rules=rules, calendar=cal)] == ["expire"]
    nowhere = Rules.from_mapping({"stop": {"propose_close_on_expiry": False}})
    f = Flow("stop", d("2026-09-28"), LIMIT, rules=nowhere)
    assert due_events(f.case, d("2027-01-05"), rules=nowhere, calendar=cal) == []


def test_an_enterprise_without_cases_has_no_colour_on_the_map():
    assert worst_state([], d("2026-11-25")) is None


def test_an_extension_plans_the_next_check_30_days_after_the_last_one_done(flow):
    # 限制生产 served Mon 2026-09-28, ending 2026-12-28. Checks done Tue 10-20 and Tue 12-01; the
    # check after 12-01 would fall on 12-31, after the end, so none is planned...
    f = flow("stop", d("2026-09-28"), LIMIT)
    f("visit", d("2026-10-20"), followup="stop_check_1", visit_id=1, production_running=False)
    f("visit", d("2026-12-01"), followup="stop_check_2", visit_id=2, production_running=False)
    assert not [k for k, c in f.case.followups.items() if c.done_on is None]
    # ...until the head extends the measure on Thu 12-10: then 30 days after the last check done,
    # from Wed 12-02 to Thu 12-31 (a working day), not 30 days after service.
    f("extend", d("2026-12-10"), months=3, approved_by="Director Wang")
    check = f.case.followups["stop_check_3"]
    assert (check.earliest_on, check.due_on, check.done_on) == (d("2026-12-02"), d("2026-12-31"), None)
