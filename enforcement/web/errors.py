"""Domain errors and HTTP errors to responses, in one place. API paths get the JSON error
shape of API.md; pages get a friendly page. Anything unexpected is logged and answered with a
generic 500 that leaks nothing."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from ..extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": message, "fields": fields or {}}
    body.update(extra)
    return {"error": body}


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        if wants_json():
            return jsonify(error_body(exc.code, exc.message, exc.fields, **exc.extra)), exc.status
        return render_template("error.html", status=exc.status, message=exc.message), exc.status

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
            response = jsonify(error_body(code, exc.description or exc.name))
            response.status_code = exc.code or 500
            if exc.code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        return render_template("error.html", status=exc.code, message=exc.description), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side. Nothing was saved.")
        if wants_json():
            from ..logs import request_id
            return jsonify(error_body("server_error", message, request_id=request_id())), 500
        return render_template("error.html", status=500, message=message), 500
