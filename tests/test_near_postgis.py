"""Near-me with and without PostGIS (issue #21): on PostgreSQL with the extension, the
enterprise table gains a generated geography column with a GiST index and ``near`` uses
ST_DWithin and the KNN order; the answer is the same as the plain (lat, lon) index path's, which
SQLite and a PostgreSQL without PostGIS keep using."""
from __future__ import annotations

import random

from sqlalchemy import text

from enforcement.extensions import db
from enforcement.services.core import spatial

CENTRE = (39.96, 116.83)


def _near(client, headers, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"near": f"{CENTRE[0]},{CENTRE[1]}",
                                              "radius_m": 1500, "limit": 20, **extra}.items())
    body = client.get(f"/api/v1/enterprises?{query}", headers=headers).get_json()
    return [(f["properties"]["id"], f["properties"]["distance_m"]) for f in body["features"]], \
        body.get("next_cursor")


def test_near_me_answers_alike_on_both_paths(app, client, make_user, api_token, make_enterprise):
    headers = api_token(make_user("rev", "reviewer"))
    rng = random.Random(21)
    for i in range(80):
        make_enterprise(name=f"企业{i}", lat=CENTRE[0] + rng.uniform(-0.02, 0.02),
                        lon=CENTRE[1] + rng.uniform(-0.02, 0.02))
    waiting = make_enterprise(name="待定位企业")
    waiting.lat = waiting.lon = None  # a site awaiting its location has no geography either
    db.session.commit()
    plain, plain_next = _near(client, headers)
    second_plain, _ = _near(client, headers, limit=5, cursor=plain_next) if plain_next else ([], None)
    conn = db.session.connection()
    enabled = spatial.enable(conn)
    db.session.commit()
    try:
        if app.config["DB_BACKEND"] == "sqlite":
            assert not enabled and spatial.geog_schema() is None
            return
        # CI installs postgresql-15-postgis-3: the PostGIS path must be there and be used.
        assert enabled and spatial.geog_schema() is not None
        gis, gis_next = _near(client, headers)
        assert gis == plain and len(gis) == 20
        assert all(d <= 1500 for _, d in gis) and [d for _, d in gis] == sorted(d for _, d in gis)
        if plain_next:
            assert _near(client, headers, limit=5, cursor=gis_next)[0] == second_plain
    finally:
        if app.config["DB_BACKEND"] == "postgresql":
            db.session.execute(text("ALTER TABLE enterprise DROP COLUMN IF EXISTS geog"))
            db.session.commit()
            spatial.forget()
