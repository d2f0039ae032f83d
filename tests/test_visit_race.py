"""The lost race of a visit replay, on SQLite as well as PostgreSQL: a phone re-sends a visit, and
the first copy commits after this request checked the visit but before it inserts it. The
insert (``ON CONFLICT DO NOTHING RETURNING``) yields no row, and the request answers with the
winner's record: one visit, one audit event, the session still usable.

On SQLite a writer starts with BEGIN IMMEDIATE, so real requests never interleave like this;
the interleaving is made on the request's own connection, just before its INSERT: the winner
(an earlier visit given this UUID and this content) appears between the checks and the insert."""
from __future__ import annotations

from sqlalchemy import event, func, select, text

from support_app import NOW, new_uuid
from enforcement.extensions import db
from enforcement.models import AuditEvent, Visit
from enforcement.services.core.actor import Actor
from enforcement.services.field import visits


def _visit(enterprise, client_uuid):
    return {"client_uuid": client_uuid, "enterprise_id": enterprise.id,
            "visited_at": "2026-11-20T10:00:00+08:00", "lat": enterprise.lat + 0.0003,
            "lon": enterprise.lon, "accuracy_m": 8, "purpose": "routine", "unannounced": True,
            "inspectors": ["zhangwei", "liuyang"], "findings": "现场检查未发现问题"}


def test_a_replay_that_loses_the_race_on_the_unique_index_answers_with_the_winner(
        app, make_enterprise, make_user, writing):
    officer = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    enterprise = make_enterprise()
    winner = visits.record_visit(Actor.of(officer), _visit(enterprise, new_uuid()), now=NOW).visit
    db.session.commit()
    winner_id = winner.id
    db.session.expunge(winner)  # the winner was another request's: not in this session's memory

    data = _visit(enterprise, new_uuid())
    digest = visits.payload_hash(data)
    raced: list[str] = []

    def commit_the_winner_first(conn, cursor, statement, parameters, context, executemany):
        # (on PostgreSQL the visit's INSERT sits in a WITH that also writes its inspectors)
        if raced or "INSERT INTO VISIT " not in statement.upper():
            return
        raced.append(statement)
        cursor.execute(*_winner_takes(conn.dialect.name, data["client_uuid"], digest, winner_id))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", commit_the_winner_first)
    try:
        result = visits.record_visit(Actor.of(officer), data, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", commit_the_winner_first)
    db.session.commit()

    assert raced, "the request never inserted: the race was not run"
    assert not result.created and result.visit.id == winner_id
    assert result.visit.client_uuid == data["client_uuid"]
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
    assert db.session.scalars(select(AuditEvent.action)
                              .where(AuditEvent.action == "visit.record")).all() == ["visit.record"]
    # and a plain replay afterwards finds the same visit without any race
    again = visits.record_visit(Actor.of(officer), dict(data), now=NOW)
    assert not again.created and again.visit.id == winner_id
    assert db.session.execute(text("SELECT 1")).scalar() == 1


def _winner_takes(dialect: str, client_uuid: str, digest: str, visit_id: int):
    """The raw UPDATE that makes the earlier visit the racing winner (driver parameter style)."""
    if dialect == "sqlite":
        return ("UPDATE visit SET client_uuid = ?, payload_hash = ? WHERE id = ?",
                (client_uuid, digest, visit_id))
    return ("UPDATE visit SET client_uuid = %s, payload_hash = %s WHERE id = %s",
            (client_uuid, digest, visit_id))
