"""After a bulk load the app asks the database to refresh its planner statistics: on PostgreSQL
for its own tables only, never the rest of the database (another application's schema, or
another test worker's, whose TRUNCATE a database-wide ANALYZE once deadlocked with)."""
from __future__ import annotations

import os
import threading

import sqlalchemy as sa
from sqlalchemy import text

from enforcement.extensions import db, refresh_statistics


def test_statistics_are_refreshed_for_the_apps_tables_and_no_others(app):
    if app.config["DB_BACKEND"] == "sqlite":
        refresh_statistics()  # the whole file is the app's
        assert db.session.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar() == 1
        return
    other = sa.create_engine(os.environ["TEST_DATABASE_URL"])
    with other.begin() as conn:
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS another_app"))
        conn.execute(text("CREATE TABLE IF NOT EXISTS another_app.ledger (id int)"))
    holder = other.connect()
    busy = holder.begin()
    # Another application holds its own table: the app's refresh must not wait for it.
    holder.execute(text("LOCK TABLE another_app.ledger IN ACCESS EXCLUSIVE MODE"))
    failed: list[BaseException] = []

    def refresh() -> None:
        with app.app_context():
            try:
                refresh_statistics()
            except BaseException as exc:  # reported below
                failed.append(exc)

    worker = threading.Thread(target=refresh)
    try:
        worker.start()
        worker.join(15)
        waited = worker.is_alive()
    finally:
        busy.rollback()  # lets a refresh that waited finish
        holder.close()
        worker.join(30)
        with other.begin() as conn:
            conn.execute(text("DROP SCHEMA another_app CASCADE"))
        other.dispose()
    assert not waited, "the refresh waited on another schema's table"
    assert failed == []
    analysed = db.session.execute(text(
        "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'enterprise' "
        "AND schemaname = current_schema() AND last_analyze IS NOT NULL")).scalar()
    assert analysed == 1
