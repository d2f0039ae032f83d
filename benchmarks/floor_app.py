"""The sync benchmark's second baseline: the bare endpoint's insert, served by the app itself.

The same row as ``bare_app`` inserts, through everything a visit post passes before and after its
own work: gunicorn's worker, Flask, every request hook of the app (request id, write intent, rate
limiter, access line, headers), the bearer token check and the session's one transaction
boundary. What a visit post costs beyond this is the visit's own work (validation, idempotency,
the enterprise and the officers, the geofence, the audit chain, the answer); what this costs
beyond ``bare_app`` is the stack's. results.md shows both, so the sync ratio can be read."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, jsonify, request

from enforcement import create_app
from enforcement.extensions import csrf, db
from enforcement.web.api import authenticated

from .bare_app import INSERT, values

bp = Blueprint("bench_floor", __name__)


@bp.post("/bench/floor")
@authenticated()
def floor():
    db.session.execute(INSERT, values(request.get_json(), datetime.now(timezone.utc)))
    return jsonify({"ok": True}), 201


app = create_app()
csrf.exempt(bp)
app.register_blueprint(bp)
