"""Domain errors and HTTP errors to responses, in one place. API paths get the JSON error
shape of API.md; pages get a friendly page. Anything unexpected is logged and answered with a
generic 500 that leaks nothing."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from ..extensions import db
from .messages import error_text


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return {"error": body}


def http_text(status: int | None) -> str:
    """What a person reads for an HTTP error (werkzeug's descriptions are English)."""
    texts = {
        400: _("The request was not understood. Please go back and try again."),
        401: _("Please log in."),
        403: _(
            "You may not open this page with your role. Ask the bureau's administrator if you need it."
        ),
        404: _("This page does not exist, or the record was removed."),
        405: _("This page cannot be used this way."),
        413: _("What you sent is too large."),
        415: _("This file type is not accepted."),
        422: _("Some values need correcting."),
        429: _("Too many attempts. Please wait a minute and try again."),
    }
    return texts.get(status or 500, _("Something went wrong on our side. Nothing was saved."))


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        message = error_text(exc)
        if wants_json():
            # `detail`: the service's own sentence (English, with its dates and values) for
            # integrators and logs; `message` is what a person reads, in the interface language.
            extra = (
                {**exc.extra, "detail": exc.message}
                if exc.message and exc.message != message
                else exc.extra
            )
            return jsonify(error_body(exc.code, message, exc.fields, **extra)), exc.status
        return render_template("error.html", status=exc.status, message=message), exc.status

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        message = _("The form expired or was not sent from this site. Please try again.")
        if wants_json():
            return jsonify(error_body("csrf_failed", message)), 400
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code and exc.code >= 500:
            db.session.rollback()
        if wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            response = jsonify(error_body(code, http_text(exc.code)))
            response.status_code = exc.code or 500
            if exc.code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        return render_template("error.html", status=exc.code, message=http_text(exc.code)), exc.code

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _out_of_range(exc: Exception):
        # The last line of defence (ids are bounded by web.ids before any query): a value the
        # database cannot hold is the request's fault, not ours. Logged so that it gets fixed.
        db.session.rollback()
        app.logger.warning(
            "value out of the database's range on %s %s: %s", request.method, request.path, exc
        )
        message = _("A number or text in the request is out of range.")
        if wants_json():
            return jsonify(error_body("validation_failed", message)), 422
        return render_template("error.html", status=422, message=message), 422

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side. Nothing was saved.")
        if wants_json():
            from ..logs import request_id

            return jsonify(error_body("server_error", message, request_id=request_id())), 500
        return render_template("error.html", status=500, message=message), 500
