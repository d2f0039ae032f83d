"""A fine paid partly in time and the rest late: the in-time payment lowers the base of the
surcharge from its first day, and the late payment still stops it. (The mutation run found that
dropping every payment after an in-time one went unnoticed: docs/mutation.md.)"""
from __future__ import annotations

from enforcement.workflow import surcharge_fen

from .support import d

YUAN = 100


def test_part_paid_in_time_and_the_rest_late_counts_only_the_late_rest(flow):
    f = flow("fine", d("2026-09-01"), {})
    f("notify", d("2026-09-02"))
    f("decide", d("2026-09-16"), amount_fen=10_000 * YUAN)  # pay_by 2026-10-08 (National Day)
    f("pay", d("2026-10-01"), amount_fen=4_000 * YUAN)  # in time
    f("pay", d("2026-10-13"), amount_fen=6_000 * YUAN)  # late: 9-12 October on 6,000 yuan
    assert f.case.state == "paid"
    # Counted by hand: 4 days × 3% × 6,000 yuan = 720 yuan, as of any day after the last payment.
    assert surcharge_fen(f.case, d("2026-10-18")) == 720 * YUAN
    assert surcharge_fen(f.case, d("2027-01-04")) == 720 * YUAN
    assert surcharge_fen(f.case, d("2026-10-09")) == 180 * YUAN  # the first day late
