"""Blueprints: thin views that parse, call one service and render."""
from __future__ import annotations

from flask import Flask, g, request

from ..extensions import write_intent


def register(app: Flask) -> None:
    from . import admin, api, auth, bureau, context, desk, home, inspector, lists, public

    for module in (auth, home, bureau, inspector, public, desk, lists, admin):
        app.register_blueprint(module.bp)
    api.register(app)
    lists.register(app)  # GET /api/v1/lists/<name> (issue 8)
    from . import papers; app.register_blueprint(papers.bp)  # legal papers (issue 11)
    from . import oversight; oversight.register(app)  # units, tasks, 督查, 问责, 考核 (issue 20)
    context.register(app)

    @app.before_request
    def _mark_write_intent():
        # A request that may write starts its SQLite transaction as a writer (see extensions).
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g._write_token = write_intent.set(True)

    @app.teardown_request
    def _reset_write_intent(_exc):
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)
