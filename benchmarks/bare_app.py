"""The sync benchmark's baseline: a bare WSGI endpoint that inserts the same visit row into the
same database, with no authentication, validation, idempotency, geofence or audit."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from sqlalchemy import create_engine, text

INSERT = text(
    "INSERT INTO visit (client_uuid, payload_hash, enterprise_id, recorded_by_id, visited_at, "
    "received_at, lat, lon, accuracy_m, distance_m, geofence_ok, geofence_reason, purpose, "
    "unannounced, findings, followup_id, approval_ref, outcome) VALUES (:u, '', :e, 1, :t, :t, "
    ":lat, :lon, :acc, NULL, NULL, '', :p, :un, :f, NULL, '', '{}')")


def values(data: dict, now: datetime) -> dict:
    """The insert's parameters from a visit's JSON body (also used by ``floor_app``)."""
    return {"u": data["client_uuid"], "e": data["enterprise_id"],
            "t": now.replace(tzinfo=None), "lat": data["lat"], "lon": data["lon"],
            "acc": data["accuracy_m"], "p": data["purpose"], "un": data["unannounced"],
            "f": data["findings"]}


ENGINE = create_engine(os.environ["BARE_DATABASE_URL"], pool_size=4)


def app(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(size))
    with ENGINE.begin() as conn:
        conn.execute(INSERT, values(data, datetime.now(timezone.utc)))
    body = b'{"ok": true}'
    start_response("201 Created", [("Content-Type", "application/json"),
                                   ("Content-Length", str(len(body)))])
    return [body]
