"""PostGIS where the database has it (issue #21): a ``geog`` column on enterprise (geography,
generated from lat/lon by PostgreSQL itself, so no writer can forget it) with a GiST index, for
``near`` (ST_DWithin and the KNN ``<->`` order). Without PostGIS (SQLite, or a PostgreSQL without
the extension) the plain (lat, lon) index path answers the same questions.

The column is not in the models: it exists only where PostGIS does, and migrations/env.py keeps
it out of the models-vs-migrations check. PostGIS's types and functions live in the schema the
extension was created in (``public`` usually), which a per-worker test schema's search_path does
not include, so every name here is qualified with that schema.
"""

from __future__ import annotations

from sqlalchemy import text

from enforcement.extensions import db

GEOG_COLUMN = "geog"
GEOG_INDEX = "ix_enterprise_geog"

#: engine url -> the PostGIS schema when enterprise.geog exists there, else None.
_detected: dict[str, str | None] = {}


def postgis_schema(conn) -> str | None:
    """The schema holding PostGIS in this database, or None when it is not installed."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.execute(
        text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'postgis'"
        )
    ).scalar()


def enable(conn, *, create_extension: bool = True) -> bool:
    """Add the generated geography column and its GiST index to ``enterprise`` in the current
    schema when PostGIS is (or can be made) available; False otherwise. Safe to run twice."""
    if conn.dialect.name != "postgresql":
        return False
    schema = postgis_schema(conn)
    if schema is None and create_extension:
        try:
            with conn.begin_nested():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"))
        except Exception:  # not installed on this server, or no right to create it
            return False
        schema = postgis_schema(conn)
    if schema is None:
        return False
    conn.execute(
        text(
            f"ALTER TABLE enterprise ADD COLUMN IF NOT EXISTS {GEOG_COLUMN} {schema}.geography(Point, 4326) "
            f"GENERATED ALWAYS AS (CASE WHEN lat IS NOT NULL AND lon IS NOT NULL THEN "
            f"{schema}.ST_SetSRID({schema}.ST_MakePoint(lon, lat), 4326)::{schema}.geography END) STORED"
        )
    )
    conn.execute(
        text(f"CREATE INDEX IF NOT EXISTS {GEOG_INDEX} ON enterprise USING gist ({GEOG_COLUMN})")
    )
    _detected.clear()
    return True


def geog_schema() -> str | None:
    """The PostGIS schema when this database's enterprise table has the ``geog`` column (asked
    once per database and schema path, then remembered); None means the plain index path."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        return None
    key = str(conn.engine.url)
    if key not in _detected:
        has = conn.execute(
            text(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'enterprise' AND column_name = :c"
            ),
            {"c": GEOG_COLUMN},
        ).first()
        _detected[key] = postgis_schema(conn) if has else None
    return _detected[key]


def forget() -> None:
    """Ask again at the next query (after a schema change made outside ``enable``)."""
    _detected.clear()
