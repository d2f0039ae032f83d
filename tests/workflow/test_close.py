from __future__ import annotations

import pytest

from enforcement.workflow import ImpossibleEvent, InvalidEvent

from .support import d

ALL_DONE = {"water_cut": True, "power_cut": True, "materials_cleared": True, "equipment_cleared": True, "products_cleared": True}


def test_a_closure_served_2026_09_16_must_be_executed_by_8_october(flow):
    # 15 calendar days end on 1 October (National Day) and roll to the next working day.
    f = flow("close", d("2026-09-16"))
    assert f.case.deadlines["execute_by"].due_on == d("2026-10-08")


def test_execution_needs_the_whole_two_cuts_three_clears_checklist(flow):
    f = flow("close", d("2026-09-16"))
    with pytest.raises(InvalidEvent) as err:
        f("execute", d("2026-09-20"), checklist={**ALL_DONE, "power_cut": False, "products_cleared": None})
    assert set(err.value.fields) == {"checklist.power_cut", "checklist.products_cleared"}
    with pytest.raises(InvalidEvent):
        f("execute", d("2026-09-20"))


def test_a_verified_closure_is_watched_at_1_3_and_6_months_then_closed(flow):
    f = flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    assert f.case.deadlines["verify_by"].due_on == d("2026-09-24")  # 20 September is an adjusted working Sunday
    assert f.case.followups["verify"].unannounced
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    assert f.case.state == "verified"
    checks = {k: (v.earliest_on, v.due_on) for k, v in f.case.followups.items() if k.startswith("rebound_")}
    assert checks == {
        "rebound_1m": (d("2026-09-23"), d("2026-10-22")),
        "rebound_3m": (d("2026-10-23"), d("2026-12-22")),
        "rebound_6m": (d("2026-12-23"), d("2027-03-22")),
    }
    f("visit", d("2026-10-20"), followup="rebound_1m", visit_id=2, running=False)
    assert f.case.state == "monitoring"
    f("visit", d("2026-12-01"), followup="rebound_3m", visit_id=3, running=False)
    with pytest.raises(ImpossibleEvent):
        f("close", d("2026-12-02"))  # a check is still planned
    f("visit", d("2027-03-01"), followup="rebound_6m", visit_id=4, running=False)
    assert f.case.state == "closed"


def test_a_site_found_running_again_rebounds_and_opens_a_close_and_a_fine(flow):
    f = flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    f("visit", d("2026-10-20"), followup="rebound_1m", visit_id=2, running=False)
    out = f("visit", d("2026-12-01"), followup="rebound_3m", visit_id=3, running=True)
    assert f.case.state == "rebounded"
    assert sorted((e.action, e.reason) for e in out.escalations) == [("close", "rebound"), ("fine", "rebound")]
    assert out.cancelled == ("rebound_6m",)


def test_a_rebound_reported_between_checks_is_recorded_with_the_rebound_event(flow):
    f = flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    out = f("rebound", d("2026-10-02"), visit_id=9)
    assert f.case.state == "rebounded" and len(out.escalations) == 2


def test_an_incomplete_execution_found_at_verification_returns_to_ordered(flow):
    f = flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    f("verify", d("2026-09-22"), compliant=False, visit_id=1)
    assert f.case.state == "ordered" and f.case.deadlines["execute_by"].met_on is None
    f("execute", d("2026-09-29"), checklist=ALL_DONE)
    assert f.case.facts["verify_followup"] == "verify_2"
    assert f.case.followups["verify"].done_on == d("2026-09-22")
