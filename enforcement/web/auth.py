from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..clock import utcnow
from ..errors import Unauthorized, ValidationError
from ..extensions import db, limiter
from ..i18n import LANG_COOKIE
from ..services.core import audit
from ..services.people import users
from ..services.core.actor import Actor
from .forms import CodeForm, LoginForm
from .messages import error_text

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a phishing link borrow our login."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def account_key() -> str:
    """The account a login names, whichever address it comes from: many addresses cannot try
    one account more often than one address could."""
    name = request.form.get("username")
    if name is None:
        data = request.get_json(silent=True)
        name = data.get("username") if isinstance(data, dict) else None
    if not isinstance(name, str):
        name = ""
    return "login-account:" + name.strip().lower()[:64]


def failed(response) -> bool:
    return response.status_code == 401


#: Counted only when the login fails (a right password after a typo costs nothing), checked
#: always (once the account is limited, even the right password waits).
#: One counter for the login page and the API token endpoint.
account_limited = limiter.shared_limit(
    account_limit, scope="login-account", key_func=account_key, methods=["POST"], deduct_when=failed
)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@account_limited
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = users.authenticate(form.username.data, form.password.data, now=now)
        except Unauthorized:
            error = _("Wrong username or password.")
        else:
            target = safe_next(request.args.get("next"))
            session.clear()  # a fresh session id: no session fixation
            if user.totp_secret:
                # The password was right; the session is not logged in until the code is.
                session["totp_user"], session["totp_next"] = user.id, target
                return redirect(url_for("auth.login_code"))
            return _complete_login(user, target, now)
    status = 401 if error else (422 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


def _complete_login(user, target, now):
    login_user(user)
    session.permanent = True
    audit.record(Actor.of(user), "user.login", "user", user.id, now=now)
    # An inspector lands in the phone app (its home is in the service worker's scope).
    home = url_for("inspector.home") if user.role == "inspector" else url_for("home.index")
    return redirect(target or home)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code():
    """The second step for users with a second factor: the code from their authenticator."""
    from ..models import User

    user = db.session.get(User, session.get("totp_user") or 0)
    if user is None or not user.is_active_account:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        now = utcnow()
        if users.check_totp(user, form.code.data, now=now):
            target = session.get("totp_next")
            session.clear()
            return _complete_login(user, target, now)
        error = _("That code is not right (or was already used). Enter the current code.")
    status = 401 if error else (422 if form.errors else 200)
    return render_template("auth/code.html", form=form, error=error), status


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def totp_setup():
    """Enrol an authenticator app: scan or type the secret, then prove it with a code."""
    from .. import totp

    if current_user.totp_secret and request.method == "GET":
        return render_template("auth/totp_setup.html", enrolled=True, form=None)
    secret = session.get("totp_pending") or totp.new_secret()
    session["totp_pending"] = secret
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        try:
            users.enroll_totp(
                Actor.of(current_user), current_user, secret, form.code.data, now=utcnow()
            )
        except ValidationError as exc:
            db.session.rollback()
            error = error_text(exc)
        else:
            session.pop("totp_pending", None)
            flash(_("Second factor turned on."), "info")
            return redirect(url_for("home.index"))
    uri = totp.provisioning_uri(secret, current_user.username, current_app.config["BUREAU_NAME"])
    status = 422 if error or form.errors else 200
    return render_template(
        "auth/totp_setup.html", enrolled=False, form=form, secret=secret, uri=uri, error=error
    ), status


# Pages a user who must enrol a second factor may still reach.
_OPEN_WHILE_ENROLLING = {
    "auth.totp_setup",
    "auth.logout",
    "auth.login",
    "auth.login_code",
    "auth.set_language",
    "static",
}


@bp.before_app_request
def _force_second_factor():
    """When the bureau requires a second factor for a role, its users enrol before anything."""
    if (
        request.path.startswith("/api/")
        or request.endpoint in _OPEN_WHILE_ENROLLING
        or request.endpoint is None
        or request.blueprint == "public"
    ):
        return None
    if (
        current_user.is_authenticated
        and not current_user.totp_secret
        and users.totp_required(current_user, current_app.config["REQUIRE_TOTP_FOR"])
    ):
        return redirect(url_for("auth.totp_setup"))
    return None


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    users.logout(Actor.of(current_user), current_user, now=utcnow())
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    response = redirect(safe_next(request.form.get("next")) or url_for("home.index"))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 86400,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
