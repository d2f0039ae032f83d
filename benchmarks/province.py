"""Province scale (issue #21): 5,000,000 enterprises over Hebei's extent, PostgreSQL only,
generated set-based in SQL so it fits in minutes rather than the ~5 hours the service path
(one audit event per enterprise, 724 s for 200,000) would take.

The schema is the app's own: Alembic migrations (``flask init-db``: columns, indexes, the
PostGIS geography column and its GiST index). The enterprise table's secondary indexes are
dropped before the bulk insert and rebuilt from the definitions the migrations wrote, so the
generation and the index builds are timed separately.

No audit events are written for these rows: the map box, the grid and near-me never read the
audit log, and the audit chain is benchmarked on its own (bench_audit, at the other scales).
"""
from __future__ import annotations

import os
import time

from sqlalchemy import text

from enforcement import demo
from enforcement.domain import INDUSTRIES
from enforcement.extensions import db, write_intent
from enforcement.workflow.states import STATES

from .data import ACTION_WEIGHTS, AS_OF, NOW

ENTERPRISES = int(os.environ.get("BENCH_PROVINCE_ENTERPRISES") or 5_000_000)
COUNTIES = 170          # Hebei has about 170 county-level units
TOWNSHIPS_PER_COUNTY = 13  # and about 2,200 township-level ones
OPEN_SHARE = 0.10       # sites with at least one open case
# Hebei's extent; county seats are drawn inside a slightly smaller box so their sites stay in.
EXTENT = (113.5, 36.0, 119.8, 42.6)
SEED = 0.21


def _open_states() -> list[tuple[str, str, int, int]]:
    """(action, stored state, severity, weight) of the stored, open states: the map summary's
    worst state is one of these ("overdue" is derived from the due date, never stored)."""
    out = []
    for action, table in STATES.items():
        if action not in ACTION_WEIGHTS:
            continue
        live = [(n, i.severity) for n, i in table.items() if not i.terminal and n != "overdue"
                and i.severity > 0]
        for name, severity in live:
            out.append((action, name, severity, max(1, ACTION_WEIGHTS[action] // len(live))))
    return out


def build(conn_progress=print, enterprises: int = ENTERPRISES) -> dict[str, float]:
    """Fill an empty, migrated database; returns the seconds of each step."""
    timings: dict[str, float] = {}
    token = write_intent.set(True)
    try:
        demo_towns = demo._townships()   # the demo users' townships (a handful, in Hebei)
        demo._people(NOW)                # reviewer and inspectors for the API's token
        db.session.commit()
        conn = db.session.connection()
        conn.execute(text("SELECT setseed(:s)"), {"s": SEED})

        # Secondary indexes of enterprise, as the migrations created them (geog GiST included).
        indexes = conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'enterprise' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'enterprise'::regclass)")).all()
        for name, _ in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))

        t0 = time.perf_counter()
        lo_lon, lo_lat, hi_lon, hi_lat = EXTENT
        conn.execute(text(
            "CREATE TEMP TABLE bench_county AS SELECT c AS county, "
            f"{lo_lat + 0.3} + random() * {hi_lat - lo_lat - 0.6} AS lat, "
            f"{lo_lon + 0.3} + random() * {hi_lon - lo_lon - 0.6} AS lon "
            f"FROM generate_series(1, {COUNTIES}) c"))
        # Township 1 of each county is its county town (城关镇); the others within ~15 km.
        # Box-Muller normal offsets: sqrt(-2 ln u1) cos(2 pi u2).
        conn.execute(text(
            "INSERT INTO township (code, name, name_en, kind, center_lat, center_lon, aliases) "
            "SELECT 'p' || c.county || '-' || t, "
            "'第' || c.county || '县' || CASE WHEN t = 1 THEN '城关镇' WHEN t % 6 = 0 "
            "THEN '第' || t || '工业园区' ELSE '第' || t || '乡' END, "
            "'County ' || c.county || ' township ' || t, "
            "CASE WHEN t % 6 = 0 THEN 'park' ELSE 'township' END, "
            "least(42.55, greatest(36.05, c.lat + CASE WHEN t = 1 THEN 0 ELSE 0.08 * "
            "sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) END)), "
            "least(119.75, greatest(113.55, c.lon + CASE WHEN t = 1 THEN 0 ELSE 0.10 * "
            "sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) END)), '' "
            f"FROM bench_county c, generate_series(1, {TOWNSHIPS_PER_COUNTY}) t"))
        # Weighted slots: a county town holds ~6x an ordinary township's sites, a park ~3x,
        # and counties differ (0.3x..1.7x); a site draws a slot, so the draw is one hash join.
        conn.execute(text(
            "CREATE TEMP TABLE bench_slot AS SELECT row_number() OVER () - 1 AS slot, "
            "w.id, w.lat, w.lon, w.spread FROM ("
            "SELECT t.id, t.center_lat AS lat, t.center_lon AS lon, "
            "CASE WHEN t.code LIKE '%-1' THEN 0.035 ELSE 0.018 END AS spread, "
            "generate_series(1, (CASE WHEN t.code LIKE '%-1' THEN 60 WHEN t.kind = 'park' "
            "THEN 30 ELSE 10 END * (0.3 + 1.4 * random()))::int) "
            "FROM township t WHERE t.code LIKE 'p%') w"))
        conn.execute(text("ALTER TABLE bench_slot ADD PRIMARY KEY (slot)"))
        slots = conn.execute(text("SELECT count(*) FROM bench_slot")).scalar()
        industries = list(INDUSTRIES)
        ind_array = "ARRAY[" + ",".join(f"'{k}'" for k in industries) + "]"
        ind_zh = "ARRAY[" + ",".join(f"'{v[0]}'" for v in INDUSTRIES.values()) + "]"
        # 30% of sites belong to three-plant companies (one credit code, three sites, each in
        # its own township); the codes have the GB 32100 shape, not a valid check character.
        conn.execute(text(
            "INSERT INTO enterprise (name, name_pinyin, credit_code, legacy_code, address, "
            "township_id, industry, industry_gbt, industry_text, lat, lon, location_source, "
            "risk_class, permit_no, legal_rep, contact_name, contact_phone, status, map_dues, "
            "map_actions, created_at, updated_at) "
            "SELECT s.name || ind.zh || '厂' || g, '', "
            "'91130' || lpad((CASE WHEN g % 10 < 3 THEN g / 10 ELSE 1000000000 + g END)::text, "
            "12, '0') || 'X', '', s.name || g || '号', s.id, ind.code, '', ind.zh, "
            "least(42.6, greatest(36.0, s.lat + s.spread * sqrt(-2 * ln(1 - r.a)) "
            "* cos(2 * pi() * r.b))), "
            "least(119.8, greatest(113.5, s.lon + 1.3 * s.spread * sqrt(-2 * ln(1 - r.a)) "
            "* sin(2 * pi() * r.b))), "
            "'register', CASE WHEN r.c < 0.1 THEN 'A' WHEN r.c < 0.35 THEN 'B' ELSE 'C' END, "
            "'', '', '', '', 'operating', '', '', :now, :now "
            "FROM generate_series(1, :n) g "
            "CROSS JOIN LATERAL (SELECT random() AS a, random() AS b, random() AS c, "
            f"floor(random() * {slots})::bigint AS slot, "
            f"1 + floor(random() * {len(industries)})::int AS k WHERE g > 0 OFFSET 0) r "
            "JOIN (SELECT b.slot, b.id, b.lat, b.lon, b.spread, t.name FROM bench_slot b "
            "JOIN township t ON t.id = b.id) s ON s.slot = r.slot "
            f"CROSS JOIN LATERAL (SELECT ({ind_array})[r.k] AS code, ({ind_zh})[r.k] AS zh) ind"),
            {"n": enterprises, "now": NOW})
        db.session.commit()
        timings["enterprises"] = time.perf_counter() - t0
        conn_progress(f"enterprises inserted in {timings['enterprises']:.0f} s")

        # The map summary of the sites with open cases (workflow.site columns): worst stored
        # state weighted by action as the other scales' cases are, a watched due date from 30
        # days ago to 60 days ahead (about a third overdue), a second open case for a fifth.
        t0 = time.perf_counter()
        conn = db.session.connection()
        states = _open_states()
        values = ",".join(f"('{a}','{s}',{sev},{w})" for a, s, sev, w in states)
        conn.execute(text(
            f"CREATE TEMP TABLE bench_state AS SELECT row_number() OVER () - 1 AS slot, "
            f"v.action, v.state, v.severity FROM (VALUES {values}) v(action, state, severity, w), "
            "generate_series(1, v.w)"))
        n_state = conn.execute(text("SELECT count(*) FROM bench_state")).scalar()
        conn.execute(text(
            "UPDATE enterprise e SET map_state = st.action || ':' || st.state, "
            "map_severity = st.severity, map_due_on = x.d1, "
            "map_dues = CASE WHEN x.d2 IS NULL THEN to_char(x.d1, 'YYYY-MM-DD') "
            "ELSE to_char(x.d1, 'YYYY-MM-DD') || ',' || to_char(x.d2, 'YYYY-MM-DD') END, "
            "map_actions = CASE WHEN x.d2 IS NULL OR st.action = 'rectify' THEN st.action "
            "ELSE least(st.action, 'rectify') || ',' || greatest(st.action, 'rectify') END "
            "FROM (SELECT id, floor(random() * :ns)::int AS slot, "
            "CAST(:as_of AS date) - 30 + floor(random() * 91)::int AS d1, "
            "CASE WHEN random() < 0.2 THEN CAST(:as_of AS date) + 61 + floor(random() * 60)::int "
            "END AS d2 FROM enterprise WHERE random() < :share) x "
            "JOIN bench_state st ON st.slot = x.slot WHERE e.id = x.id"),
            {"ns": n_state, "as_of": AS_OF, "share": OPEN_SHARE})
        db.session.commit()
        timings["summaries"] = time.perf_counter() - t0
        conn_progress(f"map summaries in {timings['summaries']:.0f} s")

        t0 = time.perf_counter()
        conn = db.session.connection()
        for name, definition in indexes:
            t1 = time.perf_counter()
            conn.execute(text(definition))
            db.session.commit()
            conn = db.session.connection()
            timings[f"index {name}"] = time.perf_counter() - t1
            conn_progress(f"{name} in {timings[f'index {name}']:.0f} s")
        timings["indexes"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as ac:
            ac.execute(text("VACUUM ANALYZE enterprise"))
            ac.execute(text("ANALYZE township"))
        timings["analyze"] = time.perf_counter() - t0
        del demo_towns
    finally:
        write_intent.reset(token)
    return timings


def grid(report, *, client, seed: int = 17, boxes: int = 20) -> None:
    """The desk map's answer when a box holds more than it may carry (mapdata.MAX_FEATURES):
    counts per grid cell. At province zoom (the whole extent) and at county zoom (random
    boxes of about 0.5 x 0.4 degrees, around 40 x 45 km, centred on random sites)."""
    import random

    from .common import percentiles

    def ask(box):
        t0 = time.perf_counter()
        response = client.get("/desk/map/points.json?bbox=" + ",".join(f"{v:.5f}" for v in box))
        seconds = time.perf_counter() - t0
        body = response.get_json()
        if response.status_code != 200:
            raise RuntimeError(f"/desk/map/points.json answered {response.status_code}")
        return seconds, body

    ask(EXTENT)  # warm: the page's first box is the province
    whole = [ask(EXTENT) for _ in range(5)]
    times = sorted(s for s, _ in whole)
    body = whole[-1][1]
    report.add("map", "province zoom: the whole extent through the desk map (/desk/map/points.json)",
               f"median {times[2] * 1000:.0f} ms of 5, best {times[0] * 1000:.0f} ms; "
               f"mode {body['mode']}, {len(body['features']):,} cells for {body['total']:,} "
               "enterprises", "", None)
    rng = random.Random(seed)
    total = db.session.execute(text("SELECT max(id) FROM enterprise")).scalar()
    seconds, modes, cells = [], [], []
    for _ in range(boxes):
        lat, lon = db.session.execute(text("SELECT lat, lon FROM enterprise WHERE id = :i"),
                                      {"i": rng.randint(1, total)}).one()
        s, b = ask((lon - 0.25, lat - 0.2, lon + 0.25, lat + 0.2))
        seconds.append(s)
        modes.append(b["mode"] if "mode" in b else "pins")
        cells.append(b.get("total", len(b["features"])))
    p50, p95 = percentiles(seconds)
    report.add("map", f"county zoom: {boxes} boxes of 0.5 x 0.4 degrees through the desk map",
               f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; modes "
               + ", ".join(f"{m} {modes.count(m)}" for m in sorted(set(modes)))
               + f"; {sum(cells) / len(cells):,.0f} enterprises per box on average", "", None)
