from __future__ import annotations

import pytest

from enforcement.workflow import ForbiddenByLaw, ImpossibleEvent, InvalidEvent, display_state, surcharge_fen

from .support import d

YUAN = 100


def decided(flow, amount=10_000 * YUAN, params=None, on="2026-09-16"):
    f = flow("fine", d("2026-09-01"), params or {})
    f("notify", d("2026-09-02"))
    f("decide", d(on), amount_fen=amount)
    return f


def test_a_fine_filed_2026_09_01_must_be_decided_within_90_days(flow):
    f = flow("fine", d("2026-09-01"))
    assert f.case.deadlines["decide_by"].due_on == d("2026-11-30")


def test_a_hearing_must_be_requested_within_5_working_days_of_the_notice(flow):
    f = flow("fine", d("2026-09-01"))
    f("notify", d("2026-09-22"))
    # 23, 24 September; 25-27 Mid-Autumn holiday; 28, 29, 30 September.
    assert f.case.deadlines["hearing_request_by"].due_on == d("2026-09-30")
    with pytest.raises(InvalidEvent):
        f("request_hearing", d("2026-10-08"))
    f("request_hearing", d("2026-09-30"))
    assert f.case.state == "hearing"


def test_no_decision_while_the_hearing_window_is_open_unless_waived(flow):
    f = flow("fine", d("2026-09-01"))
    f("notify", d("2026-09-14"))
    with pytest.raises(InvalidEvent) as err:
        f("decide", d("2026-09-16"), amount_fen=100)
    assert "on" in err.value.fields
    f("decide", d("2026-09-16"), amount_fen=100, hearing_waived=True)
    assert f.case.state == "decided"


def test_a_fine_decided_2026_09_16_must_be_published_by_2026_09_24(flow):
    f = decided(flow)
    # 7 working days; the adjusted working Sunday 20 September counts.
    assert f.case.deadlines["publish_by"].due_on == d("2026-09-24")
    # 15 calendar days end on National Day and roll to 8 October.
    assert f.case.deadlines["pay_by"].due_on == d("2026-10-08")
    assert f.case.deadlines["reconsideration_by"].due_on == d("2026-11-16")  # 15 November is a Sunday
    assert f.case.deadlines["litigation_by"].due_on == d("2027-03-16")
    assert f.case.deadlines["enforce_by"].due_on == d("2027-06-16")
    f("publish", d("2026-09-23"))
    assert f.case.deadlines["publish_by"].met_on == d("2026-09-23")


def test_the_surcharge_is_3_percent_a_day_after_pay_by_and_capped_at_the_fine(flow):
    f = decided(flow)  # 10,000 yuan, pay_by 2026-10-08
    assert surcharge_fen(f.case, d("2026-10-08")) == 0
    assert surcharge_fen(f.case, d("2026-10-18")) == 3_000 * YUAN
    assert surcharge_fen(f.case, d("2026-11-10")) == 9_900 * YUAN  # 33 days
    assert surcharge_fen(f.case, d("2026-11-11")) == 10_000 * YUAN  # 34 days: capped at the fine
    assert surcharge_fen(f.case, d("2027-06-01")) == 10_000 * YUAN
    assert display_state(f.case, d("2026-10-09")) == "overdue"


def test_the_surcharge_rounds_down_once_on_the_exact_total(flow):
    f = decided(flow, amount=333)
    assert surcharge_fen(f.case, d("2026-10-09")) == 9  # 9.99 fen
    assert surcharge_fen(f.case, d("2026-10-10")) == 19  # 19.98 fen, not 9 + 9


def test_a_partial_payment_reduces_the_surcharge_from_its_day(flow):
    f = decided(flow)
    f("pay", d("2026-10-13"), amount_fen=5_000 * YUAN)
    # 9-12 October on 10,000 yuan (4 days), 13-18 October on 5,000 yuan (6 days).
    assert surcharge_fen(f.case, d("2026-10-18")) == (1_200 + 900) * YUAN
    assert f.case.state == "decided" and f.case.facts["paid_fen"] == 5_000 * YUAN


def test_full_payment_ends_the_case_and_freezes_the_accrued_surcharge(flow):
    f = decided(flow)
    f("pay", d("2026-10-10"), amount_fen=10_000 * YUAN)
    assert f.case.state == "paid" and f.case.deadlines["pay_by"].met_on == d("2026-10-10")
    assert surcharge_fen(f.case, d("2027-01-01")) == 300 * YUAN  # one day late (9 October)
    f("close", d("2026-10-12"))
    assert f.case.state == "closed"


def test_paid_on_time_there_is_no_surcharge(flow):
    f = decided(flow)
    f("pay", d("2026-10-08"), amount_fen=10_000 * YUAN)
    assert surcharge_fen(f.case, d("2027-01-01")) == 0


def test_the_same_payment_twice_is_refused_and_overpaying_is_invalid(flow):
    f = decided(flow)
    f("pay", d("2026-10-01"), amount_fen=100 * YUAN, payment_ref="R1")
    with pytest.raises(ImpossibleEvent):
        f("pay", d("2026-10-01"), amount_fen=100 * YUAN, payment_ref="R1")
    f("pay", d("2026-10-01"), amount_fen=100 * YUAN, payment_ref="R2")
    with pytest.raises(InvalidEvent):
        f("pay", d("2026-10-02"), amount_fen=10_000 * YUAN)


def test_a_pending_appeal_stops_the_surcharge_for_its_time(flow):
    # decided 2026-09-16, pay_by 10-08 (10-01 rolled past National Day). Delay from 10-09; the
    # reconsideration is applied for on 10-20: 9–19 Oct = 11 days × 300 yuan = 3,300 yuan, and
    # nothing more while it is pending (APL Art. 73(3)).
    f = decided(flow)
    f("appeal", d("2026-10-20"), kind="reconsideration")
    assert f.case.state == "reconsideration"
    assert surcharge_fen(f.case, d("2026-10-20")) == 3_300 * YUAN
    assert surcharge_fen(f.case, d("2026-11-30")) == 3_300 * YUAN
    f("appeal_decided", d("2026-12-01"), result="upheld")
    assert f.case.state == "decided"
    # counting resumes the day after the decision: 2 Dec is day 12 (3,600 yuan).
    assert surcharge_fen(f.case, d("2026-12-02")) == 3_600 * YUAN


def test_a_varied_decision_changes_the_amount_and_a_revoked_one_closes(flow):
    f = decided(flow)
    f("appeal", d("2026-10-20"), kind="litigation")
    f("appeal_decided", d("2026-12-01"), result="varied", amount_fen=5_000 * YUAN)
    assert f.case.facts["amount_fen"] == 5_000 * YUAN
    g = decided(flow)
    g("appeal", d("2026-10-20"), kind="reconsideration")
    g("appeal_decided", d("2026-12-01"), result="revoked")
    assert g.case.state == "closed" and surcharge_fen(g.case, d("2027-01-01")) == 0


def test_a_reconsideration_after_60_days_is_out_of_time(flow):
    f = decided(flow)
    with pytest.raises(InvalidEvent):
        f("appeal", d("2026-11-17"), kind="reconsideration")


def test_enforcement_waits_until_the_appeal_windows_lapse(flow):
    f = decided(flow)
    with pytest.raises(ForbiddenByLaw):
        f("request_enforcement", d("2026-10-08"))
    with pytest.raises(ForbiddenByLaw) as err:
        f("request_enforcement", d("2026-12-01"))
    # decided 2026-09-16 + 6 months = Tue 2027-03-16 (litigation, the later window)
    assert "2027-03-16" in str(err.value) and err.value.article == "Administrative Compulsion Law Art. 53"
    f("demand_served", d("2026-12-01"))  # the written demand (ACL Art. 54), +10 days = 12-11
    f("request_enforcement", d("2027-03-17"))
    assert f.case.state == "enforcement_requested"
    assert f.case.deadlines["enforce_by"].met_on == d("2027-03-17")
    f("pay", d("2027-04-01"), amount_fen=10_000 * YUAN)
    assert f.case.state == "paid"


def test_a_maximum_penalty_is_the_maximum(flow):
    f = flow("fine", d("2026-09-01"), {"max_amount_fen": 1_000_000 * YUAN, "maximum_penalty": True})
    f("notify", d("2026-09-02"))
    with pytest.raises(InvalidEvent):
        f("decide", d("2026-09-16"), amount_fen=2_000_000 * YUAN)
    with pytest.raises(InvalidEvent):
        f("decide", d("2026-09-16"), amount_fen=500_000 * YUAN)
    f("decide", d("2026-09-16"), amount_fen=1_000_000 * YUAN)
    assert f.case.facts["amount_fen"] == 1_000_000 * YUAN


def test_amounts_are_integer_fen(flow):
    f = flow("fine", d("2026-09-01"))
    f("notify", d("2026-09-02"))
    with pytest.raises(InvalidEvent):
        f("decide", d("2026-09-16"), amount_fen=100.0)


def test_continued_illegal_discharge_accrues_the_daily_penalty(flow):
    # correction order served with the filing, Tue 2026-09-01 (no separate date given):
    # re-inspection from Wed 09-02, within 30 days = Thu 10-01 (National Day) → Thu 10-08.
    f = decided(flow, amount=200_000 * YUAN, params={"daily_penalty": True, "illegal_discharge": True})
    check = f.case.followups["daily_reinspect"]
    assert (check.earliest_on, check.due_on, check.unannounced) == (d("2026-09-02"), d("2026-10-08"), True)
    out = f("visit", d("2026-10-12"), followup="daily_reinspect", visit_id=21, discharge_continues=True)
    (esc,) = out.escalations
    # 2 September to 12 October inclusive: 29 + 12 = 41 days (MEP Order No. 28).
    assert (esc.action, esc.reason) == ("fine", "daily_penalty")
    assert esc.params == {
        "amount_fen": 200_000 * YUAN * 41, "daily_penalty": True, "illegal_discharge": True,
        "parent_amount_fen": 200_000 * YUAN, "correction_served_on": "2026-10-12", "daily_days": 41,
    }


def test_the_daily_penalty_repeats_with_the_original_amount(flow):
    params = {"amount_fen": 5_200_000 * YUAN, "daily_penalty": True, "illegal_discharge": True, "parent_amount_fen": 200_000 * YUAN}
    f = flow("fine", d("2026-10-12"), params)
    f("notify", d("2026-10-13"))
    f("decide", d("2026-10-21"), amount_fen=5_200_000 * YUAN)
    # the order was served again at the re-inspection of Mon 10-12 (this case's filing):
    # 13 to 31 October = 19 days.
    out = f("visit", d("2026-10-31"), followup="daily_reinspect", visit_id=22, discharge_continues=True)
    assert out.escalations[0].params["amount_fen"] == 200_000 * YUAN * 19


def test_a_corrected_discharge_stops_the_daily_penalty(flow):
    f = decided(flow, params={"daily_penalty": True, "illegal_discharge": True})
    out = f("visit", d("2026-10-12"), followup="daily_reinspect", visit_id=21, discharge_continues=False)
    assert out.escalations == ()


def test_a_daily_penalty_needs_illegal_discharge(flow):
    with pytest.raises(InvalidEvent):
        flow("fine", d("2026-09-01"), {"daily_penalty": True})
