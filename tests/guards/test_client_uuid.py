"""A phone or a double-clicked form sends the same record again under its client_uuid: the
bureau keeps one record, and the same uuid with other content is refused, never merged
(mutation scope of `make mutants-guards`: visits, complaints; photos in test_photo_checks)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from support_app import NOW
from enforcement.errors import IdempotencyMismatch
from enforcement.extensions import db
from enforcement.models import Complaint, Visit
from enforcement.services.core.actor import SYSTEM, Actor
from enforcement.services.desk import complaints
from enforcement.services.field import visits

KEY = "5d0c2b1e-8f3a-4c6d-9e7f-0a1b2c3d4e5f"


@pytest.fixture
def visit_data(make_user, make_enterprise, writing):
    zhang = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    firm = make_enterprise()
    data = {"client_uuid": KEY, "enterprise_id": firm.id, "visited_at": "2026-11-20T10:00:00+08:00",
            "lat": 39.9601, "lon": 116.8301, "accuracy_m": 8, "purpose": "routine",
            "unannounced": True, "inspectors": ["zhangwei", "liuyang"], "findings": "正常"}
    return Actor.of(zhang), data


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_visit_sent_twice_is_one_visit(visit_data):
    actor, data = visit_data
    first = visits.record_visit(actor, data, now=NOW)
    again = visits.record_visit(actor, dict(data), now=NOW)
    assert (first.created, again.created, again.visit.id) == (True, False, first.visit.id)
    assert count(Visit) == 1


@pytest.mark.parametrize("change", [
    {"findings": "排污口无标志"}, {"purpose": "complaint"}, {"unannounced": False}, {"lat": 39.9602},
    {"lon": 116.8302}, {"accuracy_m": 9}, {"visited_at": "2026-11-20T10:01:00+08:00"},
    {"inspectors": ["liuyang", "zhangwei"]}, {"approval_ref": "审批-1"}, {"result": {"x": 1}},
])
def test_the_same_uuid_with_another_visit_is_refused(visit_data, change):
    actor, data = visit_data
    visits.record_visit(actor, data, now=NOW)
    with pytest.raises(IdempotencyMismatch) as caught:
        visits.record_visit(actor, {**data, **change}, now=NOW)
    assert caught.value.fields == {"client_uuid": "already used with other content"}
    assert caught.value.message == "This client_uuid was already used for a different visit."
    assert count(Visit) == 1


def test_fields_the_visit_form_does_not_submit_do_not_make_it_another_visit(visit_data):
    actor, data = visit_data
    first = visits.record_visit(actor, data, now=NOW)
    assert visits.payload_hash({**data, "csrf_token": "abc"}) == visits.payload_hash(data)
    assert visits.payload_hash({**data, "findings": "x"}) != visits.payload_hash(data)
    again = visits.record_visit(actor, {**data, "csrf_token": "abc"}, now=NOW)
    assert again.visit.id == first.visit.id and not again.created


COMPLAINT = {"client_uuid": KEY, "channel": "hotline", "category": "odour", "text": "异味",
             "address": "燕郊镇", "received_at": "2026-11-20T09:00:00+08:00"}


def test_a_complaint_sent_twice_is_one_complaint(app, writing):
    first, created = complaints.record_complaint_result(SYSTEM, dict(COMPLAINT), now=NOW)
    again, created_again = complaints.record_complaint_result(SYSTEM, dict(COMPLAINT), now=NOW)
    assert (created, created_again, again.id) == (True, False, first.id)
    assert count(Complaint) == 1


@pytest.mark.parametrize("change", [
    {"channel": "mailbox"}, {"category": "noise"}, {"text": "噪声"}, {"address": "古城镇"},
    {"lat": 39.96, "lon": 116.83},
])
def test_the_same_uuid_with_another_complaint_is_refused(app, writing, change):
    complaints.record_complaint_result(SYSTEM, dict(COMPLAINT), now=NOW)
    with pytest.raises(IdempotencyMismatch) as caught:
        complaints.record_complaint_result(SYSTEM, {**COMPLAINT, **change}, now=NOW)
    assert caught.value.fields == {"client_uuid": "already used with other content"}
    assert caught.value.message == "This client_uuid was already used for a different complaint."
    assert count(Complaint) == 1


def test_the_same_uuid_with_another_enterprise_is_refused(make_enterprise, writing):
    firm = make_enterprise()
    complaints.record_complaint_result(SYSTEM, dict(COMPLAINT), now=NOW)
    with pytest.raises(IdempotencyMismatch):
        complaints.record_complaint_result(SYSTEM, {**COMPLAINT, "enterprise_id": firm.id}, now=NOW)


def test_complaints_without_a_uuid_are_each_their_own(app, writing):
    bare = {k: v for k, v in COMPLAINT.items() if k != "client_uuid"}
    one, created_one = complaints.record_complaint_result(SYSTEM, dict(bare), now=NOW)
    two, created_two = complaints.record_complaint_result(SYSTEM, dict(bare), now=NOW)
    assert created_one and created_two and one.id != two.id
    assert complaints._existing(SYSTEM, None, {}) is None and complaints._existing(SYSTEM, "", {}) is None


def deactivate(username):
    from enforcement.models import User
    db.session.scalar(select(User).where(User.username == username)).is_active_account = False
    db.session.flush()


def test_a_replay_after_an_inspector_was_deactivated_is_answered_with_the_recorded_visit(visit_data):
    # The phone sends again a visit recorded before liuyang was deactivated: its content would
    # be refused today, but it was recorded then; the phone gets that record, nothing new.
    actor, data = visit_data
    first = visits.record_visit(actor, data, now=NOW)
    deactivate("liuyang")
    again = visits.record_visit(actor, dict(data), now=NOW)
    assert (again.created, again.visit.id) == (False, first.visit.id)
    assert count(Visit) == 1


def test_a_replay_with_other_content_that_fails_the_checks_is_refused_as_another_visit(visit_data):
    actor, data = visit_data
    visits.record_visit(actor, data, now=NOW)
    deactivate("liuyang")
    with pytest.raises(IdempotencyMismatch) as caught:
        visits.record_visit(actor, {**data, "findings": "排污口无标志"}, now=NOW)
    assert caught.value.fields == {"client_uuid": "already used with other content"}
    assert caught.value.message == "This client_uuid was already used for a different visit."


def test_a_new_visit_that_fails_the_checks_is_refused_with_its_own_reason(visit_data):
    from enforcement.errors import ValidationError
    actor, data = visit_data
    deactivate("liuyang")
    with pytest.raises(ValidationError) as caught:
        visits.record_visit(actor, data, now=NOW)
    assert caught.value.fields == {"inspectors": "deactivated: liuyang"}
    assert count(Visit) == 0
    assert visits._existing(KEY, visits.payload_hash(data)) is None


def test_the_visits_digest_stays_the_one_stored_with_recorded_visits():
    # Recorded visits keep this digest; a replay after an upgrade must hash the same content to
    # the same value (sha256 of the canonical JSON of every submitted field, missing ones null).
    data = {"client_uuid": KEY, "findings": "正常", "csrf_token": "abc"}
    assert visits.payload_hash(data) == "3ccb6226846aec1f9cea31282df1b0e8b40d040ee5196f8aab789bc3faf74af7"
    assert visits.payload_hash({}) == visits.payload_hash({"findings": None})


def test_a_replay_is_answered_from_one_read_of_the_visit_its_officers_and_photos(visit_data):
    # A phone that lost the first answer sends its whole queue again: each replay is answered with
    # the recorded visit, its officers and its photos read together (one SELECT), not one read
    # each (visits._existing).
    from sqlalchemy import event

    from enforcement.services.casework import serialize
    actor, data = visit_data
    visits.record_visit(actor, data, now=NOW)
    db.session.commit()
    db.session.expunge_all()  # a new request: nothing of the visit is in the session
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()).upper())

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        again = visits.record_visit(actor, dict(data), now=NOW)
        answer = serialize.visit_dict(again.visit)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert not again.created and sorted(answer["inspectors"]) == ["liuyang", "zhangwei"]
    assert answer["photos"] == []
    reads = [s for s in statements if s.startswith("SELECT") and
             ("VISIT_INSPECTOR" in s or "FROM PHOTO" in s or "JOIN PHOTO" in s)]
    assert len(reads) == 1, reads
    assert "VISIT_INSPECTOR" in reads[0] and "PHOTO" in reads[0]
