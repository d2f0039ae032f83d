"""The order to correct within a deadline (责令改正, EPL Art. 59 and APL Art. 28) as the engine
records it: what the order stores, the day each step happened, which day the obligation was met,
a false report, and the escalation when a re-inspection finds it not rectified.

Worked example throughout: served Monday 28 September 2026 with 30 days; rectify_by is
28 September + 30 = Wednesday 28 October 2026; the unannounced re-inspection is within 5 working
days after it: Thu 29, Fri 30 October, Mon 2, Tue 3, Wed 4 November."""
from __future__ import annotations

import pytest

from enforcement.workflow import InvalidEvent, allowed_events
from enforcement.workflow.engine import overdue_deadlines, watched_deadline
from enforcement.workflow.types import Deadline, Escalation, FollowUp

from .support import Flow, d

SERVED = d("2026-09-28")


def order(**params):
    return Flow("rectify", SERVED, {"rectify_days": 30, **params})


def test_the_order_stores_its_days_whether_the_violation_is_illegal_discharge_and_the_gate():
    f = order(gate="东门")
    assert f.case.params == {"rectify_days": 30, "illegal_discharge": False, "gate": "东门"}
    assert order(illegal_discharge=True).case.params["illegal_discharge"] is True
    assert f.case.deadlines == {"rectify_by": Deadline("rectify_by", d("2026-10-28"))}
    assert f.case.followups == {
        "reinspect": FollowUp(
            "reinspect", "verification", d("2026-10-29"), d("2026-11-04"), True,
            note="unannounced re-inspection within 5 working days after 2026-10-28",
        )
    }
    assert f.case.facts == {} and allowed_events(f.case) == ["report_rectified", "verify"]


def test_an_order_with_days_not_in_the_bureaus_choices_is_refused_naming_them():
    with pytest.raises(InvalidEvent) as err:
        Flow("rectify", SERVED, {"rectify_days": 45, "gate": 3, "illegal_discharge": 1, "fine": 5})
    assert err.value.fields == {
        "rectify_days": "must be one of 0, 7, 15, 30, 60, 90 (0 = on the spot)",
        "gate": "must be a non-empty string",
        "illegal_discharge": "must be true or false",
        "fine": "unknown parameter (known: rectify_days, illegal_discharge, gate)",
    }
    with pytest.raises(InvalidEvent) as err:
        Flow("rectify", SERVED, {"rectify_days": "30"})
    assert err.value.fields == {"rectify_days": "must be an integer"}


def test_on_the_spot_is_certain_only_in_a_year_with_the_official_holidays():
    # 2026's holidays are published (docs/holidays/2026.txt); 2028's are not: a date in 2028 is
    # counted without them and shown as provisional.
    assert Flow("rectify", d("2026-11-03"), {"rectify_days": 0}).case.deadlines["rectify_by"] == Deadline(
        "rectify_by", d("2026-11-03"), False
    )
    assert Flow("rectify", d("2028-03-07"), {"rectify_days": 0}).case.deadlines["rectify_by"] == Deadline(
        "rectify_by", d("2028-03-07"), True
    )


def test_on_the_spot_on_a_saturday_is_due_that_saturday():
    # A minor item corrected on the spot during a weekend inspection (Saturday 7 November 2026):
    # due the same day, not rolled to Monday like a period of days would be.
    f = Flow("rectify", d("2026-11-07"), {"rectify_days": 0})
    assert f.case.deadlines["rectify_by"] == Deadline("rectify_by", d("2026-11-07"), False)


def test_each_step_is_recorded_with_its_day():
    f = order()
    f("report_rectified", d("2026-10-12"))
    assert f.case.facts["reported_on"] == "2026-10-12"
    f("verify", d("2026-10-15"), compliant=True, visit_id=7)
    assert f.case.facts["verified_on"] == "2026-10-15"
    assert allowed_events(f.case) == ["close"]
    f("close", d("2026-10-16"))
    assert f.case.facts["closed_on"] == "2026-10-16" and allowed_events(f.case) == ["reopen"]
    f("reopen", d("2026-10-20"))
    f("close", d("2026-10-21"))
    f("reopen", d("2026-10-22"))
    assert f.case.facts["reopened"] == ["2026-10-20", "2026-10-22"] and f.case.state == "verified"
    assert overdue_deadlines(f.case, d("2026-12-01")) == []


def test_a_compliant_visit_without_a_report_meets_the_deadline_on_the_visit_day():
    f = order()
    f("verify", d("2026-10-20"), compliant=True, visit_id=2)
    assert f.case.deadlines["rectify_by"].met_on == d("2026-10-20")
    assert f.case.facts["verified_on"] == "2026-10-20" and "reported_on" not in f.case.facts
    assert (f.case.followups["reinspect"].done_on, f.case.followups["reinspect"].visit_id) == (d("2026-10-20"), 2)


def test_a_report_found_false_no_longer_dates_the_obligation():
    # Reported 12 October, found false on 15 October (back to ordered), fixed and confirmed on
    # 26 October: the obligation was met on 26 October, not on the false report's day.
    f = order()
    f("report_rectified", d("2026-10-12"))
    f("verify", d("2026-10-15"), compliant=False, visit_id=4)
    assert f.case.facts["rejected_reports"] == [{"on": "2026-10-15", "visit_id": 4}]
    f("verify", d("2026-10-26"), compliant=True, visit_id=5)
    assert f.case.deadlines["rectify_by"].met_on == d("2026-10-26")


def test_two_false_reports_are_both_kept():
    f = order()
    f("report_rectified", d("2026-10-05"))
    f("verify", d("2026-10-09"), compliant=False, visit_id=1)
    f("report_rectified", d("2026-10-19"))
    out = f("verify", d("2026-10-28"), compliant=False, visit_id=2)  # on the deadline day itself
    assert f.case.state == "ordered" and out.escalations == ()
    assert f.case.facts["rejected_reports"] == [
        {"on": "2026-10-09", "visit_id": 1},
        {"on": "2026-10-28", "visit_id": 2},
    ]
    # The second report (19 October) had moved the re-inspection to 20-26 October; the false
    # finding puts it back after the deadline: 29 October to Wednesday 4 November.
    reinspect = f.case.followups["reinspect"]
    assert (reinspect.earliest_on, reinspect.due_on, reinspect.done_on) == (d("2026-10-29"), d("2026-11-04"), None)
    assert out.moved == (("reinspect", d("2026-10-26"), d("2026-11-04")),)


def test_not_rectified_cannot_be_found_on_the_deadline_day_itself():
    f = order()
    with pytest.raises(InvalidEvent) as err:
        f("verify", d("2026-10-28"), compliant=False, visit_id=4)
    assert err.value.fields == {
        "compliant": "the deadline 2026-10-28 has not passed; "
        "the enterprise cannot yet be found not to have rectified"
    }


def test_a_report_after_the_deadline_does_not_move_the_reinspection():
    # Reported on the deadline day (28 October): 5 working days after it is 4 November, the day
    # already planned; nothing moves.
    f = order()
    out = f("report_rectified", d("2026-10-28"))
    assert out.moved == () and f.case.followups["reinspect"].due_on == d("2026-11-04")
    out = Flow("rectify", SERVED, {"rectify_days": 30})("report_rectified", d("2026-10-30"))
    assert out.moved == () and out.case.followups["reinspect"].due_on == d("2026-11-04")


def test_not_rectified_after_the_deadline_escalates_with_the_visit_and_the_facts():
    f = order()
    out = f("verify", d("2026-10-29"), compliant=False, visit_id=3)
    assert f.case.state == "escalated" and allowed_events(f.case) == []
    assert out.escalations == (Escalation("fine", "not_rectified", d("2026-10-29"), {"illegal_discharge": False}),)
    assert f.case.facts["escalations"] == [{"action": "fine", "reason": "not_rectified", "on": "2026-10-29"}]
    assert (f.case.followups["reinspect"].done_on, f.case.followups["reinspect"].visit_id) == (d("2026-10-29"), 3)
    assert "verified_on" not in f.case.facts and f.case.deadlines["rectify_by"].met_on is None
    # Escalated, the order is no longer watched: its unmet deadline makes it neither overdue nor due.
    assert overdue_deadlines(f.case, d("2026-12-01")) == [] and watched_deadline(f.case) is None
    # EPL Art. 60: illegal discharge not corrected is also a stop case.
    g = order(illegal_discharge=True)
    out = g("verify", d("2026-10-29"), compliant=False, visit_id=3)
    assert out.escalations == (
        Escalation("fine", "not_rectified", d("2026-10-29"), {"illegal_discharge": True}),
        Escalation("stop", "not_rectified", d("2026-10-29"), {"illegal_discharge": True}),
    )


def test_a_verification_needs_its_answer_and_its_visit():
    f = order()
    with pytest.raises(InvalidEvent) as err:
        f("verify", d("2026-10-29"))
    assert err.value.fields == {"compliant": "is required", "visit_id": "is required"}


def test_a_report_the_day_after_a_friday_deadline_keeps_the_reinspection_as_planned():
    # Served Wednesday 30 September 2026 + 30 = Friday 30 October. Re-inspection within 5 working
    # days after it: 2-6 November, due Friday 6 November. Reported Saturday 31 October: 5 working
    # days after that is also Friday 6 November, not earlier: the visit planned stays as it is.
    f = Flow("rectify", d("2026-09-30"), {"rectify_days": 30})
    planned = f.case.followups["reinspect"]
    assert (planned.due_on, planned.note) == (
        d("2026-11-06"), "unannounced re-inspection within 5 working days after 2026-10-30"
    )
    out = f("report_rectified", d("2026-10-31"))
    assert out.moved == () and f.case.followups["reinspect"] == planned
