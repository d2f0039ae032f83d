"""Looking up the effective rules: a rule or an action the bureau's WORKFLOW_RULES do not know
is refused with a message naming it."""
from __future__ import annotations

import pytest

from enforcement.workflow import ConfigError, Rules


def test_asking_for_the_rules_of_an_unknown_action_names_it():
    with pytest.raises(ConfigError) as err:
        Rules.default().for_action("demolish")
    assert str(err.value) == "WORKFLOW_RULES: unknown action 'demolish'"
    assert err.value.code == "config_error"


def test_reading_a_rule_the_action_does_not_have_names_the_action_and_the_rule():
    fine = Rules.default().for_action("fine")
    with pytest.raises(AttributeError) as err:
        _ = fine.plan_due_working_days  # a rule of stop, not of fine
    assert str(err.value) == "no rule fine.plan_due_working_days"
    # Attribute access still falls back like any object's: a missing rule is no rule.
    assert getattr(fine, "plan_due_working_days", None) is None
    assert fine.hearing_request_working_days == 5  # APL Art. 64: five working days
