"""The holiday import file (docs/workflows.md) as the clerk who types it sees it: every refusal
word for word with its line, and the file the bureau exports, line for line."""
from __future__ import annotations

from datetime import date

import pytest

from enforcement.workflow import ConfigError, ScheduleError, YearSchedule, dump_schedule, parse_schedule
from enforcement.workflow.calendar import validate_schedule


def refusal(body: str) -> str:
    with pytest.raises(ScheduleError) as err:
        parse_schedule(body)
    return str(err.value)


@pytest.mark.parametrize("body, message", [
    ("holiday 2027-01-01\n", "line 1: declare 'year: YYYY' before the first entry"),
    ("year: 2027\nyear: 2027\n", "line 2: the year is declared twice"),
    ("year: 2027\nholiday 2027-01-01\nyear: 2027\n", "line 3: the year is declared twice"),
    ("# notice\n\nyear: 2027\nholliday 2027-02-01\n",
     "line 4: cannot read 'holliday 2027-02-01'; expected 'year: YYYY', 'holiday DATE[..DATE] [name]' "
     "or 'workday DATE [name]'"),
    ("year: 2027\nholiday 2027-02-30\n", "line 2: '2027-02-30' is not a valid date (YYYY-MM-DD)"),
    ("year: 2027\nholiday 2027-02-01..2027-02-31\n", "line 2: '2027-02-31' is not a valid date (YYYY-MM-DD)"),
    ("year: 2027\nholiday 2027-02-13..2027-02-10\n",
     "line 2: range ends (2027-02-10) before it starts (2027-02-13)"),
    ("year: 2027\nholiday 2027-01-01\nworkday 2027-02-06..2027-02-07\n",
     "line 3: a workday line names one date, not a range"),
    # A range that crosses the year end is caught at the first date outside the year.
    ("year: 2027\nholiday 2027-12-31..2028-01-02\n", "line 2: 2028-01-01 is outside the declared year 2027"),
    ("year: 2027\nholiday 2026-12-31\n", "line 2: 2026-12-31 is outside the declared year 2027"),
    ("year: 2027\nholiday 2027-01-01\nworkday 2028-01-01\n",
     "line 3: 2028-01-01 is outside the declared year 2027"),
    # 2027-01-04 is a Monday, 2027-01-08 a Friday; only Saturdays and Sundays can be adjusted.
    ("year: 2027\nholiday 2027-01-01\nworkday 2027-01-04\n",
     "line 3: 2027-01-04 is a weekday; only an adjusted Saturday or Sunday can be a workday"),
    ("year: 2027\nholiday 2027-01-01\nworkday 2027-01-08\n",
     "line 3: 2027-01-08 is a weekday; only an adjusted Saturday or Sunday can be a workday"),
    ("year: 2027\nholiday 2027-01-01\nworkday 2027-02-06\nworkday 2027-02-06\n",
     "line 4: 2027-02-06 is already listed on line 3"),
    ("year: 2027\nholiday 2027-02-13\nworkday 2027-02-13\n",
     "line 3: 2027-02-13 is a holiday on line 2 and cannot also be a workday"),
    ("year: 2027\nholiday 2027-01-01\nholiday 2026-12-31..2027-01-01\n",
     "line 3: 2026-12-31 is outside the declared year 2027"),
    ("year: 2027\nholiday 2027-01-01\nholiday 2027-01-01\n", "line 3: 2027-01-01 is already listed on line 2"),
    ("year: 2027\nworkday 2027-02-06\nholiday 2027-02-05..2027-02-07\n",
     "line 3: 2027-02-06 is a workday on line 2 and cannot also be a holiday"),
    ("year: 2027\n", "no holiday listed for 2027"),
    ("year: 2027\nworkday 2027-02-06\n", "no holiday listed for 2027"),
    ("# nothing but a comment\n", "no 'year: YYYY' line"),
    ("", "no 'year: YYYY' line"),
])
def test_every_mistake_in_the_import_file_is_named_with_its_line(body, message):
    assert refusal(body) == message


def test_the_year_comes_before_the_first_entry():
    assert refusal("year: 2027\nholiday 2027-01-01\n\nyear: 2028\n") == "line 4: the year is declared twice"
    with pytest.raises(ScheduleError) as err:
        parse_schedule("holiday 2027-01-01\nyear: 2027\n")
    assert err.value.line == 1


def test_a_parsed_file_holds_its_days_names_and_adjusted_days():
    s = parse_schedule(
        "  # 2027 (fictional)  \n"
        "year:   2027\n"
        "holiday 2027-01-01 元旦\n"
        "holiday 2027-02-05..2027-02-07   春节  \n"
        "holiday 2027-02-08..2027-02-08\n"
        "workday 2027-02-13 春节调休\n"
        "workday 2027-02-14\n")
    assert s.year == 2027
    assert sorted(s.holidays) == [date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6),
                                  date(2027, 2, 7), date(2027, 2, 8)]
    assert sorted(s.workdays) == [date(2027, 2, 13), date(2027, 2, 14)]
    assert dict(s.names) == {date(2027, 1, 1): "元旦", date(2027, 2, 5): "春节", date(2027, 2, 6): "春节",
                             date(2027, 2, 7): "春节", date(2027, 2, 13): "春节调休"}


def test_the_exported_file_groups_runs_of_one_name_and_lists_adjusted_days():
    s = YearSchedule(2027, frozenset({date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6),
                                      date(2027, 2, 7), date(2027, 2, 8), date(2027, 2, 10),
                                      date(2027, 12, 31)}),
                     frozenset({date(2027, 2, 14), date(2027, 2, 13)}),
                     {date(2027, 1, 1): "元旦", date(2027, 2, 5): "春节", date(2027, 2, 6): "春节",
                      date(2027, 2, 7): "春节", date(2027, 2, 8): "其他", date(2027, 2, 13): "春节调休"})
    assert dump_schedule(s) == (
        "# holiday schedule 2027 (import file, see docs/workflows.md)\n"
        "year: 2027\n"
        "holiday 2027-01-01 元旦\n"
        "holiday 2027-02-05..2027-02-07 春节\n"   # one run: consecutive days, one name
        "holiday 2027-02-08 其他\n"                # the next day has another name
        "holiday 2027-02-10\n"                     # a gap of a day starts a new run
        "holiday 2027-12-31\n"
        "workday 2027-02-13 春节调休\n"
        "workday 2027-02-14\n")
    again = parse_schedule(dump_schedule(s))
    assert again == s and dict(again.names) == dict(s.names)


def test_two_unnamed_runs_stay_apart_across_a_gap_and_join_when_consecutive():
    s = YearSchedule(2027, frozenset({date(2027, 5, 1), date(2027, 5, 2), date(2027, 5, 4)}), frozenset())
    assert dump_schedule(s).splitlines()[2:] == ["holiday 2027-05-01..2027-05-02", "holiday 2027-05-04"]


@pytest.mark.parametrize("schedule, message", [
    (YearSchedule(2027, frozenset({date(2028, 1, 1)}), frozenset()),
     "holiday schedule 2027: 2028-01-01 is outside the year"),
    (YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset({date(2026, 12, 27)})),
     "holiday schedule 2027: 2026-12-27 is outside the year"),
    (YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset({date(2027, 1, 8)})),
     "holiday schedule 2027: adjusted working day 2027-01-08 is not a Saturday or Sunday"),
    (YearSchedule(2027, frozenset({date(2027, 2, 6), date(2027, 2, 13)}),
                  frozenset({date(2027, 2, 13), date(2027, 2, 6)})),
     "holiday schedule 2027: 2027-02-06 is both a holiday and a working day"),
])
def test_a_schedule_given_in_code_is_checked_the_same_way(schedule, message):
    with pytest.raises(ConfigError) as err:
        validate_schedule(schedule)
    assert str(err.value) == message


def test_a_consistent_schedule_passes_the_check():
    validate_schedule(YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset({date(2027, 2, 13)})))
