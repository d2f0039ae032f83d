"""The hash-chained audit log. Every state change, edit and export appends one event here."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select, text

from ..extensions import db
from ..models import AuditEvent
from .actor import Actor

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


def canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default).encode()


def _body(event_id: int, at: str, actor_id, actor: str, action: str, object_type: str,
          object_id, before, after) -> dict:
    return {"id": event_id, "at": at, "actor_id": actor_id, "actor": actor, "action": action,
            "object_type": object_type, "object_id": object_id, "before": before, "after": after}


def chain_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(body)).hexdigest()


def _locked_head() -> tuple[int, str]:
    """The chain's last (id, hash), with appenders serialised for the rest of the transaction
    (an advisory lock on PostgreSQL; on SQLite the write transaction already is exclusive)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    head = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return tuple(head) if head else (0, GENESIS)


def record(actor: Actor, action: str, obj_type: str, obj_id, *, now: datetime,
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    session = db.session
    prev_id, prev_hash = _locked_head()
    now = now.astimezone(timezone.utc)
    at = now.isoformat(timespec="microseconds")
    body = _body(prev_id + 1, at, actor.id, actor.username, action, obj_type,
                 None if obj_id is None else str(obj_id), jsonable(before), jsonable(after))
    event = AuditEvent(
        id=prev_id + 1, at=now, actor_id=actor.id, actor=actor.username, action=action,
        object_type=obj_type, object_id=body["object_id"], before=body["before"],
        after=body["after"], prev_hash=prev_hash, hash=chain_hash(prev_hash, body),
    )
    session.add(event)
    session.flush()
    return event


def record_many(actor: Actor, action: str, obj_type: str, items, *, now: datetime) -> int:
    """Append one event per ``(object_id, after)`` in a single bulk insert (imports, demo data):
    the same chain as ``record``, without a round trip per event."""
    from sqlalchemy import insert
    session = db.session
    prev_id, prev_hash = _locked_head()
    now = now.astimezone(timezone.utc)
    at = now.isoformat(timespec="microseconds")
    rows = []
    for obj_id, after in items:
        prev_id += 1
        body = _body(prev_id, at, actor.id, actor.username, action, obj_type,
                     None if obj_id is None else str(obj_id), None, jsonable(after))
        digest = chain_hash(prev_hash, body)
        rows.append({"id": prev_id, "at": now, "actor_id": actor.id, "actor": actor.username,
                     "action": action, "object_type": obj_type, "object_id": body["object_id"],
                     "before": None, "after": body["after"], "prev_hash": prev_hash,
                     "hash": digest})
        prev_hash = digest
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


def verify(batch: int = 5000) -> ChainReport:
    """Walk the chain in id order and recompute every hash. A changed row breaks at itself, a
    deleted or inserted row at the next one, renumbered rows at the first renumbered."""
    prev_hash, prev_id, count = GENESIS, 0, 0
    columns = (AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.actor,
               AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id,
               AuditEvent.before, AuditEvent.after, AuditEvent.prev_hash, AuditEvent.hash)
    last = 0
    while True:
        rows = db.session.execute(
            select(*columns).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for (eid, at, actor_id, actor, action, otype, oid, before, after, stored_prev,
             stored_hash) in rows:
            if eid != prev_id + 1:
                return ChainReport(False, count, eid, f"gap or reorder before event {eid}")
            if stored_prev != prev_hash:
                return ChainReport(False, count, eid, "previous hash does not match")
            body = _body(eid, at.isoformat(timespec="microseconds"), actor_id, actor, action,
                         otype, oid, before, after)
            if chain_hash(prev_hash, body) != stored_hash:
                return ChainReport(False, count, eid, "content does not match its hash")
            prev_hash, prev_id = stored_hash, eid
            count += 1
        last = rows[-1][0]
    return ChainReport(True, count, None, head_hash=prev_hash)
