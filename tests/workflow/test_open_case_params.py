"""Opening a case: what an officer may open each kind of case with, what is refused (the field and
its message word for word, as the desk shows them), and what the new case holds.

Every example is served on Monday 2 March 2026 unless it says otherwise (no holiday near it).
"""
from __future__ import annotations

from datetime import date

import pytest

from enforcement.workflow import Calendar, InvalidEvent, Rules, open_case

from .support import d


def _open(action, params, served_on=date(2026, 3, 2)):
    return open_case(action, served_on, params, rules=Rules.default(), calendar=Calendar()).case


def _refused(action, params, served_on=date(2026, 3, 2)) -> dict[str, str]:
    with pytest.raises(InvalidEvent) as err:
        open_case(action, served_on, params, rules=Rules.default(), calendar=Calendar())
    return err.value.fields


# --- any kind of case -------------------------------------------------------------------------


def test_a_service_day_typed_as_text_is_refused_as_not_a_date():
    # The engine takes a date; "2026-03-02" as text is the caller's mistake, named by its field.
    assert _refused("stop", {}, served_on="2026-03-02") == {"served_on": "must be a date"}


def test_parameters_sent_as_a_list_are_refused_as_not_an_object():
    assert _refused("stop", ["illegal_discharge"]) == {"params": "must be an object"}


# --- 查封/关闭 close ----------------------------------------------------------------------------


def test_a_closure_notes_illegal_discharge_only_as_yes_or_no():
    assert _refused("close", {"illegal_discharge": "yes"}) == {
        "illegal_discharge": "must be true or false"
    }


def test_the_governments_approval_may_be_given_on_the_day_the_closure_is_served():
    # EPL Art. 60: closing a site needs the people's government's approval BEFORE service; the
    # same day is in time. execute_by: 2 March + 15 days = Tuesday 17 March.
    case = _open(
        "close",
        {"government_approved_by": "县人民政府", "government_approved_on": "2026-03-02"},
    )
    assert case.state == "ordered"
    assert case.params == {
        "government_approved_by": "县人民政府",
        "government_approved_on": "2026-03-02",
    }
    assert case.deadlines["execute_by"].due_on == d("2026-03-17")


def test_an_approval_dated_after_service_is_refused_with_the_article():
    # Approved on 3 March for an order served on 2 March: the approval came too late (EPL Art. 60).
    fields = _refused(
        "close",
        {"government_approved_by": "县人民政府", "government_approved_on": "2026-03-03"},
    )
    assert fields == {
        "government_approved_on": "the government's approval must come before the order is served (EPL Art. 60)"
    }


# --- 罚款 fine ----------------------------------------------------------------------------------


def test_a_fine_of_one_fen_is_the_smallest_amount_and_zero_is_refused():
    case = _open("fine", {"amount_fen": 1, "max_amount_fen": 1, "daily_days": 1})
    assert case.params == {"amount_fen": 1, "max_amount_fen": 1, "daily_days": 1}
    assert _refused("fine", {"amount_fen": 0, "max_amount_fen": 0, "daily_days": 0}) == {
        "amount_fen": "must be at least 1",
        "max_amount_fen": "must be at least 1",
        "daily_days": "must be at least 1",
    }


def test_a_fines_yes_or_no_parameters_and_its_day_count_are_checked_by_name():
    assert _refused("fine", {"maximum_penalty": "yes", "daily_days": "ten"}) == {
        "maximum_penalty": "must be true or false",
        "daily_days": "must be an integer",
    }


def test_a_fine_is_filed_with_its_decision_due_within_90_days():
    # APL Art. 60: decided within 90 days of filing. 2 March + 90 days = Sunday 31 May 2026,
    # rolled to Monday 1 June. No daily penalty: no re-inspection is planned.
    case = _open("fine", {"amount_fen": 500_000, "max_amount_fen": 1_000_000})
    assert case.state == "filed"
    assert case.deadlines["decide_by"].due_on == d("2026-06-01")
    assert case.followups == {}


def test_a_daily_penalty_needs_illegal_discharge():
    # EPL Art. 59: the daily penalty applies only to illegal discharge.
    assert _refused("fine", {"daily_penalty": True}) == {
        "daily_penalty": "applies only to illegal discharge (EPL Art. 59): set illegal_discharge"
    }


# --- 停产整治/限制生产 stop ----------------------------------------------------------------------


def test_a_plain_stop_order_is_stored_as_a_stop_without_illegal_discharge():
    # Nothing given: the measure is 停产整治 ("stop") and illegal discharge is stored as false.
    # Order No. 30 Art. 15: plan within 15 working days of service; from Monday 2 March:
    # 3-6 (4), 9-13 (9), 16-20 (14), 23 March (15).
    case = _open("stop", {})
    assert case.params == {"illegal_discharge": False, "measure": "stop"}
    assert case.deadlines["plan_due"].due_on == d("2026-03-23")
    assert "period_end" not in case.deadlines  # 停产整治 has no period (Art. 14)


def test_a_stop_order_for_illegal_discharge_stores_it():
    case = _open("stop", {"illegal_discharge": True, "approved_by": "局长"})
    assert case.params == {"illegal_discharge": True, "measure": "stop", "approved_by": "局长"}


def test_a_stop_order_notes_illegal_discharge_only_as_yes_or_no():
    assert _refused("stop", {"illegal_discharge": "yes"}) == {
        "illegal_discharge": "must be true or false"
    }


def test_a_measure_other_than_stop_or_limit_is_refused():
    assert _refused("stop", {"measure": "ban"}) == {"measure": "must be one of limit, stop"}


def test_a_production_limit_needs_the_heads_approval_before_service():
    # Order No. 30 Art. 10: 限制生产 is approved by the head of the bureau before it is served.
    assert _refused("stop", {"measure": "limit"}) == {"approved_by": "is required"}
    case = _open("stop", {"measure": "limit", "approved_by": "局长"})
    assert case.params == {"illegal_discharge": False, "measure": "limit", "approved_by": "局长"}


def test_first_edition_false_is_not_kept_and_true_is():
    assert _open("stop", {"first_edition": False}).params == {
        "illegal_discharge": False,
        "measure": "stop",
    }
    assert _open("stop", {"first_edition": True}).params == {
        "illegal_discharge": False,
        "measure": "stop",
        "first_edition": True,
    }


def test_the_first_stop_check_is_unannounced_within_7_days_and_says_so():
    # From Monday 2 March: the window opens the next day (Tuesday 3 March) and ends 7 days after
    # service (Monday 9 March).
    check = _open("stop", {}).followups["stop_check_1"]
    assert (check.earliest_on, check.due_on) == (d("2026-03-03"), d("2026-03-09"))
    assert check.unannounced
    assert check.note == "unannounced check that production stopped, within 7 days of service"
