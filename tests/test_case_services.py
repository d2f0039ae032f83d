"""The use cases on a real database (SQLite, and PostgreSQL when configured): opening cases,
recording events and visits, escalations, conflicts kept, recompute after a holiday import."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from support_app import NOW, new_uuid
from enforcement.errors import Forbidden, IdempotencyMismatch, ImpossibleTransition, ValidationError
from enforcement.extensions import db
from enforcement.models import AuditEvent, CaseLink, Visit
from enforcement.services.core import audit
from enforcement.services.casework import cases
from enforcement.services.field import visits
from enforcement.services.core.actor import SYSTEM, Actor
from enforcement.services.calendar.calendars import import_holidays

# A FICTIONAL 2027 schedule for tests only: the official one is not published in our data.
FICTIONAL_2027 = """# fictional test schedule, not the State Council's notice
year: 2027
holiday 2027-01-01 元旦
holiday 2027-02-10..2027-02-16 春节
workday 2027-02-07 春节调休
"""


def deadlines(case) -> dict[str, date]:
    return {d.name: d.due_on for d in case.deadlines}


def test_rectify_order_served_2026_09_28_with_30_days_falls_due_2026_10_28(make_case):
    case = make_case(action="rectify", served_on=date(2026, 9, 28), rectify_days=30)
    assert case.state == "ordered"
    assert deadlines(case)["rectify_by"] == date(2026, 10, 28)


def test_stop_plan_due_skips_national_day_and_counts_the_working_saturday(make_case):
    case = make_case(action="stop", served_on=date(2026, 9, 28))
    assert deadlines(case)["plan_due"] == date(2026, 10, 23)


def test_fine_decided_2026_09_16_is_published_by_2026_09_24(make_case, writing):
    case = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=5_000_000)
    for data in ({"type": "notify", "on": "2026-09-03"},
                 {"type": "decide", "on": "2026-09-16", "amount_fen": 5_000_000}):
        cases.apply_event(SYSTEM, case, data, now=NOW)
    db.session.commit()
    assert deadlines(case)["publish_by"] == date(2026, 9, 24)
    assert deadlines(case)["pay_by"] == date(2026, 10, 8)  # 15 days end on National Day: rolled


def test_every_open_and_event_leaves_an_audit_event_and_the_chain_holds(make_case, writing):
    case = make_case(action="rectify", served_on=date(2026, 9, 28))
    cases.apply_event(SYSTEM, case, {"type": "report_rectified", "on": "2026-10-10"}, now=NOW)
    db.session.commit()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "case.open" in actions and "case.event.report_rectified" in actions
    assert audit.verify().ok


def test_an_impossible_event_names_the_allowed_ones(make_case, writing):
    case = make_case(action="close", served_on=date(2026, 9, 28))
    with pytest.raises(ImpossibleTransition) as caught:
        cases.apply_event(SYSTEM, case, {"type": "verify", "on": "2026-10-01", "compliant": True},
                          now=NOW)
    assert caught.value.extra["allowed"] == ["execute", "hearing"]


def test_failed_reinspection_escalates_to_a_linked_fine_and_stop(make_case, officers, writing):
    case = make_case(action="rectify", served_on=date(2026, 9, 1), rectify_days=15,
                     illegal_discharge=True, assignee_id=officers[0].id)
    reinspect = case.followups[0]
    data = visit_data(case.enterprise, purpose="verification", followup_id=reinspect.id,
                      visited_at=f"{reinspect.earliest_on.isoformat()}T10:00:00+08:00",
                      result={"compliant": False})
    result = visits.record_visit(Actor.of(officers[0]), data, now=NOW)
    db.session.commit()
    assert case.state == "escalated"
    assert sorted(c.action for c in result.opened) == ["fine", "stop"]
    links = db.session.scalars(select(CaseLink).where(CaseLink.from_case_id == case.id)).all()
    assert {link.reason for link in links} == {"not_rectified"}
    assert all(c.enterprise_id == case.enterprise_id for c in result.opened)


def test_a_replayed_event_uuid_is_applied_once(make_case, writing):
    case = make_case(action="stop", served_on=date(2026, 9, 28))
    event = {"type": "file_plan", "on": "2026-10-12", "client_uuid": new_uuid()}
    first = cases.apply_event(SYSTEM, case, event, now=NOW)
    again = cases.apply_event(SYSTEM, case, event, now=NOW)
    db.session.commit()
    assert first.created and not again.created
    assert len(case.events) == 1
    with pytest.raises(IdempotencyMismatch):
        cases.apply_event(SYSTEM, case, {**event, "on": "2026-10-13"}, now=NOW)


def test_offline_events_are_applied_in_recorded_order(make_case, writing):
    """Two inspectors offline: the plan filing (recorded first) syncs after the acceptance."""
    case = make_case(action="stop", served_on=date(2026, 9, 28))
    t0 = datetime(2026, 10, 12, 2, 0, tzinfo=timezone.utc)
    cases.apply_event(SYSTEM, case, {"type": "file_plan", "on": "2026-10-12",
                                     "recorded_at": t0.isoformat()}, now=NOW)
    cases.apply_event(SYSTEM, case, {"type": "report_completed", "on": "2026-11-20",
                                     "recorded_at": (t0 + timedelta(days=39)).isoformat()}, now=NOW)
    # Recorded between the two, delivered last: it is slotted in and the case replayed.
    cases.apply_event(SYSTEM, case, {"type": "accept_plan", "on": "2026-10-14",
                                     "recorded_at": (t0 + timedelta(days=2)).isoformat()}, now=NOW)
    db.session.commit()
    assert case.state == "lifted"  # lifted on the filing (MEP Order No. 30 Art. 17)
    assert [e.type for e in sorted(case.events, key=lambda e: e.recorded_at)] == [
        "file_plan", "accept_plan", "report_completed"]


def test_inspector_not_on_a_case_may_not_act_on_it(make_case, make_user, writing):
    case = make_case(action="stop", served_on=date(2026, 9, 28))
    outsider = make_user("outsider", "inspector")
    with pytest.raises(Forbidden):
        cases.apply_event(Actor.of(outsider), case, {"type": "file_plan", "on": "2026-10-12"},
                          now=NOW)


def test_bad_event_input_names_the_field(make_case, writing):
    case = make_case(action="fine", served_on=date(2026, 9, 1))
    with pytest.raises(ValidationError) as caught:
        cases.apply_event(SYSTEM, case, {"type": "notify", "on": "2026-13-01"}, now=NOW)
    assert "on" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        cases.open_case(SYSTEM, {"action": "fine", "enterprise_id": case.enterprise_id,
                                 "served_on": "2026-09-01", "amount_fen": 1.5}, now=NOW)
    assert "amount_fen" in caught.value.fields


def test_provisional_2027_dates_become_official_after_import_and_recompute(make_case, writing):
    case = make_case(action="rectify", served_on=date(2026, 12, 15), rectify_days=60)
    row = next(d for d in case.deadlines if d.name == "rectify_by")
    assert row.provisional and case.provisional
    before = row.due_on  # 2027-02-13 is a Saturday: rolls to Monday 15 (no statutory day)
    assert before == date(2027, 2, 15)
    import_holidays(SYSTEM, FICTIONAL_2027, now=NOW)
    counts = cases.recompute(SYSTEM, now=NOW)
    db.session.commit()
    db.session.refresh(row)
    assert not row.provisional
    assert row.due_on == date(2027, 2, 17)  # the fictional Spring Festival pushes it on
    assert counts["changed"] >= 1
    recorded = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.recompute", AuditEvent.object_id == str(case.id))).one()
    assert recorded.after["dates"]["deadline:rectify_by"] == "2027-02-17"
    assert audit.verify().ok


def test_a_limit_period_that_runs_out_only_proposes_closure_on_tick(make_case, writing):
    case = make_case(action="stop", served_on=date(2026, 6, 1), measure="limit", approved_by="局长 王")
    stop = make_case(action="stop", served_on=date(2026, 6, 1), measure="stop", approved_by="局长 王")
    opened = cases.tick(SYSTEM, as_of=date(2026, 11, 25), now=NOW)
    db.session.commit()
    # Local rule: a proposal; no close case without the government's approval (EPL Art. 60).
    assert case.state == "closure_proposed" and opened == []
    assert stop.state == "ordered"  # 停产整治 runs until lifted


# ---------------------------------------------------------------- visits


@pytest.fixture
def officers(make_user):
    return make_user("zhangwei", "inspector"), make_user("liuyang", "inspector")


def visit_data(enterprise, **extra):
    return {"client_uuid": new_uuid(), "enterprise_id": enterprise.id,
            "visited_at": "2026-11-20T10:00:00+08:00", "lat": enterprise.lat + 0.0003,
            "lon": enterprise.lon, "accuracy_m": 8, "purpose": "routine", "unannounced": True,
            "inspectors": ["zhangwei", "liuyang"], "findings": "现场检查未发现问题", **extra}


def test_a_visit_is_recorded_once_however_often_it_is_replayed(make_enterprise, officers, writing):
    enterprise = make_enterprise()
    data = visit_data(enterprise)
    first = visits.record_visit(Actor.of(officers[0]), data, now=NOW)
    again = visits.record_visit(Actor.of(officers[0]), dict(data), now=NOW)
    db.session.commit()
    assert first.created and not again.created and first.visit.id == again.visit.id
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
    assert 30 < first.visit.distance_m < 40 and first.visit.geofence_ok
    with pytest.raises(IdempotencyMismatch):
        visits.record_visit(Actor.of(officers[0]), {**data, "findings": "改了"}, now=NOW)


def test_a_visit_needs_two_officers(make_enterprise, officers, writing):
    enterprise = make_enterprise()
    with pytest.raises(ValidationError) as caught:
        visits.record_visit(Actor.of(officers[0]), visit_data(enterprise, inspectors=[]), now=NOW)
    assert "two" in caught.value.fields["inspectors"]


def test_far_from_the_pin_is_flagged(make_enterprise, officers, writing):
    enterprise = make_enterprise()
    result = visits.record_visit(Actor.of(officers[0]), visit_data(
        enterprise, lat=enterprise.lat + 0.01, geofence_reason="大门封闭"), now=NOW)
    assert result.visit.distance_m > 1000 and result.visit.geofence_ok is False


def test_a_quiet_day_visit_needs_an_approval_reference_unless_it_is_a_complaint(
        make_enterprise, officers, writing):
    from enforcement.models import QuietDay
    enterprise = make_enterprise()
    db.session.add(QuietDay(on=date(2026, 11, 20), township_id=None, reason="宁静日"))
    db.session.commit()
    with pytest.raises(ValidationError) as caught:
        visits.record_visit(Actor.of(officers[0]), visit_data(enterprise), now=NOW)
    assert "approval_ref" in caught.value.fields
    visits.record_visit(Actor.of(officers[0]), visit_data(enterprise, purpose="complaint"), now=NOW)
    visits.record_visit(Actor.of(officers[0]), visit_data(enterprise, approval_ref="审批2026-88"),
                        now=NOW)


def test_a_township_quiet_day_stops_routine_visits_there_whatever_the_township_is_called(
        make_enterprise, make_township, officers, writing):
    from enforcement.models import QuietDay
    yanjiao, gucheng = make_township("yanjiao"), make_township("gucheng", "古城镇", "Gucheng")
    db.session.add(QuietDay(on=date(2026, 11, 20), township_id=yanjiao.id, reason="宁静日"))
    db.session.commit()
    there = make_enterprise(township="yanjiao")
    next_door = make_enterprise(name="另一家厂", township="gucheng")
    visits.record_visit(Actor.of(officers[0]), visit_data(next_door), now=NOW)  # not its day
    with pytest.raises(ValidationError) as caught:  # the worker now keeps the townships' codes
        visits.record_visit(Actor.of(officers[0]), visit_data(there), now=NOW)
    assert "approval_ref" in caught.value.fields
    db.session.rollback()
    yanjiao.code, gucheng.code = "yanjiao-old", "yanjiao"  # the codes change hands
    db.session.commit()
    # The quiet day is the township's, not its code's: a worker still naming firms by the
    # codes it kept would now find no quiet day at one and a wrong one at the other.
    with pytest.raises(ValidationError):
        visits.record_visit(Actor.of(officers[0]), visit_data(there), now=NOW)
    db.session.rollback()
    visits.record_visit(Actor.of(officers[0]), visit_data(next_door), now=NOW)
    db.session.commit()


def test_a_verification_visit_completes_the_follow_up_and_verifies_the_case(
        make_case, officers, writing):
    case = make_case(action="rectify", served_on=date(2026, 10, 9), rectify_days=15,
                     assignee_id=officers[0].id)
    followup = case.followups[0]
    day = followup.earliest_on
    data = visit_data(case.enterprise, purpose="verification", followup_id=followup.id,
                      visited_at=f"{day.isoformat()}T10:00:00+08:00", result={"compliant": True})
    visits.record_visit(Actor.of(officers[0]), data, now=NOW)
    db.session.commit()
    assert case.state == "verified"
    assert followup.done_on == day and followup.visit_id is not None


def test_a_stop_check_that_finds_production_running_proposes_closure_and_the_approval_opens_it(
        make_case, officers, writing):
    case = make_case(action="stop", served_on=date(2026, 11, 16), assignee_id=officers[0].id)
    check = case.followups[0]
    data = visit_data(case.enterprise, purpose="follow_up", followup_id=check.id,
                      visited_at=f"{check.earliest_on.isoformat()}T15:00:00+08:00",
                      result={"production_running": True})
    result = visits.record_visit(Actor.of(officers[0]), data, now=NOW)
    db.session.commit()
    # Issue #15: a proposal only; the people's government approves the closure (EPL Art. 60).
    assert case.state == "closure_proposed" and result.opened == []
    approved = cases.apply_event(SYSTEM, case, {"type": "approve_close", "on": "2026-11-30",
                                                "approved_by": "三河市人民政府"}, now=NOW)
    db.session.commit()
    assert case.state == "escalated"
    assert [c.action for c in approved.opened] == ["close"]
    assert approved.opened[0].params["government_approved_on"] == "2026-11-30"


def test_recompute_keeps_a_case_whose_history_the_rules_now_refuse_and_audits_it(make_case, writing,
                                                                                  monkeypatch):
    from enforcement import workflow as wf
    case = make_case(action="rectify", served_on=date(2026, 9, 28))

    def refuse(*args, **kwargs):
        raise wf.ForbiddenByLaw("no written demand (催告) has been served", [],
                                article="Administrative Compulsion Law Art. 54")

    monkeypatch.setattr(wf, "replay", refuse)
    counts = cases.recompute(SYSTEM, now=NOW)
    db.session.commit()
    assert counts["refused"] == 1 and case.state == "ordered"
    kept = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.recompute_refused")).one()
    assert kept.after["article"] == "Administrative Compulsion Law Art. 54"
