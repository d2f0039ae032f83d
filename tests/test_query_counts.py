"""Regression checks for the hot paths, as query counts (timings belong in `make bench`): the
map's box, the overdue list and a visit post cost the same number of statements however many
enterprises and cases there are."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from enforcement.extensions import db
from support_app import new_uuid


@contextmanager
def counting(app):
    statements = []

    def count(conn, cursor, statement, *args):
        bare_lock = statement.upper().startswith("SELECT PG_ADVISORY") and ";" not in statement
        if not bare_lock and not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            statements.append(statement)  # the audit head read with its lock (one query) counts
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _city(make_enterprise, make_case, n: int, start: int = 0):
    for i in range(start, start + n):
        e = make_enterprise(name=f"企业{i}", lat=39.95 + i * 0.0001, lon=116.82 + i * 0.0001)
        make_case(action=("rectify", "stop")[i % 2], served_on=date(2026, 9, 1),
                  enterprise=e)


def test_the_map_box_costs_the_same_queries_for_more_pins(app, client, make_user, api_token,
                                                         make_enterprise, make_case):
    headers = api_token(make_user("reviewer", "reviewer"))
    url = "/api/v1/enterprises?bbox=116.8,39.9,116.9,40.0&limit=5000"
    _city(make_enterprise, make_case, 6)
    client.get(url, headers=headers)  # the worker now knows the token (services.core.stamps)
    with counting(app) as few:
        assert len(client.get(url, headers=headers).get_json()["features"]) == 6
    _city(make_enterprise, make_case, 30, start=6)
    with counting(app) as many:
        assert len(client.get(url, headers=headers).get_json()["features"]) == 36
    # The generations, the box's ids, their rows with the map summary: no case, no token.
    assert len(many) == len(few) <= 3


def test_the_overdue_list_costs_the_same_queries_for_more_cases(app, client, make_user, api_token,
                                                               make_enterprise, make_case):
    headers = api_token(make_user("reviewer", "reviewer"))
    url = "/api/v1/lists/overdue?as_of=2026-11-25&limit=1000"
    _city(make_enterprise, make_case, 6)
    client.get(url, headers=headers)  # the worker now knows the token (services.core.stamps)
    with counting(app) as few:
        assert len(client.get(url, headers=headers).get_json()["items"]) == 6
    _city(make_enterprise, make_case, 30, start=6)
    with counting(app) as many:
        assert len(client.get(url, headers=headers).get_json()["items"]) == 36
    assert len(many) == len(few)


def test_a_visit_post_is_a_fixed_number_of_statements(app, client, make_user, api_token,
                                                      make_enterprise):
    insp = make_user("zhangwei", "inspector")
    make_user("liuyang", "inspector")
    headers = api_token(insp)
    e = make_enterprise()
    body = {"enterprise_id": e.id, "visited_at": "2026-11-20T10:00:00+08:00", "lat": e.lat,
            "lon": e.lon, "accuracy_m": 5, "purpose": "routine", "unannounced": True,
            "inspectors": ["zhangwei", "liuyang"], "findings": "正常"}
    client.post("/api/v1/visits", json={**body, "client_uuid": new_uuid()}, headers=headers)
    with counting(app) as statements:  # the worker now knows the token and the calendar
        assert client.post("/api/v1/visits", json={**body, "client_uuid": new_uuid()},
                           headers=headers).status_code == 201
    print(len(statements), statements)
    assert len(statements) <= 14, statements
    with counting(app) as replay:
        uuid = new_uuid()
        client.post("/api/v1/visits", json={**body, "client_uuid": uuid}, headers=headers)
    with counting(app) as again:
        assert client.post("/api/v1/visits", json={**body, "client_uuid": uuid},
                           headers=headers).status_code == 200
    # A replay writes nothing: its one INSERT is the idempotent one, which yields no row
    # (ON CONFLICT DO NOTHING); no audit event, no update.
    assert len(again) <= len(replay)
    # (on PostgreSQL the visit's INSERT is inside a WITH, which writes its inspectors too)
    writes = [s for s in again if re.search(r"\b(INSERT INTO|UPDATE|DELETE FROM)\b", s.upper())]
    assert len(writes) == 1 and "ON CONFLICT" in writes[0].upper() and "INTO VISIT " in writes[0].upper()
