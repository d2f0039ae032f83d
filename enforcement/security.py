"""Security headers, password policy and token hashing: one place for each."""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface

# No inline script anywhere: every script is a file under /static; and no inline style (issue #14):
# no style="" attribute and no <style> element in our markup, colours are classes of the
# stylesheets. Leaflet positions its panes and markers through element.style (CSSOM), which a CSP
# does not govern. Only the case's folium exhibit page, whose generated markup carries <style>
# elements, gets 'unsafe-inline' for styles (app.extensions["folium_csp"], set in web/maps.py).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'{inline_styles}; "
    "img-src 'self' data: blob: {tiles}; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'; "
    "worker-src 'self'"
)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, unchanged, except that the signer is built once per set
    of keys instead of on every request (an API call pays for it even with no cookie)."""

    _signer: tuple = ((), None)

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built_for, signer = self._signer
        if built_for != keys:  # a new key (or fallback) is used from its first request
            signer = super().get_signing_serializer(app)
            self._signer = (keys, signer)
        return signer


def tile_origin(url: str) -> str:
    if not url or "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


def register_security_headers(app: Flask) -> None:
    from .services.maps.basemap import tile_hosts  # the configured online tile servers

    tiles = " ".join(tile_hosts(app.config))
    csp = CSP.format(tiles=tiles, inline_styles="").replace(" ;", ";")
    app.extensions["folium_csp"] = CSP.format(
        tiles=tiles, inline_styles=" 'unsafe-inline'"
    ).replace(" ;", ";")

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", getattr(g, "csp", csp))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(self), microphone=()"
        )
        if app.config.get("ENV_NAME") == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is safe here (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()


# The words people reach for first (the top of every leaked-password list, Chinese ones too):
# "Password2026!" passes the length and mix rules but falls to the first guesses of an attacker.
COMMON_WORDS = frozenset(
    """
    password passwrd passw pass qwerty qwertyuiop qwertz asdf asdfgh asdfghjkl zxcvbn zxcvbnm
    admin administrator root user test guest login welcome letmein iloveyou changeme secret
    abc abcd abcde abcdef abcdefg abcdefgh abcdefghij monkey dragon master superman football
    baseball sunshine princess shadow hello china beijing woaini huanying mima aaa qq
""".split()
)


def password_problem(password: str, min_length: int) -> str | None:
    """None if acceptable, else the reason (shown by the field)."""
    if len(password) < min_length:
        return f"at least {min_length} characters"
    if password.isdigit() or password.isalpha():
        return "mix letters with digits or symbols"
    letters = "".join(c for c in password.lower() if c.isalpha())
    if letters in COMMON_WORDS:
        return "too common: a well-known word with digits or symbols added"
    if len(set(password.lower())) < 5:
        return "too few different characters"
    return None
