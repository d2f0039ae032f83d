"""Extension singletons. They live here, alone, so nothing imports the app package to get ``db``."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names: Alembic needs them to alter tables, SQLite included.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# expire_on_commit=False: a view commits, then serialises what it just wrote; expiring would
# re-read every row in a new transaction (on SQLite a writer's BEGIN IMMEDIATE) just to answer.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# The models' base class. ``db.Model`` is built at run time, so a type checker cannot see it as a
# class; to mypy the models derive from ``Base`` (what ``db.Model`` extends).
if TYPE_CHECKING:

    class Model(Base):
        __abstract__ = True
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

#: Set for a unit of work that will write. On SQLite such a transaction starts with
#: BEGIN IMMEDIATE: a deferred transaction that read first and writes later fails with
#: SQLITE_BUSY_SNAPSHOT when another writer committed in between, which would turn a
#: harmless race into an error (and would fork the audit chain if it did not fail).
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_on_begin) instead of pysqlite's own guess.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # WAL + NORMAL keeps every committed transaction after an application crash; only an OS
    # crash can lose the last ones, never corrupt the file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Keep the planner's statistics fresh (cheaply: a sampled ANALYZE only where tables changed a
    # lot). Without them SQLite guessed that "open cases" (an OR over action and state) was more
    # selective than "cases of these 500 enterprises" and read all 200,000 cases per map request.
    cursor.execute("PRAGMA analysis_limit=1000")
    cursor.execute("PRAGMA optimize=0x10002")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def refresh_statistics() -> None:
    """After a bulk load: give the query planner fresh statistics (PostgreSQL's autovacuum would
    get there by itself, later; SQLite never does unless asked)."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")
            return
        # PostgreSQL: the app's own tables only. A bare ANALYZE walks every table of the
        # database, other schemas' included (another application's, or another test worker's,
        # whose TRUNCATE it then deadlocked with).
        names = ", ".join(conn.dialect.identifier_preparer.quote(t) for t in Base.metadata.tables)
        conn.exec_driver_sql(f"ANALYZE {names}")
