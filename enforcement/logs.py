"""Logs as JSON lines, each with the request id (taken from a proxy's X-Request-ID or made
here), which is also sent back in the X-Request-ID header and shown on error pages, so an
officer's screenshot of an error leads to the log lines of that very request. Optional Sentry
(``SENTRY_DSN``)."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: LogRecord attributes that are not extra fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(app: Flask, stream=None) -> logging.Handler:
    """One handler on the root logger (JSON or plain text by LOG_FORMAT) carrying the request
    id; replaces the one installed by an earlier app in the same process."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    if app.config.get("LOG_FORMAT", "json") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    handler._enforcement = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_enforcement", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Flask's own logger would print a second, unformatted copy of each line.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    return handler


def register(app: Flask) -> None:
    access = logging.getLogger("enforcement.access")

    @app.before_request
    def _request_id():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _GOOD_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _access_line(response):
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
            started = g.get("request_started")
            access.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1)
                    if started
                    else None,
                },
            )
        return response

    @app.context_processor
    def _rid():
        return {"request_id": g.get("request_id")}

    if not app.config.get("TESTING") or app.config.get("LOG_IN_TESTS"):
        configure_logging(app)
    dsn = app.config.get("SENTRY_DSN")
    if dsn:
        init_sentry(app, dsn)


def init_sentry(app: Flask, dsn: str) -> bool:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.flask import FlaskIntegration
    except ImportError:
        logging.getLogger("enforcement").warning(
            "SENTRY_DSN is set but sentry-sdk is not installed (pip install sentry-sdk)"
        )
        return False
    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        environment=app.config.get("ENV_NAME", "development"),
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
    return True
