"""The seal-up (查封、扣押) as the engine records it: the decision and its list (ACL Art. 24), the
30-day period and its one extension (ACL Art. 25), the seal checks, the release (ACL Art. 28) and
the handling decision (ACL Art. 27), each refusal word for word.

Worked example throughout: served Monday 2 March 2026; seal_end is 2 March + 30 calendar days =
Wednesday 1 April 2026 (a working day, so not rolled)."""
from __future__ import annotations

from datetime import date

import pytest

from enforcement.workflow import (
    Calendar,
    Event,
    ForbiddenByLaw,
    ImpossibleEvent,
    InvalidEvent,
    Rules,
    allowed_events,
    apply,
    due_events,
    open_case,
)
from enforcement.workflow.engine import overdue_deadlines
from enforcement.workflow.types import Deadline, FollowUp

from .support import Flow, d
from .test_measures import SEAL

SERVED = d("2026-03-02")
NOTE = "check that the seals are intact"


def refused(params):
    with pytest.raises(InvalidEvent) as err:
        Flow("seal", SERVED, params)
    return err.value.fields


def test_the_decision_is_stored_with_its_list_its_kind_and_the_head_who_approved_it():
    f = Flow("seal", SERVED, SEAL)
    assert f.case.state == "sealed" and f.case.action == "seal" and f.case.served_on == SERVED
    # kind defaults to 查封 (seal); illegal_discharge to no: both stored, so a paper can say so.
    assert f.case.params == {**SEAL, "kind": "seal", "illegal_discharge": False}
    seize = Flow("seal", SERVED, {**SEAL, "kind": "seize", "illegal_discharge": True})
    assert seize.case.params["kind"] == "seize" and seize.case.params["illegal_discharge"] is True
    assert Flow("seal", SERVED, {**SEAL, "kind": "both"}).case.params["kind"] == "both"
    assert f.case.deadlines == {"seal_end": Deadline("seal_end", d("2026-04-01"))}
    assert f.case.facts == {"check_count": 1}


def test_the_list_typed_one_item_a_line_is_stored_as_a_list_without_blank_lines():
    # The desk form sends the list (ACL Art. 24: 清单) as text, one item a line.
    f = Flow("seal", SERVED, {**SEAL, "items": "  电镀槽 2 个 \n\n废水泵 1 台\n   \n"})
    assert f.case.params["items"] == ["电镀槽 2 个", "废水泵 1 台"]
    # A list's items are stored trimmed too.
    g = Flow("seal", SERVED, {**SEAL, "items": [" 电镀槽 2 个 ", "废水泵 1 台"]})
    assert g.case.params["items"] == ["电镀槽 2 个", "废水泵 1 台"]


def test_a_decision_without_its_list_is_refused_with_the_article():
    assert refused({"approved_by": "局长 王"}) == {
        "items": "is required: the list of facilities or equipment sealed or seized (ACL Art. 24)"
    }


@pytest.mark.parametrize("items", [[], "", " \n \n", ["电镀槽", " "], ["电镀槽", 3], {"a": "b"}, 7, [""]])
def test_an_empty_or_malformed_list_is_refused(items):
    assert refused({**SEAL, "items": items}) == {
        "items": "must be a non-empty list of item descriptions (ACL Art. 24)"
    }


def test_a_list_of_200_items_of_500_characters_is_the_most_the_record_takes():
    assert len(Flow("seal", SERVED, {**SEAL, "items": ["泵"] * 200}).case.params["items"]) == 200
    assert Flow("seal", SERVED, {**SEAL, "items": ["泵" * 500]}).case.params["items"] == ["泵" * 500]
    too_many = {"items": "at most 200 items of 500 characters"}
    assert refused({**SEAL, "items": ["泵"] * 201}) == too_many
    assert refused({**SEAL, "items": ["泵", "泵" * 501]}) == too_many


def test_the_other_refusals_of_a_decision_are_collected_together():
    assert refused({**SEAL, "kind": "confiscate", "approved_by": " ", "extra": 1}) == {
        "kind": "must be one of seal, seize, both",
        "approved_by": "must be a non-empty string",
        "extra": "unknown parameter (known: items, approved_by, kind, illegal_discharge)",
    }
    assert refused({**SEAL, "illegal_discharge": "yes"}) == {"illegal_discharge": "must be true or false"}


def test_the_first_seal_check_is_unannounced_within_15_days_of_service():
    f = Flow("seal", SERVED, SEAL)
    # From the day after service (Tue 3 March) to 2 March + 15 = Tuesday 17 March.
    assert f.case.followups == {
        "seal_check_1": FollowUp("seal_check_1", "follow_up", d("2026-03-03"), d("2026-03-17"), True, note=NOTE)
    }
    assert allowed_events(f.case) == ["extend", "visit", "release", "handle", "hearing"]


def test_each_check_plans_the_next_15_days_on_and_counts_them():
    f = Flow("seal", SERVED, SEAL)
    f("visit", d("2026-03-10"), followup="seal_check_1", visit_id=4, seals_intact=True)
    done = f.case.followups["seal_check_1"]
    assert (done.done_on, done.visit_id) == (d("2026-03-10"), 4)
    # The next: from Wed 11 March to 10 March + 15 = Wednesday 25 March.
    assert f.case.followups["seal_check_2"] == FollowUp(
        "seal_check_2", "follow_up", d("2026-03-11"), d("2026-03-25"), True, note=NOTE
    )
    assert f.case.facts["check_count"] == 2 and "seals_broken" not in f.case.facts
    # The same visit recorded again changes nothing.
    before = f.case
    again = f("visit", d("2026-03-10"), followup="seal_check_1", visit_id=4, seals_intact=True)
    assert again.case == before and again.escalations == () and again.cancelled == ()


def test_a_check_is_never_planned_past_the_end_of_the_seal_up():
    f = Flow("seal", SERVED, SEAL)
    f("visit", d("2026-03-25"), followup="seal_check_1", visit_id=1, seals_intact=True)
    # 25 March + 15 = 9 April is past seal_end (1 April): the check is due on 1 April.
    assert f.case.followups["seal_check_2"].due_on == d("2026-04-01")
    # A check on the last day leaves nothing to plan: the seals stand no longer than that.
    f("visit", d("2026-04-01"), followup="seal_check_2", visit_id=2, seals_intact=True)
    assert "seal_check_3" not in f.case.followups and f.case.facts["check_count"] == 2
    assert allowed_events(f.case) == ["extend", "release", "handle", "hearing"]


def test_every_broken_seal_is_recorded_with_its_day_and_visit():
    f = Flow("seal", SERVED, SEAL)
    f("visit", d("2026-03-10"), followup="seal_check_1", visit_id=3, seals_intact=False)
    f("visit", d("2026-03-20"), followup="seal_check_2", visit_id=5, seals_intact=False)
    assert f.case.facts["seals_broken"] == [
        {"on": "2026-03-10", "visit_id": 3},
        {"on": "2026-03-20", "visit_id": 5},
    ]
    with pytest.raises(InvalidEvent) as err:
        f("visit", d("2026-03-21"), followup="seal_check_3", visit_id=6)
    assert err.value.fields == {"seals_intact": "is required"}


def test_the_extension_is_recorded_and_counted_from_service_over_the_whole_period():
    f = Flow("seal", SERVED, SEAL)
    f("extend", d("2026-03-20"), days=10, approved_by="局长 王")
    assert f.case.facts["extension"] == {"days": 10, "approved_by": "局长 王", "on": "2026-03-20"}
    # 2 March + 40 days = Saturday 11 April: rolled to Monday 13 April (ACL Art. 25, one roll).
    assert f.case.deadlines["seal_end"] == Deadline("seal_end", d("2026-04-13"))
    assert "extend" not in allowed_events(f.case)  # once only
    assert f.case.followups["seal_check_1"].due_on == d("2026-03-17")  # the planned check stays


def test_an_extension_needs_its_days_and_the_heads_approval():
    f = Flow("seal", SERVED, SEAL)
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-03-20"), days=0)
    assert err.value.fields == {"days": "must be at least 1", "approved_by": "is required"}
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-03-20"), days=True, approved_by="局长 王")
    assert err.value.fields == {"days": "must be an integer"}


def test_the_extension_is_refused_with_the_article_once_done_too_long_or_too_late():
    f = Flow("seal", SERVED, SEAL)
    now = ["extend", "visit", "release", "handle", "hearing"]
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-03-20"), days=31, approved_by="局长 王")
    assert str(err.value) == "the extension may not exceed 30 days (Administrative Compulsion Law Art. 25)"
    assert err.value.article == "Administrative Compulsion Law Art. 25" and err.value.allowed == now
    # On seal_end itself it may still be extended (served 2 March, 30 days: Wed 1 April) ...
    late = Flow("seal", SERVED, SEAL)
    with pytest.raises(ForbiddenByLaw) as err:
        late("extend", d("2026-04-02"), days=5, approved_by="局长 王")
    assert str(err.value) == (
        "the seal-up ended on 2026-04-01; it can no longer be extended (Administrative Compulsion Law Art. 25)"
    )
    assert err.value.allowed == now
    late("extend", d("2026-04-01"), days=30, approved_by="局长 王")
    with pytest.raises(ForbiddenByLaw) as err:
        late("extend", d("2026-04-02"), days=1, approved_by="局长 王")
    assert str(err.value) == "a seal-up or seizure may be extended once only (Administrative Compulsion Law Art. 25)"
    assert err.value.allowed == ["visit", "release", "handle", "hearing"]


def test_a_bureaus_shorter_extension_limit_is_the_one_quoted():
    rules = Rules.from_mapping({"seal": {"max_extension_days": 20}})
    f = Flow("seal", SERVED, SEAL, rules=rules)
    with pytest.raises(ForbiddenByLaw) as err:
        f("extend", d("2026-03-20"), days=21, approved_by="局长 王")
    assert str(err.value) == "the extension may not exceed 20 days (Administrative Compulsion Law Art. 25)"
    f("extend", d("2026-03-20"), days=20, approved_by="局长 王")
    # 2 March + 50 = Tuesday 21 April.
    assert f.case.deadlines["seal_end"].due_on == d("2026-04-21")


def test_a_released_seal_up_cannot_be_extended_and_says_so_without_an_article():
    f = Flow("seal", SERVED, SEAL)
    f("release", d("2026-03-20"))
    with pytest.raises(ImpossibleEvent) as err:
        f("extend", d("2026-03-25"), days=31, approved_by="局长 王")
    assert not isinstance(err.value, ForbiddenByLaw) and err.value.allowed == []


def test_an_extension_after_the_checks_ran_out_plans_the_next_from_the_last_check():
    f = Flow("seal", SERVED, SEAL)
    f("visit", d("2026-03-16"), followup="seal_check_1", visit_id=1, seals_intact=True)
    f("visit", d("2026-04-01"), followup="seal_check_2", visit_id=2, seals_intact=True)
    assert not [k for k, x in f.case.followups.items() if x.done_on is None]
    f("extend", d("2026-04-01"), days=30, approved_by="局长 王")
    # From the last check (1 April): 2 April to 1 April + 15 = Thursday 16 April.
    assert f.case.followups["seal_check_3"].earliest_on == d("2026-04-02")
    assert f.case.followups["seal_check_3"].due_on == d("2026-04-16")


def test_a_release_ends_the_period_and_withdraws_the_planned_check_with_its_reason():
    f = Flow("seal", SERVED, SEAL)
    out = f("release", d("2026-03-12"), reason="违法行为已改正")
    assert f.case.state == "released" and allowed_events(f.case) == []
    assert f.case.facts["released_on"] == "2026-03-12"
    assert f.case.facts["release_reason"] == "违法行为已改正"
    assert f.case.deadlines["seal_end"].met_on == d("2026-03-12")
    assert out.cancelled == ("seal_check_1",)
    assert f.case.facts["cancelled_followup_log"] == [
        {"key": "seal_check_1", "due_on": "2026-03-17", "on": "2026-03-12", "reason": "released"}
    ]
    assert overdue_deadlines(f.case, d("2026-05-01")) == []
    quiet = Flow("seal", SERVED, SEAL)
    quiet("release", d("2026-03-12"))
    assert "release_reason" not in quiet.case.facts and quiet.case.facts["released_on"] == "2026-03-12"


def test_a_handling_decision_is_recorded_and_withdraws_the_check():
    f = Flow("seal", SERVED, SEAL)
    with pytest.raises(InvalidEvent) as err:
        f("handle", d("2026-03-30"))
    assert err.value.fields == {"decision": "is required"}
    out = f("handle", d("2026-03-30"), decision="依法没收")
    assert f.case.state == "handled" and allowed_events(f.case) == []
    assert f.case.facts["handled_on"] == "2026-03-30" and f.case.facts["decision"] == "依法没收"
    assert "released_on" not in f.case.facts
    assert f.case.deadlines["seal_end"].met_on == d("2026-03-30")
    assert out.cancelled == ("seal_check_1",)
    assert f.case.facts["cancelled_followup_log"][0]["reason"] == "handled"


def test_a_seal_up_is_never_moved_on_by_time_alone():
    # ACL Arts. 27, 28: the bureau must release or decide; the case shows overdue until it does.
    f = Flow("seal", SERVED, SEAL)
    rules, cal = Rules.default(), Calendar()
    assert due_events(f.case, d("2026-06-01"), rules=rules, calendar=cal) == []
    assert [x.name for x in overdue_deadlines(f.case, d("2026-04-02"))] == ["seal_end"]


def test_a_hearing_with_short_notice_is_refused_whatever_the_state():
    f = Flow("seal", SERVED, SEAL)
    f("release", d("2026-03-05"))
    # APL Art. 64(2): notified 6 March, held 12 March is 6 days: too short, said before the state.
    with pytest.raises(ForbiddenByLaw) as err:
        f("hearing", d("2026-03-12"), requested_on="2026-03-05", notified_on="2026-03-06", held_on="2026-03-12")
    assert err.value.article == "APL Art. 64" and err.value.allowed == []


def test_a_hearing_is_recorded_on_a_sealed_case():
    f = Flow("seal", SERVED, SEAL)
    f("hearing", d("2026-03-13"), requested_on="2026-03-04", notified_on="2026-03-05", held_on="2026-03-12")
    assert f.case.facts["hearings"] == [
        {"requested_on": "2026-03-04", "notified_on": "2026-03-05", "held_on": "2026-03-12"}
    ]
    assert f.case.state == "sealed"


def test_a_seal_up_opened_through_the_engine_refuses_params_that_are_not_an_object():
    with pytest.raises(InvalidEvent):
        open_case("seal", SERVED, ["items"], rules=Rules.default(), calendar=Calendar())
    case = Flow("seal", SERVED, SEAL).case
    out = apply(case, Event("visit", date(2026, 3, 10), {"followup": "seal_check_1", "visit_id": 9,
                                                         "seals_intact": True}),
                rules=Rules.default(), calendar=Calendar())
    assert out.case.facts["last_event_on"] == "2026-03-10"


def test_a_hearing_with_short_notice_on_a_sealed_case_names_what_is_allowed():
    f = Flow("seal", SERVED, SEAL)
    with pytest.raises(ForbiddenByLaw) as err:
        f("hearing", d("2026-03-12"), requested_on="2026-03-05", notified_on="2026-03-06", held_on="2026-03-12")
    assert err.value.allowed == ["extend", "visit", "release", "handle", "hearing"]
