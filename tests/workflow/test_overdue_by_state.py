"""Which deadline makes a case overdue, state by state, for the actions with measures: never on
the due day, from the day after, and only the deadlines of the state the case is in."""
from __future__ import annotations

from datetime import timedelta

from enforcement.workflow import display_state, overdue_deadlines

from .support import Flow, d
from .test_close import ALL_DONE
from .test_measures import SEAL
from .test_stop import LIMIT


def overdue(f, day):
    return [x.name for x in overdue_deadlines(f.case, d(day))]


def test_a_closure_is_overdue_for_execution_then_for_verification():
    f = Flow("close", d("2026-09-16"))  # execute_by Thu 2026-10-08 (1 Oct rolled past National Day)
    assert overdue(f, "2026-10-08") == [] and overdue(f, "2026-10-09") == ["execute_by"]
    f("execute", d("2026-09-18"), checklist=ALL_DONE)  # verify_by Thu 09-24 (Sun 20 Sept worked)
    assert overdue(f, "2026-09-24") == [] and overdue(f, "2026-09-25") == ["verify_by"]
    assert display_state(f.case, d("2026-09-25")) == "overdue"
    f("verify", d("2026-09-22"), compliant=True, visit_id=1)
    assert overdue(f, "2030-01-01") == []


def test_a_limit_on_production_is_overdue_for_its_plan_and_its_period_then_its_verification():
    f = Flow("stop", d("2026-09-28"), LIMIT)  # plan_due Fri 10-23 (15 working days), period_end 12-28
    assert overdue(f, "2026-10-23") == [] and overdue(f, "2026-10-24") == ["plan_due"]
    assert overdue(f, "2026-12-29") == ["plan_due", "period_end"]  # oldest first
    f("file_plan", d("2026-10-20"))
    assert overdue(f, "2026-12-28") == [] and overdue(f, "2026-12-29") == ["period_end"]
    f("report_completed", d("2026-10-26"))  # lifted that day; verify_by Mon 11-16
    assert f.case.state == "lifted"
    assert overdue(f, "2026-11-16") == [] and overdue(f, "2026-11-17") == ["verify_by"]
    # Years later, only the verification still counts.
    assert overdue(f, "2030-01-01") == ["verify_by"]


def test_a_stop_on_production_has_no_period_to_overrun():
    f = Flow("stop", d("2026-09-28"))
    assert overdue(f, "2030-01-01") == ["plan_due"]


def test_a_seal_up_is_overdue_after_its_period_until_released():
    f = Flow("seal", d("2026-03-02"), SEAL)  # seal_end Wed 2026-04-01
    assert overdue(f, "2026-04-01") == [] and overdue(f, "2026-04-02") == ["seal_end"]
    f("release", d("2026-04-20"), reason="整改完成")
    assert overdue(f, "2030-01-01") == []


def test_a_controlled_firm_is_overdue_on_each_of_its_obligations_while_active():
    f = Flow("control", d("2026-09-01"), {"risk_class": "B", "gates": {"acceptance": "missing"}})
    due = {k: v.due_on for k, v in f.case.deadlines.items()}
    assert due == {"gate_acceptance_by": d("2026-10-08"), "monitoring_report_by": d("2026-10-15"),
                   "tax_declare_by": d("2026-10-22")}
    assert overdue(f, "2026-10-08") == []
    assert overdue(f, "2026-10-16") == ["gate_acceptance_by", "monitoring_report_by"]
    day_after_all = max(due.values()) + timedelta(days=1)
    assert overdue(f, day_after_all.isoformat()) == ["gate_acceptance_by", "monitoring_report_by", "tax_declare_by"]
