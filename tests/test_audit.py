"""The audit chain: every change leaves an event, and tampering is caught at the exact event."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from support_app import NOW
from enforcement.extensions import db
from enforcement.services.core import audit
from enforcement.services.core.actor import SYSTEM


@pytest.fixture
def chain(app, writing):
    for i in range(6):
        audit.record(SYSTEM, "test.event", "thing", i, now=NOW, before={"n": i},
                     after={"n": i + 1, "名称": "三河"})
    db.session.commit()
    return [row[0] for row in db.session.execute(text("SELECT id FROM audit_event ORDER BY id"))]


def test_an_untouched_chain_verifies(chain):
    report = audit.verify()
    assert report.ok and report.events == 6 and report.first_bad is None


def test_a_changed_row_is_caught_at_that_row(chain):
    db.session.execute(text("UPDATE audit_event SET action = 'test.forged' WHERE id = 3"))
    db.session.commit()
    report = audit.verify()
    assert not report.ok and report.first_bad == 3


def test_a_changed_payload_is_caught(chain):
    db.session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = 5"))
    db.session.commit()
    assert audit.verify().first_bad == 5


def test_a_deleted_row_is_caught_at_the_next_row(chain):
    db.session.execute(text("DELETE FROM audit_event WHERE id = 2"))
    db.session.commit()
    report = audit.verify()
    assert not report.ok and report.first_bad == 3


def test_an_inserted_row_is_caught(chain):
    db.session.execute(text(
        "INSERT INTO audit_event (id, at, actor_id, actor, action, object_type, object_id, "
        "before, after, prev_hash, hash) SELECT 100, at, actor_id, actor, action, object_type, "
        "object_id, before, after, prev_hash, 'f' || substr(hash, 2) FROM audit_event WHERE id = 6"))
    db.session.commit()
    assert audit.verify().first_bad == 100


def test_bulk_appends_continue_the_same_chain(chain):
    audit.record_many(SYSTEM, "test.bulk", "thing", [(i, {"i": i}) for i in range(50)], now=NOW)
    audit.record(SYSTEM, "test.after", "thing", 1, now=NOW)
    db.session.commit()
    report = audit.verify(batch=7)
    assert report.ok and report.events == 57


def test_swapped_rows_are_caught_at_the_first_of_them(chain):
    for old, new in ((2, 1000), (3, 2), (1000, 3)):
        db.session.execute(text("UPDATE audit_event SET id = :n WHERE id = :o"), {"n": new, "o": old})
    db.session.commit()
    assert audit.verify().first_bad == 2


def test_an_anchor_detects_truncation_that_the_chain_alone_cannot(chain):
    head = audit.verify()
    assert audit.check_anchor(head.events, head.head_hash) is None
    db.session.execute(text("DELETE FROM audit_event WHERE id = 6"))
    db.session.commit()
    assert audit.verify().ok  # the shorter chain is still internally consistent...
    assert "truncated" in audit.check_anchor(head.events, head.head_hash)  # ...but not anchored


def test_tampering_is_caught_at_the_exact_event_in_every_trial(app, writing):
    """Randomised: each trial builds a fresh 40-event chain, tampers at a random event and
    expects verify to name that event (the one after it for a deletion)."""
    import random
    rng = random.Random(2026)
    for trial in range(80):
        db.session.execute(text("DELETE FROM audit_event"))
        for i in range(40):
            audit.record(SYSTEM, "test.event", "thing", i, now=NOW, after={"n": i})
        db.session.commit()
        kind = ("change", "delete", "swap", "insert")[trial % 4]
        target = rng.randint(1, 39)
        if kind == "change":
            db.session.execute(text("UPDATE audit_event SET object_id = 'x' WHERE id = :i"), {"i": target})
            expected = target
        elif kind == "delete":
            db.session.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": target})
            expected = target + 1
        elif kind == "swap":
            for old, new in ((target, 1000), (target + 1, target), (1000, target + 1)):
                db.session.execute(text("UPDATE audit_event SET id = :n WHERE id = :o"),
                                   {"n": new, "o": old})
            expected = target
        else:
            db.session.execute(text(
                "UPDATE audit_event SET id = id + 1000 WHERE id >= :i"), {"i": target})
            db.session.execute(text(
                "UPDATE audit_event SET id = id - 999 WHERE id >= :i"), {"i": target + 1000})
            db.session.execute(text(
                "INSERT INTO audit_event (id, at, actor_id, actor, action, object_type, object_id, "
                "before, after, prev_hash, hash) SELECT :i, at, actor_id, actor, 'forged', "
                "object_type, object_id, before, after, prev_hash, 'f' || substr(hash, 2) FROM audit_event "
                "WHERE id = :j"), {"i": target, "j": target + 1})
            expected = target
        db.session.commit()
        report = audit.verify()
        assert not report.ok and report.first_bad == expected, (kind, target, report)
