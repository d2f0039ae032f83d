"""The words the case page and the API show: a deadline met is "met" whatever the day, and a
refused event's message lists each refused field with its reason, separated by "; ".

Worked example: an order to correct served Monday 28 September 2026, due Wednesday 28 October
(test_engine.py); the enterprise reports on Tuesday 20 October, the visit confirms it on
Thursday 22 October."""
from __future__ import annotations

import pytest

from enforcement.workflow import InvalidEvent, days_overdue, deadline_status

from .support import Flow, d
from .test_measures import SEAL


def test_a_deadline_met_shows_met_before_on_and_after_its_day():
    f = Flow("rectify", d("2026-09-28"))
    f("report_rectified", d("2026-10-20"))
    f("verify", d("2026-10-22"), compliant=True, visit_id=1)
    rb = f.case.deadlines["rectify_by"]
    assert (rb.due_on, rb.met_on) == (d("2026-10-28"), d("2026-10-20"))
    for as_of in ("2026-10-21", "2026-10-28", "2026-11-02"):
        assert deadline_status(rb, d(as_of)) == "met"
    assert days_overdue(rb, d("2026-11-02")) == 0


def test_a_refusal_message_names_each_field_with_its_reason():
    f = Flow("seal", d("2026-03-02"), SEAL)
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-03-20"), days=0)
    assert str(err.value) == "days: must be at least 1; approved_by: is required"
    close = Flow("close", d("2026-09-16"))
    with pytest.raises(InvalidEvent) as err:
        close("execute", d("2026-09-18"), started_at="9 o'clock")
    assert str(err.value) == "started_at: must be a time HH:MM"
