"""JSON API v1 (API.md): thin views over the same services the pages use."""
from __future__ import annotations

import functools

from flask import Blueprint, Flask, current_app, g, jsonify, request

from ..clock import utcnow
from ..errors import Forbidden, ImpossibleTransition, IdempotencyMismatch, NotFound, Unauthorized, ValidationError
from ..extensions import csrf, db, limiter
from ..models import Enterprise
from ..services import audit, cases, enterprises, serialize, users, visits
from ..services.actor import Actor
from ..services.parsing import parse_date
from .context import today

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def register(app: Flask) -> None:
    csrf.exempt(bp)  # bearer tokens, not cookies: CSRF cannot ride on them
    app.register_blueprint(bp)


def body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError("Send a JSON object.", {"body": "expected a JSON object"})
    return data


def authenticated(*roles: str):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("Send Authorization: Bearer <token>.")
            user = users.user_for_token(token.strip(), now=utcnow())
            if roles and user.role not in roles:
                raise Forbidden("Your role may not do this.")
            g.actor = Actor.of(user)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def as_of():
    return parse_date(request.args.get("as_of"), "as_of", required=False) or today()


def _rejected(kind: str, exc, payload: dict, case_id=None):
    """Keep what was refused for a reviewer, in its own transaction, then answer the error."""
    db.session.rollback()
    cases.keep_rejected(g.actor, kind=kind, error=exc, payload=payload, now=utcnow(),
                        case_id=case_id)
    db.session.commit()
    raise exc


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def token():
    data = body()
    now = utcnow()
    user = users.authenticate(str(data.get("username") or ""), str(data.get("password") or ""),
                              now=now)
    raw, record = users.mint_token(Actor.of(user), user, now=now, label="api",
                                   hours=current_app.config["API_TOKEN_HOURS"])
    db.session.commit()
    return jsonify(token=raw, expires_at=record.expires_at.isoformat(), role=user.role)


@bp.post("/enterprises")
@authenticated()
def create_enterprise():
    enterprise = enterprises.create_enterprise(g.actor, body(), now=utcnow())
    db.session.commit()
    return jsonify(serialize.enterprise_dict(enterprise)), 201


@bp.get("/enterprises/<int:enterprise_id>")
@authenticated()
def get_enterprise(enterprise_id: int):
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"No enterprise {enterprise_id}.")
    return jsonify(serialize.enterprise_dict(enterprise))


@bp.post("/cases")
@authenticated()
def open_case():
    data = body()
    try:
        result = cases.open_case(g.actor, data, now=utcnow())
    except IdempotencyMismatch as exc:
        _rejected("case", exc, data)
    db.session.commit()
    return jsonify(serialize.case_dict(result.case, as_of())), 201 if result.created else 200


@bp.get("/cases/<int:case_id>")
@authenticated()
def get_case(case_id: int):
    return jsonify(serialize.case_dict(cases.get_case(case_id), as_of()))


@bp.post("/cases/<int:case_id>/events")
@authenticated()
def case_event(case_id: int):
    data = body()
    case = cases.get_case(case_id)
    try:
        result = cases.apply_event(g.actor, case, data, now=utcnow())
    except (ImpossibleTransition, IdempotencyMismatch) as exc:
        _rejected("case_event", exc, data, case_id)
    db.session.commit()
    view = serialize.case_dict(result.case, as_of())
    view["opened_case_ids"] = [c.id for c in result.opened]
    return jsonify(view), 200


@bp.post("/visits")
@authenticated()
def record_visit():
    data = body()
    try:
        result = visits.record_visit(g.actor, data, now=utcnow())
    except (ImpossibleTransition, IdempotencyMismatch) as exc:
        _rejected("visit", exc, data)
    db.session.commit()
    view = serialize.visit_dict(result.visit)
    view["opened_case_ids"] = [c.id for c in result.opened]
    return jsonify(view), 201 if result.created else 200


@bp.get("/audit/verify")
@authenticated("admin")
def audit_verify():
    report = audit.verify()
    return jsonify(ok=report.ok, events=report.events, first_bad=report.first_bad)
