"""A ban and dismantling (取缔) after its verification: the anti-rebound checks each recorded with
their visit, the case closed by the last check or by hand, a closed case reopened (and closed and
reopened again), a rebound reported with its visit, and what each step allows next.

Worked example: served Wednesday 16 September 2026, executed Friday 18 September, verified
Tuesday 22 September (visit 1); the unannounced checks 1, 3 and 6 months after: due 22 October
2026, 22 December 2026 and 22 March 2027."""
from __future__ import annotations

from dataclasses import replace

import pytest

from enforcement.workflow import ImpossibleEvent, InvalidEvent
from enforcement.workflow.engine import allowed_events

from .support import Flow, d

ALL_DONE = {"water_cut": True, "power_cut": True, "materials_cleared": True, "equipment_cleared": True,
            "products_cleared": True}


def verified():
    f = Flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    return f


def test_each_check_is_recorded_with_its_visit_and_the_last_one_closes_the_case():
    f = verified()
    assert allowed_events(f.case) == ["visit", "rebound"]
    f("visit", d("2026-10-20"), followup="rebound_1m", visit_id=2, running=False)
    assert (f.case.followups["rebound_1m"].done_on, f.case.followups["rebound_1m"].visit_id) == (d("2026-10-20"), 2)
    assert f.case.state == "monitoring" and "closed_on" not in f.case.facts
    assert f.case.facts["last_event_on"] == "2026-10-20"
    # The same visit sent twice (a double click) changes nothing.
    before = f.case
    f("visit", d("2026-10-20"), followup="rebound_1m", visit_id=2, running=False)
    assert f.case == before
    f("visit", d("2026-12-01"), followup="rebound_3m", visit_id=3, running=False)
    assert allowed_events(f.case) == ["visit", "rebound"]  # 6-month check still planned: no hand close
    f("visit", d("2027-03-01"), followup="rebound_6m", visit_id=4, running=False)
    assert f.case.followups["rebound_6m"].visit_id == 4
    assert f.case.state == "closed" and f.case.facts["closed_on"] == "2027-03-01"
    assert f.case.facts["last_event_on"] == "2027-03-01"
    assert allowed_events(f.case) == ["reopen"]


def test_a_closed_closure_is_reopened_closed_by_hand_and_reopened_again():
    f = verified()
    for on, key, visit in (("2026-10-20", "rebound_1m", 2), ("2026-12-01", "rebound_3m", 3),
                           ("2027-03-01", "rebound_6m", 4)):
        f("visit", d(on), followup=key, visit_id=visit, running=False)
    # A complaint: the bureau reopens the case on Wednesday 10 March 2027. No check is planned any
    # more: the case can be closed by hand or a rebound reported, there is nothing to visit.
    f("reopen", d("2027-03-10"))
    assert f.case.state == "monitoring" and f.case.facts["reopened"] == ["2027-03-10"]
    assert allowed_events(f.case) == ["rebound", "close"]
    with pytest.raises(ImpossibleEvent):
        f("visit", d("2027-03-11"), followup="rebound_6m", visit_id=5, running=False)
    f("close", d("2027-03-15"))
    assert f.case.state == "closed" and f.case.facts["closed_on"] == "2027-03-15"
    assert f.case.facts["last_event_on"] == "2027-03-15"
    f("reopen", d("2027-04-01"))
    assert f.case.state == "monitoring"
    assert f.case.facts["reopened"] == ["2027-03-10", "2027-04-01"]  # every reopening kept
    assert f.case.facts["closed_on"] == "2027-03-15"  # the last closing stays on record


def test_an_event_dated_before_the_last_one_recorded_is_refused():
    f = verified()
    f("visit", d("2026-10-20"), followup="rebound_1m", visit_id=2, running=False)
    with pytest.raises(InvalidEvent) as err:
        f("rebound", d("2026-10-19"), visit_id=7)
    assert err.value.fields == {"on": "before the last recorded event (2026-10-20); events apply in date order"}


def test_a_check_visit_must_say_whether_the_site_is_running():
    f = verified()
    with pytest.raises(InvalidEvent) as err:
        f("visit", d("2026-10-20"), followup="rebound_1m", visit_id=2)
    assert err.value.fields == {"running": "is required"}
    assert f.case.followups["rebound_1m"].done_on is None


def test_a_rebound_reported_between_checks_keeps_its_visit_and_day():
    f = verified()
    f("rebound", d("2026-10-02"), visit_id=9)
    assert f.case.state == "rebounded"
    assert (f.case.facts["rebounded_on"], f.case.facts["rebound_visit_id"]) == ("2026-10-02", 9)
    assert f.case.facts["last_event_on"] == "2026-10-02"


def test_a_check_visit_finding_the_site_running_keeps_its_visit():
    f = verified()
    f("visit", d("2026-10-20"), followup="rebound_1m", visit_id=2, running=True)
    assert (f.case.facts["rebounded_on"], f.case.facts["rebound_visit_id"]) == ("2026-10-20", 2)
    assert f.case.followups["rebound_1m"].visit_id == 2


def test_the_verification_of_an_older_case_completes_its_visit_and_no_check_takes_it_again():
    # A case stored before "verify_followup" was kept: the verify event completes its one
    # verification visit ("verify", test_close_record.py). A later visit naming it is refused:
    # the verification is done, not a check of whether the site runs again.
    f = Flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    f.case = replace(f.case, facts={k: v for k, v in f.case.facts.items() if k != "verify_followup"})
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    with pytest.raises(ImpossibleEvent) as err:
        f("visit", d("2026-09-23"), followup="verify", visit_id=2, running=False)
    assert str(err.value) == "follow-up 'verify' was already completed on 2026-09-22 by visit 1"
    assert (f.case.followups["verify"].done_on, f.case.followups["verify"].visit_id) == \
        (d("2026-09-22"), 1)
