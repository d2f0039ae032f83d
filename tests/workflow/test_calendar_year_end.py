"""Counting across a year end: a day after the year's last working day rolls into the next
year, and a result is provisional when either year is counted without its notice."""
from __future__ import annotations

from enforcement.workflow import Calendar, YearSchedule

from .support import d

# FICTIONAL notice for 2029 (tests only, not the State Council's): 元旦 Mon 1 January off.
FICTIONAL_2029 = YearSchedule(2029, frozenset({d("2029-01-01")}), frozenset())


def test_a_saturday_31_december_rolls_past_new_year_into_the_next_year(cal):
    # 2023 notice: Sat 31 Dec 2022, Sun 1 Jan and Mon 2 Jan 2023 (元旦, moved) off;
    # Tue 3 Jan 2023 is the next working day; both years are official.
    assert cal.next_working_day(d("2022-12-31")) == (d("2023-01-03"), False)
    assert cal.next_working_day(d("2023-01-01")) == (d("2023-01-03"), False)


def test_a_last_day_in_a_year_without_its_notice_stays_provisional_into_an_official_year():
    cal = Calendar(extra_years={2029: FICTIONAL_2029})
    assert not cal.is_official(2028) and cal.is_official(2029)
    # Sat 30 Dec 2028 (no 2028 notice: the weekend might be an adjusted working Saturday),
    # Sun 31 Dec, Mon 1 Jan 2029 元旦 (the fictional notice); Tue 2 Jan 2029 is the next working
    # day. It rests on 2028 being a rest day, so it is provisional although 2029 is official.
    assert cal.next_working_day(d("2028-12-30")) == (d("2029-01-02"), True)
