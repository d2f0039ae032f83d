"""Per-worker caches that a change anywhere invalidates at once.

A visit post used to read the bearer token, its user, every holiday and every quiet day: four
queries for facts that change a few times a year. Each app worker now keeps them, tagged with a
generation read from ``cache_stamp`` (one primary-key read per transaction). Any flush that
touches what a kind covers bumps that kind's generation in the same transaction, so a revoked
token or a new quiet day is seen by every worker of every server at its next request: nothing
waits for a timeout, and an app server still keeps no state that could disagree with another.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app
from sqlalchemy import event, update

from enforcement.extensions import db
from enforcement.models import ApiToken, CacheStamp, HolidayDay, QuietDay, Township, User

#: Which models each cached kind is made of. A role, a township or an account's activation
#: changes what a token's Actor says, so any change to a user counts.
COVERS: dict[str, tuple[type, ...]] = {
    "auth": (ApiToken, User),
    "calendar": (HolidayDay, QuietDay, Township),
}
_LOCK = threading.Lock()


def _kinds_touched(classes) -> set[str]:
    return {kind for kind, models in COVERS.items() if any(issubclass(c, models) for c in classes)}


def bump(session, kinds) -> None:
    for kind in sorted(kinds):  # one order, so two bumping transactions never deadlock
        session.connection().execute(
            update(CacheStamp)
            .where(CacheStamp.name == kind)
            .values(generation=CacheStamp.generation + 1)
        )
    session.info.pop("stamps", None)
    session.info.setdefault("bumped", set()).update(kinds)


@event.listens_for(db.session, "before_flush")
def _on_flush(session, flush_context, instances) -> None:
    kinds = _kinds_touched({type(o) for o in (*session.new, *session.dirty, *session.deleted)})
    if kinds:
        bump(session, kinds)


@event.listens_for(db.session, "do_orm_execute")
def _on_bulk(state) -> None:
    # Bulk UPDATE/DELETE/INSERT statements do not flush objects; they bump too.
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        kinds = _kinds_touched({state.bind_mapper.class_})
        if kinds:
            bump(state.session, kinds)


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_rollback")
def _forget(session) -> None:
    session.info.pop("stamps", None)  # the next transaction reads the generations again
    session.info.pop("bumped", None)


_READ = "SELECT name, generation FROM cache_stamp"


def generation(kind: str) -> int | None:
    """The kind's generation as this transaction sees it (read once per transaction)."""
    session = db.session
    stamps = session.info.get("stamps")
    if stamps is None:
        if session.autoflush:
            session.flush()  # as a query would: a pending change bumps first (see _on_flush)
        # Plain SQL: the first statement of nearly every request, two columns of a tiny table.
        stamps = dict(session.connection().exec_driver_sql(_READ).all())
        session.info["stamps"] = stamps
    return stamps.get(kind)


def cached(kind: str) -> dict[Any, Any] | None:
    """This worker's cache of ``kind`` for the current generation (emptied when it moved), or
    None when the database keeps no generation for it (then nothing may be cached), or when
    this very transaction changed what it covers: its new generation is nobody's until the
    commit, and a rollback would hand the same number to the next change, so what it read must
    not be cached under it."""
    if kind in db.session.info.get("bumped", ()):
        return None
    gen = generation(kind)
    if gen is None:
        return None
    caches = current_app.extensions.setdefault("stamp_caches", {})
    with _LOCK:
        entry = caches.get(kind)
        if entry is None or entry[0] != gen:
            entry = (gen, {})
            caches[kind] = entry
    return entry[1]
