"""The engine's small answers the pages and the phone ask for: which yes/no a visit answers,
which measure a stop case is, the next follow-up, the withdrawn ones, an enterprise's colour, what
a case may be opened with, a seal-up's check after an extension, and the allowed rectify days."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from enforcement.workflow import ConfigError, Rules
from enforcement.workflow.casework import from_iso, visit_outcome_fields
from enforcement.workflow.engine import cancelled_keys, next_followup, open_params, worst_severity
from enforcement.workflow.states import measure_of

from .support import Flow, d
from .test_measures import SEAL


@pytest.mark.parametrize("action, key, purpose, fields", [
    ("rectify", "verify", "verification", {"compliant": True}),
    ("close", "rebound_1m", "verification", {"compliant": True}),  # the purpose decides first
    ("stop", "stop_check_1", "follow_up", {"production_running": True}),
    ("stop", "post_resumption", "follow_up", {"compliant": False}),
    ("close", "rebound_3m", "follow_up", {"running": True}),
    ("close", "verify", "follow_up", {}),
    ("fine", "daily_reinspect", "follow_up", {"discharge_continues": True}),
    ("fine", "other", "follow_up", {}),
    ("seal", "seal_check_2", "follow_up", {"seals_intact": True}),
    ("seal", "seal_check", "follow_up", {}),
    ("rectify", "rebound_1m", "follow_up", {}),
    ("control", "daily_reinspect", "follow_up", {}),
    ("rectify", "seal_check_1", "follow_up", {}),
])
def test_a_visit_answers_only_its_follow_ups_own_question(action, key, purpose, fields):
    assert visit_outcome_fields(action, key, purpose) == fields


def test_a_stop_case_is_one_of_two_measures_and_old_cases_are_stop_production():
    assert measure_of("stop", {"measure": "limit"}) == "limit"
    assert measure_of("stop", {"measure": "stop"}) == "stop"
    assert measure_of("stop", {}) == "stop" and measure_of("stop", None) == "stop"
    assert measure_of("stop", {"measure": ""}) == "stop"
    assert measure_of("close", {"measure": "limit"}) is None


def test_the_next_follow_up_is_the_earliest_planned_one():
    f = Flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist={k: True for k in (
        "water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared")})
    assert next_followup(f.case).key == "verify"
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    assert next_followup(f.case).key == "rebound_1m"  # the done verification is not next
    f("rebound", d("2026-10-02"))
    assert next_followup(f.case) is None


def test_the_next_follow_up_on_a_tie_is_the_first_by_name():
    f = Flow("stop", d("2026-09-28"))
    due = f.case.followups["stop_check_1"].due_on

    twin = replace(f.case.followups["stop_check_1"], key="a_twin", due_on=due)
    case = replace(f.case, followups={**f.case.followups, "a_twin": twin})
    assert next_followup(case).key == "a_twin"


def test_withdrawn_follow_ups_are_read_from_the_facts():
    assert cancelled_keys(None) == frozenset() and cancelled_keys({}) == frozenset()
    assert cancelled_keys({"cancelled_followups": ["a", "b", "a"]}) == frozenset({"a", "b"})


def test_an_enterprise_takes_the_colour_of_its_worst_case():
    assert worst_severity([], d("2026-11-25")) is None
    open_case = Flow("rectify", d("2026-11-02")).case
    assert worst_severity([open_case], d("2026-11-25")) == 2
    assert worst_severity([open_case], d("2026-12-25")) == 3  # past rectify_by: overdue


def test_what_a_case_may_be_opened_with():
    assert open_params("rectify") == ("rectify_days", "illegal_discharge", "gate")
    assert open_params("seal") == ("items", "approved_by", "kind", "illegal_discharge")


def test_dates_are_read_from_iso_text_or_kept():
    assert from_iso(None) is None and from_iso(date(2026, 1, 2)) == date(2026, 1, 2)
    assert from_iso("2026-01-02") == date(2026, 1, 2)


def test_a_seal_up_extended_on_its_last_day_is_checked_15_days_after_the_last_check():
    # Served Mon 2026-03-02, seal_end Wed 04-01. Checks done 03-16, 03-30 and on 04-01 itself:
    # no further check fits in the period. Extended on 04-01: the next check runs from Thu 04-02
    # to Thu 04-16 (15 days after the last check), not from the day of service.
    f = Flow("seal", d("2026-03-02"), SEAL)
    for n, on in enumerate(("2026-03-16", "2026-03-30", "2026-04-01"), start=1):
        f("visit", d(on), followup=f"seal_check_{n}", visit_id=n, seals_intact=True)
    assert not [k for k, c in f.case.followups.items() if c.done_on is None]
    f("extend", d("2026-04-01"), days=30, approved_by="局长 王")
    check = f.case.followups["seal_check_4"]
    assert (check.earliest_on, check.due_on) == (d("2026-04-02"), d("2026-04-16"))


@pytest.mark.parametrize("value", [[], (), [7, 7], [7, -1], [7, "15"], [True], "7,15", None, 30])
def test_the_rectify_day_choices_must_be_distinct_non_negative_whole_days(value):
    with pytest.raises(ConfigError) as err:
        Rules.from_mapping({"rectify": {"allowed_days": value}})
    assert str(err.value) == ("WORKFLOW_RULES.rectify.allowed_days: "
                              "must be a non-empty list of distinct non-negative integers")


def test_valid_day_choices_are_kept_and_the_rules_read_as_a_mapping():
    rules = Rules.from_mapping({"rectify": {"allowed_days": [0, 30], "default_days": 30}}).for_action("rectify", None)
    assert tuple(rules["allowed_days"]) == (0, 30)
    assert "allowed_days" in list(rules) and len(list(rules)) == len(rules)
    # A bureau may allow one deadline only.
    one = Rules.from_mapping({"rectify": {"allowed_days": [30], "default_days": 30}}).for_action("rectify", None)
    assert tuple(one["allowed_days"]) == (30,)
    assert repr(rules).startswith("ActionRules('rectify', {") and "'allowed_days': (0, 30)" in repr(rules)
