"""The administrative penalty (罚款, APL 2021) as the engine records it: each step's facts, each
refusal word for word with its article, the time limit for deciding (extensions, suspensions),
the receipt, the demand (催告) and the court's enforcement, payments, publication, closing.

Worked example throughout: filed Tuesday 1 September 2026; decide_by is 1 September + 90 days =
Monday 30 November 2026 (APL Art. 60)."""
from __future__ import annotations

import pytest

from enforcement.workflow import ForbiddenByLaw, ImpossibleEvent, InvalidEvent, Rules, allowed_events
from enforcement.workflow.engine import overdue_deadlines
from enforcement.workflow.types import Deadline, FollowUp

from .support import Flow, d

YUAN = 100
FILED = d("2026-09-01")
DECIDE_LIMIT = "生态环境行政处罚办法 (2023) Art. 58 (article to confirm); APL Art. 60"


def filed(params=None, rules=None):
    return Flow("fine", FILED, params or {}, rules=rules)


def decided(params=None, rules=None, **decision):
    # Notified Wed 2 September; the hearing window (5 working days: 3, 4, 7, 8, 9 September)
    # closes Wednesday 9 September; decided Wednesday 16 September.
    f = filed(params, rules)
    f("notify", d("2026-09-02"))
    f("decide", d("2026-09-16"), **{"amount_fen": 10_000 * YUAN, **decision})
    return f


def forbidden(f, *event, **data):
    with pytest.raises(ForbiddenByLaw) as err:
        f(*event, **data)
    return err.value


def invalid(f, *event, **data):
    with pytest.raises(InvalidEvent) as err:
        f(*event, **data)
    return err.value.fields


def test_a_case_is_refused_when_its_amounts_or_its_daily_penalty_do_not_hold():
    with pytest.raises(InvalidEvent) as err:
        filed({"amount_fen": 200, "max_amount_fen": 100, "daily_penalty": True, "parent_amount_fen": 0, "x": 1})
    assert err.value.fields == {
        "parent_amount_fen": "must be at least 1",
        "x": "unknown parameter (known: amount_fen, max_amount_fen, maximum_penalty, daily_penalty, "
        "illegal_discharge, parent_amount_fen, correction_served_on, daily_days)",
        "amount_fen": "must not exceed max_amount_fen (100)",
        "daily_penalty": "applies only to illegal discharge (EPL Art. 59): set illegal_discharge",
    }
    # The same amount as the maximum is allowed.
    assert filed({"amount_fen": 100, "max_amount_fen": 100}).case.params == {"amount_fen": 100, "max_amount_fen": 100}


def test_a_daily_penalty_case_plans_the_reinspection_from_the_correction_order():
    f = filed({"daily_penalty": True, "illegal_discharge": True, "correction_served_on": "2026-08-28"})
    assert f.case.facts == {"correction_served_on": "2026-08-28"}
    # Within 30 days of Friday 28 August: 29 August to Sunday 27 September, a rest day: Monday 28.
    assert f.case.followups["daily_reinspect"] == FollowUp(
        "daily_reinspect", "follow_up", d("2026-08-31"), d("2026-09-28"), True,
        note="unannounced re-inspection within 30 days of the correction order (daily penalty, MEP Order No. 28)",
    )
    # A fine that is not a daily penalty plans nothing.
    assert filed({"illegal_discharge": True}).case.followups == {}


def test_the_notice_and_its_receipt_start_the_hearing_window():
    f = filed()
    assert invalid(f, "notify", d("2026-09-02"), received_on="2026-09-01") == {
        "received_on": "the party cannot receive the notice before it is sent"
    }
    f("notify", d("2026-09-02"), received_on="2026-09-03")
    assert f.case.facts["notified_on"] == "2026-09-02" and f.case.facts["notice_received_on"] == "2026-09-03"
    # From the receipt, Thursday 3 September: 4, 7, 8, 9, 10 September (APL Art. 64, working days).
    assert f.case.deadlines["hearing_request_by"].due_on == d("2026-09-10")
    g = filed()
    g("notify", d("2026-09-02"))
    assert "notice_received_on" not in g.case.facts
    assert g.case.deadlines["hearing_request_by"].due_on == d("2026-09-09")


def test_a_hearing_requested_late_is_refused_naming_the_day_the_window_closed():
    f = filed()
    f("notify", d("2026-09-02"))
    assert invalid(f, "request_hearing", d("2026-09-10")) == {
        "on": "the hearing request window closed on 2026-09-09 (APL Art. 64)"
    }
    f("request_hearing", d("2026-09-09"))  # the last day
    assert f.case.facts["hearing_requested_on"] == "2026-09-09"
    assert f.case.deadlines["hearing_request_by"].met_on == d("2026-09-09")


def test_the_hearing_notice_and_the_decision_after_the_hearing():
    f = filed()
    f("notify", d("2026-09-02"))
    f("request_hearing", d("2026-09-04"))
    err = forbidden(f, "notify_hearing", d("2026-09-10"), hearing_on="2026-09-16")
    # APL Art. 64(2): 7 days before Wednesday 16 September is Wednesday 9 September.
    assert str(err) == "a hearing on 2026-09-16 must be notified by 2026-09-09 (APL Art. 64)"
    assert err.allowed == ["notify_hearing", "decide", "extend_decision", "suspend"]
    assert invalid(f, "notify_hearing", d("2026-09-10")) == {"hearing_on": "is required"}
    f("notify_hearing", d("2026-09-10"), hearing_on="2026-09-17")
    assert f.case.facts["hearing_notified_on"] == "2026-09-10" and f.case.facts["hearing_on"] == "2026-09-17"
    err = forbidden(f, "decide", d("2026-09-16"), amount_fen=100)
    assert str(err) == "the hearing is held on 2026-09-17; decide after it (APL Arts. 64, 65)"
    assert err.allowed == ["notify_hearing", "decide", "extend_decision", "suspend"]
    f("decide", d("2026-09-17"), amount_fen=100)  # on the hearing day, after it
    assert f.case.state == "decided"


def test_a_bureaus_longer_hearing_notice_is_the_one_counted():
    f = filed(rules=Rules.from_mapping({"fine": {"hearing_notice_days": 10}}))
    f("notify", d("2026-09-02"))
    f("request_hearing", d("2026-09-04"))
    err = forbidden(f, "notify_hearing", d("2026-09-10"), hearing_on="2026-09-19")
    assert str(err) == "a hearing on 2026-09-19 must be notified by 2026-09-09 (APL Art. 64)"
    f("notify_hearing", d("2026-09-10"), hearing_on="2026-09-20")


def test_each_refusal_of_a_decision():
    f = filed({"max_amount_fen": 1_000 * YUAN})
    f("notify", d("2026-09-02"))
    assert invalid(f, "decide", d("2026-09-09"), amount_fen=2_000 * YUAN, received_on="2026-09-08") == {
        "received_on": "the party cannot receive the decision before it is made",
        "amount_fen": "must not exceed the maximum 100000 fen",
        "on": "the party may request a hearing until 2026-09-09; decide after that, or record hearing_waived",
    }
    assert invalid(f, "decide", d("2026-09-10")) == {"amount_fen": "is required"}
    g = filed({"max_amount_fen": 1_000 * YUAN, "maximum_penalty": True})
    g("notify", d("2026-09-02"))
    assert invalid(g, "decide", d("2026-09-10"), amount_fen=999 * YUAN) == {
        "amount_fen": "a maximum penalty (高限处罚) is the maximum, 100000 fen"
    }


def test_a_decision_records_its_day_amount_and_receipt_and_meets_the_time_limit():
    f = decided(received_on="2026-09-18")
    assert {k: f.case.facts[k] for k in ("decided_on", "amount_fen", "paid_fen", "received_on")} == {
        "decided_on": "2026-09-16", "amount_fen": 10_000 * YUAN, "paid_fen": 0, "received_on": "2026-09-18",
    }
    assert f.case.deadlines["decide_by"].met_on == d("2026-09-16")
    # The party's periods from the receipt, Friday 18 September: 15 days = Saturday 3 October,
    # in the National Day holiday (1-7 October): Thursday 8 October.
    assert f.case.deadlines["pay_by"].due_on == d("2026-10-08")
    assert "receive" not in allowed_events(f.case)


def test_a_receipt_recorded_after_the_decision_moves_the_partys_periods():
    f = decided()
    assert "receive" in allowed_events(f.case) and "received_on" not in f.case.facts
    f("receive", d("2026-09-30"))
    assert f.case.facts["received_on"] == "2026-09-30"
    assert "receive" not in allowed_events(f.case)
    # 30 September + 15 = Thursday 15 October; + 60 = Sunday 29 November: Monday 30 November.
    assert f.case.deadlines["pay_by"].due_on == d("2026-10-15")
    assert f.case.deadlines["reconsideration_by"].due_on == d("2026-11-30")


def test_the_time_limit_is_extended_at_most_twice_each_time_by_30_days():
    f = filed()
    err = forbidden(f, "extend_decision", d("2026-11-20"), days=31, approved_by="局长 王")
    assert str(err) == f"an extension is at most 30 days ({DECIDE_LIMIT})"
    assert err.allowed == ["notify", "extend_decision", "suspend"]
    assert invalid(f, "extend_decision", d("2026-11-20"), days=0, collective="yes") == {
        "days": "must be at least 1", "approved_by": "is required", "collective": "must be true or false",
    }
    f("extend_decision", d("2026-11-30"), days=10, approved_by="局长 王")  # on its last day
    # 90 + 10 = 100 days from 1 September: Thursday 10 December.
    assert f.case.deadlines["decide_by"] == Deadline("decide_by", d("2026-12-10"))
    assert f.case.facts["decide_extensions"] == [
        {"on": "2026-11-30", "days": 10, "approved_by": "局长 王", "collective": False}
    ]
    # The same approval recorded twice changes nothing.
    same = f("extend_decision", d("2026-11-30"), days=10, approved_by="局长 王")
    assert len(same.case.facts["decide_extensions"]) == 1
    assert invalid(f, "extend_decision", d("2026-12-01"), approved_by="局长 王") == {"days": "is required"}
    err = forbidden(f, "extend_decision", d("2026-12-01"), days=10, approved_by="局长 王")
    assert str(err) == f"a second extension needs the collective decision of the bureau's heads (集体讨论) ({DECIDE_LIMIT})"
    assert err.allowed == ["notify", "extend_decision", "suspend"]
    late = forbidden(f, "extend_decision", d("2026-12-11"), days=10, approved_by="局务会", collective=True)
    assert str(late) == f"the time limit for deciding ran out on 2026-12-10 ({DECIDE_LIMIT})"
    assert late.allowed == ["notify", "extend_decision", "suspend"]
    f("extend_decision", d("2026-12-10"), days=5, approved_by="局务会", collective=True)
    # 90 + 10 + 5 = 105 days: Tuesday 15 December.
    assert f.case.deadlines["decide_by"].due_on == d("2026-12-15")
    err = forbidden(f, "extend_decision", d("2026-12-11"), days=31, approved_by="局务会", collective=True)
    assert str(err) == f"the time limit for deciding was already extended 2 times ({DECIDE_LIMIT})"
    assert err.allowed == ["notify", "extend_decision", "suspend"]


def test_a_bureau_allowing_one_extension_refuses_the_second():
    f = filed(rules=Rules.from_mapping({"fine": {"decide_extensions_max": 1, "decide_extension_days": 20}}))
    err = forbidden(f, "extend_decision", d("2026-11-20"), days=21, approved_by="局长 王")
    assert str(err) == f"an extension is at most 20 days ({DECIDE_LIMIT})"
    f("extend_decision", d("2026-11-20"), days=20, approved_by="局长 王")
    err = forbidden(f, "extend_decision", d("2026-11-21"), days=5, approved_by="局务会", collective=True)
    assert str(err) == f"the time limit for deciding was already extended 1 times ({DECIDE_LIMIT})"


def test_suspensions_add_their_days_and_stop_the_limit_meanwhile():
    f = filed()
    assert invalid(f, "suspend", d("2026-10-01"), reason="holiday") == {
        "reason": "must be one of hearing, testing, service, announcement, evaluation, suspension"
    }
    f("suspend", d("2026-10-01"), reason="testing")
    assert f.case.facts["suspended_since"] == "2026-10-01"
    assert allowed_events(f.case) == ["notify", "resume"]
    assert overdue_deadlines(f.case, d("2027-01-01")) == []
    f("resume", d("2026-10-21"))
    assert "suspended_since" not in f.case.facts
    f("suspend", d("2026-11-02"), reason="service")
    f("resume", d("2026-11-12"))
    assert f.case.facts["suspensions"] == [
        {"from": "2026-10-01", "reason": "testing", "until": "2026-10-21", "days": 20},
        {"from": "2026-11-02", "reason": "service", "until": "2026-11-12", "days": 10},
    ]
    # 90 + 20 + 10 = 120 days from 1 September: Wednesday 30 December.
    assert f.case.deadlines["decide_by"] == Deadline("decide_by", d("2026-12-30"))
    assert [x.name for x in overdue_deadlines(f.case, d("2026-12-31"))] == ["decide_by"]
    # An extension on top counts both: + 1 day = Thursday 31 December.
    f("extend_decision", d("2026-12-01"), days=1, approved_by="局长 王")
    assert f.case.deadlines["decide_by"].due_on == d("2026-12-31")


def test_the_demand_comes_after_the_payment_period_and_its_10_days_from_its_receipt():
    f = decided()
    err = forbidden(f, "demand_served", d("2026-10-08"))
    assert str(err) == (
        "the party may pay until 2026-10-08; the demand (催告) comes after that (Administrative Compulsion Law Art. 54)"
    )
    assert err.allowed == ["pay", "appeal", "demand_served", "request_enforcement", "receive", "publish"]
    assert invalid(f, "demand_served", d("2026-10-12"), received_on="2026-10-11") == {
        "received_on": "the party cannot receive the demand before it is sent"
    }
    f("demand_served", d("2026-10-12"), received_on="2026-10-14")
    assert f.case.facts["demand_served_on"] == "2026-10-14"
    # ACL Art. 54: 14 October + 10 = Saturday 24 October: Monday 26 October.
    assert f.case.deadlines["demand_period_end"] == Deadline("demand_period_end", d("2026-10-26"))
    assert "demand_served" not in allowed_events(f.case)
    g = decided()
    g("demand_served", d("2026-10-12"))
    assert g.case.facts["demand_served_on"] == "2026-10-12"
    assert g.case.deadlines["demand_period_end"].due_on == d("2026-10-22")  # Thursday


def test_enforcement_is_refused_until_payment_appeal_and_demand_periods_have_passed():
    f = decided()
    acl53 = "Administrative Compulsion Law Art. 53"
    err = forbidden(f, "request_enforcement", d("2026-10-08"))
    assert str(err) == f"payment is due until 2026-10-08 (APL Art. 67; {acl53})"
    assert err.allowed == ["pay", "appeal", "demand_served", "request_enforcement", "receive", "publish"]
    # 16 September + 6 months = Tuesday 16 March 2027: the later appeal window.
    now = ["pay", "appeal", "demand_served", "request_enforcement", "receive", "publish"]
    err = forbidden(f, "request_enforcement", d("2027-03-16"))
    assert (str(err), err.allowed) == (f"the party may still appeal until 2027-03-16 ({acl53})", now)
    err = forbidden(f, "request_enforcement", d("2027-03-17"))
    assert (str(err), err.allowed) == (
        "no written demand (催告) has been served (Administrative Compulsion Law Art. 54)", now
    )
    f("demand_served", d("2027-03-10"))
    # 10 March 2027 + 10 = Saturday 20 March: Monday 22 March (provisional, 2027).
    err = forbidden(f, "request_enforcement", d("2027-03-22"))
    assert (str(err), err.allowed) == (
        "the demand gives the party until 2027-03-22 (Administrative Compulsion Law Art. 54)",
        ["pay", "appeal", "request_enforcement", "receive", "publish"],
    )
    f("request_enforcement", d("2027-03-23"))
    assert f.case.facts["enforcement_requested_on"] == "2027-03-23"
    assert f.case.deadlines["demand_period_end"].met_on == d("2027-03-23")


def test_a_bureau_with_its_own_power_of_compulsion_needs_neither_the_lapse_nor_a_demand():
    rules = Rules.from_mapping({"fine": {"enforce_requires_lapsed_appeal": False, "enforce_requires_demand": False}})
    f = decided(rules=rules)
    f("request_enforcement", d("2026-10-09"))  # the day after pay_by
    assert f.case.state == "enforcement_requested"


def test_payments_are_recorded_with_their_reference_and_refused_when_they_do_not_fit():
    f = decided()
    assert invalid(f, "pay", d("2026-10-01"), amount_fen=10_001 * YUAN, payment_ref=7) == {
        "payment_ref": "must be a string",
        "amount_fen": "exceeds the unpaid fine (1000000 fen)",
    }
    f("pay", d("2026-10-01"), amount_fen=4_000 * YUAN, payment_ref="R1")
    with pytest.raises(ImpossibleEvent) as err:
        f("pay", d("2026-10-01"), amount_fen=4_000 * YUAN, payment_ref="R1")
    assert str(err.value) == (
        "payment of 400000 fen on 2026-10-01 (ref R1) is already recorded; give each payment its own payment_ref"
    )
    assert err.value.allowed == ["pay", "appeal", "demand_served", "request_enforcement", "receive", "publish"]
    assert "paid_on" not in f.case.facts and f.case.deadlines["pay_by"].met_on is None
    f("pay", d("2026-10-05"), amount_fen=6_000 * YUAN)
    assert f.case.facts["payments"] == [
        {"on": "2026-10-01", "amount_fen": 4_000 * YUAN, "ref": "R1"},
        {"on": "2026-10-05", "amount_fen": 6_000 * YUAN, "ref": None},
    ]
    assert f.case.facts["paid_fen"] == 10_000 * YUAN and f.case.facts["paid_on"] == "2026-10-05"
    assert f.case.deadlines["enforce_by"].met_on == d("2026-10-05") and f.case.state == "paid"


def test_a_fine_paid_during_an_appeal_stays_under_appeal():
    f = decided()
    f("appeal", d("2026-09-20"), kind="litigation")
    f("pay", d("2026-09-25"), amount_fen=10_000 * YUAN)
    assert f.case.state == "litigation" and f.case.facts["paid_on"] == "2026-09-25"


def test_publication_close_and_reopen_are_recorded():
    f = decided()
    assert "publish" in allowed_events(f.case)
    f("pay", d("2026-09-18"), amount_fen=10_000 * YUAN)
    f("publish", d("2026-09-21"))
    assert f.case.facts["published_on"] == "2026-09-21" and "publish" not in allowed_events(f.case)
    f("close", d("2026-09-22"))
    assert f.case.facts["closed_from"] == "paid" and f.case.facts["closed_on"] == "2026-09-22"
    f("reopen", d("2026-09-23"))
    f("close", d("2026-09-24"))
    f("reopen", d("2026-09-25"))
    assert f.case.state == "paid" and f.case.facts["reopened"] == ["2026-09-23", "2026-09-25"]


def test_a_daily_penalty_case_is_closed_only_after_its_reinspection():
    f = decided({"daily_penalty": True, "illegal_discharge": True})
    f("pay", d("2026-09-18"), amount_fen=10_000 * YUAN)
    assert allowed_events(f.case) == ["visit", "publish"]
    # The re-inspection comes after the day the correction order was served (the filing day).
    assert invalid(f, "visit", d("2026-09-18"), followup="daily_reinspect", visit_id=1) == {
        "discharge_continues": "is required"
    }
    f("visit", d("2026-09-21"), followup="daily_reinspect", visit_id=1, discharge_continues=False)
    assert f.case.facts["daily_reinspections"] == [{"on": "2026-09-21", "continues": False, "visit_id": 1}]
    assert f.case.followups["daily_reinspect"].visit_id == 1
    assert allowed_events(f.case) == ["close", "publish"]


def test_a_reinspection_on_the_day_the_correction_order_was_served_is_refused():
    f = filed({"daily_penalty": True, "illegal_discharge": True, "correction_served_on": "2026-09-03"})
    assert invalid(f, "visit", d("2026-09-03"), followup="daily_reinspect", visit_id=1, discharge_continues=True) == {
        "on": "the re-inspection comes after the day the correction order was served"
    }


def test_a_daily_penalty_before_any_amount_is_known_names_only_the_days():
    # Filed with no amount and not yet decided: the next cycle's case gets its days, the amount
    # is set when it is decided. 1 September to Friday 11 September: 10 days.
    f = filed({"daily_penalty": True, "illegal_discharge": True})
    out = f("visit", d("2026-09-11"), followup="daily_reinspect", visit_id=2, discharge_continues=True)
    assert out.escalations[0].params == {
        "daily_penalty": True, "illegal_discharge": True, "correction_served_on": "2026-09-11", "daily_days": 10,
    }
    # Filed with its amount: that amount is the unit.
    g = filed({"daily_penalty": True, "illegal_discharge": True, "amount_fen": 500})
    out = g("visit", d("2026-09-11"), followup="daily_reinspect", visit_id=2, discharge_continues=True)
    assert (out.escalations[0].params["amount_fen"], out.escalations[0].params["parent_amount_fen"]) == (5_000, 500)
