"""A case stored by an earlier version is read back with the defaults it was written without:
the minimal record below is what the first edition stored (no township, provisional flags,
notes, visit ids or met dates)."""
from __future__ import annotations

import json

from enforcement.workflow import snapshot_from_dict, snapshot_to_dict
from enforcement.workflow.types import CaseSnapshot, Deadline, FollowUp

from .support import Flow, d


def test_a_minimal_stored_case_reads_back_with_its_defaults():
    stored = {
        "action": "rectify", "state": "ordered", "served_on": "2026-09-28",
        "deadlines": [{"name": "rectify_by", "due_on": "2026-10-28"}],
        "followups": [{"key": "reinspect", "purpose": "verification", "earliest_on": "2026-10-29",
                       "due_on": "2026-11-04", "unannounced": 1}],
    }
    assert snapshot_from_dict(stored) == CaseSnapshot(
        "rectify", "ordered", d("2026-09-28"), None, {}, {},
        {"rectify_by": Deadline("rectify_by", d("2026-10-28"), False, None)},
        {"reinspect": FollowUp("reinspect", "verification", d("2026-10-29"), d("2026-11-04"), True,
                               None, None, False, "")},
    )
    bare = snapshot_from_dict({"action": "control", "state": "active", "served_on": "2026-09-01"})
    assert (bare.deadlines, bare.followups, bare.params, bare.facts) == ({}, {}, {}, {})


def test_a_stored_case_keeps_every_field_through_json():
    f = Flow("seal", d("2026-03-02"), {"items": ["泵"], "approved_by": "局长 王"}, township="Hengli")
    f("visit", d("2026-03-10"), followup="seal_check_1", visit_id=3, seals_intact=True)
    f("release", d("2026-03-20"), reason="整改完成")
    stored = json.loads(json.dumps(snapshot_to_dict(f.case), ensure_ascii=False))
    assert stored["township"] == "Hengli" and stored["served_on"] == "2026-03-02"
    assert stored["deadlines"] == [{"name": "seal_end", "due_on": "2026-04-01", "provisional": False,
                                    "met_on": "2026-03-20"}]
    check = next(x for x in stored["followups"] if x["key"] == "seal_check_1")
    assert check == {"key": "seal_check_1", "purpose": "follow_up", "earliest_on": "2026-03-03",
                     "due_on": "2026-03-17", "unannounced": True, "done_on": "2026-03-10", "visit_id": 3,
                     "provisional": False, "note": "check that the seals are intact"}
    assert snapshot_from_dict(stored) == f.case
