"""The ban and dismantling (取缔) as the engine records it: the execution (两断三清, at a lawful hour,
ACL Art. 43) and each of its refusals, the verification visit and a failed one, and the
anti-rebound checks it plans.

Worked example: served Wednesday 16 September 2026; executed Friday 18 September; the
verification within 5 working days: Sunday 20 September (an adjusted working day), 21, 22, 23,
Thursday 24 September."""
from __future__ import annotations

from dataclasses import replace

import pytest

from enforcement.workflow import InvalidEvent
from enforcement.workflow.types import Deadline, FollowUp

from .support import Flow, d

ALL_DONE = {"water_cut": True, "power_cut": True, "materials_cleared": True, "equipment_cleared": True,
            "products_cleared": True}


def executed():
    f = Flow("close", d("2026-09-16"))
    f("execute", d("2026-09-18"), checklist=ALL_DONE)
    return f


def refused(f, *event, **data):
    with pytest.raises(InvalidEvent) as err:
        f(*event, **data)
    return err.value.fields


def test_an_unreadable_start_time_is_refused_before_the_checklist_is_read():
    f = Flow("close", d("2026-09-16"))
    assert refused(f, "execute", d("2026-09-18"), started_at="9 o'clock", urgency="x") == {
        "started_at": "must be a time HH:MM"
    }


def test_the_checklist_is_required_whole():
    f = Flow("close", d("2026-09-16"))
    assert refused(f, "execute", d("2026-09-18"), checklist=["water_cut"]) == {
        "checklist": "is required: an object with water_cut, power_cut, materials_cleared, equipment_cleared, "
        "products_cleared all true"
    }
    assert refused(f, "execute", d("2026-09-18"), checklist={**ALL_DONE, "water_cut": "yes"}) == {
        "checklist.water_cut": "must be done (true) before execution is recorded"
    }


def test_the_execution_is_recorded_and_the_verification_planned():
    f = executed()
    assert f.case.state == "executed" and f.case.facts["executed_on"] == "2026-09-18"
    assert f.case.deadlines["execute_by"] == Deadline("execute_by", d("2026-10-08"), met_on=d("2026-09-18"))
    assert f.case.deadlines["verify_by"] == Deadline("verify_by", d("2026-09-24"))
    # From the day after execution (Saturday 19 September, a rest day: Sunday 20, the adjusted
    # working day) to Thursday 24 September, unannounced.
    assert f.case.followups["verify"] == FollowUp(
        "verify", "verification", d("2026-09-20"), d("2026-09-24"), True,
        note="verify the closure within 5 working days after execution",
    )


def test_a_verification_meets_its_deadline_and_completes_the_visit():
    f = executed()
    f("verify", d("2026-09-22"), compliant=True, visit_id=5)
    assert f.case.deadlines["verify_by"].met_on == d("2026-09-22")
    assert (f.case.followups["verify"].done_on, f.case.followups["verify"].visit_id) == (d("2026-09-22"), 5)
    assert f.case.facts["verified_on"] == "2026-09-22"
    # The anti-rebound checks: unannounced, 1, 3 and 6 months after the verification.
    assert f.case.followups["rebound_1m"] == FollowUp(
        "rebound_1m", "follow_up", d("2026-09-23"), d("2026-10-22"), True,
        note="unannounced anti-rebound check 1 month(s) after verification",
    )
    assert f.case.followups["rebound_6m"].unannounced is True
    assert f.case.followups["rebound_6m"].note == "unannounced anti-rebound check 6 month(s) after verification"


def test_every_failed_verification_is_kept_with_its_visit():
    f = executed()
    f("verify", d("2026-09-22"), compliant=False, visit_id=1)
    assert f.case.deadlines["verify_by"].met_on == d("2026-09-22")
    assert f.case.followups["verify"].visit_id == 1 and "verified_on" not in f.case.facts
    f("execute", d("2026-09-29"), checklist=ALL_DONE)
    f("verify", d("2026-09-30"), compliant=False, visit_id=2)
    assert f.case.facts["failed_verifications"] == [
        {"on": "2026-09-22", "visit_id": 1},
        {"on": "2026-09-30", "visit_id": 2},
    ]
    assert f.case.followups["verify_2"].visit_id == 2


def test_a_case_recorded_before_the_verification_key_was_kept_is_still_verified():
    # Older snapshots have no "verify_followup" fact: the verification is recorded all the same,
    # and completes the one verification visit such a case planned ("verify"), which would
    # otherwise stay planned and show as missed for ever.
    f = executed()
    facts = {k: v for k, v in f.case.facts.items() if k != "verify_followup"}
    f.case = replace(f.case, facts=facts)
    f("verify", d("2026-09-22"), compliant=True, visit_id=5)
    assert f.case.state == "verified"
    assert (f.case.followups["verify"].done_on, f.case.followups["verify"].visit_id) == \
        (d("2026-09-22"), 5)
