"""Blueprints: thin views that parse, call one service and render."""
from __future__ import annotations

from flask import Flask, g, request

from ..extensions import db, write_intent


def register(app: Flask) -> None:
    from . import (admin, api, auth, branch_guard, bureau, context, desk, health, home, inspector, lists, maps,
                   notifications, oversight, papers, public, register_desk)

    for module in (auth, home, bureau, inspector, public, desk, lists, admin):
        app.register_blueprint(module.bp)
    api.register(app)
    lists.register(app)  # GET /api/v1/lists/<name> (issue 8)
    # legal papers; locating sites and townships; the bell; /healthz and /readyz; basemap tiles
    for module in (papers, register_desk, notifications, health, maps):
        app.register_blueprint(module.bp)
    oversight.register(app)  # units, tasks, 督查, 问责, 考核 (issue 20)
    app.before_request(branch_guard.confine_branch_officers)  # by-id routes within a branch
    context.register(app)

    def _mark_write_intent():
        # A request that may write starts its SQLite transaction as a writer (see extensions).
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g._write_token = write_intent.set(True)

    # First of all hooks: the hooks before it (second factor, password change, unit officers)
    # load the user, which begins the transaction; begun deferred, a POST's later write could
    # not wait for another writer and failed at once with "database is locked" (found by
    # tests/test_papers_issue.py's concurrent issues).
    app.before_request_funcs.setdefault(None, []).insert(0, _mark_write_intent)

    @app.after_request
    def _transaction_boundary(response):
        # The web's one transaction boundary: services only flush, and a request's changes are
        # committed here, once, when its answer is a success; any error answer rolls back. A
        # commit that fails raises into the generic 500 handler, which rolls back too. (A refused
        # submission is kept by its own commit before the error is raised: see api.rejected.)
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _reset_write_intent(_exc):
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)
