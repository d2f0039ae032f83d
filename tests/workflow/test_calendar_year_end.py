"""Counting across a year end: a day after the year's last working day rolls into the next
year, and a result is provisional when either year is counted without its notice."""
from __future__ import annotations

import pytest

from enforcement.workflow import Calendar, QuietDay, YearSchedule

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


def test_working_days_counted_from_a_year_without_its_notice_into_an_official_one_are_provisional():
    cal = Calendar(extra_years={2029: FICTIONAL_2029})
    # Thu 28 Dec 2028; Fri 29 Dec is 1; Sat 30, Sun 31 Dec a weekend (the 2028 notice is not
    # known: either might be a working day), Mon 1 Jan 2029 元旦; Tue 2 Jan is 2, Wed 3 Jan is 3.
    assert cal.add_working_days(d("2028-12-28"), 3) == (d("2029-01-03"), True)


def test_a_follow_up_moved_off_a_quiet_day_keeps_the_provisional_mark_of_the_year_it_came_from():
    cal = Calendar(
        extra_years={2029: FICTIONAL_2029},
        quiet_days=[QuietDay(d("2029-01-02"), "yanjiao")],
    )
    # Sat 30 Dec 2028 rolls (provisionally) to Tue 2 Jan 2029, a quiet day in Yanjiao: the visit
    # moves to Wed 3 Jan, still resting on the 2028 weekend, so still provisional.
    assert cal.next_followup_day(d("2028-12-30"), "yanjiao") == (d("2029-01-03"), True)
    # Another township has no quiet day: Tue 2 Jan, provisional as well.
    assert cal.next_followup_day(d("2028-12-30"), "xinzhuang") == (d("2029-01-02"), True)


def test_the_last_follow_up_day_before_a_limit_in_the_new_year_can_be_the_earliest_day(cal):
    # Limit Sat 2 Jan 2027 (no 2027 notice yet: it might make that Saturday a working day),
    # Fri 1 Jan 元旦 (放假办法 Art. 2); the last working day is Thu 31 Dec 2026, which is also
    # the earliest allowed day. Provisional: it depends on 2 Jan 2027 being a rest day.
    assert cal.latest_followup_day(d("2026-12-31"), d("2027-01-02"), None) == (d("2026-12-31"), True)
    # Nothing left when the earliest day is 1 January itself.
    assert cal.latest_followup_day(d("2027-01-01"), d("2027-01-02"), None) is None


def test_a_negative_number_of_working_days_is_refused(cal):
    with pytest.raises(ValueError, match=r"^n must not be negative$"):
        cal.add_working_days(d("2026-10-12"), -1)
