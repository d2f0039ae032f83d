"""Language choice: a cookie set by the switch, else the default (zh_CN)."""

from __future__ import annotations

from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


def select_locale() -> str:
    # Commands and background jobs speak the bureau's language.
    chosen = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
