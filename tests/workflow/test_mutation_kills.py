"""Small rules of the engine that the mutation run (docs/mutation.md) found unpinned, each counted
by hand: days overdue before, on and after a deadline and once it is met (also across the year
end), a follow-up's status on its last day, and a schedule error that names its line."""
from __future__ import annotations

from datetime import date

import pytest

from enforcement.workflow import Deadline, ScheduleError, days_overdue, followup_status, parse_schedule
from enforcement.workflow.types import FollowUp

DUE = Deadline("rectify_by", date(2026, 12, 31))


@pytest.mark.parametrize("as_of, days", [
    (date(2026, 12, 30), 0), (date(2026, 12, 31), 0), (date(2027, 1, 1), 1),
    (date(2027, 2, 9), 40), (date(2027, 12, 31), 365)])
def test_days_overdue_counts_from_the_day_after_the_deadline_across_the_year_end(as_of, days):
    assert days_overdue(DUE, as_of) == days


@pytest.mark.parametrize("met_on", [date(2026, 12, 20), date(2027, 1, 5)])
def test_a_met_deadline_is_never_overdue_even_if_met_late(met_on):
    met = Deadline("rectify_by", date(2026, 12, 31), met_on=met_on)
    assert days_overdue(met, date(2027, 3, 1)) == 0
    assert days_overdue(met, date(2026, 12, 1)) == 0


def test_a_followup_is_missed_only_after_its_last_day_and_done_whenever_done():
    visit = FollowUp("reinspect", "verification", date(2026, 12, 24), date(2026, 12, 31), True)
    assert followup_status(visit, date(2026, 12, 31)) == "planned"
    assert followup_status(visit, date(2027, 1, 1)) == "missed"
    done = FollowUp("reinspect", "verification", date(2026, 12, 24), date(2026, 12, 31), True,
                    done_on=date(2027, 1, 4))
    assert followup_status(done, date(2027, 1, 5)) == "done"


def test_a_schedule_error_names_its_line_and_only_when_it_has_one():
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("year: 2027\nholiday 2027-02-30 春节\n")
    assert str(caught.value).startswith("line 2: ") and caught.value.line == 2
    assert str(ScheduleError("no year declared")) == "no year declared"


def test_the_deadline_a_list_shows_is_the_next_obligation_of_the_current_state(flow):
    from enforcement.workflow import current_deadline
    from .support import d

    f = flow("fine", d("2026-09-01"), {})
    f("notify", d("2026-09-02"))
    f("decide", d("2026-09-16"), amount_fen=1_000_000)
    # Pending then: hearing_request_by 09-09 (no longer the state's), publish_by 09-24 (not an
    # obligation of the party), decide_by (met): the list shows pay_by, 15 days rolled to 10-08.
    assert current_deadline(f.case, d("2026-09-20")).name == "pay_by"
    assert current_deadline(f.case, d("2026-10-09")).due_on == d("2026-10-08")  # overdue now
    f("pay", d("2026-10-09"), amount_fen=1_000_000)
    assert current_deadline(f.case, d("2026-10-10")) is None  # paid: nothing left to show
    # Two obligations due the same day (查封扣押: monitoring report and tax declaration, 07-15):
    # the earlier name first, the same on every machine.
    control = flow("control", d("2026-06-01"), {"risk_class": "A"})
    assert current_deadline(control.case, d("2026-06-02")).name == "monitoring_report_by"


def test_a_hearing_record_is_refused_field_by_field_with_the_reason(flow):
    from enforcement.workflow import InvalidEvent
    from .support import d

    def refused(**data):
        f = flow("close", d("2026-09-21"))
        with pytest.raises(InvalidEvent) as caught:
            f("hearing", d("2026-09-21"), **data)
        return caught.value.fields

    assert set(refused(notified_on="2026-09-01")) == {"requested_on"}
    assert refused(requested_on="2026-08-31", held_on="2026-09-08") == {
        "notified_on": "a hearing is held only after the party was notified (APL Art. 64)"}
    assert refused(requested_on="2026-08-31", notified_on="2026-08-30") == {
        "notified_on": "before the request"}
    f = flow("close", d("2026-09-21"))
    f("hearing", d("2026-09-21"), requested_on="2026-08-31")  # requested only: recorded
    f("hearing", d("2026-09-21"), requested_on="2026-08-31", notified_on="2026-08-31")  # same day
    assert f.case.facts["hearings"] == [
        {"requested_on": "2026-08-31", "notified_on": "2026-08-31", "held_on": None}]


@pytest.mark.parametrize("action, key, value, reason", [
    ("close", "night_from_hour", -1, "must be a non-negative integer"),
    ("close", "night_from_hour", True, "must be a non-negative integer"),
    ("close", "night_from_hour", 22.0, "must be a non-negative integer"),
    ("close", "anti_rebound_months", [], "must be a non-empty increasing list of positive integers"),
    ("close", "anti_rebound_months", [3, 1], "must be a non-empty increasing list of positive integers"),
    ("close", "anti_rebound_months", [1, 1, 3], "must be a non-empty increasing list of positive integers"),
    ("close", "anti_rebound_months", [0, 3], "must be a non-empty increasing list of positive integers"),
    ("close", "anti_rebound_months", "1,3,6", "must be a non-empty increasing list of positive integers"),
    ("control", "inspection_months", {"A": 3, "B": 6}, "must map each of A, B, C to a positive number of months"),
    ("control", "inspection_months", {"A": 3, "B": 6, "C": 12, "D": 24}, "must map each of A, B, C to a positive number of months"),
    ("control", "inspection_months", {"A": 0, "B": 6, "C": 12}, "must map each of A, B, C to a positive number of months"),
    ("control", "inspection_months", [3, 6, 12], "must map each of A, B, C to a positive number of months"),
    ("control", "routine_unannounced", 1, "must be true or false"),
    ("control", "routine_unannounced", "true", "must be true or false"),
])
def test_a_bureau_rules_file_is_refused_with_the_setting_and_the_reason(action, key, value, reason):
    from enforcement.workflow import Rules
    from enforcement.workflow.types import ConfigError

    with pytest.raises(ConfigError) as caught:
        Rules.from_mapping({action: {key: value}})
    assert str(caught.value) == f"WORKFLOW_RULES.{action}.{key}: {reason}"


@pytest.mark.parametrize("action, key, value", [
    ("close", "night_from_hour", 0), ("close", "anti_rebound_months", [2]),
    ("close", "anti_rebound_months", (1, 2, 12)), ("control", "routine_unannounced", False),
    ("control", "inspection_months", {"A": 1, "B": 2, "C": 24})])
def test_a_bureau_may_set_any_valid_value(action, key, value):
    from enforcement.workflow import Rules

    Rules.from_mapping({action: {key: value}})


def test_two_hearing_requests_are_both_kept_in_the_order_they_were_made(flow):
    from .support import d

    f = flow("close", d("2026-09-21"))
    f("hearing", d("2026-09-21"), requested_on="2026-09-05")
    f("hearing", d("2026-09-21"), requested_on="2026-08-31")  # entered later, made earlier
    assert [h["requested_on"] for h in f.case.facts["hearings"]] == ["2026-08-31", "2026-09-05"]


def test_the_governments_closure_approval_is_recorded_with_who_and_when(flow):
    # EPL Art. 60: who approved and when is kept on the stop case; the approval may come on the
    # day the close order is served (then it is that day), never after; who approved is required.
    from enforcement.workflow import InvalidEvent
    from .support import d

    def running():
        f = flow("stop", d("2026-09-28"))
        f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=11, production_running=True)
        return f

    with pytest.raises(InvalidEvent) as caught:
        running()("approve_close", d("2026-10-20"), approved_on="2026-10-16")
    assert set(caught.value.fields) == {"approved_by"}
    with pytest.raises(InvalidEvent) as caught:
        running()("approve_close", d("2026-10-20"), approved_by="县人民政府", approved_on="2026-10-21")
    assert caught.value.fields == {"approved_on": "the approval must come before the closure order is served"}
    same_day = running()
    same_day("approve_close", d("2026-10-20"), approved_by="县人民政府", approved_on="2026-10-20")
    assert same_day.case.facts["government_approval"] == {"approved_by": "县人民政府",
                                                          "approved_on": "2026-10-20"}
    undated = running()
    (esc,) = undated("approve_close", d("2026-10-20"), approved_by="县人民政府").escalations
    assert undated.case.facts["government_approval"]["approved_on"] == "2026-10-20"
    assert esc.reason == "production_running" and esc.params["resumed_production"] is True


@pytest.mark.parametrize("started_at, hour", [
    ("22:30", 22), ("06:00", 6), ("00:15", 0), ("23:59", 23), (" 21:05 ", 21),
    ("2026-12-31T21:05", 21), ("2026-12-31T05:59:00+08:00", 5), ("24:00", None), ("-1:00", None),
    ("晚上", None), ("", None), (2130, None), (None, None)])
def test_the_hour_a_forced_execution_starts_is_read_from_the_time_given(started_at, hour):
    # Administrative Compulsion Law Art. 43 (no forced execution at night) turns on this hour.
    import importlib

    close = importlib.import_module("enforcement.workflow.close")
    assert close._hour(started_at) == hour
