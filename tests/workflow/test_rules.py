from __future__ import annotations

import pytest

from enforcement.workflow import ConfigError, Rules

from .support import d, Flow


def test_defaults_follow_national_law():
    r = Rules.default()
    assert r.for_action("fine").hearing_request_working_days == 5
    assert r.for_action("stop")["period_months"] == 3
    assert dict(r.for_action("control").inspection_months) == {"A": 3, "B": 6, "C": 12}


def test_a_township_override_beats_the_action_override_which_beats_the_default():
    r = Rules.from_mapping({"stop": {"period_months": 2}, "townships": {"Hengli": {"stop": {"period_months": 1}}}})
    assert r.for_action("stop").period_months == 2
    assert r.for_action("stop", "Hengli").period_months == 1
    assert r.for_action("stop", "Xinzhuang").period_months == 2


def test_township_rules_apply_to_cases_of_that_township():
    r = Rules.from_mapping({"townships": {"Hengli": {"rectify": {"default_days": 15}}}})
    f = Flow("rectify", d("2026-09-28"), rules=r, township="Hengli")
    assert f.case.deadlines["rectify_by"].due_on == d("2026-10-13")


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"stop": {"plan_due_working_days": 0}}, "WORKFLOW_RULES.stop.plan_due_working_days: must be a positive integer"),
        ({"stop": {"plan_due_working_days": "15"}}, "WORKFLOW_RULES.stop.plan_due_working_days: must be a positive integer"),
        ({"stop": {"max_extension_months": 4}}, "WORKFLOW_RULES.stop.max_extension_months: must not exceed 3"),
        ({"stop": {"plan_days": 15}}, "WORKFLOW_RULES.stop.plan_days: unknown rule"),
        ({"demolish": {}}, "WORKFLOW_RULES.demolish: unknown key"),
        ({"rectify": {"default_days": 45}}, "WORKFLOW_RULES.rectify.default_days: must be one of allowed_days"),
        ({"fine": {"enforce_requires_lapsed_appeal": 1}}, "must be true or false"),
        ({"control": {"inspection_months": {"A": 3}}}, "WORKFLOW_RULES.control.inspection_months"),
        ({"townships": {"Hengli": {"fine": {"pay_days": -1}}}}, "WORKFLOW_RULES.townships.Hengli.fine.pay_days"),
        ({"townships": {"Hengli": {"demolish": {}}}}, "WORKFLOW_RULES.townships.Hengli.demolish: unknown action"),
        ({"close": {"anti_rebound_months": [3, 1]}}, "WORKFLOW_RULES.close.anti_rebound_months"),
    ],
)
def test_configuration_mistakes_name_the_offending_key(mapping, message):
    with pytest.raises(ConfigError) as err:
        Rules.from_mapping(mapping)
    assert message in str(err.value) and err.value.code == "config_error"


def test_effective_rules_are_read_only():
    r = Rules.default().for_action("fine")
    with pytest.raises((AttributeError, TypeError)):
        r.pay_days = 30  # type: ignore[misc]
