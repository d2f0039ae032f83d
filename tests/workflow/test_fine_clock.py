"""The fine's legal clock (issue #15): surcharge paused by an appeal (APL Art. 73(3)), the daily
continuous penalty counted from the correction order (MEP Order No. 28, 2014), the suit window
after a reconsideration decision (ALL Art. 45), the demand before court enforcement (ACL Arts.
53, 54), receipt versus decision (APL Arts. 61, 67), the hearing notice (APL Art. 64) and the
time limit for deciding (生态环境行政处罚办法 2023). Dates are counted by hand in the comments."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement.workflow import ForbiddenByLaw, InvalidEvent, allowed_events, is_overdue, surcharge_fen

from .support import Flow, d, examples

YUAN = 100
SETTINGS = settings(max_examples=examples(150), deadline=None)


def decided(flow, amount=10_000 * YUAN, params=None, on="2026-09-23", **data):
    # filed Tue 2026-09-01, notice Wed 09-02, decided (and served) on `on`.
    f = flow("fine", d("2026-09-01"), params or {})
    f("notify", d("2026-09-02"))
    f("decide", d(on), amount_fen=amount, **data)
    return f


class TestSurchargeAndALaterPayment:
    """Issue #23: a payment recorded after as_of must not count before it happens."""

    def test_as_of_before_a_later_payment(self, flow):
        # decided Wed 2026-09-23; +15 = Thu 10-08 (a working day after National Day) = pay_by.
        # Delay from Fri 10-09: as of Sat 10-10 that is 2 days × 3 % × 10,000 yuan = 600 yuan,
        # whatever is paid on 10-20.
        f = decided(flow)
        assert f.case.deadlines["pay_by"].due_on == d("2026-10-08")
        f("pay", d("2026-10-20"), amount_fen=10_000 * YUAN, payment_ref="R1")
        assert surcharge_fen(f.case, d("2026-10-10")) == 600 * YUAN
        # on the payment day the paid amount no longer accrues: 9–19 Oct = 11 days = 3,300 yuan.
        assert surcharge_fen(f.case, d("2026-10-20")) == 3_300 * YUAN
        assert surcharge_fen(f.case, d("2027-06-01")) == 3_300 * YUAN


@st.composite
def payment_histories(draw):
    amount = draw(st.integers(1, 2_000_000)) * 100
    n = draw(st.integers(0, 3))
    offsets = sorted(draw(st.lists(st.integers(0, 200), min_size=n, max_size=n)))
    left, pays = amount, []
    for i, off in enumerate(offsets):
        if left <= 0:
            break
        part = left if i == n - 1 else draw(st.integers(1, left))
        pays.append((off, part))
        left -= part
    return amount, pays


@SETTINGS
@given(history=payment_histories(), ask=st.integers(-5, 260))
def test_surcharge_as_of_any_day_ignores_payments_made_after_it(history, ask):
    flow = Flow
    amount, pays = history
    f = decided(flow, amount=amount)
    bare = decided(flow, amount=amount)
    for i, (off, part) in enumerate(pays):
        f("pay", d("2026-09-23") + timedelta(days=off), amount_fen=part, payment_ref=f"R{i}")
    as_of = d("2026-10-08") + timedelta(days=ask)
    before = [(off, part) for off, part in pays if d("2026-09-23") + timedelta(days=off) <= as_of]
    g = decided(flow, amount=amount)
    for i, (off, part) in enumerate(before):
        g("pay", d("2026-09-23") + timedelta(days=off), amount_fen=part, payment_ref=f"R{i}")
    assert surcharge_fen(f.case, as_of) == surcharge_fen(g.case, as_of)
    # before, on and after the payments: never more than without them, never above the fine,
    # and never decreasing with time
    assert surcharge_fen(f.case, as_of) <= surcharge_fen(bare.case, as_of) <= amount
    assert surcharge_fen(f.case, as_of) <= surcharge_fen(f.case, as_of + timedelta(days=1))


def test_a_reconsideration_from_day_4_stops_the_surcharge_until_it_is_decided(flow):
    # decided and served Wed 2026-09-23; pay_by Thu 10-08. Days of delay: Fri 10-09 (1),
    # Sat 10-10 (2), Sun 10-11 (3); the reconsideration is applied for on day 4, Mon 10-12, and
    # from that day nothing is counted (APL Art. 73(3)): 3 × 3 % × 10,000 yuan = 900 yuan.
    f = decided(flow)
    f("appeal", d("2026-10-12"), kind="reconsideration")
    assert surcharge_fen(f.case, d("2026-10-11")) == 900 * YUAN
    assert surcharge_fen(f.case, d("2026-11-10")) == 900 * YUAN
    # upheld Fri 2026-11-20; counting resumes Sat 11-21: 21–30 Nov = 10 more days → 13 × 300.
    f("appeal_decided", d("2026-11-20"), result="upheld")
    assert surcharge_fen(f.case, d("2026-11-20")) == 900 * YUAN
    assert surcharge_fen(f.case, d("2026-11-30")) == 3_900 * YUAN


def test_after_a_reconsideration_decision_15_days_to_sue_then_a_demand_and_10_days(flow):
    f = decided(flow)  # decided and served Wed 2026-09-23
    f("appeal", d("2026-10-12"), kind="reconsideration")
    f("appeal_decided", d("2026-11-20"), result="upheld")
    # ALL Art. 45: Fri 11-20 + 15 = Sat 12-05 → Mon 2026-12-07; the six months no longer apply.
    lit = f.case.deadlines["litigation_by"]
    assert (lit.due_on, lit.met_on) == (d("2026-12-07"), None)
    # ACL Art. 53: 3 months after that lapse: Sun 2027-03-07 → Mon 2027-03-08 (provisional).
    enf = f.case.deadlines["enforce_by"]
    assert (enf.due_on, enf.provisional) == (d("2027-03-08"), True)
    with pytest.raises(ForbiddenByLaw) as err:  # the day after the decision: the party may still sue
        f("request_enforcement", d("2026-11-21"))
    assert err.value.article == "Administrative Compulsion Law Art. 53" and "2026-12-07" in str(err.value)
    with pytest.raises(ForbiddenByLaw) as err:  # periods lapsed, but no demand yet
        f("request_enforcement", d("2026-12-08"))
    assert err.value.article == "Administrative Compulsion Law Art. 54"
    with pytest.raises(InvalidEvent):  # Tue 12-08: the suit window closed on 12-07
        f("appeal", d("2026-12-08"), kind="litigation")
    # demand (催告) served Tue 12-08; ten days: Fri 12-18. The court may be asked from Sat 12-19 on.
    f("demand_served", d("2026-12-08"))
    assert f.case.deadlines["demand_period_end"].due_on == d("2026-12-18")
    with pytest.raises(ForbiddenByLaw) as err:
        f("request_enforcement", d("2026-12-18"))
    assert err.value.article == "Administrative Compulsion Law Art. 54" and "2026-12-18" in str(err.value)
    f("request_enforcement", d("2026-12-21"))
    assert f.case.state == "enforcement_requested"
    assert f.case.deadlines["enforce_by"].met_on == d("2026-12-21")


def test_a_suit_within_15_days_of_the_reconsideration_decision_is_allowed(flow):
    f = decided(flow)
    f("appeal", d("2026-10-12"), kind="reconsideration")
    f("appeal_decided", d("2026-11-20"), result="upheld")
    f("appeal", d("2026-12-07"), kind="litigation")  # the last day of the window
    assert f.case.state == "litigation"


def test_the_daily_penalty_runs_from_the_correction_order_over_two_cycles(flow):
    """MEP Order No. 28 (2014): correction order served at the on-site investigation, Mon
    2026-08-24; the case is filed Wed 08-26 and decided Thu 09-10 (200,000 yuan)."""
    params = {"daily_penalty": True, "illegal_discharge": True, "amount_fen": 200_000 * YUAN,
              "correction_served_on": "2026-08-24"}
    f = flow("fine", d("2026-08-26"), params)
    check = f.case.followups["daily_reinspect"]
    # within 30 days of serving the correction order: Tue 08-25 .. Wed 09-23 (not of the decision)
    assert (check.earliest_on, check.due_on, check.unannounced) == (d("2026-08-25"), d("2026-09-23"), True)
    f("notify", d("2026-08-27"))
    f("decide", d("2026-09-10"), amount_fen=200_000 * YUAN)
    # cycle 1: re-inspection Tue 09-22 finds the discharge continuing. Days from Tue 08-25 to
    # Tue 09-22, both included: 7 (25–31 Aug) + 22 = 29 days. (From the decision it would be 12.)
    out = f("visit", d("2026-09-22"), followup="daily_reinspect", visit_id=31, discharge_continues=True)
    (esc,) = out.escalations
    assert esc.params["daily_days"] == 29 and esc.params["amount_fen"] == 29 * 200_000 * YUAN
    assert esc.params["correction_served_on"] == "2026-09-22"  # served again at the re-inspection
    # cycle 2: the daily-penalty case opened on 09-22 counts from the re-served order.
    g = flow("fine", esc.served_on, dict(esc.params))
    check = g.case.followups["daily_reinspect"]
    # Wed 09-23 .. 09-22 + 30 = Thu 10-22
    assert (check.earliest_on, check.due_on) == (d("2026-09-23"), d("2026-10-22"))
    # re-inspection Tue 10-20, still discharging: 23–30 Sep (8) + 1–20 Oct (20) = 28 days, each
    # at the ORIGINAL fine of 200,000 yuan; before this case's own decision, which is allowed.
    out = g("visit", d("2026-10-20"), followup="daily_reinspect", visit_id=32, discharge_continues=True)
    (esc2,) = out.escalations
    assert esc2.params["daily_days"] == 28 and esc2.params["amount_fen"] == 28 * 200_000 * YUAN
    assert esc2.params["parent_amount_fen"] == 200_000 * YUAN
    # cycle 3: corrected; the chain ends.
    h = flow("fine", esc2.served_on, dict(esc2.params))
    assert h("visit", d("2026-11-10"), followup="daily_reinspect", visit_id=33, discharge_continues=False).escalations == ()


def test_payment_and_appeal_periods_run_from_receipt_not_from_the_decision(flow):
    # decided Thu 2026-12-10, received by post Thu 12-17 (APL Arts. 61, 67):
    f = decided(flow, on="2026-12-10", received_on="2026-12-17")
    dl = f.case.deadlines
    # pay_by: 12-17 + 15 = Fri 2027-01-01 (New Year) → Mon 2027-01-04, provisional.
    assert (dl["pay_by"].due_on, dl["pay_by"].provisional) == (d("2027-01-04"), True)
    # reconsideration: 12-17 + 60 = Mon 2027-02-15 (14 days to 12-31, 31 in Jan, 15 in Feb).
    assert dl["reconsideration_by"].due_on == d("2027-02-15")
    # litigation: 12-17 + 6 months = Thu 2027-06-17.
    assert dl["litigation_by"].due_on == d("2027-06-17")
    # disclosure still runs from the decision: 7 working days from Thu 12-10 = Mon 12-21.
    assert dl["publish_by"].due_on == d("2026-12-21")
    # The same through a later `receive` event.
    g = decided(flow, on="2026-12-10")
    assert g.case.deadlines["pay_by"].due_on == d("2026-12-25")  # 12-10 + 15, a Friday
    g("receive", d("2026-12-17"))
    assert {k: v.due_on for k, v in g.case.deadlines.items()} == {k: v.due_on for k, v in dl.items()}
    with pytest.raises(InvalidEvent):
        decided(flow, on="2026-12-10", received_on="2026-12-09")


def test_a_hearing_is_notified_at_least_7_days_before_it_is_held(flow):
    f = flow("fine", d("2026-09-01"))
    f("notify", d("2026-09-02"))
    f("request_hearing", d("2026-09-04"))
    with pytest.raises(ForbiddenByLaw) as err:  # Thu 09-10 → Wed 09-16 is 6 days
        f("notify_hearing", d("2026-09-10"), hearing_on="2026-09-16")
    assert err.value.article == "APL Art. 64"
    f("notify_hearing", d("2026-09-10"), hearing_on="2026-09-17")  # 7 days
    with pytest.raises(ForbiddenByLaw):
        f("decide", d("2026-09-16"), amount_fen=10_000 * YUAN)  # before the hearing
    f("decide", d("2026-09-18"), amount_fen=10_000 * YUAN)
    assert f.case.state == "decided"


def test_decide_by_is_extended_by_at_most_30_days_with_approval_and_suspended(flow):
    # filed Tue 2026-09-01: +90 = Mon 11-30 (APL Art. 60).
    f = flow("fine", d("2026-09-01"))
    assert f.case.deadlines["decide_by"].due_on == d("2026-11-30")
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend_decision", d("2026-11-20"), days=31, approved_by="局长 王")
    assert "生态环境行政处罚办法" in err.value.article
    f("extend_decision", d("2026-11-20"), days=30, approved_by="局长 王")
    assert f.case.deadlines["decide_by"].due_on == d("2026-12-30")  # +120, a Wednesday
    with pytest.raises(ForbiddenByLaw):  # a second extension needs the collective decision
        f("extend_decision", d("2026-12-20"), days=30, approved_by="局长 王")
    f("extend_decision", d("2026-12-20"), days=30, approved_by="局务会", collective=True)
    dl = f.case.deadlines["decide_by"]
    assert (dl.due_on, dl.provisional) == (d("2027-01-29"), True)  # +150, a Friday
    with pytest.raises(ForbiddenByLaw):
        f("extend_decision", d("2027-01-10"), days=10, approved_by="局务会", collective=True)


def test_a_suspension_for_testing_adds_its_days_and_does_not_run_out_meanwhile(flow):
    f = flow("fine", d("2026-09-01"))
    f("suspend", d("2026-10-01"), reason="testing")
    assert "resume" in allowed_events(f.case) and "notify" in allowed_events(f.case)
    assert not is_overdue(f.case, d("2026-12-15"))
    f("resume", d("2026-10-21"))  # 1–20 Oct: 20 days suspended
    # 90 + 20 = 110 days: Sun 2026-12-20 → Mon 12-21.
    assert f.case.deadlines["decide_by"].due_on == d("2026-12-21")
