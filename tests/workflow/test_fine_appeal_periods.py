"""The party's appeal against a fine (复议 / 诉讼) and what the case keeps after it: the application
refused field by field, one reconsideration only, the window met on the day of the application,
the last day to appeal that opens the court's enforcement (Administrative Compulsion Law Art. 53)
after a reconsideration or a lawsuit is decided, a payment made while the appeal was pending,
the receipt no longer recordable once an appeal was brought, a revoked decision reopened.

Worked example throughout: a fine of 10,000 yuan filed Tuesday 1 September 2026, notified
Wednesday 2 September, decided and served Wednesday 16 September (no receipt recorded, so served
that day): pay_by Thursday 8 October (15 days end on National Day, rolled; APL Art. 67);
reconsideration_by Monday 16 November (60 days end Sunday 15 November, rolled; Administrative
Reconsideration Law Art. 20); litigation_by Tuesday 16 March 2027 (6 months; Administrative
Litigation Law Art. 46); enforce_by 3 months after the later of the two, 16 June 2027."""
from __future__ import annotations

import pytest

from enforcement.workflow import ForbiddenByLaw, ImpossibleEvent, allowed_events

from .support import d, decided_fine, refusal

YUAN = 100
FINE = 10_000 * YUAN


def decided():
    return decided_fine(FINE)


def test_an_appeal_names_its_kind_reconsideration_or_litigation():
    f = decided()
    assert refusal(f, "appeal", d("2026-09-21")) == {"kind": "is required"}
    assert refusal(f, "appeal", d("2026-09-21"), kind="arbitration") == {
        "kind": "must be one of reconsideration, litigation"
    }
    assert f.case.state == "decided" and "appeals" not in f.case.facts


def test_an_appeal_meets_its_window_on_the_day_it_is_brought():
    f = decided()
    f("appeal", d("2026-09-21"), kind="reconsideration")
    assert f.case.deadlines["reconsideration_by"].met_on == d("2026-09-21")
    assert f.case.deadlines["litigation_by"].met_on is None
    g = decided()
    g("appeal", d("2026-09-22"), kind="litigation")
    assert g.case.deadlines["litigation_by"].met_on == d("2026-09-22")
    assert g.case.deadlines["reconsideration_by"].met_on is None


def test_one_reconsideration_only_and_none_after_its_window():
    f = decided()
    # Tuesday 17 November is the day after reconsideration_by (Monday 16 November).
    assert refusal(f, "appeal", d("2026-11-17"), kind="reconsideration") == {
        "on": "the reconsideration window closed on 2026-11-16"
    }
    f("appeal", d("2026-09-21"), kind="reconsideration")
    f("appeal_decided", d("2026-10-12"), result="upheld")
    # A second application on Monday 2 November, still inside the 60 days, is refused: the
    # reconsideration was used (the party may now only sue, ALL Art. 45).
    assert refusal(f, "appeal", d("2026-11-02"), kind="reconsideration") == {
        "kind": "a reconsideration was already applied for"
    }
    assert f.case.state == "decided" and len(f.case.facts["appeals"]) == 1


def test_after_an_upheld_reconsideration_the_court_may_be_asked_once_the_15_days_to_sue_pass():
    f = decided()
    f("appeal", d("2026-09-21"), kind="reconsideration")
    # Upheld Monday 12 October: the party may sue within 15 days, until Tuesday 27 October (ALL
    # Art. 45); that, not the unused rest of the 60 days (16 November), is the lapse. enforce_by is
    # 27 October + 3 months = Wednesday 27 January 2027 (ACL Art. 53).
    f("appeal_decided", d("2026-10-12"), result="upheld")
    assert f.case.deadlines["litigation_by"].due_on == d("2026-10-27")
    assert f.case.deadlines["enforce_by"].due_on == d("2027-01-27")
    # The written demand Tuesday 20 October gives 10 days, until Friday 30 October (ACL Art. 54).
    f("demand_served", d("2026-10-20"))
    assert f.case.deadlines["demand_period_end"].due_on == d("2026-10-30")
    # Monday 2 November: pay_by, the suit window and the demand's 10 days have all passed.
    f("request_enforcement", d("2026-11-02"))
    assert f.case.state == "enforcement_requested"
    assert f.case.facts["enforcement_requested_on"] == "2026-11-02"


def test_after_a_lawsuit_is_decided_enforcement_counts_from_the_judgment_not_the_6_months():
    f = decided()
    f("appeal", d("2026-09-21"), kind="litigation")
    # Upheld Friday 20 November 2026: the lapse is that day; + 3 months = Saturday 20 February
    # 2027, rolled to Monday 22 February (provisional: no official 2027 holiday data). Without the
    # judgment it would have been 16 June 2027 (6 months from service + 3 months).
    f("appeal_decided", d("2026-11-20"), result="upheld")
    assert f.case.deadlines["enforce_by"].due_on == d("2027-02-22")
    assert f.case.deadlines["litigation_by"].due_on == d("2027-03-16")  # left as it was
    f("demand_served", d("2026-11-23"))  # 10 days: until Thursday 3 December
    with pytest.raises(ForbiddenByLaw) as err:
        f("request_enforcement", d("2026-12-03"))
    assert str(err.value).startswith("the demand gives the party until 2026-12-03")
    f("request_enforcement", d("2026-12-04"))  # not refused for the unused 6 months to 16 March
    assert f.case.state == "enforcement_requested"


def test_a_fine_paid_in_full_while_the_reconsideration_was_pending_keeps_its_payment_day():
    f = decided()
    f("appeal", d("2026-09-21"), kind="reconsideration")
    f("pay", d("2026-09-25"), amount_fen=FINE, payment_ref="R1")
    assert f.case.state == "reconsideration"
    # Upheld Monday 12 October: the case is paid, and pay_by and enforce_by stay met on Friday
    # 25 September, the day the money came, not on the day of the reconsideration decision.
    f("appeal_decided", d("2026-10-12"), result="upheld")
    assert f.case.state == "paid" and f.case.facts["paid_on"] == "2026-09-25"
    assert f.case.deadlines["pay_by"].met_on == d("2026-09-25")
    assert f.case.deadlines["enforce_by"].met_on == d("2026-09-25")
    assert f.case.deadlines["enforce_by"].due_on == d("2027-01-27")  # 27 October + 3 months


def test_the_receipt_comes_before_any_appeal_and_is_not_asked_for_after_one():
    f = decided()
    assert "receive" in allowed_events(f.case)
    f("appeal", d("2026-09-21"), kind="reconsideration")
    f("appeal_decided", d("2026-10-12"), result="upheld")
    # Back in 'decided' with no receipt recorded, but the party appealed: it had the decision.
    assert f.case.state == "decided" and "received_on" not in f.case.facts
    assert "receive" not in allowed_events(f.case)
    with pytest.raises(ImpossibleEvent):
        f("receive", d("2026-10-13"))


def test_a_decision_revoked_on_reconsideration_reopens_as_decided():
    f = decided()
    f("appeal", d("2026-09-21"), kind="reconsideration")
    f("appeal_decided", d("2026-10-12"), result="revoked")
    assert f.case.state == "closed" and f.case.facts["closed_from"] == "decided"
    f("reopen", d("2026-10-20"))
    assert f.case.state == "decided" and f.case.facts["reopened"] == ["2026-10-20"]
