"""Map viewport queries: random boxes holding about 2,000 enterprises, p50/p95, for the plain
(lat, lon) index, SQLite's R*Tree, and the application's own GeoJSON answer."""
from __future__ import annotations

import json
import random
import time

from sqlalchemy import text

from enforcement.extensions import db

from .common import percentiles

TARGET = 2000


def _boxes(rng: random.Random, n: int) -> list[tuple[float, float, float, float]]:
    """Boxes centred on random enterprises, sized to hold about TARGET points."""
    conn = db.session.connection()
    total = conn.execute(text("SELECT count(*) FROM enterprise")).scalar()
    boxes = []
    for _ in range(n):
        eid = rng.randint(1, total)
        lat, lon = conn.execute(text("SELECT lat, lon FROM enterprise WHERE id = :i"), {"i": eid}).one()
        half = 0.01
        for _ in range(6):
            box = (lon - half * 1.3, lat - half, lon + half * 1.3, lat + half)
            count = conn.execute(text(
                "SELECT count(*) FROM enterprise WHERE lat BETWEEN :a AND :b AND lon BETWEEN :c AND :d"),
                {"a": box[1], "b": box[3], "c": box[0], "d": box[2]}).scalar()
            if 0.8 * TARGET <= count <= 1.2 * TARGET:
                break
            half *= (TARGET / max(count, 1)) ** 0.5
        boxes.append(box)
    return boxes


def raw_plain(box):
    return db.session.connection().execute(text(
        "SELECT id, name, lat, lon FROM enterprise WHERE lat BETWEEN :a AND :b AND lon BETWEEN :c AND :d"),
        {"a": box[1], "b": box[3], "c": box[0], "d": box[2]}).all()


def ensure_rtree() -> bool:
    conn = db.session.connection()
    if conn.dialect.name != "sqlite":
        return False
    exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'bench_rtree'")).first()
    if not exists:
        conn.execute(text("CREATE VIRTUAL TABLE bench_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat)"))
        conn.execute(text("INSERT INTO bench_rtree SELECT id, lon, lon, lat, lat FROM enterprise"))
        db.session.commit()
    return True


def raw_rtree(box):
    return db.session.connection().execute(text(
        "SELECT e.id, e.name, e.lat, e.lon FROM bench_rtree r JOIN enterprise e ON e.id = r.id "
        "WHERE r.min_lon >= :c AND r.max_lon <= :d AND r.min_lat >= :a AND r.max_lat <= :b"),
        {"a": box[1], "b": box[3], "c": box[0], "d": box[2]}).all()


def _sample(fn, boxes) -> tuple[list[float], int]:
    # One pass untimed first, for every query alike: a figure should not pay for reading the
    # table from disk (the first query after a generation or a restart found cold pages: a raw
    # p95 of 370 ms against a p50 of 11 ms, once).
    for box in boxes:
        fn(box)
    times, sizes = [], []
    for box in boxes:
        t0 = time.perf_counter()
        rows = fn(box)
        times.append(time.perf_counter() - t0)
        sizes.append(len(rows) if isinstance(rows, list) else rows)
    return times, int(sum(sizes) / len(sizes))


def run(report, *, app, boxes: int = 60, seed: int = 11, api_path: str | None = None,
        headers: dict | None = None) -> list[tuple[float, float, float, float]]:
    """Returns the boxes it measured (min lon, min lat, max lon, max lat)."""
    rng = random.Random(seed)
    sample = _boxes(rng, boxes)
    plain, n_plain = _sample(raw_plain, sample)
    p50, p95 = percentiles(plain)
    report.add("map", f"raw SQL bbox, plain (lat, lon) index, {boxes} boxes",
               f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, {n_plain:,} rows/box",
               "itself", 1.0)
    if ensure_rtree():
        rtree, n_rtree = _sample(raw_rtree, sample)
        r50, r95 = percentiles(rtree)
        report.add("map", "raw SQL bbox, SQLite R*Tree, same boxes",
                   f"p50 {r50 * 1000:.1f} ms, p95 {r95 * 1000:.1f} ms, {n_rtree:,} rows/box",
                   f"plain index p50 {p50 * 1000:.1f} ms", r50 / p50,
                   note="ratio < 1 means the R*Tree is faster")
    from enforcement.services.core import spatial
    schema = spatial.geog_schema()
    if schema:
        def raw_gist(box):
            return db.session.connection().execute(text(
                f"SELECT id, name, lat, lon FROM enterprise WHERE geog OPERATOR({schema}.&&) "
                f"{schema}.ST_MakeEnvelope(:c, :a, :d, :b, 4326)::{schema}.geography"),
                {"a": box[1], "b": box[3], "c": box[0], "d": box[2]}).all()
        gist, n_gist = _sample(raw_gist, sample)
        g50, g95 = percentiles(gist)
        report.add("map", "raw SQL bbox, PostGIS GiST on geography, same boxes",
                   f"p50 {g50 * 1000:.1f} ms, p95 {g95 * 1000:.1f} ms, {n_gist:,} rows/box",
                   f"plain index p50 {p50 * 1000:.1f} ms", g50 / p50,
                   note="ratio < 1 means the GiST index is faster for the box")
    if api_path:
        from .common import fresh_client
        client = fresh_client(app)

        bodies = []

        def via_api(box):
            # Timed: the request and its whole body (the app's work). Parsing the answer is
            # the client's, and the raw query's rows are not parsed either: counted after.
            response = client.get(f"{api_path}?bbox={box[0]},{box[1]},{box[2]},{box[3]}&limit=5000",
                                  headers=headers or {})
            bodies.append(response.get_data())
            return 0
        client.get(f"{api_path}?bbox=0,0,0.001,0.001", headers=headers or {})  # token known
        api, _ = _sample(via_api, sample)
        n_api = int(sum(len(json.loads(b)["features"]) for b in bodies) / len(bodies))
        a50, a95 = percentiles(api)
        report.add("map", "GeoJSON for the box through the app (query + worst state + JSON)",
                   f"p50 {a50 * 1000:.1f} ms, p95 {a95 * 1000:.1f} ms, {n_api:,} features/box",
                   f"raw SQL p95 {p95 * 1000:.1f} ms", a95 / p95, goal="within 3x of raw SQL",
                   met=a95 / p95 <= 3)
    return sample


def box_sizes(boxes) -> str:
    """The boxes' median width and height in km: what zoom they are."""
    import math
    import statistics
    widths = [(b[2] - b[0]) * 111.32 * math.cos(math.radians((b[1] + b[3]) / 2)) for b in boxes]
    heights = [(b[3] - b[1]) * 111.32 for b in boxes]
    return (f"median box {statistics.median(widths):.1f} x {statistics.median(heights):.1f} km "
            f"(smallest {min(widths):.1f} x {min(heights):.1f}, largest {max(widths):.1f} x "
            f"{max(heights):.1f})")
