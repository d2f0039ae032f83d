"""JSON API v1 (API.md): thin views over the same services the pages use.

This module holds what every API view shares (authentication, request bodies validated against
the published schemas, paging, ``as_of``); the endpoints live in ``api_*.py`` by area."""

from __future__ import annotations

import functools
import re
from typing import Literal, overload

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask_login import current_user

from ..clock import utcnow
from ..errors import (
    Forbidden,
    IdempotencyMismatch,
    ImpossibleTransition,
    InvalidText,
    NotFound,
    Unauthorized,
    ValidationError,
)
from ..extensions import csrf, db, limiter
from ..services.core import audit, bodies
from ..services.core.shapes import Input
from ..services.oversight import bodies as oversight_bodies
from ..services.casework import cases
from ..services.people import users
from ..services.core.actor import Actor
from . import boundary, branch_guard, openapi
from .auth import account_limited

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def register(app: Flask) -> None:
    from . import api_cases, api_enterprises, api_misc, api_oversight, api_visits  # noqa: F401

    # Bearer tokens are not sent by the browser on its own, so CSRF cannot ride on them; the
    # session-cookie path checks CSRF itself in ``authenticated``.
    csrf.exempt(bp)
    app.register_blueprint(bp)


# ------------------------------------------------------------------ input


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone UTF-16 surrogate (text cut inside an emoji?)"
    return None


def bad_text_fields(value, where: str = "") -> dict[str, str]:
    """Fields (dotted paths) holding text no database can store: a NUL character (PostgreSQL
    refuses it, no real text has it) or a lone surrogate (not encodable as UTF-8)."""
    found: dict[str, str] = {}
    if isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            found[where or "body"] = problem
    elif isinstance(value, dict):
        for k, v in value.items():
            path = f"{where}.{k}" if where else str(k)
            problem = _text_problem(str(k))
            if problem:
                found[scrub(path)] = "the name " + problem
            found.update(bad_text_fields(v, path))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.update(bad_text_fields(v, f"{where}.{i}" if where else str(i)))
    return found


# JSON decoding joins a valid pair into one code point: a surrogate left in a str is lone.
_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(value):
    """The same value with unstorable characters replaced by U+FFFD (to keep a refused
    submission for a reviewer, readable)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def body(schema: str) -> dict:
    """The JSON object of the request, validated against the named published schema."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError("Send a JSON object.", {"body": "expected a JSON object"})
    bad = bad_text_fields(data)
    if bad:
        raise InvalidText("Some text cannot be stored: fix the named fields.", bad)
    return openapi.validate(schema, data)


_SHAPES = {**bodies.BODIES, **oversight_bodies.BODIES}


def body_input(schema: str) -> Input:
    """The body validated against its published schema, then read once into the service's
    typed input by the shape the schema was generated from (``services/core/bodies.py``)."""
    return _SHAPES[schema].read(body(schema))


@bp.before_request
def _refuse_nul_in_query():
    bad = sorted({k for k, v in request.args.items(multi=True) if "\x00" in k or "\x00" in v})
    if bad:
        raise ValidationError(
            "Text may not contain NUL characters.",
            {k.replace("\x00", "") or "query": "contains a NUL character" for k in bad},
        )


# Query parameters (as_of, bbox, near, cursor, numbers and flags) are read by web/params.py.


# ------------------------------------------------------------------ auth


def _bearer_actor() -> Actor:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send Authorization: Bearer <token>.")
    return users.actor_for_token(token.strip(), now=utcnow())


@overload
def current_actor(*, required: Literal[True] = ...) -> Actor: ...
@overload
def current_actor(*, required: bool) -> Actor | None: ...
def current_actor(*, required: bool = True) -> Actor | None:
    """Who is calling: a bearer token, or the logged-in session of the app's own pages (which
    must then pass CSRF on anything that changes state)."""
    if request.headers.get("Authorization"):
        return _bearer_actor()
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        return Actor.of(current_user)
    if required:
        raise Unauthorized("Send Authorization: Bearer <token>.")
    return None


def authenticated(*roles: str):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if any(isinstance(v, int) and v > openapi.INT32 for v in kwargs.values()):
                raise NotFound("No such record.")
            if roles and actor.role not in roles:
                raise Forbidden("Your role may not do this.")
            if actor.role == "unit" and not getattr(view, "unit_allowed", False):
                # A unit officer (issue 20) reaches only the endpoints marked for units.
                raise Forbidden("Your role may not do this.")
            g.actor = actor
            branch_guard.check(actor, kwargs)  # another branch's case, firm, visit: 404
            return view(*args, **kwargs)

        return wrapper

    return decorate


def rejected(kind: str, exc, payload: dict, case_id=None):
    """Keep what was refused for a reviewer, in its own transaction, then answer the error."""
    boundary.keep_on_error(
        lambda: cases.keep_rejected(
            g.actor, kind=kind, error=exc, payload=scrub(payload), now=utcnow(), case_id=case_id
        )
    )
    raise exc


KEPT_ERRORS = (ImpossibleTransition, IdempotencyMismatch)
#: What a phone's outbox sends and the server refuses for good (not allowed, not valid, not
#: possible): kept for a reviewer, because the phone stops retrying and an officer's work from
#: the field must never be lost.
REFUSED_ERRORS = KEPT_ERRORS + (Forbidden, ValidationError)


def raw_object() -> dict:
    """The JSON object as sent (before validation), to keep it if it is refused."""
    raw = request.get_json(silent=True)
    return raw if isinstance(raw, dict) else {}


def refused(kind: str, exc: ValidationError, raw: dict, case_id=None):
    """Keep an invalid outbox submission (once per client_uuid), then answer the error. A
    refused submission with a ``client_uuid`` is final for the phone (it stops retrying), so it
    waits for a reviewer instead of being dropped."""
    key = raw.get("client_uuid")
    if not isinstance(key, str) or not key or len(key) > 36 or bad_text_fields(key):
        raise exc
    db.session.rollback()
    from ..models import Case, Conflict
    from sqlalchemy import select

    if case_id is not None and db.session.get(Case, case_id) is None:
        raise exc
    if (
        db.session.scalar(
            select(Conflict.id)
            .where(
                Conflict.client_uuid == key,
                Conflict.kind == kind,
                Conflict.code == exc.code,
                Conflict.resolved_at.is_(None),
            )
            .limit(1)
        )
        is None
    ):
        rejected(kind, exc, raw, case_id)
    raise exc


# ------------------------------------------------------------------ auth and audit endpoints


@bp.post("/auth/token")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@account_limited
def token():
    data = body("TokenRequest")
    now = utcnow()
    user = users.authenticate(data["username"], data["password"], now=now)
    if user.totp_secret and not users.check_totp(user, data.get("totp") or "", now=now):
        raise Unauthorized(
            "This account uses a second factor: send the current code as totp.",
            {"totp": "required: the current 6-digit code"},
        )
    raw, record = users.mint_token(
        Actor.of(user), user, now=now, label="api", hours=current_app.config["API_TOKEN_HOURS"]
    )
    return jsonify(token=raw, expires_at=record.expires_at.isoformat(), role=user.role)


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/audit/verify")
@authenticated("admin")
def audit_verify():
    report = audit.verify()
    return jsonify(ok=report.ok, events=report.events, first_bad=report.first_bad)
