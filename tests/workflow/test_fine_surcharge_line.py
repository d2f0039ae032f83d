"""The surcharge line (workflow.fine.SurchargeLine): what the overdue list stores with a fine so
that the database counts the late-payment surcharge (加处罚款, APL Art. 72: 3 % of the unpaid fine
a day after pay_by, never more than the fine) for any day without the engine. The line starts
on the case's last change (the first day of delay, a payment, an appeal brought or decided) and
gives unpaid fen × days as base + rate × (days since ``since``, both included).

Worked example throughout: a fine of 10,000 yuan (1,000,000 fen) filed Tuesday 1 September 2026,
notified Wednesday 2 September, decided and served Wednesday 16 September. pay_by is 16 September
+ 15 days = Thursday 1 October, National Day, rolled to Thursday 8 October (APL Art. 67); the
first day of delay is Friday 9 October. 3 % of 10,000 yuan is 300 yuan a day."""
from __future__ import annotations

from enforcement.workflow import surcharge_fen, surcharge_line
from enforcement.workflow.fine import SurchargeLine, surcharge_of

from .support import Flow, d

YUAN = 100
FINE = 10_000 * YUAN
BP = 300  # 3 % a day, in basis points (APL Art. 72)


def decided():
    f = Flow("fine", d("2026-09-01"))
    f("notify", d("2026-09-02"))
    f("decide", d("2026-09-16"), amount_fen=FINE)
    assert f.case.deadlines["pay_by"].due_on == d("2026-10-08")
    return f


def listed(line, day):
    """The surcharge the list computes from the stored line (services/lists does this in SQL)."""
    return surcharge_of(line.fen_days(day), BP, line.amount_fen)


def test_no_line_before_a_fine_is_decided_nor_after_it_is_revoked():
    f = Flow("fine", d("2026-09-01"))
    f("notify", d("2026-09-02"))
    assert surcharge_line(f.case) is None  # no amount and no pay_by yet
    f = decided()
    f("appeal", d("2026-09-21"), kind="reconsideration")
    f("appeal_decided", d("2026-10-12"), result="revoked")
    assert surcharge_line(f.case) is None  # a revoked decision owes nothing (APL Art. 72 needs a fine)


def test_an_unpaid_fine_runs_from_the_first_day_of_delay_at_the_whole_fine_a_day():
    f = decided()
    line = surcharge_line(f.case)
    # Nothing counted before Friday 9 October; from it, 1,000,000 fen each day.
    assert line == SurchargeLine(since=d("2026-10-09"), base=0, rate=FINE, amount_fen=FINE)
    # 9 October is day 1: 1,000,000 fen·days, 300 yuan.
    assert line.fen_days(d("2026-10-09")) == FINE
    assert listed(line, d("2026-10-09")) == 300 * YUAN
    # 9–18 October: 10 days, 3,000 yuan.
    assert line.fen_days(d("2026-10-18")) == 10 * FINE
    assert listed(line, d("2026-10-18")) == 3_000 * YUAN
    # 9 October – 10 November: 23 + 10 = 33 days, 9,900 yuan; 11 November is day 34: 10,200 yuan
    # counted, capped at the fine, 10,000 yuan.
    assert listed(line, d("2026-11-10")) == 9_900 * YUAN
    assert line.fen_days(d("2026-11-11")) == 34 * FINE
    assert listed(line, d("2026-11-11")) == 10_000 * YUAN
    for day in ("2026-10-09", "2026-10-18", "2026-11-10", "2026-11-11", "2027-03-01"):
        assert listed(line, d(day)) == surcharge_fen(f.case, d(day))


def test_a_partial_payment_after_pay_by_starts_the_line_on_its_day_at_what_is_left():
    f = decided()
    f("pay", d("2026-10-13"), amount_fen=5_000 * YUAN, payment_ref="R1")
    line = surcharge_line(f.case)
    # 9–12 October on the whole fine: 4 days × 1,000,000 = 4,000,000 fen·days (1,200 yuan), then
    # from Tuesday 13 October 500,000 fen a day.
    assert line == SurchargeLine(since=d("2026-10-13"), base=4 * FINE, rate=FINE // 2, amount_fen=FINE)
    assert listed(line, d("2026-10-13")) == (1_200 + 150) * YUAN  # + 13 October on 5,000 yuan
    # 13–18 October: 6 days on 5,000 yuan, 900 yuan.
    assert line.fen_days(d("2026-10-18")) == 4 * FINE + 6 * FINE // 2
    assert listed(line, d("2026-10-18")) == (1_200 + 900) * YUAN
    for day in ("2026-10-13", "2026-10-18", "2026-12-31"):
        assert listed(line, d(day)) == surcharge_fen(f.case, d(day))


def test_a_payment_in_time_leaves_the_line_on_the_first_day_of_delay():
    f = decided()
    f("pay", d("2026-09-30"), amount_fen=4_000 * YUAN, payment_ref="R1")
    line = surcharge_line(f.case)
    # Paid before pay_by: the delay still starts 9 October, on the 6,000 yuan left (180 yuan a day).
    assert line == SurchargeLine(since=d("2026-10-09"), base=0, rate=600_000, amount_fen=FINE)
    # 9–18 October: 10 days × 180 yuan = 1,800 yuan.
    assert listed(line, d("2026-10-18")) == 1_800 * YUAN == surcharge_fen(f.case, d("2026-10-18"))


def test_an_appeal_stops_the_line_and_its_decision_starts_it_again():
    f = decided()
    # Reconsideration applied for Monday 12 October (within 60 days): 9, 10, 11 October counted
    # (3 × 300 = 900 yuan), then nothing while it is pending (APL Art. 73(3)).
    f("appeal", d("2026-10-12"), kind="reconsideration")
    line = surcharge_line(f.case)
    assert line == SurchargeLine(since=d("2026-10-12"), base=3 * FINE, rate=0, amount_fen=FINE)
    assert listed(line, d("2026-10-12")) == listed(line, d("2026-10-29")) == 900 * YUAN
    # Upheld Friday 30 October: 12–30 October both excluded; the count resumes Saturday 31 October.
    f("appeal_decided", d("2026-10-30"), result="upheld")
    line = surcharge_line(f.case)
    assert line == SurchargeLine(since=d("2026-10-31"), base=3 * FINE, rate=FINE, amount_fen=FINE)
    # As of Monday 2 November: 3 days before + 31 October, 1, 2 November = 6 days, 1,800 yuan.
    assert line.fen_days(d("2026-11-02")) == 6 * FINE
    assert listed(line, d("2026-11-02")) == 1_800 * YUAN
    for day in ("2026-10-31", "2026-11-02", "2026-12-15"):
        assert listed(line, d(day)) == surcharge_fen(f.case, d(day))
