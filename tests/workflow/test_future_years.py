"""Years without the State Council's notice (issue #15): the statutory holidays of the
全国年节及纪念日放假办法 (2024 revision, Arts. 2 and 6) are certain and counted; only the 调休 is
unknown, so those dates are provisional. Every date below is counted by hand in its comment."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from enforcement.workflow import Calendar, parse_schedule
from enforcement.workflow.calendar import statutory_schedule

from .support import FICTIONAL_2027, d, examples

SETTINGS = settings(max_examples=examples(200), deadline=None)


def test_the_statutory_days_of_2027_are_those_of_the_law_without_the_observed_guesses():
    days = statutory_schedule(2027).holidays
    assert sorted(days) == [
        d("2027-01-01"),                                                    # 元旦
        d("2027-02-05"), d("2027-02-06"), d("2027-02-07"), d("2027-02-08"),  # 除夕 to 初三
        d("2027-04-05"),                                                    # 清明
        d("2027-05-01"), d("2027-05-02"),                                    # 劳动节
        d("2027-06-09"),                                                    # 端午
        d("2027-09-15"),                                                    # 中秋
        d("2027-10-01"), d("2027-10-02"), d("2027-10-03"),                   # 国庆节
    ]
    # The holidays package's "(observed)" days are its guess at the 调休, not law.
    assert not days & {d("2027-02-09"), d("2027-02-10"), d("2027-05-03"), d("2027-05-04")}


@pytest.mark.parametrize("year", range(2027, 2061))
def test_every_future_year_has_the_thirteen_statutory_days(year):
    s = statutory_schedule(year)
    names = "".join(s.names[x] for x in s.holidays)
    # 13 days of Art. 2; fewer distinct dates only when 中秋 falls on 1–3 October (e.g. 2028).
    assert 12 <= len(s.holidays) <= 13 and names.count("中秋") == 1 and names.count("除夕") == 1
    assert {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2), date(year, 10, 1)} <= s.holidays


class TestYearEnd2026:
    def test_a_hearing_request_window_from_28_december_skips_new_year(self, cal):
        # notice served Mon 2026-12-28; 5 working days (APL Art. 64, 85): Tue 29 (1), Wed 30 (2),
        # Thu 31 (3), Fri 2027-01-01 New Year (holiday), 2–3 Jan weekend, Mon 4 (4), Tue 5 (5).
        assert cal.add_working_days(d("2026-12-28"), 5) == (d("2027-01-05"), True)

    def test_a_payment_deadline_ending_on_new_year_rolls_to_4_january(self, cal):
        # decision served Thu 2026-12-17; +15 calendar days = Fri 2027-01-01 (New Year, holiday)
        # → Sat 2, Sun 3 → next working day Mon 2027-01-04.
        assert cal.add_days_rolled(d("2026-12-17"), 15) == (d("2027-01-04"), True)

    def test_a_thirty_day_rectification_from_2_december_ends_on_4_january(self, flow):
        # served Wed 2026-12-02; +30 calendar days = Fri 2027-01-01 (New Year) → Mon 2027-01-04.
        f = flow("rectify", d("2026-12-02"), {"rectify_days": 30})
        rb = f.case.deadlines["rectify_by"]
        assert (rb.due_on, rb.provisional) == (d("2027-01-04"), True)

    def test_fifteen_working_days_from_10_december_end_on_31_december_not_a_year_later(self, cal):
        # Thu 2026-12-10; Fri 11 (1), 14–18 (6), 21–25 (11), 28 (12), 29 (13), 30 (14), 31 (15).
        # The last working day of 2026 is exactly the 15th: the boundary of the per-year index
        # (issue #23: `while k >= len(works)` gave 2027-12-31).
        assert cal.add_working_days(d("2026-12-10"), 15) == (d("2026-12-31"), False)
        # one more: Fri 2027-01-01 is New Year, so Mon 2027-01-04 (provisional).
        assert cal.add_working_days(d("2026-12-10"), 16) == (d("2027-01-04"), True)


class TestSpringFestival2027:
    def test_a_fifteen_day_period_ending_on_the_eve_rolls_past_the_third_day(self, cal):
        # Thu 2027-01-21 + 15 = Fri 2027-02-05 (除夕, holiday); Sat 6, Sun 7 (初一, 初二 and a
        # weekend), Mon 8 (初三, holiday) → Tue 2027-02-09.
        assert cal.add_days_rolled(d("2027-01-21"), 15) == (d("2027-02-09"), True)

    def test_five_working_days_across_the_festival(self, cal):
        # Wed 2027-02-03: Thu 4 (1), Fri 5 除夕, 6–7 weekend, Mon 8 初三, Tue 9 (2), Wed 10 (3),
        # Thu 11 (4), Fri 12 (5).
        assert cal.add_working_days(d("2027-02-03"), 5) == (d("2027-02-12"), True)

    def test_the_imported_notice_makes_the_dates_official(self):
        # The FICTIONAL schedule has only 6–12 Feb off and Sun 14 Feb as a working day (an imported
        # year replaces the whole year): Thu 4 (1), Fri 5 (2), Sun 14 (3), Mon 15 (4), Tue 16 (5).
        official = Calendar(extra_years={2027: parse_schedule(FICTIONAL_2027)})
        assert official.add_working_days(d("2027-02-03"), 5) == (d("2027-02-16"), False)


# --- properties -------------------------------------------------------------------------------

def _naive_working_days(cal: Calendar, start: date, n: int) -> date:
    day, left = start, n
    while left:
        day += timedelta(days=1)
        left -= cal.is_working_day(day)
    return day


def _certain_rest_day(day: date) -> bool:
    """What is certain about a day: the official schedule where the year has one, otherwise a
    weekend or a holiday the law fixes (放假办法 Art. 2); only the 调休 of such a year is unknown."""
    cal = _OFFICIAL
    if cal.has_official_data(day.year):
        return not cal.is_working_day(day)
    return day.weekday() >= 5 or day in statutory_schedule(day.year).holidays


_OFFICIAL = Calendar()


def _naive_certain(start: date, n: int) -> date:
    day, left = start, n
    while left:
        day += timedelta(days=1)
        left -= not _certain_rest_day(day)
    return day


december = st.builds(lambda y, dd: date(y, 12, dd), st.integers(2024, 2040), st.integers(1, 31))
any_day = st.dates(min_value=date(2024, 1, 1), max_value=date(2045, 12, 31))
leap_day = st.sampled_from([date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29), date(2036, 2, 29)])
starts = st.one_of(december, any_day, leap_day)
periods = st.integers(0, 520)  # up to two year ends in working days


@SETTINGS
@given(start=starts, n=periods)
def test_working_days_agree_with_a_day_by_day_count_across_year_ends(start, n):
    cal = Calendar()
    assert cal.add_working_days(start, n)[0] == _naive_working_days(cal, start, n)


@SETTINGS
@given(start=starts, n=st.integers(0, 800))
def test_calendar_day_periods_roll_to_the_first_working_day_on_or_after_the_last_day(start, n):
    cal = Calendar()
    due = cal.add_days_rolled(start, n)[0]
    last = start + timedelta(days=n)
    assert due >= last and cal.is_working_day(due)
    assert all(not cal.is_working_day(last + timedelta(days=i)) for i in range((due - last).days))


@SETTINGS
@given(start=starts, n=st.integers(1, 400), kind=st.sampled_from(["working", "calendar", "months"]))
def test_no_deadline_ever_lands_on_a_statutory_holiday(start, n, kind):
    cal = Calendar()
    if kind == "working":
        due = cal.add_working_days(start, n)[0]
    elif kind == "calendar":
        due = cal.add_days_rolled(start, n)[0]
    else:
        due = cal.add_months(start, n % 24 + 1)[0]
    assert not cal.is_statutory_holiday(due) and cal.is_working_day(due)


@SETTINGS
@given(start=st.one_of(december, st.dates(min_value=date(2026, 6, 1), max_value=date(2045, 12, 31))),
       n=st.integers(1, 400))
def test_a_provisional_date_never_comes_before_the_date_the_certain_holidays_give(start, n):
    cal = Calendar()
    due, provisional = cal.add_working_days(start, n)
    rolled, rolled_provisional = cal.add_days_rolled(start, n)
    # Only provisional dates are compared (certain ones follow the notice's adjusted days); the
    # start dates are mostly in years without a notice, so hypothesis finds plenty of them.
    assume(provisional and rolled_provisional)
    assert due >= _naive_certain(start, n)
    last = start + timedelta(days=n)
    first_certain_working = next(last + timedelta(days=i) for i in range(30)
                                 if not _certain_rest_day(last + timedelta(days=i)))
    assert rolled >= first_certain_working


@SETTINGS
@given(start=st.dates(min_value=date(2027, 1, 1), max_value=date(2045, 12, 31)), n=st.integers(0, 300))
def test_dates_counted_in_years_without_the_notice_are_provisional(start, n):
    assert Calendar().add_working_days(start, n)[1] is True


@pytest.mark.parametrize("year", range(2024, 2041))
def test_counting_to_the_last_working_day_of_any_year_stays_in_that_year(year):
    cal = Calendar()
    last = date(year, 12, 31)
    while not cal.is_working_day(last):
        last -= timedelta(days=1)
    start = date(year, 12, 1)
    n = sum(cal.is_working_day(start + timedelta(days=i)) for i in range(1, (last - start).days + 1))
    assert cal.add_working_days(start, n)[0] == last
    assert cal.add_working_days(start, n + 1)[0] == cal.next_working_day(date(year + 1, 1, 1))[0]


# --- quiet days never push a follow-up past a legal limit (WORKFLOWS.md, 企业宁静日) ---------------

def test_a_quiet_day_moves_a_re_inspection_earlier_not_past_its_limit(flow):
    from enforcement.workflow import QuietDay
    # rectify served Mon 2026-10-12, 7 days: rectify_by Mon 10-19. Re-inspection within 5 working
    # days after it: Tue 20 (1), 21 (2), 22 (3), Fri 23 (4), Mon 26 (5) → due Mon 10-26.
    plain = flow("rectify", d("2026-10-12"), {"rectify_days": 7}, township="Xinzhuang")
    assert plain.case.followups["reinspect"].due_on == d("2026-10-26")
    # Mon 10-26 is Xinzhuang's quiet day: the re-inspection is due Fri 10-23, not Tue 10-27.
    quiet = Calendar(quiet_days=[QuietDay(d("2026-10-26"), "Xinzhuang")])
    f = flow("rectify", d("2026-10-12"), {"rectify_days": 7}, township="Xinzhuang", calendar=quiet)
    assert f.case.followups["reinspect"].due_on == d("2026-10-23")
    # Another township's quiet day changes nothing.
    g = flow("rectify", d("2026-10-12"), {"rectify_days": 7}, township="Hengli", calendar=quiet)
    assert g.case.followups["reinspect"].due_on == d("2026-10-26")


def test_a_routine_check_may_move_past_a_quiet_day(flow):
    from enforcement.workflow import QuietDay
    # control served Tue 2026-09-01, class A: routine_1 due Tue 12-01; quiet → Wed 12-02.
    quiet = Calendar(quiet_days=[QuietDay(d("2026-12-01"), None)])
    f = flow("control", d("2026-09-01"), {"risk_class": "A"}, calendar=quiet)
    assert f.case.followups["routine_1"].due_on == d("2026-12-02")


@SETTINGS
@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
       action=st.sampled_from(["rectify", "stop", "close", "fine"]),
       quiet=st.lists(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 3, 31)), max_size=60))
def test_quiet_days_never_move_a_legal_follow_up_later(start, action, quiet):
    from enforcement.workflow import QuietDay, Rules, open_case
    params = {"daily_penalty": True, "illegal_discharge": True} if action == "fine" else {}
    rules = Rules.default()
    base = open_case(action, start, params, rules=rules, calendar=Calendar(), township="T").case
    cal = Calendar(quiet_days=[QuietDay(q, "T") for q in quiet])
    moved = open_case(action, start, params, rules=rules, calendar=cal, township="T").case
    for key, f in moved.followups.items():
        assert f.due_on <= base.followups[key].due_on, key


# --- environmental protection tax: Tax Collection Law Implementing Rules Art. 109 ---------------

def test_tax_periods_holding_3_or_more_consecutive_rest_days_are_extended_by_their_number(cal):
    from enforcement.workflow.control import tax_period_end
    # Q2 2026: 06-30 + 15 = Wed 07-15; only 2-day weekends inside → not extended.
    assert tax_period_end(cal, d("2026-06-30"), 15) == (d("2026-07-15"), False)
    # Q3 2026: 09-30 + 15 = Thu 10-15; National Day 1–7 Oct = 7 consecutive rest days → Thu 10-22.
    assert tax_period_end(cal, d("2026-09-30"), 15) == (d("2026-10-22"), False)
    # Q4 2026: 12-31 + 15 = Fri 2027-01-15; Fri 1 Jan (元旦) + weekend = 3 → Mon 2027-01-18.
    assert tax_period_end(cal, d("2026-12-31"), 15) == (d("2027-01-18"), True)


@SETTINGS
@given(end=st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31)), n=st.integers(1, 40))
def test_a_tax_period_is_never_shorter_than_the_rolled_period_and_ends_on_a_working_day(end, n):
    from enforcement.workflow.control import tax_period_end
    cal = Calendar()
    due = tax_period_end(cal, end, n)[0]
    assert due >= cal.add_days_rolled(end, n)[0]
    assert cal.is_working_day(due) and not cal.is_statutory_holiday(due)


def test_the_documented_import_file_is_the_2026_notice_as_chinese_calendar_has_it():
    import pathlib

    import chinese_calendar

    text = (pathlib.Path(__file__).parents[2] / "docs" / "holidays" / "2026.txt").read_text("utf-8")
    s = parse_schedule(text)
    assert s.holidays == {x for x in chinese_calendar.holidays if x.year == 2026}
    assert s.workdays == {x for x in chinese_calendar.workdays if x.year == 2026}
    # the official year contains every statutory day of the 放假办法 (the rest is 调休)
    assert statutory_schedule(2026).holidays <= s.holidays


@SETTINGS
@given(served=st.dates(min_value=date(2026, 10, 1), max_value=date(2028, 12, 31)),
       action=st.sampled_from(["rectify", "stop", "close", "fine", "control"]),
       later=st.integers(0, 60))
def test_no_case_deadline_lands_on_a_statutory_holiday(served, action, later):
    from enforcement.workflow import Event, Rules, apply, open_case
    rules, cal = Rules.default(), Calendar()
    params = {"risk_class": "B"} if action == "control" else {}
    case = open_case(action, served, params, rules=rules, calendar=cal).case
    if action == "fine":
        case = apply(case, Event("notify", served), rules=rules, calendar=cal).case
        on = served + timedelta(days=later)
        case = apply(case, Event("decide", on, {"amount_fen": 100, "hearing_waived": True}),
                     rules=rules, calendar=cal).case
    for dl in case.deadlines.values():
        if dl.name != "permit_renewal_by":  # counted backwards from the permit's expiry, not rolled
            assert not cal.is_statutory_holiday(dl.due_on) and cal.is_working_day(dl.due_on), dl
    for f in case.followups.values():
        assert not cal.is_statutory_holiday(f.due_on), f
