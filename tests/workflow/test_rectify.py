from __future__ import annotations

import pytest

from enforcement.workflow import ImpossibleEvent, InvalidEvent, display_state, is_overdue

from .support import d


def test_a_rectify_order_served_2026_09_28_with_30_days_falls_due_2026_10_28(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30})
    assert f.case.deadlines["rectify_by"].due_on == d("2026-10-28")
    reinspect = f.case.followups["reinspect"]
    assert (reinspect.earliest_on, reinspect.due_on) == (d("2026-10-29"), d("2026-11-04"))
    assert reinspect.unannounced and reinspect.purpose == "verification"


def test_the_default_is_30_days(flow):
    assert flow("rectify", d("2026-09-28")).case.params["rectify_days"] == 30


def test_a_minor_item_corrected_on_the_spot_is_due_the_same_day(flow):
    f = flow("rectify", d("2026-11-03"), {"rectify_days": 0})
    assert f.case.deadlines["rectify_by"].due_on == d("2026-11-03")
    f("verify", d("2026-11-03"), compliant=True, visit_id=1)
    assert f.case.state == "verified"


def test_a_deadline_of_45_days_is_not_one_of_the_choices(flow):
    with pytest.raises(InvalidEvent) as err:
        flow("rectify", d("2026-09-28"), {"rectify_days": 45})
    assert "rectify_days" in err.value.fields


def test_an_early_report_brings_the_reinspection_forward(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30})
    out = f("report_rectified", d("2026-10-12"))
    assert f.case.state == "reported"
    reinspect = f.case.followups["reinspect"]
    assert (reinspect.earliest_on, reinspect.due_on) == (d("2026-10-13"), d("2026-10-19"))
    assert out.moved == (("reinspect", d("2026-11-04"), d("2026-10-19")),)


def test_a_confirmed_report_meets_the_deadline_on_the_day_it_was_reported(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30})
    f("report_rectified", d("2026-10-12"))
    f("verify", d("2026-10-15"), compliant=True, visit_id=7)
    assert f.case.state == "verified"
    assert f.case.deadlines["rectify_by"].met_on == d("2026-10-12")
    assert f.case.followups["reinspect"].done_on == d("2026-10-15")
    assert f.case.followups["reinspect"].visit_id == 7
    f("close", d("2026-10-16"))
    assert f.case.state == "closed"
    f("reopen", d("2026-10-20"))
    assert f.case.state == "verified"


def test_not_rectified_at_reinspection_escalates_to_a_fine(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30})
    out = f("verify", d("2026-10-30"), compliant=False, visit_id=3)
    assert f.case.state == "escalated"
    assert [(e.action, e.reason, e.served_on) for e in out.escalations] == [("fine", "not_rectified", d("2026-10-30"))]


def test_illegal_discharge_not_rectified_also_escalates_to_a_stop(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30, "illegal_discharge": True})
    out = f("verify", d("2026-10-30"), compliant=False, visit_id=3)
    assert {e.action for e in out.escalations} == {"fine", "stop"}
    assert f.case.followups["reinspect"].done_on == d("2026-10-30")


def test_a_report_found_false_before_the_deadline_returns_to_ordered(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30})
    f("report_rectified", d("2026-10-12"))
    out = f("verify", d("2026-10-15"), compliant=False, visit_id=4)
    assert f.case.state == "ordered" and not out.escalations
    assert f.case.followups["reinspect"].due_on == d("2026-11-04")


def test_a_visit_before_the_deadline_cannot_find_it_not_rectified(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30})
    with pytest.raises(InvalidEvent):
        f("verify", d("2026-10-15"), compliant=False, visit_id=4)


def test_overdue_is_derived_not_stored(flow):
    f = flow("rectify", d("2026-09-28"), {"rectify_days": 30})
    assert display_state(f.case, d("2026-10-28")) == "ordered"
    assert display_state(f.case, d("2026-10-29")) == "overdue"
    assert is_overdue(f.case, d("2026-10-29")) and f.case.state == "ordered"
    f("report_rectified", d("2026-10-30"))
    assert display_state(f.case, d("2026-10-30")) == "overdue"


def test_closing_an_unverified_case_is_impossible_and_lists_what_is_allowed(flow):
    f = flow("rectify", d("2026-09-28"))
    with pytest.raises(ImpossibleEvent) as err:
        f("close", d("2026-10-01"))
    assert err.value.allowed == ["report_rectified", "verify"]
    assert "ordered" in str(err.value) and "report_rectified" in str(err.value)
    assert err.value.code == "impossible_transition"
