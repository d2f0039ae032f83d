"""The limits the law puts on a bureau's own rules, at their edges: the largest value allowed
passes, one more is refused with the article that forbids it (and townships are held to the same)."""
from __future__ import annotations

import pytest

from enforcement.workflow import ConfigError, Rules

P = "WORKFLOW_RULES"


@pytest.mark.parametrize("action, values, message", [
    ("rectify", {"default_days": 45}, f"{P}.rectify.default_days: must be one of allowed_days [0, 7, 15, 30, 60, 90]"),
    ("rectify", {"allowed_days": [7, 15], "default_days": 30},
     f"{P}.rectify.default_days: must be one of allowed_days [7, 15]"),
    ("stop", {"max_extension_months": 4}, f"{P}.stop.max_extension_months: must not exceed 3 (MEP Order No. 30)"),
    ("control", {"monitoring_interval_months": 5},
     f"{P}.control.monitoring_interval_months: must divide the year (1, 2, 3, 4, 6 or 12)"),
    ("control", {"monitoring_interval_months": 24},
     f"{P}.control.monitoring_interval_months: must divide the year (1, 2, 3, 4, 6 or 12)"),
    ("seal", {"max_days": 31}, f"{P}.seal: max_days and max_extension_days must not exceed 30 (ACL Art. 25)"),
    ("seal", {"max_extension_days": 31}, f"{P}.seal: max_days and max_extension_days must not exceed 30 (ACL Art. 25)"),
    ("fine", {"surcharge_bp_per_day": 10001}, f"{P}.fine.surcharge_bp_per_day: must not exceed 10000 (100 %)"),
    ("fine", {"hearing_notice_days": 6}, f"{P}.fine.hearing_notice_days: must be at least 7 (APL Art. 64)"),
    ("fine", {"decide_extension_days": 31},
     f"{P}.fine.decide_extension_days: must not exceed 30 (生态环境行政处罚办法 2023)"),
    ("fine", {"decide_extensions_max": 3},
     f"{P}.fine.decide_extensions_max: must not exceed 2 (生态环境行政处罚办法 2023)"),
    ("fine", {"demand_days": 9}, f"{P}.fine.demand_days: must be at least 10 (Administrative Compulsion Law Art. 54)"),
])
def test_one_past_the_legal_limit_is_refused_with_its_article(action, values, message):
    with pytest.raises(ConfigError) as err:
        Rules.from_mapping({action: values})
    assert str(err.value) == message
    with pytest.raises(ConfigError) as err:  # a township may not go past it either
        Rules.from_mapping({"townships": {"Hengli": {action: values}}})
    assert message.replace(f"{P}.{action}", f"{P}.townships.Hengli.{action}") == str(err.value)


@pytest.mark.parametrize("action, values", [
    ("rectify", {"default_days": 90}), ("rectify", {"default_days": 0}),
    ("stop", {"max_extension_months": 3}),
    ("control", {"monitoring_interval_months": 1}), ("control", {"monitoring_interval_months": 4}),
    ("control", {"monitoring_interval_months": 12}),
    ("seal", {"max_days": 30, "max_extension_days": 30}),
    ("fine", {"surcharge_bp_per_day": 10000}), ("fine", {"hearing_notice_days": 7}),
    ("fine", {"decide_extension_days": 30}), ("fine", {"decide_extensions_max": 2}),
    ("fine", {"demand_days": 10}),
])
def test_the_legal_limit_itself_is_allowed(action, values):
    rules = Rules.from_mapping({action: values}).for_action(action, None)
    assert {k: rules[k] for k in values} == values


def test_an_action_given_something_else_than_rules_is_named():
    with pytest.raises(ConfigError) as err:
        Rules.from_mapping({"fine": 15})
    assert str(err.value) == f"{P}.fine: must be a mapping of rule names to values"


def test_an_unknown_rule_lists_the_known_ones():
    with pytest.raises(ConfigError) as err:
        Rules.from_mapping({"seal": {"days": 30}})
    assert str(err.value) == f"{P}.seal.days: unknown rule (known: check_days, max_days, max_extension_days)"


@pytest.mark.parametrize("mapping, message", [
    (["fine"], f"{P}: must be a mapping"),
    ({"townships": ["Hengli"]}, f"{P}.townships: must map township names to per-action overrides"),
    ({"townships": {"": {}}}, f"{P}.townships.: township names must be non-empty strings"),
    ({"townships": {5: {}}}, f"{P}.townships.5: township names must be non-empty strings"),
    ({"townships": {"Hengli": 15}}, f"{P}.townships.Hengli: must map actions to rule overrides"),
    ({"townships": {"Hengli": {"demolish": {}}}},
     f"{P}.townships.Hengli.demolish: unknown action (known: rectify, stop, close, fine, control, seal)"),
])
def test_a_malformed_rules_file_is_named_where_it_is_wrong(mapping, message):
    with pytest.raises(ConfigError) as err:
        Rules.from_mapping(mapping)
    assert str(err.value) == message


def test_overdue_is_never_a_stored_state():
    from enforcement.workflow.states import STATES, stored_states
    for action, states in STATES.items():
        assert "overdue" in states and stored_states(action) == tuple(s for s in states if s != "overdue")
    assert stored_states("seal") == ("sealed", "released", "handled")
