"""No forced execution of a ban (cutting water and power, clearing the equipment) on a statutory
holiday or rest day, nor at night, unless it is urgent (Administrative Compulsion Law Art. 43).
Night is 22:00 to 06:00 by default (the law does not define it; docs/workflows.md): 22:00 is
night, 06:00 is day. The refusal names the article, the day or the hours, and what is allowed.

Worked example: served Monday 21 September 2026; Thursday 24 September is a working day, Thursday
1 October is National Day."""
from __future__ import annotations

import pytest

from enforcement.workflow import ForbiddenByLaw, ImpossibleEvent

from .support import Flow, d

ALL_DONE = {"water_cut": True, "power_cut": True, "materials_cleared": True, "equipment_cleared": True,
            "products_cleared": True}
NIGHT = ("no forced execution at night (22:00-6:00) without an urgency reason "
         "(Administrative Compulsion Law Art. 43)")


def ordered():
    return Flow("close", d("2026-09-21"))


def forbidden(f, on, **data):
    with pytest.raises(ForbiddenByLaw) as err:
        f("execute", on, checklist=ALL_DONE, **data)
    return err.value


@pytest.mark.parametrize("started_at", ["22:00", "23:59", "00:00", "05:59", "2026-09-24T22:00",
                                        "2026-09-24T05:30:00+08:00"])
def test_a_start_at_night_is_refused_with_the_hours_and_what_is_allowed(started_at):
    err = forbidden(ordered(), d("2026-09-24"), started_at=started_at)
    assert str(err) == NIGHT
    assert err.article == "Administrative Compulsion Law Art. 43"
    assert err.allowed == ["execute", "hearing"]


@pytest.mark.parametrize("started_at", ["06:00", "06:30", "21:59", "2026-09-24T21:30"])
def test_a_start_by_day_is_recorded(started_at):
    f = ordered()
    f("execute", d("2026-09-24"), checklist=ALL_DONE, started_at=started_at)
    assert f.case.state == "executed" and f.case.facts["executed_at"] == started_at


def test_a_holiday_execution_is_refused_with_its_day_and_what_is_allowed():
    err = forbidden(ordered(), d("2026-10-01"), started_at="09:00")
    assert str(err) == ("no forced execution on a holiday or rest day (2026-10-01) without an urgency reason "
                        "(Administrative Compulsion Law Art. 43)")
    assert err.allowed == ["execute", "hearing"]


def test_the_rule_is_about_the_execution_only():
    # A hearing recorded on National Day is not a forced execution: the rule does not apply to it.
    f = ordered()
    f("hearing", d("2026-10-01"), requested_on="2026-09-25")
    assert f.case.facts["hearings"] == [{"requested_on": "2026-09-25", "notified_on": None, "held_on": None}]
    f("execute", d("2026-10-08"), checklist=ALL_DONE, started_at="10:00")
    # Executed already: a second execution (Friday 9 October, 23:00) is refused as a wrong step,
    # not as a night execution.
    with pytest.raises(ImpossibleEvent) as err:
        f("execute", d("2026-10-09"), checklist=ALL_DONE, started_at="23:00")
    assert not isinstance(err.value, ForbiddenByLaw)
    assert err.value.allowed == ["verify"]


def test_a_hearing_with_too_short_a_notice_is_refused_with_what_is_allowed():
    # Notified Friday 25 September, held Wednesday 30 September: 5 days, fewer than 7 (APL Art. 64).
    with pytest.raises(ForbiddenByLaw) as err:
        ordered()("hearing", d("2026-09-30"), requested_on="2026-09-22", notified_on="2026-09-25",
                  held_on="2026-09-30")
    assert err.value.article == "APL Art. 64"
    assert err.value.allowed == ["execute", "hearing"]
