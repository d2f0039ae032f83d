"""Smaller things a bureau relies on: a case rebuilt from its history keeps its township's rules,
the statutory holidays are really found, and an unknown state is named."""
from __future__ import annotations

import pytest

from enforcement.workflow import Calendar, Rules, replay
from enforcement.workflow.states import state_info

from .support import d


def test_a_replayed_case_keeps_its_townships_rules():
    # Xinzhuang gives 15 days to rectify instead of 30: served Mon 2026-11-02, due Tue 11-17.
    rules = Rules.from_mapping({"townships": {"Xinzhuang": {"rectify": {"default_days": 15}}}})
    here = replay("rectify", d("2026-11-02"), {}, [], rules=rules, calendar=Calendar(), township="Xinzhuang")
    elsewhere = replay("rectify", d("2026-11-02"), {}, [], rules=rules, calendar=Calendar())
    assert here.township == "Xinzhuang"
    assert here.deadlines["rectify_by"].due_on == d("2026-11-17")
    assert elsewhere.deadlines["rectify_by"].due_on == d("2026-12-02")


@pytest.mark.parametrize("day, holiday", [
    ("2026-10-01", True), ("2026-10-03", True), ("2026-10-04", False),  # National Day is 1–3 Oct
    ("2027-01-01", True), ("2027-05-01", True), ("2027-05-02", True), ("2027-05-03", False),
    ("2030-10-02", True), ("2030-10-08", False), ("2027-02-10", False),
])
def test_the_statutory_holidays_are_the_days_the_law_gives_off(day, holiday):
    assert Calendar().is_statutory_holiday(d(day)) is holiday


def test_an_unknown_state_is_named_with_its_action():
    with pytest.raises(KeyError) as err:
        state_info("fine", "forgotten")
    assert err.value.args == ("unknown state 'forgotten' of action 'fine'",)
