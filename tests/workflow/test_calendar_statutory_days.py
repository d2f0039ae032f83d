"""The statutory holidays of one year (全国年节及纪念日放假办法, 2024 revision, Art. 2) as the
calendar takes them from the ``holidays`` package: the days and their names, never the 调休 rest
days a State Council notice adds (Art. 6)."""
from __future__ import annotations

from enforcement.workflow import Calendar, YearSchedule
from enforcement.workflow.calendar import statutory_schedule

from .support import d


def test_the_statutory_days_of_2028_with_mid_autumn_on_the_third_day_of_national_day():
    # Art. 2: 元旦 1 Jan; 春节 除夕 to 初三 (lunar new year Wed 26 Jan 2028: Tue 25 to Fri 28 Jan);
    # 清明 Tue 4 Apr; 劳动节 1–2 May; 端午 Sun 28 May; 国庆节 1–3 Oct; 中秋 (15th of the 8th lunar
    # month) falls on Tue 3 Oct 2028, so 13 days of the law make 12 dates. No 调休 is known.
    assert statutory_schedule(2028) == YearSchedule(
        2028,
        frozenset({
            d("2028-01-01"),
            d("2028-01-25"), d("2028-01-26"), d("2028-01-27"), d("2028-01-28"),
            d("2028-04-04"),
            d("2028-05-01"), d("2028-05-02"),
            d("2028-05-28"),
            d("2028-10-01"), d("2028-10-02"), d("2028-10-03"),
        }),
        frozenset(),
    )


def test_a_day_that_is_two_holidays_is_named_after_both():
    names = statutory_schedule(2028).names
    assert names[d("2028-10-03")] == "中秋节、国庆节"
    assert names[d("2028-10-02")] == "国庆节"
    assert names[d("2028-01-25")] == "农历除夕"


def test_the_rest_days_of_the_2026_notice_are_not_statutory_holidays():
    cal = Calendar()
    # The 2026 notice (放假办法 Art. 6) gives Tue 6 and Wed 7 Oct off in exchange for working
    # Sun 20 Sep and Sat 10 Oct; the law itself gives 1–3 Oct only (Art. 2).
    assert not cal.is_working_day(d("2026-10-06")) and not cal.is_working_day(d("2026-10-07"))
    assert not cal.is_statutory_holiday(d("2026-10-06"))
    assert not cal.is_statutory_holiday(d("2026-10-07"))
    assert cal.is_statutory_holiday(d("2026-10-03"))
    # Likewise Fri 2 Jan (for Sun 4 Jan), Fri 20 and Mon 23 Feb (for Sat 14 and Sat 28 Feb),
    # Tue 5 May (for Sat 9 May): rest days by the notice, none of them statutory.
    moved = {d("2026-01-02"), d("2026-02-20"), d("2026-02-23"), d("2026-05-05")}
    assert not statutory_schedule(2026).holidays & moved
