"""Units, tasks, accountability and supervision (issue 20): the use cases, their refusals, and
the unit officer confined to his unit."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

import oversight_city
from support_app import NOW
from enforcement.errors import Conflict, Forbidden, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import AccountabilityRecord, AuditEvent, SupervisionVisit, Task
from enforcement.services.core.actor import Actor, SYSTEM
from enforcement.services.oversight import accountability, supervision, tasks

AS_OF = date(2026, 11, 25)


@pytest.fixture
def city(app, make_township, make_user, writing):
    make_township("yanjiao", "燕郊镇", "Yanjiao")
    make_township("gucheng", "古城镇", "Gucheng")
    return oversight_city.build(make_user)


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Task, AccountabilityRecord, SupervisionVisit, AuditEvent))


def test_a_task_moves_from_assigned_to_overdue_to_an_accountability_record_with_its_deadline(city):
    task = db.session.get(Task, city["task_id"])
    assert task.state(date(2026, 11, 10)) == "assigned"
    assert task.state(date(2026, 11, 11)) == "overdue"
    rec = db.session.get(AccountabilityRecord, city["record_id"])
    assert (rec.unit_id, rec.ground, rec.task_id) == (city["unit_id"], "missed_deadline", task.id)
    assert rec.state(date(2026, 12, 5)) == "open" and rec.state(date(2026, 12, 6)) == "overdue"
    officer = Actor.of(city["officer_on"])
    accountability.answer(officer, rec.id, {"answer": "已全部断电清理", "on": "2026-11-25"},
                          now=NOW, as_of=AS_OF)
    assert rec.state(date(2026, 12, 6)) == "answered"
    accountability.close(SYSTEM, rec.id, {"note": "核实属实"}, now=NOW, as_of=AS_OF)
    assert rec.state(AS_OF) == "closed" and rec.published is False


def test_the_host_unit_reports_delivery_and_the_task_is_delivered_on_time(city):
    officer = Actor.of(city["officer_on"])
    task = tasks.report_delivery(officer, city["open_task_id"],
                                 {"done_on": "2026-11-24", "report": "已断电"}, now=NOW, as_of=AS_OF)
    assert task.state(date(2027, 6, 1)) == "delivered" and task.on_time is True
    with pytest.raises(Conflict):
        tasks.report_delivery(officer, task.id, {"done_on": "2026-11-24", "report": "again"},
                              now=NOW, as_of=AS_OF)


def test_a_unit_officer_sees_and_reports_only_his_own_units_tasks(city):
    officer = Actor.of(city["officer_on"])
    mine = {t.id for t in tasks.list_tasks(officer, tasks.TaskFilter(as_of=AS_OF))}
    assert mine == {city["task_id"], city["open_task_id"]}
    with pytest.raises(NotFound):
        tasks.get_task(officer, city["other_task_id"])
    with pytest.raises(Forbidden) as exc:
        tasks.list_tasks(officer, tasks.TaskFilter(as_of=AS_OF, unit_id=city["other_unit_id"]))
    assert "unit" in exc.value.fields
    before = counts()
    with pytest.raises(NotFound):
        tasks.report_delivery(officer, city["other_task_id"], {"done_on": "2026-11-24",
                                                               "report": "x"}, now=NOW, as_of=AS_OF)
    with pytest.raises(NotFound):
        accountability.answer(officer, city["other_record_id"], {"answer": "x"}, now=NOW, as_of=AS_OF)
    assert {r.id for r in accountability.list_records(officer, as_of=AS_OF)} == {city["record_id"]}
    with pytest.raises(Forbidden):
        tasks.create_task(officer, {"title": "x", "host_unit_id": city["unit_id"],
                                    "deadline": "2027-01-01"}, now=NOW, as_of=AS_OF)
    assert counts() == before


def test_a_co_unit_sees_the_task_but_only_the_host_reports_it(city, make_user):
    from enforcement.services.oversight import units
    make_user("power_officer", "unit")
    units.assign_officer(SYSTEM, city["power_unit_id"], "power_officer", now=NOW)
    power = Actor(None, "power_officer", "unit", None, city["power_unit_id"])
    assert tasks.get_task(power, city["task_id"]).id == city["task_id"]
    with pytest.raises(Forbidden) as exc:
        tasks.report_delivery(power, city["task_id"], {"done_on": "2026-11-24", "report": "x"},
                              now=NOW, as_of=AS_OF)
    assert exc.value.fields == {"task_id": "not your unit's"}


def test_a_task_without_a_deadline_or_a_host_unit_is_refused_with_field_errors(city):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        tasks.create_task(SYSTEM, {"title": "清理小塑料"}, now=NOW, as_of=AS_OF)
    assert {"deadline", "host_unit_id"} <= set(exc.value.fields)
    with pytest.raises(ValidationError) as exc:
        tasks.create_task(SYSTEM, {"title": "x", "host_unit_id": 99999, "deadline": "2026-13-01"},
                          now=NOW, as_of=AS_OF)
    assert set(exc.value.fields) == {"host_unit_id", "deadline"}
    assert counts() == before


def test_an_accountability_record_without_a_ground_is_refused_and_an_inspector_may_not_write_one(city):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        accountability.create_record(SYSTEM, {"unit_id": city["unit_id"], "decision": "interview",
                                              "respond_by": "2026-12-05"}, now=NOW, as_of=AS_OF)
    assert exc.value.fields == {"ground": "required"}
    with pytest.raises(ValidationError) as exc:
        accountability.create_record(SYSTEM, {"target_kind": "official", "ground": "inaction",
                                              "decision": "interview", "respond_by": "2026-12-05"},
                                     now=NOW, as_of=AS_OF)
    assert set(exc.value.fields) == {"official_name", "official_post"}
    with pytest.raises(Forbidden):
        accountability.create_record(Actor(9, "insp", "inspector"), {
            "unit_id": city["unit_id"], "ground": "inaction", "decision": "interview",
            "respond_by": "2026-12-05"}, now=NOW, as_of=AS_OF)
    assert counts() == before


def test_a_supervision_visit_finds_an_undelivered_task_and_refuses_a_delivered_one(city):
    visit = db.session.get(SupervisionVisit, city["supervision_visit_id"])
    assert [t.id for t in visit.undelivered] == [city["task_id"]] and visit.unannounced
    assert (visit.lat, visit.lon) == (39.95, 116.82)
    tasks.report_delivery(SYSTEM, city["open_task_id"], {"done_on": "2026-11-20", "report": "ok"},
                          now=NOW, as_of=AS_OF)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        supervision.record_visit(SYSTEM, {"unit_id": city["unit_id"], "findings": "复查",
                                          "visited_at": "2026-11-24T10:00:00+08:00",
                                          "undelivered_task_ids": [city["open_task_id"],
                                                                   ]}, now=NOW)
    assert "undelivered_task_ids" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        supervision.record_visit(SYSTEM, {"unit_id": city["unit_id"], "findings": "x",
                                          "undelivered_task_ids": [city["other_task_id"]]}, now=NOW)
    assert "not this unit's" in exc.value.fields["undelivered_task_ids"]
    assert counts() == before
    overdue = supervision.overdue_by_unit(SYSTEM, AS_OF)
    assert [(r["unit"].id, r["overdue"]) for r in overdue] == [(city["unit_id"], 1)]


def test_every_oversight_step_is_audited(city):
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"unit.create", "unit.officer", "task.assign", "accountability.create",
            "supervision.record"} <= actions


def test_branches_from_the_command_line_are_audited(app, city):
    from enforcement.models import Branch, Township, User
    runner = app.test_cli_runner()
    assert runner.invoke(args=["branches", "add", "east", "东区分局", "--prefix", "东环"]).exit_code == 0
    assert runner.invoke(args=["branches", "township", "yanjiao", "east"]).exit_code == 0
    assert runner.invoke(args=["branches", "officer", "unit_yj", "east"]).exit_code == 0
    bad = runner.invoke(args=["branches", "township", "nowhere", "east"])
    assert bad.exit_code == 1 and "township" in bad.output
    db.session.expire_all()
    east = db.session.scalar(select(Branch).where(Branch.code == "east"))
    assert east.paper_prefix == "东环"
    assert db.session.scalar(select(Township.branch_id).where(Township.code == "yanjiao")) == east.id
    assert db.session.scalar(select(User.branch_id).where(User.username == "unit_yj")) == east.id
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"branch.create", "branch.township", "branch.officer"} <= actions


def test_a_supervision_visit_keeps_its_photos_reencoded_and_refuses_what_is_not_a_photo(city, app):
    from enforcement.models import SupervisionPhoto
    from enforcement.errors import UnsupportedMedia
    from enforcement.services.core.storage import photo_storage
    visit = db.session.get(SupervisionVisit, city["supervision_visit_id"])
    stored = db.session.get(SupervisionPhoto, city["supervision_photo_id"])
    assert stored.visit_id == visit.id and photo_storage().exists(stored.storage_key)
    again, created = supervision.store_photo(SYSTEM, visit, data=oversight_city._jpeg(),
                                             client_uuid=stored.client_uuid, now=NOW,
                                             storage=photo_storage())
    assert (again.id, created) == (stored.id, False)
    before = counts()
    with pytest.raises(UnsupportedMedia):
        supervision.store_photo(SYSTEM, visit, data=b"<html>not a photo</html>",
                                client_uuid="0b0c4a8e-1b7d-4c55-9a0e-6d1f2e3b4c5d", now=NOW,
                                storage=photo_storage())
    with pytest.raises(Forbidden):
        supervision.store_photo(Actor.of(city["officer_on"]), visit, data=oversight_city._jpeg(),
                                client_uuid="1b0c4a8e-1b7d-4c55-9a0e-6d1f2e3b4c5d", now=NOW,
                                storage=photo_storage())
    assert counts() == before


def test_the_oversight_pages_speak_chinese_by_default_and_english_when_switched(city, client, make_user):
    from support_app import Auth
    make_user("desk", "reviewer")
    auth = Auth(client)
    auth.login("desk")
    zh = client.get(f"/oversight/tasks/{city['task_id']}").get_data(as_text=True)
    assert "逾期未办结" in zh and "主办单位" in zh and "牵头领导" in zh
    record = client.get(f"/oversight/accountability/{city['record_id']}").get_data(as_text=True)
    assert "约谈" in record and "逾期未完成任务" in record
    client.post("/lang/en", data={"csrf_token": auth.csrf("/oversight/")})
    en = client.get(f"/oversight/tasks/{city['task_id']}").get_data(as_text=True)
    assert "Overdue" in en and "Lead leader" in en and "逾期未办结" not in en
    record = client.get(f"/oversight/accountability/{city['record_id']}").get_data(as_text=True)
    assert "Interview" in record and "Missed deadline" in record


def test_the_desk_reopens_a_delivery_the_supervision_group_finds_false(city):
    task = tasks.report_delivery(Actor.of(city["officer_on"]), city["open_task_id"],
                                 {"done_on": "2026-11-20", "report": "已办结"}, now=NOW, as_of=AS_OF)
    with pytest.raises(ValidationError):
        tasks.reopen(SYSTEM, task.id, {}, now=NOW)
    with pytest.raises(Forbidden):
        tasks.reopen(Actor.of(city["officer_on"]), task.id, {"reason": "x"}, now=NOW)
    tasks.reopen(SYSTEM, task.id, {"reason": "督查发现仍在生产"}, now=NOW)
    assert task.state(AS_OF) == "assigned" and task.done_on is None
    visit, _ = supervision.record_visit(SYSTEM, {"unit_id": city["unit_id"], "findings": "仍在生产",
                                                 "undelivered_task_ids": [task.id]}, now=NOW)
    assert [t.id for t in visit.undelivered] == [task.id]
