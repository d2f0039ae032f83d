"""What each step of a fine must carry, and the papers received the day they are sent: a payment
and a decision name a positive amount in fen, a suspension its reason; a notice, a decision or a
demand (催告) handed over on the spot (当场送达) is received the day it is made; no decision while
the time limit is suspended; a time limit for deciding that ran out shows while the party is
being heard; every event dates the case's last activity.

Worked example throughout: filed Tuesday 1 September 2026, decide_by 1 September + 90 days =
Monday 30 November 2026 (APL Art. 60); notified Wednesday 2 September, the hearing window (5
working days: 3, 4, 7, 8, 9 September; APL Art. 64) closes Wednesday 9 September; decided
Wednesday 16 September, pay_by Thursday 8 October (15 days end on National Day, rolled)."""
from __future__ import annotations

import pytest

from enforcement.workflow import ImpossibleEvent, allowed_events
from enforcement.workflow.engine import overdue_deadlines

from .support import Flow, d, decided_fine, refusal

YUAN = 100
FINE = 10_000 * YUAN


def filed():
    return Flow("fine", d("2026-09-01"))


def decided():
    return decided_fine(FINE)


def test_a_payment_names_a_positive_amount_in_fen():
    f = decided()
    assert refusal(f, "pay", d("2026-10-01"), payment_ref="R1") == {"amount_fen": "is required"}
    assert refusal(f, "pay", d("2026-10-01"), amount_fen=0, payment_ref="R1") == {
        "amount_fen": "must be at least 1"
    }
    assert refusal(f, "pay", d("2026-10-01"), amount_fen=-100 * YUAN) == {"amount_fen": "must be at least 1"}
    assert "payments" not in f.case.facts and f.case.facts["paid_fen"] == 0


def test_a_fine_of_nothing_is_no_decision():
    f = filed()
    f("notify", d("2026-09-02"))
    assert refusal(f, "decide", d("2026-09-16"), amount_fen=0) == {"amount_fen": "must be at least 1"}
    assert f.case.state == "notified"


def test_a_notice_handed_over_on_the_spot_is_received_that_day():
    f = filed()
    f("notify", d("2026-09-02"), received_on="2026-09-02")
    assert f.case.facts["notice_received_on"] == "2026-09-02"
    assert f.case.deadlines["hearing_request_by"].due_on == d("2026-09-09")


def test_a_decision_handed_over_on_the_spot_is_received_that_day():
    f = filed()
    f("notify", d("2026-09-02"))
    f("decide", d("2026-09-16"), amount_fen=FINE, received_on="2026-09-16")
    assert f.case.facts["received_on"] == "2026-09-16"
    assert f.case.deadlines["pay_by"].due_on == d("2026-10-08")
    assert "receive" not in allowed_events(f.case)  # the receipt is on record


def test_a_demand_handed_over_on_the_spot_gives_10_days_from_that_day():
    f = decided()
    # Tuesday 20 October, received the same day: the court may be asked after Friday 30 October
    # (Administrative Compulsion Law Art. 54).
    f("demand_served", d("2026-10-20"), received_on="2026-10-20")
    assert f.case.facts["demand_served_on"] == "2026-10-20"
    assert f.case.deadlines["demand_period_end"].due_on == d("2026-10-30")


def test_a_suspension_names_its_reason():
    f = filed()
    f("notify", d("2026-09-02"))
    assert refusal(f, "suspend", d("2026-09-10")) == {"reason": "is required"}
    assert "suspended_since" not in f.case.facts and "suspensions" not in f.case.facts


def test_no_decision_while_the_time_limit_is_suspended():
    f = filed()
    f("notify", d("2026-09-02"))
    # Suspended Thursday 10 September for testing, after the hearing window closed: until it
    # resumes the bureau cannot decide (生态环境行政处罚办法 (2023): the time limit is suspended).
    f("suspend", d("2026-09-10"), reason="testing")
    assert "decide" not in allowed_events(f.case)
    with pytest.raises(ImpossibleEvent):
        f("decide", d("2026-09-16"), amount_fen=FINE)
    assert f.case.state == "notified"
    f("resume", d("2026-09-20"))  # 10 days suspended: decide_by Thursday 10 December
    assert "decide" in allowed_events(f.case)
    assert f.case.deadlines["decide_by"].due_on == d("2026-12-10")


def test_a_time_limit_for_deciding_that_ran_out_shows_while_notified_or_heard():
    notified = filed()
    notified("notify", d("2026-09-02"))
    heard = filed()
    heard("notify", d("2026-09-02"))
    heard("request_hearing", d("2026-09-04"))
    for f in (notified, heard):
        assert overdue_deadlines(f.case, d("2026-11-30")) == []  # the last day
        assert [x.name for x in overdue_deadlines(f.case, d("2026-12-01"))] == ["decide_by"]


def test_every_event_dates_the_cases_last_activity():
    f = filed()
    f("notify", d("2026-09-02"))
    assert f.case.facts["last_event_on"] == "2026-09-02"
    f("decide", d("2026-09-16"), amount_fen=FINE)
    assert f.case.facts["last_event_on"] == "2026-09-16"
    f("pay", d("2026-09-30"), amount_fen=FINE)
    assert f.case.facts["last_event_on"] == "2026-09-30"
