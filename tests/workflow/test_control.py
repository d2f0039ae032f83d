from __future__ import annotations

import pytest

from enforcement.workflow import ImpossibleEvent, InvalidEvent, display_state, due_events

from .support import d


def test_a_missing_acceptance_gate_must_be_fixed_within_30_days(flow):
    f = flow("control", d("2026-09-01"), {"risk_class": "B", "gates": {"acceptance": "missing"}})
    assert f.case.deadlines["gate_acceptance_by"].due_on == d("2026-10-08")  # 1 October rolls
    assert "gate_declaration_by" not in f.case.deadlines


def test_a_gate_still_not_ok_past_its_deadline_opens_a_rectify_case(flow, rules, cal):
    f = flow("control", d("2026-09-01"), {"risk_class": "B", "gates": {"acceptance": "missing"}})
    assert due_events(f.case, d("2026-10-08"), rules=rules, calendar=cal) == []
    (event,) = due_events(f.case, d("2026-10-20"), rules=rules, calendar=cal)
    assert (event.type, event.on, dict(event.data)) == ("gate_overdue", d("2026-10-09"), {"gate": "acceptance"})
    out = f(event.type, event.on, **event.data)
    assert [(e.action, e.reason, dict(e.params)) for e in out.escalations] == [
        ("rectify", "gate_overdue", {"gate": "acceptance"})
    ]
    assert due_events(f.case, d("2026-10-20"), rules=rules, calendar=cal) == []
    with pytest.raises(ImpossibleEvent):
        f(event.type, event.on, **event.data)


def test_a_gate_set_ok_meets_its_deadline_and_repeating_a_status_changes_nothing(flow):
    f = flow("control", d("2026-09-01"), {"risk_class": "B"})
    f("gate", d("2026-09-10"), gate="tax", status="expired")
    # 30 days end on Saturday 10 October, an adjusted working day: no roll.
    assert f.case.deadlines["gate_tax_by"].due_on == d("2026-10-10")
    before = f.case
    f("gate", d("2026-09-15"), gate="tax", status="expired")
    assert f.case == before
    f("gate", d("2026-09-20"), gate="tax", status="missing")
    assert f.case.deadlines["gate_tax_by"].due_on == d("2026-10-10")  # the clock does not restart
    f("gate", d("2026-09-21"), gate="tax", status="ok")
    assert f.case.deadlines["gate_tax_by"].met_on == d("2026-09-21")


def test_permit_renewal_is_due_60_days_before_expiry(flow):
    f = flow("control", d("2026-09-01"), {"risk_class": "A", "permit_expires": "2027-03-01"})
    assert f.case.deadlines["permit_renewal_by"].due_on == d("2026-12-31")
    f("apply_permit_renewal", d("2026-12-01"))
    assert f.case.deadlines["permit_renewal_by"].met_on == d("2026-12-01")
    f("renew_permit", d("2027-02-20"), permit_expires="2032-03-01")
    assert f.case.deadlines["permit_renewal_by"].due_on == d("2032-01-01")  # 2032 is a leap year
    before = f.case
    f("renew_permit", d("2027-02-21"), permit_expires="2032-03-01")
    assert f.case == before


def test_monitoring_and_tax_roll_on_to_the_next_quarter_when_met(flow):
    f = flow("control", d("2026-08-10"), {"risk_class": "C"})
    # quarter ends 09-30; 15 days to Thu 10-15, holding National Day 1–7 Oct (7 consecutive
    # rest days): extended by 7 to Thu 10-22 (Tax Collection Law Implementing Rules Art. 109).
    assert f.case.deadlines["tax_declare_by"].due_on == d("2026-10-22")
    assert f.case.deadlines["monitoring_report_by"].due_on == d("2026-10-15")
    f("declare_tax", d("2026-10-12"))
    tax = f.case.deadlines["tax_declare_by"]
    # Q4: 15 days to Fri 2027-01-15; Fri 1 Jan (New Year) + Sat 2 + Sun 3 are 3 consecutive rest
    # days → +3 = Mon 2027-01-18 (provisional: 2027 without the notice).
    assert tax.due_on == d("2027-01-18") and tax.met_on is None and tax.provisional
    assert f.case.facts["tax_declarations"] == [{"period_end": "2026-09-30", "due_on": "2026-10-22", "on": "2026-10-12"}]
    before = f.case
    f("declare_tax", d("2026-10-12"))
    assert f.case == before


def test_routine_inspections_follow_the_risk_class(flow):
    a = flow("control", d("2026-09-01"), {"risk_class": "A"})
    c = flow("control", d("2026-09-01"), {"risk_class": "C"})
    assert a.case.followups["routine_1"].due_on == d("2026-12-01")
    assert c.case.followups["routine_1"].due_on == d("2027-09-01")
    a("visit", d("2026-11-05"), followup="routine_1", visit_id=3)
    # visit Thu 2026-11-05 + 3 months = Fri 2027-02-05 (除夕, statutory holiday); 6–7 Feb weekend,
    # Mon 8 Feb 初三 (holiday) → Tue 2027-02-09.
    assert a.case.followups["routine_2"].due_on == d("2027-02-09")


def test_a_risk_class_is_required(flow):
    with pytest.raises(InvalidEvent) as err:
        flow("control", d("2026-09-01"), {"gates": {"tax": "late"}})
    assert set(err.value.fields) == {"risk_class", "gates.tax"}


def test_overdue_control_shows_overdue_until_released(flow):
    f = flow("control", d("2026-08-10"), {"risk_class": "C"})
    assert display_state(f.case, d("2026-10-16")) == "overdue"
    out = f("release", d("2026-10-20"))
    assert out.cancelled == ("routine_1",)
    assert display_state(f.case, d("2026-10-21")) == "released"
    f("reopen", d("2026-11-02"))
    assert f.case.state == "active" and f.case.followups["routine_2"].due_on == d("2027-11-02")
