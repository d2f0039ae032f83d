"""Health endpoints for the load balancer and the process supervisor. Public, and they say
nothing but ok or not: no versions, no host names, no error texts."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from ..extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger("enforcement.health")


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """The process is up and answering."""
    return jsonify({"status": "ok"})


@bp.route("/readyz")
@limiter.exempt
def readyz():
    """Ready for traffic: the database and the file storage answer."""
    from ..services.core.storage import file_storage

    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        log.exception("readiness: database check failed")
        db.session.rollback()
        checks["database"] = "fail"
    try:
        file_storage().ping()
        checks["storage"] = "ok"
    except Exception:
        log.exception("readiness: storage check failed")
        checks["storage"] = "fail"
    ok = all(v == "ok" for v in checks.values())
    response = jsonify({"status": "ok" if ok else "unavailable", "checks": checks})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
