"""Blueprints: thin views that parse, call one service and render."""

from __future__ import annotations

from flask import Flask

from . import boundary


def register(app: Flask) -> None:
    from . import (
        admin,
        api,
        auth,
        branch_guard,
        bureau,
        context,
        desk,
        health,
        home,
        inspector,
        lists,
        maps,
        notifications,
        oversight,
        papers,
        public,
        register_desk,
    )

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

    boundary.install(app)  # the one transaction boundary (web/boundary.py)
