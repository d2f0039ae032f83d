"""What a branch (分局, issue 20) sees in oversight, as the clauses every oversight list applies
(`access.unit_in_branch`, `visit_in_branch`, `record_in_branch`), and a complaint replayed from
another branch (mutation scope of `make mutants-guards`).

The city below: the east branch (901) with the township 东镇 (901); the west branch (902) with
西镇 (902). Units: 1 of the east branch; 2 of no branch but placed in 东镇 (so the east's); 3 of
no branch and no township (a city department, which every branch works with); 4 of the west;
5 of the west though placed in 东镇 (its branch decides); 6 of no branch, placed in 西镇."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from support_app import NOW
from enforcement.errors import IdempotencyMismatch
from enforcement.extensions import db
from enforcement.models import Branch, ResponsibleUnit, SupervisionVisit, Township
from enforcement.services.core.actor import SYSTEM, Actor
from enforcement.services.desk import complaints
from enforcement.services.oversight import access

AT = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def city(app, writing):
    db.session.add_all([
        Branch(id=901, code="b901", name="东分局"), Branch(id=902, code="b902", name="西分局"),
        Township(id=901, code="t901", name="东镇", branch_id=901),
        Township(id=902, code="t902", name="西镇", branch_id=902),
    ])
    db.session.flush()
    db.session.add_all([
        ResponsibleUnit(id=901, code="u1", name="东分局执法队", branch_id=901),
        ResponsibleUnit(id=902, code="u2", name="东镇环保所", township_id=901),
        ResponsibleUnit(id=903, code="u3", name="市水务局"),
        ResponsibleUnit(id=904, code="u4", name="西分局执法队", branch_id=902),
        ResponsibleUnit(id=905, code="u5", name="西分局驻东镇工作组", branch_id=902, township_id=901),
        ResponsibleUnit(id=906, code="u6", name="西镇环保所", township_id=902),
    ])
    db.session.flush()
    visits = [  # (id, township, unit)
        (1, 901, 904),   # in 东镇, by the west's unit: the east's by its township
        (2, None, 901),  # no township, the east branch's unit
        (3, None, 902),  # no township, the unit placed in 东镇
        (4, 902, 904),   # the west's
        (5, None, 903),  # no township, the city department: no branch's
    ]
    db.session.add_all([SupervisionVisit(id=i, township_id=t, unit_id=u, visited_at=AT, created_at=AT)
                        for i, t, u in visits])
    db.session.flush()


def ids(model, clause):
    return sorted(db.session.scalars(access.where_branch(select(model.id), clause)))


def test_a_branch_sees_its_own_units_and_the_citys_departments(city):
    assert ids(ResponsibleUnit, access.unit_in_branch(901)) == [901, 902, 903]
    assert ids(ResponsibleUnit, access.unit_in_branch(901, city_wide=False)) == [901, 902]
    assert ids(ResponsibleUnit, access.unit_in_branch(902, city_wide=False)) == [904, 905, 906]
    assert ids(ResponsibleUnit, access.unit_in_branch(902)) == [903, 904, 905, 906]
    assert access.unit_in_branch(None) is None


def test_a_desk_officer_of_a_branch_is_confined_to_it_and_a_unit_officer_by_his_unit(app):
    from enforcement.errors import Forbidden
    east_desk = Actor(1, "li", "reviewer", branch_id=901)
    assert access.branch_scope(east_desk) == 901 and access.branch_scope(east_desk, 901) == 901
    with pytest.raises(Forbidden) as caught:
        access.branch_scope(east_desk, 902)
    assert caught.value.fields == {"branch": "not your branch"}
    city_desk = Actor(2, "wang", "reviewer")
    assert access.branch_scope(city_desk, 902) == 902 and access.branch_scope(city_desk) is None
    unit = Actor(3, "chen", "unit", unit_id=4, branch_id=901)
    assert access.branch_scope(unit, 902) == 902  # his unit confines him (unit_scope), not this


def test_a_branch_sees_the_supervision_visits_in_its_townships_or_by_its_units(city):
    assert ids(SupervisionVisit, access.visit_in_branch(901)) == [1, 2, 3]
    # The west sees its own, and the one its unit made in 东镇 (both branches see that one).
    assert ids(SupervisionVisit, access.visit_in_branch(902)) == [1, 4]
    assert access.visit_in_branch(None) is None
    assert ids(SupervisionVisit, access.visit_in_branch(None)) == [1, 2, 3, 4, 5]  # the city sees all


COMPLAINT = {"client_uuid": "9f1c2b3a-4d5e-4f60-8a7b-1c2d3e4f5a6b", "channel": "hotline", "category": "odour",
             "text": "异味", "address": "东镇", "received_at": "2026-11-20T09:00:00+08:00"}


def test_a_complaint_replayed_from_another_branch_is_refused_not_shown(city):
    first, created = complaints.record_complaint_result(SYSTEM, dict(COMPLAINT), now=NOW)
    first.township_id = 901  # placed in 东镇 (the desk's triage)
    db.session.flush()
    # An east officer (not the one who recorded it) replaying it gets the complaint back ...
    east = Actor(31, "dong", "reviewer", branch_id=901)
    assert complaints.record_complaint_result(east, dict(COMPLAINT), now=NOW) == (first, False)
    # ... a west officer is told the uuid is taken, never shown the east's complaint.
    west = Actor(32, "xi", "reviewer", branch_id=902)
    with pytest.raises(IdempotencyMismatch) as caught:
        complaints.record_complaint_result(west, dict(COMPLAINT), now=NOW)
    assert caught.value.fields == {"client_uuid": "already used with other content"}


def test_a_branch_sees_the_accountability_records_of_its_units_tasks_and_cases(city, make_case):
    from datetime import date

    from enforcement.models import AccountabilityRecord, Task
    case = make_case()
    case.township_id = 901  # a case in 东镇
    db.session.add(Task(id=901, title="东镇河道排查", township_id=901, host_unit_id=904, assigned_on=date(2026, 11, 2),
                        deadline=date(2026, 11, 30), created_at=AT, updated_at=AT))
    db.session.flush()
    records = [  # (id, unit, task, case)
        (1, 901, None, None),      # the east's unit
        (2, None, 901, None),      # a task in 东镇 hosted by the west's unit: both see it
        (3, None, None, case.id),  # a case in 东镇
        (4, 904, None, None),      # the west's unit
        (5, 903, None, None),      # the city department: no branch's
    ]
    db.session.add_all([AccountabilityRecord(id=i, target_kind="unit", unit_id=u, task_id=t, case_id=c,
                                             ground="late", decision="notice", decided_on=date(2026, 11, 20),
                                             respond_by=date(2026, 11, 30), created_at=AT)
                        for i, u, t, c in records])
    db.session.flush()
    assert ids(AccountabilityRecord, access.record_in_branch(901)) == [1, 2, 3]
    assert ids(AccountabilityRecord, access.record_in_branch(902)) == [2, 4]
    assert access.record_in_branch(None) is None
