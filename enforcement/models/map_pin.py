"""PostgreSQL keeps each site's map pin as text (issue #21): ``enterprise.map_pin``, a column
PostgreSQL generates from the row itself, holding the GeoJSON Feature of the site up to its last
own member (geometry, id, name, codes, coordinates, address). A map box then reads one stored
text per site instead of a dozen columns to format, and the app adds only what is not the
row's own: the township's code (a township may be renamed) and what depends on the day (the
pin's state and overdue, ``services.maps.enterprise_search``).

Generated, not written by the app: every writer (a form, the register import, a bulk statement,
a restore) keeps it right without knowing it exists. SQLite needs no such column: its box writes
each pin with JSON1 in the query, within the goal (benchmarks/results.md).

The text is exactly what Python's ``json.dumps`` writes for the same values (tested): strings
through ``to_json`` (the same escapes: quotes, backslash, ``\\b \\f \\n \\r \\t`` and other
control characters as lower-case ``\\u00xx``, everything else kept as UTF-8), floats as their
shortest exact digits (PostgreSQL's output since version 12) with repr's ``.0`` on a whole
number. ``to_json`` is declared stable only because of other types' output; for text it is
immutable, which a generated column requires, hence the small wrapper function.

Not in the models: migrations/env.py keeps the column out of the models-vs-migrations check.
"""

from __future__ import annotations

from sqlalchemy import event

COLUMN = "map_pin"
FUNCTION = "enforcement_json_text"

_FUNCTION_SQL = (
    f"CREATE OR REPLACE FUNCTION {FUNCTION}(value text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT to_json(value)::text $$"
)


def _string(column: str) -> str:
    return f"coalesce({FUNCTION}({column}), 'null')"


def _float(column: str) -> str:
    # repr writes 117.0 where PostgreSQL writes 117.
    return (
        f"CASE WHEN {column} = trunc({column}) AND abs({column}) < 1e16 "
        f"THEN {column}::text || '.0' ELSE {column}::text END"
    )


#: The pin up to and including ``address``, without the closing braces.
EXPRESSION = (
    '\'{"type":"Feature","id":\' || id || \',"geometry":\' || '
    "CASE WHEN lat IS NULL OR lon IS NULL THEN 'null' "
    f'ELSE \'{{"type":"Point","coordinates":[\' || {_float("lon")} || \',\' || '
    f"{_float('lat')} || ']}}' END || "
    '\',"properties":{"id":\' || id || '
    f"',\"name\":' || {_string('name')} || "
    f"',\"credit_code\":' || {_string('credit_code')} || "
    f"',\"industry\":' || {_string('industry')} || "
    f"',\"risk_class\":' || {_string('risk_class')} || "
    f"',\"lat\":' || coalesce({_float('lat')}, 'null') || "
    f"',\"lon\":' || coalesce({_float('lon')}, 'null') || "
    "',\"located\":' || CASE WHEN lat IS NULL THEN 'false' ELSE 'true' END || "
    f"',\"location_source\":' || {_string('location_source')} || "
    f"',\"address\":' || {_string('address')}"
)


def install(conn) -> bool:
    """Add the function and the generated column on PostgreSQL (a migration, or a schema made
    by ``create_all``); nothing elsewhere. Safe to run twice."""
    if conn.dialect.name != "postgresql":
        return False
    # Driver SQL: the texts hold colons that are JSON, not bound parameters.
    conn.exec_driver_sql(_FUNCTION_SQL)
    conn.exec_driver_sql(
        f"ALTER TABLE enterprise ADD COLUMN IF NOT EXISTS {COLUMN} text "
        f"GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    return True


def _after_create(table, connection, **_kw) -> None:
    install(connection)


def listen(table) -> None:
    """A schema made from the models (tests, benchmarks) gets the column as the migrations make
    it."""
    event.listen(table, "after_create", _after_create)
