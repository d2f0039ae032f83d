"""The fine's legal clock (issue #15): surcharge paused by an appeal (APL Art. 73(3)), the daily
continuous penalty counted from the correction order (MEP Order No. 28, 2014), the suit window
after a reconsideration decision (ALL Art. 45), the demand before court enforcement (ACL Arts.
53, 54), receipt versus decision (APL Arts. 61, 67), the hearing notice (APL Art. 64) and the
time limit for deciding (生态环境行政处罚办法 2023). Dates are counted by hand in the comments."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement.workflow import ImpossibleEvent, InvalidEvent, surcharge_fen

from .support import Flow, d

YUAN = 100
SETTINGS = settings(max_examples=150, deadline=None)


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
