"""What a closure case keeps when the site operates again (反弹): the day, the visit that found
it, the anti-rebound checks withdrawn with their reason, and the close and fine cases it opens,
served the day it was found."""
from __future__ import annotations

from .support import d
from .test_close import ALL_DONE


def verified(flow):
    f = flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    return f


def test_a_rebound_found_at_a_check_is_recorded_with_its_visit_and_day(flow):
    f = verified(flow)
    out = f("visit", d("2026-12-01"), followup="rebound_1m", visit_id=3, running=True)
    facts = f.case.facts
    assert facts["rebounded_on"] == "2026-12-01" and facts["rebound_visit_id"] == 3
    # The checks still planned are withdrawn, each with why and when, never silently.
    assert facts["cancelled_followups"] == ["rebound_3m", "rebound_6m"]
    assert facts["cancelled_followup_log"] == [
        {"key": "rebound_3m", "due_on": "2026-12-22", "on": "2026-12-01",
         "reason": "rebounded: a new close case takes over"},
        {"key": "rebound_6m", "due_on": "2027-03-22", "on": "2026-12-01",
         "reason": "rebounded: a new close case takes over"}]
    assert set(f.case.followups) == {"verify", "rebound_1m"}
    assert [(e.action, e.reason, e.served_on) for e in out.escalations] == [
        ("close", "rebound", d("2026-12-01")), ("fine", "rebound", d("2026-12-01"))]
    assert facts["escalations"] == [{"action": "close", "reason": "rebound", "on": "2026-12-01"},
                                    {"action": "fine", "reason": "rebound", "on": "2026-12-01"}]


def test_a_rebound_reported_without_a_visit_names_none(flow):
    f = verified(flow)
    out = f("rebound", d("2026-10-02"))
    assert f.case.state == "rebounded"
    assert f.case.facts["rebounded_on"] == "2026-10-02" and "rebound_visit_id" not in f.case.facts
    assert out.cancelled == ("rebound_1m", "rebound_3m", "rebound_6m")
    assert [e.served_on for e in out.escalations] == [d("2026-10-02")] * 2
