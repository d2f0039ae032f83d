"""Follow-ups withdrawn by a release are logged, and a second release adds to the log."""
from __future__ import annotations

from .support import d


def test_a_case_released_reopened_and_released_again_logs_both_withdrawn_visits(flow):
    # Risk class B, served Tuesday 1 September 2026: a routine visit every 6 months, the first
    # due Monday 1 March 2027. Released Tuesday 20 October: that visit is withdrawn. Reopened
    # Tuesday 10 November: the next is due Monday 10 May 2027. Released again
    # Friday 20 November: both withdrawn visits are kept, in order.
    f = flow("control", d("2026-09-01"), {"risk_class": "B"})
    f("release", d("2026-10-20"))
    f("reopen", d("2026-11-10"))
    f("release", d("2026-11-20"))
    assert f.case.facts["cancelled_followups"] == ["routine_1", "routine_2"]
    assert f.case.facts["cancelled_followup_log"] == [
        {"key": "routine_1", "due_on": "2027-03-01", "on": "2026-10-20", "reason": "released from control"},
        {"key": "routine_2", "due_on": "2027-05-10", "on": "2026-11-20", "reason": "released from control"},
    ]
