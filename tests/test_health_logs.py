"""/healthz and /readyz answer without login and leak nothing; every log line is JSON with the
request id, which the response and the error page carry too."""
from __future__ import annotations

import io
import json
import logging
import sys

from enforcement.logs import configure_logging


def test_health_endpoints_are_public_and_say_only_ok(app, client):
    live = client.get("/healthz")
    assert live.status_code == 200 and live.get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}


def test_readyz_fails_when_storage_is_unreachable_and_leaks_nothing(app, client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config.update(STORAGE_BACKEND="local", PHOTO_DIR=str(blocker / "photos"))
    app.extensions.pop("file_storage", None)
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable",
                                "checks": {"database": "ok", "storage": "fail"}}
    assert str(tmp_path) not in ready.get_data(as_text=True)


def test_every_log_line_is_json_with_the_request_id(app, client, make_user, auth):
    stream = io.StringIO()
    handler = configure_logging(app, stream)
    try:
        make_user("rev", "reviewer")

        @app.route("/boom-for-test")
        def boom():
            logging.getLogger("enforcement.test").warning("about to fail", extra={"case_id": 7})
            raise RuntimeError("secret detail")

        response = client.get("/healthz", headers={"X-Request-ID": "proxy-req-12345"})
        assert response.headers["X-Request-ID"] == "proxy-req-12345"
        auth.login("rev")
        failed = client.get("/boom-for-test")
        assert failed.status_code == 500
        rid = failed.headers["X-Request-ID"]
        page = failed.get_data(as_text=True)
        assert rid in page and "secret detail" not in page
        bad = client.get("/healthz", headers={"X-Request-ID": "<script>"})
        assert bad.headers["X-Request-ID"] != "<script>"  # not echoed: a fresh id instead
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all({"ts", "level", "logger", "message", "request_id"} <= set(entry) for entry in lines)
    assert all(entry["request_id"] for entry in lines)
    first = [entry for entry in lines if entry["request_id"] == "proxy-req-12345"]
    assert first and first[0]["path"] == "/healthz" and first[0]["status"] == 200
    mine = [entry for entry in lines if entry["request_id"] == rid]
    assert {entry["message"] for entry in mine} >= {"about to fail", "request"}
    assert any("unhandled error" in entry["message"] and "RuntimeError" in entry.get("exception", "")
               for entry in mine)
    assert next(entry for entry in mine if entry["message"] == "about to fail")["case_id"] == 7


def test_sentry_is_optional(app, caplog, monkeypatch):
    from enforcement.logs import init_sentry
    # Without sentry-sdk (None in sys.modules makes the import fail, whether or not it is installed
    # here): the app starts, says why in the log, and reports nothing.
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)
    assert init_sentry(app, "https://key@sentry.example/1") is False
    assert any("sentry-sdk is not installed" in r.getMessage() for r in caplog.records)
