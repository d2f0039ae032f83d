"""Small rules of the engine that the mutation run (docs/mutation.md) found unpinned, each counted
by hand: days overdue before, on and after a deadline and once it is met (also across the year
end), a follow-up's status on its last day, and a schedule error that names its line."""
from __future__ import annotations

from datetime import date

import pytest

from enforcement.workflow import Deadline, ScheduleError, days_overdue, followup_status, parse_schedule
from enforcement.workflow.types import FollowUp

DUE = Deadline("rectify_by", date(2026, 12, 31))


@pytest.mark.parametrize("as_of, days", [
    (date(2026, 12, 30), 0), (date(2026, 12, 31), 0), (date(2027, 1, 1), 1),
    (date(2027, 2, 9), 40), (date(2027, 12, 31), 365)])
def test_days_overdue_counts_from_the_day_after_the_deadline_across_the_year_end(as_of, days):
    assert days_overdue(DUE, as_of) == days


@pytest.mark.parametrize("met_on", [date(2026, 12, 20), date(2027, 1, 5)])
def test_a_met_deadline_is_never_overdue_even_if_met_late(met_on):
    met = Deadline("rectify_by", date(2026, 12, 31), met_on=met_on)
    assert days_overdue(met, date(2027, 3, 1)) == 0
    assert days_overdue(met, date(2026, 12, 1)) == 0


def test_a_followup_is_missed_only_after_its_last_day_and_done_whenever_done():
    visit = FollowUp("reinspect", "verification", date(2026, 12, 24), date(2026, 12, 31), True)
    assert followup_status(visit, date(2026, 12, 31)) == "planned"
    assert followup_status(visit, date(2027, 1, 1)) == "missed"
    done = FollowUp("reinspect", "verification", date(2026, 12, 24), date(2026, 12, 31), True,
                    done_on=date(2027, 1, 4))
    assert followup_status(done, date(2027, 1, 5)) == "done"


def test_a_schedule_error_names_its_line_and_only_when_it_has_one():
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("year: 2027\nholiday 2027-02-30 春节\n")
    assert str(caught.value).startswith("line 2: ") and caught.value.line == 2
    assert str(ScheduleError("no year declared")) == "no year declared"
