"""The audit chain as an outside checker would recompute it: the exact bytes hashed, what verify
says and where, and the anchor's two refusals (mutation scope of `make mutants-guards`)."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from enforcement.extensions import db
from enforcement.models import AuditEvent
from enforcement.services.core import audit
from enforcement.services.core.actor import SYSTEM, Actor

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: 10:00 in Shanghai on 2026-11-25 is 02:00 UTC: the chain stores and hashes UTC.
TEN_IN_SHANGHAI = datetime(2026, 11, 25, 10, 0, 0, 250, tzinfo=SHANGHAI)
LI = Actor(3, "li", "reviewer")


def sha(prev: str, canonical: str) -> str:
    return hashlib.sha256(prev.encode() + canonical.encode("utf-8")).hexdigest()


def test_the_first_event_hashes_the_documented_canonical_json(app, writing):
    event = audit.record(LI, "case.open", "case", 7, now=TEN_IN_SHANGHAI,
                         before=None, after={"金额": Decimal("12.50"), "served_on": date(2026, 11, 2),
                                             "tags": ("a", "b"), "at": datetime(2026, 11, 2, 8, 30)})
    db.session.commit()
    # Keys sorted, no spaces, Chinese as UTF-8 (not \\u escapes), the instant in UTC with
    # microseconds, the object id as text, a Decimal and dates as strings, a tuple as a list.
    expected = ('{"action":"case.open","actor":"li","actor_id":3,'
                '"after":{"at":"2026-11-02T08:30:00","served_on":"2026-11-02","tags":["a","b"],'
                '"金额":"12.50"},"at":"2026-11-25T02:00:00.000250+00:00","before":null,"id":1,'
                '"object_id":"7","object_type":"case"}')
    assert event.id == 1 and event.prev_hash == audit.GENESIS == "0" * 64
    assert event.hash == sha("0" * 64, expected)
    assert event.object_id == "7" and event.after["金额"] == "12.50"
    assert event.at.replace(tzinfo=timezone.utc) == datetime(2026, 11, 25, 2, 0, 0, 250, tzinfo=timezone.utc)
    report = audit.verify()
    assert (report.ok, report.events, report.first_bad, report.reason, report.head_hash) == \
        (True, 1, None, "", event.hash)


def test_each_event_links_to_the_one_before_and_an_event_without_an_object_says_so(app, writing):
    first = audit.record(SYSTEM, "login", "user", None, now=TEN_IN_SHANGHAI)
    second = audit.record(SYSTEM, "login", "user", 0, now=TEN_IN_SHANGHAI + timedelta(seconds=1))
    db.session.commit()
    assert first.object_id is None and second.object_id == "0"
    assert (second.id, second.prev_hash) == (2, first.hash)
    expected = ('{"action":"login","actor":"system","actor_id":null,"after":null,'
                '"at":"2026-11-25T02:00:01.000250+00:00","before":null,"id":2,"object_id":"0",'
                '"object_type":"user"}')
    assert second.hash == sha(first.hash, expected)


def test_a_value_the_chain_cannot_store_is_refused_by_name(app, writing):
    with pytest.raises(TypeError, match="not JSON-serialisable: object"):
        audit.record(SYSTEM, "x", "thing", 1, now=TEN_IN_SHANGHAI, after={"v": object()})
    assert audit.jsonable({"s": {1}, "f": frozenset(), "d": Decimal("1.0")}) == \
        {"s": [1], "f": [], "d": "1.0"}


def test_bulk_events_are_hashed_exactly_as_single_ones(app, writing):
    single = audit.record(SYSTEM, "import", "enterprise", 1, now=TEN_IN_SHANGHAI, after={"n": 1})
    assert audit.record_many(SYSTEM, "import", "enterprise", [], now=TEN_IN_SHANGHAI) == 0
    assert audit.record_many(SYSTEM, "import", "enterprise",
                             [(2, {"n": 2}), (None, {"名": "甲"})], now=TEN_IN_SHANGHAI) == 2
    db.session.commit()
    rows = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    assert [r.id for r in rows] == [1, 2, 3]
    assert [r.prev_hash for r in rows] == [audit.GENESIS, single.hash, rows[1].hash]
    assert [r.object_id for r in rows] == ["1", "2", None]
    assert [(r.actor, r.actor_id, r.action, r.object_type, r.before) for r in rows[1:]] == \
        [("system", None, "import", "enterprise", None)] * 2
    at = '"at":"2026-11-25T02:00:00.000250+00:00"'
    assert rows[1].hash == sha(single.hash, '{"action":"import","actor":"system","actor_id":null,'
                               '"after":{"n":2},' + at + ',"before":null,"id":2,"object_id":"2",'
                               '"object_type":"enterprise"}')
    assert rows[2].hash == sha(rows[1].hash, '{"action":"import","actor":"system","actor_id":null,'
                               '"after":{"名":"甲"},' + at + ',"before":null,"id":3,"object_id":null,'
                               '"object_type":"enterprise"}')
    report = audit.verify()
    assert report.ok and report.events == 3 and report.head_hash == rows[2].hash


@pytest.fixture
def seven(app, writing):
    for i in range(7):
        audit.record(SYSTEM, "test.event", "thing", i, now=TEN_IN_SHANGHAI + timedelta(minutes=i),
                     before={"n": i}, after={"n": i + 1})
    db.session.commit()
    return [h for (h,) in db.session.execute(text("SELECT hash FROM audit_event ORDER BY id"))]


def test_verify_reads_in_batches_and_reports_the_head(seven):
    for batch in (1, 2, 3, 6, 7, 8, 20000):
        report = audit.verify(batch=batch)
        assert (report.ok, report.events, report.head_hash) == (True, 7, seven[-1]), batch


def test_verify_names_the_first_bad_event_and_why(seven):
    db.session.execute(text("UPDATE audit_event SET after = '{\"n\": 99}' WHERE id = 6"))
    db.session.commit()
    report = audit.verify(batch=2)  # event 6 is in the third batch
    assert (report.ok, report.events, report.first_bad, report.reason) == \
        (False, 5, 6, "content does not match its hash")
    assert report.head_hash == audit.GENESIS  # a broken chain has no head to anchor


def test_a_relinked_row_is_caught_by_its_previous_hash(seven):
    db.session.execute(text("UPDATE audit_event SET prev_hash = :h WHERE id = 4"), {"h": seven[0]})
    db.session.commit()
    report = audit.verify()
    assert (report.ok, report.events, report.first_bad, report.reason) == \
        (False, 3, 4, "previous hash does not match")


def test_a_missing_first_event_is_a_gap(seven):
    db.session.execute(text("DELETE FROM audit_event WHERE id = 1"))
    db.session.commit()
    report = audit.verify()
    assert (report.ok, report.events, report.first_bad, report.reason) == \
        (False, 0, 2, "gap or reorder before event 2")


def test_an_empty_chain_verifies_with_the_genesis_head(app, writing):
    db.session.execute(text("DELETE FROM audit_event"))
    db.session.commit()
    assert audit.verify() == audit.ChainReport(True, 0, None, "", audit.GENESIS)


def test_the_anchor_names_truncation_and_rewriting(seven):
    assert audit.check_anchor(7, seven[-1]) is None
    assert audit.check_anchor(3, seven[2]) is None  # an older anchor of the same chain
    assert audit.check_anchor(8, seven[-1]) == "event 8 is missing: the chain was truncated"
    assert audit.check_anchor(7, seven[-2]) == \
        "event 7 has another hash than the anchor: the chain was rewritten"


def test_an_instant_hashes_the_same_whichever_way_the_driver_returns_it():
    # SQLite hands back text (naive or with an offset); PostgreSQL an aware datetime in any zone.
    expected = "2026-11-25T02:00:00.000250+00:00"
    for value in ("2026-11-25 02:00:00.000250", "2026-11-25T10:00:00.000250+08:00",
                  datetime(2026, 11, 25, 2, 0, 0, 250), TEN_IN_SHANGHAI):
        assert audit._iso_utc(value) == expected, value
    assert [audit._json(v) for v in (None, "null", '{"a": 1}', b"[1]", {"a": 2})] == \
        [None, None, {"a": 1}, [1], {"a": 2}]


@pytest.fixture
def china_time(monkeypatch):
    """The server's own clock set to China time (TZ=Asia/Shanghai), as many bureau servers are."""
    import time
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_bulk_events_name_their_officer_and_keep_utc_on_a_server_set_to_china_time(app, writing, china_time):
    # A server whose local time zone is Asia/Shanghai still stores and hashes the instant in UTC.
    audit.record_many(LI, "import", "enterprise", [(5, {"n": 5})], now=TEN_IN_SHANGHAI)
    db.session.commit()
    (row,) = db.session.query(AuditEvent).all()
    assert (row.actor_id, row.actor) == (3, "li")
    assert row.hash == sha(audit.GENESIS, '{"action":"import","actor":"li","actor_id":3,"after":{"n":5},'
                           '"at":"2026-11-25T02:00:00.000250+00:00","before":null,"id":1,"object_id":"5",'
                           '"object_type":"enterprise"}')
    assert audit.verify().ok


def test_verify_on_a_server_set_to_china_time_reads_every_stored_instant_as_utc(app, writing, china_time):
    # The chain stores UTC; the driver hands it back as naive text (SQLite) or an aware value
    # (PostgreSQL). Read as the server's local time, every instant would move by eight hours and
    # every hash would break.
    expected = "2026-11-25T02:00:00.000250+00:00"
    for value in ("2026-11-25 02:00:00.000250", datetime(2026, 11, 25, 2, 0, 0, 250), TEN_IN_SHANGHAI):
        assert audit._iso_utc(value) == expected, value
    audit.record(LI, "case.open", "case", 7, now=TEN_IN_SHANGHAI, after={"n": 1})
    audit.record(LI, "case.close", "case", 7, now=TEN_IN_SHANGHAI + timedelta(hours=1), after={"n": 2})
    db.session.commit()
    report = audit.verify()
    assert (report.ok, report.events, report.first_bad) == (True, 2, None)


def test_what_an_event_changed_from_is_kept_and_hashed(app, writing):
    # A case moved from "ordered" to "executed": the "before" is evidence as much as the "after".
    event = audit.record(LI, "case.event", "case", 7, now=TEN_IN_SHANGHAI,
                         before={"state": "ordered"}, after={"state": "executed"})
    db.session.commit()
    stored = db.session.get(AuditEvent, event.id)
    assert (stored.before, stored.after) == ({"state": "ordered"}, {"state": "executed"})
    assert stored.hash == sha(audit.GENESIS, '{"action":"case.event","actor":"li","actor_id":3,'
                              '"after":{"state":"executed"},"at":"2026-11-25T02:00:00.000250+00:00",'
                              '"before":{"state":"ordered"},"id":1,"object_id":"7","object_type":"case"}')
    assert audit.verify().ok is True


def test_desks_appending_at_the_same_moment_keep_one_unbroken_chain(app):
    # Four desks record at once. Each append reads the chain's head and writes the next event
    # under a lock held to its commit (PostgreSQL: an advisory lock; SQLite: the writer's
    # BEGIN IMMEDIATE), so no two events claim the same place and no desk is refused.
    import threading

    from enforcement.extensions import write_intent
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def desk(n: int) -> None:
        with app.app_context():
            token = write_intent.set(True)
            try:
                start.wait()
                for i in range(10):
                    audit.record(LI, "case.note", "case", n * 100 + i, now=TEN_IN_SHANGHAI)
                    db.session.commit()
            except BaseException as exc:  # whatever a desk met is reported below
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()
                write_intent.reset(token)

    desks = [threading.Thread(target=desk, args=(n,)) for n in range(4)]
    for t in desks:
        t.start()
    for t in desks:
        t.join(60)
    assert errors == []
    report = audit.verify()
    assert (report.ok, report.events) == (True, 40)
