"""Near-me queries and the map's first payload against folium embedding every marker."""
from __future__ import annotations

import gzip
import json
import random
import time

from sqlalchemy import select, text

from enforcement.extensions import db
from enforcement.models import Enterprise

from .common import percentiles


def near_me(report, *, client, headers, samples: int = 100, seed: int = 13) -> None:
    """Nearest 50 within 2 km of random points: bbox prefilter, exact geodesic distance."""
    rng = random.Random(seed)
    total = db.session.execute(text("SELECT max(id) FROM enterprise")).scalar()
    points = [db.session.execute(text("SELECT lat, lon FROM enterprise WHERE id = :i"),
                                 {"i": rng.randint(1, total)}).one() for _ in range(samples)]
    points = [(lat + rng.uniform(-0.005, 0.005), lon + rng.uniform(-0.005, 0.005))
              for lat, lon in points]
    dlat, dlon = 2000 / 111_320, 2000 / (111_320 * 0.766)
    prefilter = text(
        "SELECT id, lat, lon FROM enterprise WHERE lat BETWEEN :a AND :b AND lon BETWEEN :c AND :d")

    def nearest(lat, lon):
        return client.get(f"/api/v1/enterprises?near={lat},{lon}&radius_m=2000&limit=50",
                          headers=headers)

    def bbox(lat, lon):
        return db.session.execute(prefilter, {"a": lat - dlat, "b": lat + dlat,
                                              "c": lon - dlon, "d": lon + dlon}).all()

    for lat, lon in points:  # one pass untimed, for both alike (bench_map._sample: cold pages)
        nearest(lat, lon)
        bbox(lat, lon)
    ours, bbox_only, found = [], [], []
    for lat, lon in points:
        t0 = time.perf_counter()
        body = nearest(lat, lon).get_json()
        ours.append(time.perf_counter() - t0)
        found.append(len(body["features"]))
        t0 = time.perf_counter()
        bbox(lat, lon)
        bbox_only.append(time.perf_counter() - t0)
    p50, p95 = percentiles(ours)
    b50, b95 = percentiles(bbox_only)
    report.add("near me", f"nearest 50 within 2 km, {samples} random points, through the API",
               f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, {sum(found) / len(found):.0f} "
               f"results on average", f"the bbox prefilter query alone: p50 {b50 * 1000:.1f} ms, "
               f"p95 {b95 * 1000:.1f} ms", p95 / b95, goal="p95 < 50 ms", met=p95 < 0.050)


def first_payload(report, *, client, headers, points: int = 100_000) -> None:
    """What the bureau map downloads first, against folium embedding every marker."""
    from enforcement.geo.maps import LocalMap, LocalMarkerCluster
    import folium

    rows = db.session.execute(select(Enterprise.lat, Enterprise.lon, Enterprise.name)
                              .order_by(Enterprise.id).limit(points)).all()
    t0 = time.perf_counter()
    fmap = LocalMap(location=[39.96, 116.83], zoom_start=11)
    cluster = LocalMarkerCluster().add_to(fmap)
    for lat, lon, name in rows:
        folium.CircleMarker([lat, lon], radius=4, popup=name).add_to(cluster)
    html = fmap.get_root().render()
    folium_t = time.perf_counter() - t0
    folium_bytes = len(html.encode())
    page = client.get("/desk/map", headers=headers)
    lat0, lon0 = 39.96, 116.83
    box = f"{lon0 - 0.25},{lat0 - 0.2},{lon0 + 0.25},{lat0 + 0.2}"
    t0 = time.perf_counter()
    data = client.get(f"/desk/map/points.json?bbox={box}", headers=headers)
    ours_t = time.perf_counter() - t0
    ours_bytes = len(page.get_data()) + len(data.get_data())
    ratio = folium_bytes / ours_bytes
    body = json.loads(data.get_data())
    kind = "grid cells" if body.get("grid") or body.get("kind") == "grid" else "features"
    report.add("map", f"first map payload at city zoom, {points:,} enterprises",
               f"{ours_bytes / 1024:.0f} KB (page {len(page.get_data()) / 1024:.0f} KB + points "
               f"{len(data.get_data()) / 1024:.0f} KB as {kind}, {ours_t * 1000:.0f} ms); gzip "
               f"{len(gzip.compress(page.get_data() + data.get_data())) / 1024:.0f} KB",
               f"folium with every marker embedded: {folium_bytes / 1e6:.0f} MB, built in "
               f"{folium_t:.0f} s", ratio, goal=">= 50x smaller", met=ratio >= 50,
               note="ratio = folium's page size / ours (higher is better)")


def phone_shell(report, *, client) -> None:
    """The inspector's app shell, compressed, and the requests needed to show the worklist."""
    page = client.get("/m/worklist")
    html = page.get_data(as_text=True)
    import re
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    total = len(gzip.compress(page.get_data(), 9))
    for path in assets:
        total += len(gzip.compress(client.get(path).get_data(), 9))
    report.add("phone", "app shell for the worklist (HTML + CSS + JS, gzip -9)",
               f"{total / 1024:.1f} KB in {1 + len(assets)} requests", "goal 300 KB",
               total / (300 * 1024), goal="< 300 KB", met=total < 300 * 1024,
               note="requests counted from the worklist page's own links; the service worker "
                    "then serves them from its cache offline")
