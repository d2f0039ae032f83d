"""The late-payment surcharge (APL Art. 72) read with the bureau's and the township's own rate,
and the day an appeal is decided, which still counts as pending (APL Art. 73(3))."""
from __future__ import annotations

from enforcement.workflow import Rules, surcharge_fen

from .support import Flow, d
from .test_fine import YUAN, decided


def test_only_a_fine_has_a_surcharge():
    assert surcharge_fen(Flow("rectify", d("2026-09-01")).case, d("2027-01-01")) == 0


def test_the_rate_is_the_rule_of_the_cases_township():
    # 1 % a day in Hengli, the default 3 % elsewhere. Decided 2026-09-16, pay_by Thu 10-08;
    # as of Sat 10-10 two days of delay (10-09, 10-10) on 10,000 yuan.
    rules = Rules.from_mapping({"townships": {"Hengli": {"fine": {"surcharge_bp_per_day": 100}}}})
    hengli = decided(lambda *a: Flow(*a, rules=rules, township="Hengli"))
    other = decided(lambda *a: Flow(*a, rules=rules, township="Gucheng"))
    assert surcharge_fen(hengli.case, d("2026-10-10"), rules=rules) == 200 * YUAN
    assert surcharge_fen(other.case, d("2026-10-10"), rules=rules) == 600 * YUAN
    everywhere = Rules.from_mapping({"fine": {"surcharge_bp_per_day": 50}})  # 0.5 %
    assert surcharge_fen(other.case, d("2026-10-10"), rules=everywhere) == 100 * YUAN


def test_the_day_the_appeal_is_decided_is_not_counted_even_with_a_payment_that_day(flow):
    # Delay from Fri 10-09; reconsideration applied for Tue 10-20: 11 days (10-09..10-19) × 3 %
    # × 10,000 yuan = 3,300 yuan. Decided (upheld) Tue 12-01, and 4,000 yuan paid that day: 12-01
    # is still pending, so nothing more; from Wed 12-02, 3 % of the 6,000 left = 180 yuan a day.
    f = decided(flow)
    f("appeal", d("2026-10-20"), kind="reconsideration")
    f("pay", d("2026-12-01"), amount_fen=4_000 * YUAN, payment_ref="R1")
    f("appeal_decided", d("2026-12-01"), result="upheld")
    assert surcharge_fen(f.case, d("2026-11-30")) == 3_300 * YUAN
    assert surcharge_fen(f.case, d("2026-12-01")) == 3_300 * YUAN
    assert surcharge_fen(f.case, d("2026-12-02")) == 3_480 * YUAN
    assert surcharge_fen(f.case, d("2026-12-04")) == 3_840 * YUAN  # 12-02, 12-03, 12-04
