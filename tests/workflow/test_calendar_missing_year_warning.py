"""The warning an operator reads when a period is counted into a year without the State
Council's notice: what it says, and that it is given once per process for that year."""
from __future__ import annotations

import logging

import pytest

import enforcement.workflow.calendar as calendar_module
from enforcement.workflow import Calendar

from .support import d

WARNING_2031 = (
    "no official holiday data for 2031: counting weekends and the statutory holidays without "
    "调休, results are provisional; import the State Council's notice for that year"
)


@pytest.fixture
def nothing_warned_yet(monkeypatch):
    monkeypatch.setattr(calendar_module, "_warned_years", set())


def _warnings(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "enforcement.workflow.calendar" and r.levelno == logging.WARNING
    ]


def test_the_warning_names_the_year_and_asks_for_its_notice(caplog, nothing_warned_yet):
    with caplog.at_level(logging.WARNING, logger="enforcement.workflow.calendar"):
        # Fri 2031-03-07 + 3 working days: Mon 10, Tue 11, Wed 12 March (no holiday between).
        assert Calendar().add_working_days(d("2031-03-07"), 3) == (d("2031-03-12"), True)
    assert _warnings(caplog) == [WARNING_2031]


def test_two_calendars_counting_into_the_same_year_warn_once(caplog, nothing_warned_yet):
    # The app builds its calendar again whenever a quiet day, a township or a holiday year
    # changes (services/calendar/calendars.py): the rebuilt one counting into 2031 adds no
    # second warning to the log.
    with caplog.at_level(logging.WARNING, logger="enforcement.workflow.calendar"):
        Calendar().add_working_days(d("2031-03-07"), 3)
        Calendar().add_working_days(d("2031-05-06"), 3)
    assert _warnings(caplog) == [WARNING_2031]
