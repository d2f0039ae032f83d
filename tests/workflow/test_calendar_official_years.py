"""Which years the calendar takes from the State Council's notices (chinese_calendar's tables),
and how it counts a year those tables do not hold or that moves no day."""
from __future__ import annotations

import chinese_calendar
import pytest

import enforcement.workflow.calendar as calendar_module
from enforcement.workflow import Calendar

from .support import d


def test_the_official_tables_run_from_2004_to_the_last_year_chinese_calendar_knows():
    cal = Calendar()
    last = max(day.year for day in chinese_calendar.holidays)
    assert not cal.has_official_data(2003)
    assert cal.has_official_data(2004) and cal.is_official(2004)
    assert cal.has_official_data(last) and cal.is_official(last)
    assert not cal.has_official_data(last + 1) and not cal.is_official(last + 1)


def test_a_period_in_2003_before_the_tables_skips_national_day_and_is_provisional():
    cal = Calendar()
    assert not cal.is_official(2003)
    # chinese_calendar starts with 2004, so 2003 is counted with its statutory holidays only
    # (放假办法 Art. 2: 国庆节 1–3 October, the same three days in every revision since 1999):
    # Tue 30 Sep 2003; Wed 1, Thu 2, Fri 3 Oct 国庆节; Sat 4, Sun 5 a weekend; Mon 6 Oct is 1.
    assert cal.add_working_days(d("2003-09-30"), 1) == (d("2003-10-06"), True)
    # Fri 3 Oct is a holiday: the next working day is Mon 6 Oct, provisional too.
    assert cal.next_working_day(d("2003-10-03")) == (d("2003-10-06"), True)


@pytest.fixture
def tables_without_2026_swaps(monkeypatch):
    """chinese_calendar's tables as they would be if the State Council's 2026 notice moved no
    day (放假办法 Art. 6 leaves 调休 to the notice; nothing obliges it to swap a working day): the
    2026 holidays kept, no adjusted working Saturday or Sunday in 2026. The calendar reads the
    tables afresh (its per-process copy is put back after the test)."""
    kept = {day: name for day, name in chinese_calendar.workdays.items() if day.year != 2026}
    monkeypatch.setattr(chinese_calendar, "workdays", kept)
    monkeypatch.setattr(calendar_module, "_official_cache", None)


def test_a_year_whose_notice_swaps_no_day_is_official_with_its_weekends_as_rest_days(
    tables_without_2026_swaps,
):
    cal = Calendar()
    assert cal.has_official_data(2026) and cal.is_official(2026)
    # Sat 10 Oct 2026 (a working day in the real notice) is now an ordinary Saturday:
    # Sat 10, Sun 11 Oct off, Mon 12 Oct is the next working day, not provisional.
    assert not cal.is_working_day(d("2026-10-10"))
    assert cal.next_working_day(d("2026-10-10")) == (d("2026-10-12"), False)
    # The year's holidays still count: Wed 30 Sep; Thu 1 to Wed 7 Oct 国庆节 rest; Thu 8 Oct is 1.
    assert cal.add_working_days(d("2026-09-30"), 1) == (d("2026-10-08"), False)
