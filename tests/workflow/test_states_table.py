"""The state table every list, map and paper reads: each action's states in workflow order, the
colour of each severity on the map, which states end a case, and the refusal of an unknown one."""
from __future__ import annotations

import pytest

from enforcement.workflow.states import ACTION_VALUES, INITIAL_STATE, STATES, state_info, stored_states


def test_each_action_lists_its_stored_states_in_workflow_order_without_overdue():
    assert stored_states("rectify") == ("ordered", "reported", "verified", "closed", "escalated")
    assert stored_states("seal") == ("sealed", "released", "handled")
    assert stored_states("control") == ("active", "released")
    assert stored_states("stop")[-1] == "closure_proposed"
    for action in ACTION_VALUES:
        assert "overdue" in STATES[action] and INITIAL_STATE[action] == stored_states(action)[0]


def test_the_map_colours_by_severity_green_teal_blue_orange_red():
    assert state_info("fine", "paid").colour == "#2e7d32" and state_info("fine", "paid").severity == 0
    assert state_info("close", "monitoring").colour == "#00897b"
    assert state_info("seal", "sealed").colour == "#1565c0"
    assert state_info("seal", "overdue").colour == "#ef6c00" and state_info("seal", "overdue").severity == 3
    assert state_info("stop", "closure_proposed").colour == "#c62828"
    assert state_info("stop", "closure_proposed").severity == 4


def test_the_states_that_end_a_case():
    ends = {(a, s) for a in ACTION_VALUES for s, info in STATES[a].items() if info.terminal}
    assert ends == {("rectify", "closed"), ("rectify", "escalated"), ("stop", "escalated"),
                    ("close", "closed"), ("close", "rebounded"), ("fine", "closed"),
                    ("control", "released"), ("seal", "released"), ("seal", "handled")}
    assert state_info("seal", "handled").zh == "已作出处理决定" and state_info("seal", "handled").en == "Handled"


def test_an_unknown_state_or_action_is_named_in_the_refusal():
    with pytest.raises(KeyError) as err:
        state_info("seal", "opened")
    assert err.value.args[0] == "unknown state 'opened' of action 'seal'"
    with pytest.raises(KeyError) as err:
        state_info("inspect", "ordered")
    assert err.value.args[0] == "unknown state 'ordered' of action 'inspect'"
