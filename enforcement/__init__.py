"""Field enforcement for environmental bureaus."""

from __future__ import annotations

import os

from flask import Flask

from . import config as config_module


def create_app(config: dict | None = None) -> Flask:
    """The application factory: configure, then register each part in its own small step."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or os.path.join(root, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    configure(app, config)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure(app: Flask, overrides: dict | None) -> None:
    app.config.from_object(config_module.Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.from_environment())
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "enforcement.db"
        )
    if not app.config["PHOTO_DIR"]:
        app.config["PHOTO_DIR"] = os.path.join(app.instance_path, "photos")
    if not app.config["BASEMAP_DIR"]:
        app.config["BASEMAP_DIR"] = os.path.join(app.instance_path, "basemaps")
    if app.config["ENV_NAME"] == "production":
        if app.config["SECRET_KEY"] in ("", config_module.DEV_SECRET_KEY):
            raise RuntimeError(
                "SECRET_KEY is the development default: set SECRET_KEY in the environment or "
                "instance/config.py before running in production"
            )
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    # Validate the workflow configuration now, not at the first case: a typo in a bureau's
    # override must stop the start-up with the key named.
    from .workflow import Rules

    app.extensions["workflow_rules"] = Rules.from_mapping(app.config["WORKFLOW_RULES"])
    # The scoreboard's weights (issue 20) likewise: an unknown metric or a weight that is not a
    # number stops the start-up with the metric named (services/tally/weights.py).
    from .services.tally.weights import validate as scoreboard_weights

    raw = app.config.get("SCOREBOARD_WEIGHTS")
    app.extensions["scoreboard_weights_from"] = (
        dict(raw) if isinstance(raw, dict) else raw,
        scoreboard_weights(raw),
    )


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client is the address they forwarded (rate
    limits and the audit log key on it); with 0, X-Forwarded-For is ignored (it is forgeable)."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]  # Flask's documented way to wrap it


def register_extensions(app: Flask) -> None:
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale
    from .security import CookieSessions, register_security_headers

    app.session_interface = CookieSessions()
    db.init_app(app)
    # The per-worker caches' invalidation listens to every flush from the start.
    from .services.core import stamps  # noqa: F401

    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to access this page.")
    login_manager.session_protection = "strong"
    register_security_headers(app)
    from .logs import register as register_logging

    register_logging(app)
    from . import auth_loader  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    from .web import register
    from .web.ids import BoundedIdConverter

    app.url_map.converters["int"] = BoundedIdConverter  # every <int:id>: 404 beyond the range
    register(app)


def register_errorhandlers(app: Flask) -> None:
    from .web.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
