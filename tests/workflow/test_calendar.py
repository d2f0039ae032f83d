from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar
import pytest

from enforcement.workflow import Calendar, ConfigError, QuietDay, ScheduleError, YearSchedule, dump_schedule, parse_schedule

from .support import FICTIONAL_2027, d


def test_the_adjusted_working_saturday_after_national_day_counts_as_a_working_day(cal):
    assert cal.is_working_day(d("2026-10-10"))
    assert not cal.is_working_day(d("2026-10-05"))
    assert not cal.is_working_day(d("2026-10-11"))


def test_fifteen_working_days_from_28_september_2026_skip_national_day_and_end_on_23_october(cal):
    assert cal.add_working_days(d("2026-09-28"), 15) == (d("2026-10-23"), False)


def test_seven_working_days_from_16_september_2026_count_the_adjusted_sunday_20_september(cal):
    assert cal.add_working_days(d("2026-09-16"), 7) == (d("2026-09-24"), False)


def test_a_calendar_day_period_ending_on_national_day_rolls_to_the_next_working_day(cal):
    # 15 days after 16 September 2026 is 1 October.
    assert cal.add_days_rolled(d("2026-09-16"), 15) == (d("2026-10-08"), False)


def test_a_calendar_day_period_ending_on_a_working_day_does_not_move(cal):
    assert cal.add_days_rolled(d("2026-09-28"), 30) == (d("2026-10-28"), False)


def test_months_are_clamped_to_the_end_of_the_month_then_rolled(cal):
    # 31 August + 1 month = 30 September 2026 (Wednesday).
    assert cal.add_months(d("2026-08-31"), 1) == (d("2026-09-30"), False)
    # 3 July + 3 months = 3 October 2026 (National Day) -> Thursday 8 October.
    assert cal.add_months(d("2026-07-03"), 3) == (d("2026-10-08"), False)


def test_zero_working_days_is_the_start_itself(cal):
    assert cal.add_working_days(d("2026-10-03"), 0) == (d("2026-10-03"), False)


def test_working_day_counting_matches_a_naive_day_by_day_count_over_chinese_calendar(cal):
    start = date(2025, 12, 1)
    for offset in range(0, 330, 7):
        s = start + timedelta(days=offset)
        for n in (1, 5, 15, 40):
            day, remaining = s, n
            while remaining:
                day += timedelta(days=1)
                remaining -= chinese_calendar.is_workday(day)
            assert cal.add_working_days(s, n)[0] == day


def test_a_period_counted_into_a_year_without_data_is_provisional_and_warns_once(caplog):
    cal = Calendar()
    import enforcement.workflow.calendar as module

    module._warned_years.discard(2031)
    with caplog.at_level(logging.WARNING, logger="enforcement.workflow.calendar"):
        assert cal.add_working_days(d("2030-12-20"), 20)[1] is True
        cal.add_working_days(d("2031-03-01"), 3)
    assert sum("2031" in r.getMessage() for r in caplog.records) == 1
    assert cal.has_official_data(2026) and not cal.has_official_data(2031)


def test_counting_within_2026_is_not_provisional_even_though_2027_is_unknown(cal):
    assert cal.add_working_days(d("2026-12-01"), 10)[1] is False
    assert cal.add_working_days(d("2026-12-20"), 10)[1] is True


def test_an_imported_schedule_makes_its_year_official(cal):
    schedule = parse_schedule(FICTIONAL_2027)
    official = Calendar(extra_years={2027: schedule})
    assert official.has_official_data(2027)
    assert official.add_working_days(d("2027-02-04"), 2) == (d("2027-02-14"), False)  # fictional adjusted Sunday
    # Without the notice: Thu 2027-02-04; Fri 5 Feb 除夕 and Mon 8 Feb 初三 are statutory holidays
    # (放假办法 2024 Art. 2), 6–7 Feb a weekend; Tue 9 Feb is 1, Wed 10 Feb is 2.
    assert cal.add_working_days(d("2027-02-04"), 2) == (d("2027-02-10"), True)


def test_an_imported_schedule_overrides_chinese_calendar_for_its_year():
    fake = YearSchedule(2026, frozenset({d("2026-03-02")}), frozenset())
    cal = Calendar(extra_years={2026: fake})
    assert not cal.is_working_day(d("2026-03-02"))
    assert cal.is_working_day(d("2026-10-05"))  # the imported year replaces the whole year


def test_follow_up_days_skip_quiet_days_of_the_township_and_of_everyone():
    cal = Calendar(quiet_days=[QuietDay(d("2026-10-12"), "Xinzhuang"), QuietDay(d("2026-10-13"), None)])
    assert cal.next_followup_day(d("2026-10-11"), "Xinzhuang") == (d("2026-10-14"), False)
    assert cal.next_followup_day(d("2026-10-11"), "Hengli") == (d("2026-10-12"), False)
    assert cal.next_followup_day(d("2026-10-12"), None) == (d("2026-10-12"), False)


class TestScheduleFile:
    def test_round_trip(self):
        s = parse_schedule(FICTIONAL_2027)
        assert d("2027-02-09") in s.holidays and d("2027-10-09") in s.workdays
        assert s.names[d("2027-02-06")] == "春节"
        again = parse_schedule(dump_schedule(s))
        assert again == s and dict(again.names) == dict(s.names)
        assert "holiday 2027-02-06..2027-02-12 春节" in dump_schedule(s)

    @pytest.mark.parametrize(
        "body, line, words",
        [
            ("holiday 2027-01-01\n", 1, "year"),
            ("year: 2027\nholiday 2028-01-01\n", 2, "outside the declared year"),
            ("year: 2027\nholiday 2027-01-01\nworkday 2027-01-04\n", 3, "weekday"),
            ("year: 2027\nholiday 2027-02-13\nworkday 2027-02-13\n", 3, "holiday on line 2"),
            ("year: 2027\nholiday 2027-02-13..2027-02-10\n", 2, "before it starts"),
            ("year: 2027\nholiday 2027-02-30\n", 2, "not a valid date"),
            ("year: 2027\nholliday 2027-02-01\n", 2, "cannot read"),
            ("year: 2027\nholiday 2027-01-01\nholiday 2027-01-01\n", 3, "already listed"),
            ("year: 2027\nyear: 2027\n", 2, "twice"),
        ],
    )
    def test_mistakes_are_reported_with_their_line(self, body, line, words):
        with pytest.raises(ScheduleError) as err:
            parse_schedule(body)
        assert err.value.line == line and words in str(err.value)

    def test_a_file_without_holidays_is_refused(self):
        with pytest.raises(ScheduleError, match="no holiday"):
            parse_schedule("year: 2027\n")

    def test_a_calendar_refuses_an_inconsistent_schedule(self):
        bad = YearSchedule(2027, frozenset({d("2027-01-01")}), frozenset({d("2027-01-04")}))
        with pytest.raises(ConfigError, match="not a Saturday or Sunday"):
            Calendar(extra_years={2027: bad})
        with pytest.raises(ConfigError, match="filed under 2028"):
            Calendar(extra_years={2028: parse_schedule(FICTIONAL_2027)})


def test_counting_consults_the_official_calendar_once_per_year_not_once_per_day(cal, monkeypatch):
    """The speed comes from a per-year table: after it is built, counting any period makes no
    day-by-day calls (timings belong in `make bench`, this checks the complexity)."""
    calls = {"n": 0}
    real = chinese_calendar.is_workday

    def counting(day):
        calls["n"] += 1
        return real(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", counting)
    fresh = Calendar()
    fresh.add_working_days(date(2026, 1, 5), 15)
    built = calls["n"]
    for i in range(300):
        fresh.add_working_days(date(2026, 1, 1) + timedelta(days=i), 15)
    assert calls["n"] == built
