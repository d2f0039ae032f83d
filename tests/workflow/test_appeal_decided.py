"""A reconsideration or a lawsuit decided (复议决定 / 判决): what the desk may record, and what the
fine case keeps afterwards: the outcome on the appeal, the new amount, the closed case when the
decision is revoked, the 15 days to sue after a reconsideration (ALL Art. 45)."""
from __future__ import annotations

import pytest

from enforcement.workflow import InvalidEvent, surcharge_fen

from .support import d
from .test_fine import YUAN, decided


def appealed(flow, kind="reconsideration"):
    f = decided(flow)  # decided and served 2026-09-16: pay_by 10-08, enforce_by counted after the appeal windows
    f("appeal", d("2026-10-20"), kind=kind)
    return f


@pytest.mark.parametrize("data, field, why", [
    ({}, "result", "is required"),
    ({"result": None}, "result", "is required"),
    ({"result": "quashed"}, "result", "must be one of upheld, varied, revoked"),
    ({"result": "varied"}, "amount_fen", "is required"),
    ({"result": "varied", "amount_fen": 0}, "amount_fen", "must be at least 1"),
    ({"result": "upheld", "amount_fen": 0}, "amount_fen", "must be at least 1"),
])
def test_an_appeal_decision_is_recorded_only_whole(flow, data, field, why):
    f = appealed(flow)
    with pytest.raises(InvalidEvent) as err:
        f("appeal_decided", d("2026-12-01"), **data)
    assert err.value.fields == {field: why}
    assert f.case.state == "reconsideration"


def test_an_upheld_reconsideration_is_kept_on_the_appeal_and_gives_15_days_to_sue(flow):
    f = appealed(flow)
    f("appeal_decided", d("2026-12-01"), result="upheld", amount_fen=1)  # an amount is ignored unless varied
    facts = f.case.facts
    assert facts["appeals"] == [{"kind": "reconsideration", "on": "2026-10-20", "result": "upheld",
                                 "decided_on": "2026-12-01"}]
    assert facts["reconsideration_decided_on"] == "2026-12-01"
    assert facts["amount_fen"] == 10_000 * YUAN and "original_amount_fen" not in facts
    # Tue 2026-12-01 + 15 days = Wed 12-16, a working day.
    assert f.case.deadlines["litigation_by"].due_on == d("2026-12-16")
    # ACL Art. 53: 3 months after that lapse, 2027-03-16 (a Tuesday; provisional, no 2027 notice).
    assert f.case.deadlines["enforce_by"].due_on == d("2027-03-16")
    assert f.case.state == "decided"


def test_a_decided_lawsuit_leaves_the_suit_window_as_it_was(flow):
    f = appealed(flow, "litigation")
    before = f.case.deadlines["litigation_by"]
    f("appeal_decided", d("2026-12-01"), result="upheld")
    assert "reconsideration_decided_on" not in f.case.facts
    assert f.case.deadlines["litigation_by"] == before
    assert f.case.facts["appeals"][-1] == {"kind": "litigation", "on": "2026-10-20", "result": "upheld",
                                           "decided_on": "2026-12-01"}


def test_a_varied_amount_replaces_the_fine_and_the_first_amount_is_kept(flow):
    f = appealed(flow)
    f("appeal_decided", d("2026-12-01"), result="varied", amount_fen=6_000 * YUAN)
    assert (f.case.facts["amount_fen"], f.case.facts["original_amount_fen"]) == (6_000 * YUAN, 10_000 * YUAN)
    # Then sued, and varied again by the court: the original is still the first decision's.
    f("appeal", d("2026-12-10"), kind="litigation")
    f("appeal_decided", d("2027-02-01"), result="varied", amount_fen=5_000 * YUAN)
    assert (f.case.facts["amount_fen"], f.case.facts["original_amount_fen"]) == (5_000 * YUAN, 10_000 * YUAN)
    assert [a["result"] for a in f.case.facts["appeals"]] == ["varied", "varied"]
    assert f.case.state == "decided"


def test_a_fine_varied_down_to_what_was_already_paid_is_paid_that_day(flow):
    f = decided(flow)
    f("pay", d("2026-10-05"), amount_fen=4_000 * YUAN, payment_ref="R1")
    f("appeal", d("2026-10-20"), kind="reconsideration")
    f("appeal_decided", d("2026-12-01"), result="varied", amount_fen=4_000 * YUAN)
    assert f.case.state == "paid" and f.case.facts["paid_on"] == "2026-12-01"
    assert f.case.deadlines["pay_by"].met_on == d("2026-12-01")
    assert f.case.deadlines["enforce_by"].met_on == d("2026-12-01")


def test_a_fine_varied_to_more_than_was_paid_stays_decided(flow):
    f = decided(flow)
    f("pay", d("2026-10-05"), amount_fen=4_000 * YUAN, payment_ref="R1")
    f("appeal", d("2026-10-20"), kind="reconsideration")
    f("appeal_decided", d("2026-12-01"), result="varied", amount_fen=4_000 * YUAN + 1)  # one fen left
    assert f.case.state == "decided" and "paid_on" not in f.case.facts
    assert f.case.deadlines["pay_by"].met_on is None


def test_a_revoked_decision_closes_the_case_and_withdraws_what_was_planned(flow):
    # A daily-penalty case: the re-inspection within 30 days of the correction order is planned.
    f = decided(flow, params={"daily_penalty": True, "illegal_discharge": True,
                              "correction_served_on": "2026-08-24"})
    assert f.case.followups["daily_reinspect"].done_on is None
    f("appeal", d("2026-10-20"), kind="reconsideration")
    out = f("appeal_decided", d("2026-12-01"), result="revoked")
    facts = f.case.facts
    assert f.case.state == "closed"
    assert (facts["revoked_on"], facts["closed_on"], facts["closed_from"]) == ("2026-12-01", "2026-12-01", "decided")
    assert facts["reconsideration_decided_on"] == "2026-12-01"
    assert facts["appeals"][-1]["result"] == "revoked"
    assert out.cancelled == ("daily_reinspect",) and facts["cancelled_followups"] == ["daily_reinspect"]
    (entry,) = facts["cancelled_followup_log"]
    assert (entry["key"], entry["reason"], entry["on"]) == ("daily_reinspect", "decision revoked", "2026-12-01")
    assert surcharge_fen(f.case, d("2027-01-01")) == 0
