"""A ``visit`` event names the planned follow-up it completes and the visit that did it; each
refusal says what is wrong (shown to the inspector as it is). Worked on a stop-production order
(MEP Order No. 30 (2014)), whose checks are unannounced follow-ups."""
from __future__ import annotations


import pytest

from enforcement.workflow import ImpossibleEvent, InvalidEvent

from .support import d, stop_verified_without_key


def test_a_visit_names_its_follow_up_and_its_visit(flow):
    f = flow("stop", d("2026-09-28"))
    with pytest.raises(InvalidEvent) as err:
        f("visit", d("2026-10-08"), production_running=False)
    assert err.value.fields == {"followup": "is required", "visit_id": "is required"}
    with pytest.raises(InvalidEvent) as err:
        f("visit", d("2026-10-08"), followup="stop_check_1", production_running=False)
    assert err.value.fields == {"visit_id": "is required"}
    with pytest.raises(InvalidEvent) as err:
        f("visit", d("2026-10-08"), visit_id=11, production_running=False)
    assert err.value.fields == {"followup": "is required"}


def test_a_visit_to_a_follow_up_the_case_does_not_have_lists_the_planned_ones(flow):
    # 停产整治 served Monday 28 September 2026, checked 8 October (the next check due Monday
    # 9 November, 7 November being a Saturday), completion filed Monday 2 November: that check
    # becomes the verification (due 23 November). An older snapshot (no verify_followup) keeps it
    # open after the verification of 10 November, beside the check after resumption (due
    # Thursday 10 December): two follow-ups planned, listed by due date.
    f = stop_verified_without_key()
    with pytest.raises(InvalidEvent) as err:
        f("visit", d("2026-11-12"), followup="stop_check_9", visit_id=3)
    assert err.value.fields == {
        "followup": "no follow-up 'stop_check_9' on this case (planned: stop_check_2, post_resumption)"}
    # One planned follow-up: named alone.
    g = flow("stop", d("2026-09-28"))
    with pytest.raises(InvalidEvent) as err:
        g("visit", d("2026-10-08"), followup="stop_check_2", visit_id=1, production_running=False)
    assert err.value.fields == {"followup": "no follow-up 'stop_check_2' on this case (planned: stop_check_1)"}


def test_a_follow_up_completed_by_one_visit_is_refused_for_another(flow):
    f = flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=False)
    with pytest.raises(ImpossibleEvent) as err:
        f("visit", d("2026-10-09"), followup="stop_check_1", visit_id=12, production_running=False)
    assert str(err.value) == "follow-up 'stop_check_1' was already completed on 2026-10-08 by visit 11"
    assert err.value.allowed == ["visit"]  # stop_check_2 is planned: a visit is still possible
