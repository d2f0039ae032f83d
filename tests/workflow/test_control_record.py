"""Permit supervision (排污许可, the four gates) as the engine records it: what a case is opened
with and each refusal, the periodic duties (monitoring reports, the environmental protection
tax, the permit renewal) and their log, a gate past its fix deadline, release and reopening.

Dates are counted by hand in the comments; 2026's holidays are docs/holidays/2026.txt."""
from __future__ import annotations

import pytest

from enforcement.workflow import Calendar, InvalidEvent, Rules, allowed_events, due_events, parse_schedule
from enforcement.workflow.control import tax_period_end
from enforcement.workflow.engine import overdue_deadlines
from enforcement.workflow.types import Deadline, Escalation, Event, FollowUp

from .support import Flow, d

CAL = Calendar()
RULES = Rules.default()


def refused(params):
    with pytest.raises(InvalidEvent) as err:
        Flow("control", d("2026-09-01"), params)
    return err.value.fields


def test_a_case_stores_its_gates_and_its_periods():
    f = Flow("control", d("2026-08-10"), {"risk_class": "A", "gates": {"tax": "expired"}})
    gates = {"declaration": "ok", "acceptance": "ok", "monitoring": "ok", "tax": "expired"}
    assert f.case.params == {"risk_class": "A", "gates": gates}
    assert f.case.facts == {
        "gates": gates,
        "monitoring_period_end": "2026-09-30",
        "tax_quarter_end": "2026-09-30",
        "routine_count": 1,
    }
    # The tax gate: 10 August + 30 = Wednesday 9 September. The quarter's monitoring report: 30
    # September + 15 = Thursday 15 October. The quarter's tax: see the tax period tests.
    assert f.case.deadlines == {
        "gate_tax_by": Deadline("gate_tax_by", d("2026-09-09")),
        "monitoring_report_by": Deadline("monitoring_report_by", d("2026-10-15")),
        "tax_declare_by": Deadline("tax_declare_by", d("2026-10-22")),
    }
    # Risk class A: a routine inspection every 3 months, unannounced: 11 August to 10 November.
    assert f.case.followups == {
        "routine_1": FollowUp("routine_1", "routine", d("2026-08-11"), d("2026-11-10"), True,
                              note="routine random inspection (双随机), risk class A: every 3 months")
    }
    assert overdue_deadlines(f.case, d("2026-09-10"))[0].name == "gate_tax_by"


def test_each_refusal_of_a_case_is_named():
    assert refused({"risk_class": "D", "gates": ["tax"], "permit_expires": "soon", "permit": 1}) == {
        "risk_class": "must be one of A, B, C",
        "permit_expires": "must be a date YYYY-MM-DD",
        "gates": "must map declaration, acceptance, monitoring, tax to one of ok, missing, expired",
        "permit": "unknown parameter (known: risk_class, permit_expires, gates)",
    }
    assert refused({"risk_class": "B", "gates": {"noise": "ok", "tax": "late", "acceptance": "missing"}}) == {
        "gates.noise": "unknown gate (known: declaration, acceptance, monitoring, tax)",
        "gates.tax": "must be one of ok, missing, expired",
    }


def test_a_bureau_may_ask_for_announced_inspections_and_monthly_reports():
    rules = Rules.from_mapping({"control": {"routine_unannounced": False, "monitoring_interval_months": 1}})
    f = Flow("control", d("2026-01-10"), {"risk_class": "C"}, rules=rules)
    assert f.case.followups["routine_1"].unannounced is False
    # Monthly: the period is January, its report due 31 January + 15 = Sunday 15 February, which
    # starts the Spring Festival (15-23 February): Tuesday 24 February.
    assert f.case.facts["monitoring_period_end"] == "2026-01-31"
    assert f.case.deadlines["monitoring_report_by"].due_on == d("2026-02-24")
    f("report_monitoring", d("2026-02-10"))
    # Then February: 28 February + 15 = Sunday 15 March: Monday 16 March.
    assert f.case.facts["monitoring_period_end"] == "2026-02-28"
    assert f.case.deadlines["monitoring_report_by"] == Deadline("monitoring_report_by", d("2026-03-16"))
    # Half-yearly: the period containing 10 January ends 30 June.
    half = Flow("control", d("2026-01-10"), {"risk_class": "C"},
                rules=Rules.from_mapping({"control": {"monitoring_interval_months": 6}}))
    assert half.case.facts["monitoring_period_end"] == "2026-06-30"


def test_the_monitoring_log_names_each_period_its_due_day_and_the_day_it_came():
    f = Flow("control", d("2026-08-10"), {"risk_class": "C"})
    f("report_monitoring", d("2026-10-12"))
    f("report_monitoring", d("2027-01-08"))
    assert f.case.facts["monitoring_reports"] == [
        {"period_end": "2026-09-30", "due_on": "2026-10-15", "on": "2026-10-12"},
        # Q4 ends 31 December; + 15 = Friday 15 January 2027 (2027 not yet official: provisional).
        {"period_end": "2026-12-31", "due_on": "2027-01-15", "on": "2027-01-08"},
    ]
    assert f.case.facts["monitoring_period_end"] == "2027-03-31"
    assert f.case.deadlines["monitoring_report_by"].met_on is None


def test_a_report_naming_another_period_is_refused_and_one_already_on_record_changes_nothing():
    f = Flow("control", d("2026-08-10"), {"risk_class": "C"})
    with pytest.raises(InvalidEvent) as err:
        f("report_monitoring", d("2026-10-12"), period_end="2026-12-31")
    assert err.value.fields == {"period_end": "the report due now is for the period ending 2026-09-30"}
    f("report_monitoring", d("2026-10-12"), period_end="2026-09-30")
    before = f.case
    again = f("report_monitoring", d("2026-10-14"), period_end="2026-09-30")
    assert again.case == before  # the same report sent again days later
    # The same tax declaration twice on one day is one declaration; on another day it is the
    # next quarter's.
    f("declare_tax", d("2026-10-14"))
    once = f.case
    assert f("declare_tax", d("2026-10-14")).case == once
    f("declare_tax", d("2026-10-16"))
    assert [e["period_end"] for e in f.case.facts["tax_declarations"]] == ["2026-09-30", "2026-12-31"]
    assert f.case.facts["tax_quarter_end"] == "2027-03-31"


def test_a_tax_period_is_extended_by_three_or_more_rest_days_in_a_row():
    # Tax Collection Law Implementing Rules Art. 109.
    # Quarter-like end Sat 6 June, 15 days: last day Sunday 21 June, the third day of the Dragon
    # Boat holiday (19-21 June) counted inside the period: + 3 = Wednesday 24 June.
    assert tax_period_end(CAL, d("2026-06-06"), 15) == (d("2026-06-24"), False)
    # Only weekends (2 rest days in a row) extend nothing: Sat 31 October + 15 = Sunday 15
    # November, a rest day: the next working day, Monday 16 November.
    assert tax_period_end(CAL, d("2026-10-31"), 15) == (d("2026-11-16"), False)
    # Labour Day, 1-5 May (5 days): + 5. 20 April + 15 = Tuesday 5 May; + 5 = Sunday 10 May, a
    # rest day (the Saturday before, 9 May, is the adjusted working day): Monday 11 May.
    assert tax_period_end(CAL, d("2026-04-20"), 15) == (d("2026-05-11"), False)
    # A period ending in a year without official holidays is provisional.
    assert tax_period_end(CAL, d("2027-06-30"), 15)[1] is True
    # And one that only starts in such a year: 25 December 2028 + 15 = 9 January 2029, with 2029's
    # holidays known (a FICTIONAL test schedule) and 2028's not: still provisional.
    known_2029 = Calendar(extra_years={2029: parse_schedule("year: 2029\nholiday 2029-01-01 元旦 (FICTIONAL)\n")})
    assert tax_period_end(known_2029, d("2028-12-25"), 15)[1] is True


def test_every_run_of_rest_days_in_a_tax_period_counts_and_only_days_after_its_start():
    # From Saturday 3 October, inside National Day (1-7 October): 15 days to Sunday 18 October.
    # Counted from 4 October: 4, 5, 6 (+3) and 7 (+1) = 4 more days; the adjusted working
    # Saturday 10 October breaks the weekend: 18 + 4 = Thursday 22 October.
    assert tax_period_end(CAL, d("2026-10-03"), 15) == (d("2026-10-22"), False)
    # From Thursday 24 September: Mid-Autumn 25-27 September (+3), then National Day 1-7 October
    # (+7): 9 October + 10 = Monday 19 October.
    assert tax_period_end(CAL, d("2026-09-24"), 15) == (d("2026-10-19"), False)


def test_what_a_case_under_control_allows():
    f = Flow("control", d("2026-09-01"), {"risk_class": "B", "permit_expires": "2027-03-01"})
    assert allowed_events(f.case) == [
        "gate", "report_monitoring", "declare_tax", "apply_permit_renewal", "renew_permit", "visit", "release"
    ]
    f("apply_permit_renewal", d("2026-12-01"))
    assert f.case.facts["permit_renewal_applied_on"] == "2026-12-01"
    assert "apply_permit_renewal" not in allowed_events(f.case)
    f("gate", d("2026-12-02"), gate="acceptance", status="missing")
    # gate_overdue is offered while a fix deadline is open (the engine ticks it when it passes).
    assert allowed_events(f.case) == [
        "gate", "gate_overdue", "report_monitoring", "declare_tax", "renew_permit", "visit", "release"
    ]
    f("release", d("2026-12-03"))
    assert allowed_events(f.case) == ["reopen"] and overdue_deadlines(f.case, d("2027-06-01")) == []
    assert due_events(f.case, d("2027-06-01"), rules=RULES, calendar=CAL) == []


def test_a_renewed_permit_keeps_the_one_it_replaces():
    f = Flow("control", d("2026-09-01"), {"risk_class": "A", "permit_expires": "2027-03-01"})
    assert f.case.facts["permit_expires"] == "2027-03-01"
    f("renew_permit", d("2027-02-20"), permit_expires="2032-03-01")
    assert f.case.facts["permits"] == [{"expires": "2027-03-01", "replaced_on": "2027-02-20"}]
    f("renew_permit", d("2027-02-22"), permit_expires="2032-04-01")  # a corrected date
    assert f.case.facts["permits"] == [{"expires": "2027-03-01", "replaced_on": "2027-02-20"},
                                       {"expires": "2032-03-01", "replaced_on": "2027-02-22"}]
    assert f.case.facts["permit_expires"] == "2032-04-01"
    assert f.case.deadlines["permit_renewal_by"].met_on is None  # the new permit's renewal
    # A case opened without a permit on record: the first permit replaces nothing.
    g = Flow("control", d("2026-09-01"), {"risk_class": "A"})
    g("renew_permit", d("2026-09-10"), permit_expires="2031-09-10")
    assert "permits" not in g.case.facts
    # 10 September 2031 - 60 days: 10 August is 31 days back, 12 July 60: Saturday 12 July 2031
    # (counted back, never rolled forward: that would leave less than 60 days).
    assert g.case.deadlines["permit_renewal_by"] == Deadline("permit_renewal_by", d("2031-07-12"))
    with pytest.raises(InvalidEvent) as err:
        g("renew_permit", d("2026-09-11"))
    assert err.value.fields == {"permit_expires": "is required"}


def test_a_gate_found_not_ok_again_after_it_was_fixed_gets_a_new_deadline():
    f = Flow("control", d("2026-09-01"), {"risk_class": "B"})
    f("gate", d("2026-09-10"), gate="tax", status="missing")
    assert f.case.facts["gates"]["tax"] == "missing"
    f("gate", d("2026-09-21"), gate="tax", status="ok")
    assert f.case.facts["gates"]["tax"] == "ok"
    f("gate", d("2026-11-02"), gate="tax", status="expired")
    # A new clock from 2 November: + 30 = Wednesday 2 December, not yet met.
    assert f.case.deadlines["gate_tax_by"] == Deadline("gate_tax_by", d("2026-12-02"))
    with pytest.raises(InvalidEvent) as err:
        f("gate", d("2026-11-03"), gate="noise", status="closed")
    assert err.value.fields == {"gate": "must be one of declaration, acceptance, monitoring, tax",
                                "status": "must be one of ok, missing, expired"}


def test_a_gate_past_its_deadline_is_ticked_from_the_last_recorded_event():
    f = Flow("control", d("2026-09-01"), {"risk_class": "B", "gates": {"acceptance": "missing"}})
    # gate_acceptance_by: 1 September + 30 = 1 October, National Day: Thursday 8 October.
    assert due_events(f.case, d("2026-10-09"), rules=RULES, calendar=CAL) == [
        Event("gate_overdue", d("2026-10-09"), {"gate": "acceptance"})
    ]
    f("gate", d("2026-10-15"), gate="tax", status="expired")
    # Events apply in date order: the tick comes on the last recorded event's day, 15 October.
    assert due_events(f.case, d("2026-10-20"), rules=RULES, calendar=CAL) == [
        Event("gate_overdue", d("2026-10-15"), {"gate": "acceptance"})
    ]


def test_a_gate_escalation_is_refused_before_its_day_or_without_a_deadline():
    f = Flow("control", d("2026-09-01"), {"risk_class": "B", "gates": {"acceptance": "missing"}})
    with pytest.raises(InvalidEvent) as err:
        f("gate_overdue", d("2026-10-08"), gate="acceptance")
    assert err.value.fields == {"on": "the acceptance gate may be fixed until 2026-10-08"}
    with pytest.raises(InvalidEvent) as err:
        f("gate_overdue", d("2026-10-09"), gate="tax")
    assert err.value.fields == {"gate": "gate tax has no open fix deadline left to escalate"}
    out = f("gate_overdue", d("2026-10-09"), gate="acceptance")
    assert out.escalations == (Escalation("rectify", "gate_overdue", d("2026-10-09"), {"gate": "acceptance"}),)
    assert f.case.facts["gate_escalated"] == {"acceptance": "2026-10-08"}
    # Fixed, then missing again: a new deadline, which may be escalated in its turn.
    f("gate", d("2026-10-12"), gate="acceptance", status="ok")
    f("gate", d("2026-10-20"), gate="acceptance", status="missing")
    f("gate", d("2026-10-21"), gate="monitoring", status="missing")
    # 20 October + 30 = Thursday 19 November; monitoring: 21 October + 30 = Friday 20 November.
    f("gate_overdue", d("2026-11-20"), gate="acceptance")
    f("gate_overdue", d("2026-11-23"), gate="monitoring")
    assert f.case.facts["gate_escalated"] == {"acceptance": "2026-11-19", "monitoring": "2026-11-20"}
    assert [e["reason"] for e in f.case.facts["escalations"]] == ["gate_overdue"] * 3


def test_release_withdraws_the_routine_inspection_and_reopening_plans_a_new_one():
    f = Flow("control", d("2026-09-01"), {"risk_class": "B"})
    f("visit", d("2026-10-12"), followup="routine_1", visit_id=4)
    assert f.case.followups["routine_1"].visit_id == 4 and f.case.facts["routine_count"] == 2
    f("release", d("2026-10-20"))
    assert f.case.facts["released_on"] == "2026-10-20"
    assert f.case.facts["cancelled_followup_log"] == [
        {"key": "routine_2", "due_on": "2027-04-12", "on": "2026-10-20", "reason": "released from control"}
    ]
    f("reopen", d("2026-11-02"))
    f("release", d("2026-11-03"))
    f("reopen", d("2026-11-04"))
    assert f.case.facts["reopened"] == ["2026-11-02", "2026-11-04"]
    # Risk class B: every 6 months, 4 November to Tuesday 4 May 2027; the fourth planned.
    assert f.case.followups["routine_4"].due_on == d("2027-05-04")


def test_a_gate_event_names_its_gate_and_status():
    f = Flow("control", d("2026-09-01"), {"risk_class": "B", "gates": {"acceptance": "missing"}})
    with pytest.raises(InvalidEvent) as err:
        f("gate", d("2026-09-10"))
    assert err.value.fields == {"gate": "is required", "status": "is required"}
    with pytest.raises(InvalidEvent) as err:
        f("gate_overdue", d("2026-10-09"))
    assert err.value.fields == {"gate": "is required"}
    with pytest.raises(InvalidEvent) as err:
        f("gate_overdue", d("2026-10-09"), gate="noise")
    assert err.value.fields == {"gate": "must be one of declaration, acceptance, monitoring, tax"}
