"""The hash-chained audit log. Every state change, edit and export appends one event here."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, insert, select

from enforcement.extensions import db
from enforcement.models import AuditEvent
from enforcement.services.core.actor import Actor

GENESIS = "0" * 64
# Any constant: serialises appenders on PostgreSQL so the chain never forks.
_PG_LOCK_KEY = 7_274_201


def _default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def jsonable(value):
    """The value as it will be stored and hashed (dates as ISO strings)."""
    return json.loads(json.dumps(value, default=_default))


# Built once: json.dumps would build an encoder again for every event.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
)


def canonical(body: dict) -> bytes:
    return _CANONICAL.encode(body).encode()


def _body(
    event_id: int,
    at: str,
    actor_id,
    actor: str,
    action: str,
    object_type: str,
    object_id,
    before,
    after,
) -> dict:
    return {
        "id": event_id,
        "at": at,
        "actor_id": actor_id,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
    }


def chain_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(body)).hexdigest()


# The chain's head. On PostgreSQL it is read in the same round trip as the appenders' lock is
# taken: two statements in one simple query, each with its own snapshot under READ COMMITTED,
# so the head is read after the lock is held. (One statement could not do it: its snapshot
# would predate the lock, and two appenders would both read the same head and fork the chain.)
_HEAD = "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1"
_PG_LOCKED_HEAD = f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY}); {_HEAD}"


def _locked_head() -> tuple[int, str]:
    """The chain's last (id, hash), with appenders serialised for the rest of the transaction
    (an advisory lock on PostgreSQL; on SQLite the write transaction already is exclusive).
    Sent as plain SQL: two values, no ORM query to build for each event."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        result = connection.exec_driver_sql(_PG_LOCKED_HEAD)
        cursor = result.cursor
        cursor.nextset()  # past the lock's own answer, to the head's
        head = cursor.fetchone()
        result.close()
    else:
        head = connection.exec_driver_sql(_HEAD).first()
    return (head[0], head[1]) if head else (0, GENESIS)


def record(
    actor: Actor,
    action: str,
    obj_type: str,
    obj_id,
    *,
    now: datetime,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (flushed, not committed).
    The row goes in as one prepared INSERT: the returned event is not kept in the session
    (nothing reads it back), so the append costs no unit-of-work flush of its own."""
    session = db.session
    session.flush()  # what the caller changed goes first, as an ORM append used to flush it
    prev_id, prev_hash = _locked_head()
    row = _event_row(prev_id + 1, prev_hash, now, actor, action, obj_type, obj_id, before, after)
    session.connection().execute(_insert_event(), row)
    return AuditEvent(**row)


def _event_row(
    event_id: int,
    prev_hash: str,
    now: datetime,
    actor: Actor,
    action: str,
    obj_type: str,
    obj_id,
    before: dict | None,
    after: dict | None,
) -> dict:
    """One event's row: its hashed body (what ``verify`` recomputes) and the hash chained to
    ``prev_hash``; ``record`` and ``record_many`` both append through it."""
    now = now.astimezone(timezone.utc)
    body = _body(
        event_id,
        now.isoformat(timespec="microseconds"),
        actor.id,
        actor.username,
        action,
        obj_type,
        None if obj_id is None else str(obj_id),
        jsonable(before),
        jsonable(after),
    )
    return {
        "id": event_id,
        "at": now,
        "actor_id": actor.id,
        "actor": actor.username,
        "action": action,
        "object_type": obj_type,
        "object_id": body["object_id"],
        "before": body["before"],
        "after": body["after"],
        "prev_hash": prev_hash,
        "hash": chain_hash(prev_hash, body),
    }


@functools.cache
def _insert_event():
    return insert(cast(Table, AuditEvent.__table__))


def record_many(actor: Actor, action: str, obj_type: str, items, *, now: datetime) -> int:
    """Append one event per ``(object_id, after)`` in a single bulk insert (imports, demo data):
    the same chain as ``record``, without a round trip per event."""
    session = db.session
    session.flush()
    prev_id, prev_hash = _locked_head()
    rows = []
    for obj_id, after in items:
        prev_id += 1
        row = _event_row(prev_id, prev_hash, now, actor, action, obj_type, obj_id, None, after)
        rows.append(row)
        prev_hash = row["hash"]
    if rows:
        session.execute(insert(AuditEvent), rows)
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_bad: int | None
    reason: str = ""
    head_hash: str = GENESIS


def _iso_utc(value) -> str:
    """The stored instant as hashed: ISO 8601 UTC with microseconds. Raw driver values are read
    (SQLite hands back text, PostgreSQL an aware datetime) so verifying a million events does not
    pay for ORM type conversion."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _json(value):
    if value is None or value == "null":
        return None
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def verify(batch: int = 20000) -> ChainReport:
    """Walk the chain in id order and recompute every hash. A changed row breaks at itself, a
    deleted or inserted row at the next one, renumbered rows at the first renumbered."""
    prev_hash, prev_id, count = GENESIS, 0, 0
    connection = db.session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (
        "SELECT id, at, actor_id, actor, action, object_type, object_id, before, after, "
        f"prev_hash, hash FROM audit_event WHERE id > {marker} ORDER BY id LIMIT {marker}"
    )
    last = 0
    sha256, encode = hashlib.sha256, _CANONICAL.encode
    while True:
        # The driver's own cursor: plain tuples, no ORM or type processing per row.
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, (last, batch))
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if not rows:
            break
        for (
            eid,
            at,
            actor_id,
            actor,
            action,
            otype,
            oid,
            before,
            after,
            stored_prev,
            stored_hash,
        ) in rows:
            if eid != prev_id + 1:
                return ChainReport(False, count, eid, f"gap or reorder before event {eid}")
            if stored_prev != prev_hash:
                return ChainReport(False, count, eid, "previous hash does not match")
            body = _body(
                eid, _iso_utc(at), actor_id, actor, action, otype, oid, _json(before), _json(after)
            )
            digest = sha256(prev_hash.encode() + encode(body).encode()).hexdigest()
            if digest != stored_hash:
                return ChainReport(False, count, eid, "content does not match its hash")
            prev_hash, prev_id = stored_hash, eid
            count += 1
        last = rows[-1][0]
    return ChainReport(True, count, None, head_hash=prev_hash)


def check_anchor(events: int, head_hash: str) -> str | None:
    """None if the chain still holds an exported head (event number ``events`` with that hash),
    else why not. Verify proves the rows agree with each other; an anchor kept outside the
    database proves that rows were not cut off the end, which the chain alone cannot show."""
    row = db.session.execute(select(AuditEvent.hash).where(AuditEvent.id == events)).first()
    if row is None:
        return f"event {events} is missing: the chain was truncated"
    if row[0] != head_hash:
        return f"event {events} has another hash than the anchor: the chain was rewritten"
    return None
