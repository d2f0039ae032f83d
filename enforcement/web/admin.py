"""Administration pages: people (administrators), the registry import (reviewers and
administrators) and each user's own password page."""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..clock import utcnow
from ..errors import DomainError, Duplicate, ValidationError
from ..extensions import db
from ..models import ApiToken, Township, User
from ..services.core.storage import file_storage
from ..services.registry import imports, townships
from ..services.people import users
from ..services.core.actor import Actor
from .roles import reviewer_required
from .messages import error_text, field_text

bp = Blueprint("admin", __name__)

# Pages a user who must change their password may still reach.
_OPEN_WHILE_CHANGING = {
    "admin.change_password",
    "auth.logout",
    "auth.login",
    "auth.set_language",
    "static",
}


@bp.before_app_request
def _force_password_change():
    """After an administrator's reset (or a new account), the first thing the user does is set
    their own password: every page leads to the change-password page until then."""
    if request.path.startswith("/api/") or request.endpoint in _OPEN_WHILE_CHANGING:
        return None
    if request.endpoint is None or request.blueprint == "public":
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("admin.change_password"))
    return None


@bp.context_processor
def _bureau_zone():
    from zoneinfo import ZoneInfo

    return {"tz": ZoneInfo(current_app.config["BUREAU_TIMEZONE"])}


def admin_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


# Importing the registry is desk work: reviewers and administrators.
importer_required = reviewer_required


def _actor() -> Actor:
    return Actor.of(current_user)


def _min_length() -> int:
    return current_app.config["PASSWORD_MIN_LENGTH"]


def _townships():
    return db.session.scalars(select(Township).order_by(Township.name)).all()


def _field_errors(form, exc: DomainError, aliases: dict | None = None) -> None:
    for key, message in exc.fields.items():
        name = (aliases or {}).get(key, key)
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [message]
        else:
            flash(f"{key}: {message}", "error")


# ---------------------------------------------------------------- forms

ROLE_CHOICES = [
    ("inspector", _l("Inspector")),
    ("reviewer", _l("Reviewer")),
    ("admin", _l("Administrator")),
]


class UserForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    township = SelectField(_l("Township"), choices=[], validate_choice=False)
    credential_no = StringField(_l("Credential number (执法证号)"), validators=[Length(max=40)])
    phone = StringField(_l("Phone"), validators=[Length(max=30)])


class NewUserForm(UserForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(
        _l("First password (empty: generate one)"), validators=[Optional(), Length(max=200)]
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", _l("The two do not match."))],
    )


class UploadForm(FlaskForm):
    file = FileField(_l("Registry spreadsheet (CSV or XLSX)"), validators=[FileRequired()])


def _with_townships(form: UserForm) -> UserForm:
    form.township.choices = [("", _("— none (bureau-wide) —"))] + [
        (t.code, t.name) for t in _townships()
    ]
    return form


# ---------------------------------------------------------------- people


@bp.route("/admin/users", endpoint="users")
@admin_required
def users_index():
    q = (request.args.get("q") or "").strip()
    stmt = select(User).order_by(User.is_active_account.desc(), User.role, User.username)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            User.username.like(like) | User.display_name.like(like) | User.credential_no.like(like)
        )
    people = db.session.scalars(stmt).all()
    now = utcnow()
    tokens = dict(
        db.session.execute(
            select(ApiToken.user_id, func.count())
            .where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
            .group_by(ApiToken.user_id)
        ).all()
    )
    return render_template("admin/users.html", people=people, tokens=tokens, q=q)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = _with_townships(NewUserForm())
    if form.validate_on_submit():
        try:
            user, password = users.add_user(
                _actor(),
                username=form.username.data,
                role=form.role.data,
                now=utcnow(),
                password=form.password.data or None,
                display_name=form.display_name.data or "",
                township_code=form.township.data or None,
                credential_no=form.credential_no.data,
                phone=form.phone.data,
                min_length=_min_length(),
            )
        except (ValidationError, Duplicate) as exc:
            db.session.rollback()
            _field_errors(form, exc)
        else:
            return render_template(
                "admin/password_issued.html", user=user, password=password, created=True
            )
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    form = _with_townships(UserForm(obj=None if request.method == "POST" else user))
    if request.method == "GET":
        form.township.data = user.township.code if user.township else ""
    if form.validate_on_submit():
        try:
            users.update_user(
                _actor(),
                user,
                {
                    "display_name": form.display_name.data,
                    "role": form.role.data,
                    "township": form.township.data or None,
                    "credential_no": form.credential_no.data,
                    "phone": form.phone.data,
                },
                now=utcnow(),
            )
        except ValidationError as exc:
            db.session.rollback()
            _field_errors(form, exc)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    status = 422 if form.errors else 200
    tokens = users.active_tokens(user, now=utcnow())
    return render_template("admin/user_form.html", form=form, user=user, tokens=tokens), status


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@admin_required
def user_active(user_id: int):
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        users.set_active(_actor(), user, active, now=utcnow())
    except ValidationError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    else:
        flash(
            _("Reactivated.") if active else _("Deactivated: this person can no longer log in."),
            "success",
        )
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-password", methods=["POST"])
@admin_required
def user_reset_password(user_id: int):
    user = _user_or_404(user_id)
    password = users.reset_password(_actor(), user, now=utcnow(), min_length=_min_length())
    # Shown once, in this response only (not in a flash cookie, not in a log).
    return render_template(
        "admin/password_issued.html", user=user, password=password, created=False
    )


@bp.route("/admin/users/<int:user_id>/revoke-tokens", methods=["POST"])
@admin_required
def user_revoke_tokens(user_id: int):
    user = _user_or_404(user_id)
    count = users.revoke_tokens(_actor(), user, now=utcnow())
    flash(
        _("Signed out everywhere: every session ended, %(n)s API tokens revoked.", n=count),
        "success",
    )
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/reset-second-factor", methods=["POST"])
@admin_required
def user_reset_totp(user_id: int):
    user = _user_or_404(user_id)
    users.reset_totp(_actor(), user, now=utcnow())
    flash(
        _("Second factor removed: %(name)s enrols again at next login.", name=user.label), "success"
    )
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(
                _actor(),
                current_user,
                current=form.current.data,
                new=form.new.data,
                now=utcnow(),
                min_length=_min_length(),
            )
        except ValidationError as exc:
            db.session.rollback()
            _field_errors(form, exc)
        else:
            login_user(current_user)  # this session continues under the new generation
            flash(_("Your password is changed."), "success")
            return redirect(url_for("home.index"))
    status = 422 if form.errors else 200
    return render_template(
        "admin/password.html", form=form, forced=current_user.must_change_password
    ), status


# ---------------------------------------------------------------- registry import
# The uploaded file waits in the instance folder between the mapping, preview and import steps
# (a 100,000-row sheet does not fit in a session cookie). Names are random tokens.

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _load(token: str) -> imports.Table:
    # The upload waits in the app's file storage (local folder or object store), not on this
    # app server: the next step may be answered by another one.
    if not _TOKEN.match(token):
        abort(404)
    store = file_storage()
    try:
        data = store.read(f"imports/{token}.dat")
    except FileNotFoundError:
        abort(404)
    try:
        name = store.read(f"imports/{token}.name").decode("utf-8")
    except FileNotFoundError:
        name = ""
    return imports.read_table(data, name)


def _analyse(table: imports.Table, township_default: str | None) -> imports.Analysis:
    # No geocoding here: the preview is analysed again on every view, and a geocoder must never
    # be asked once per page view. Rows without coordinates wait for a location instead, and the
    # desk's pinning page geocodes them in the background.
    return imports.analyse(
        table,
        imports.mapping_for(table.headers),
        area=townships.bureau_area(current_app.config),
        township_default=township_default or None,
    )


@bp.route("/admin/import", methods=["GET", "POST"])
@importer_required
def import_upload():
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            imports.read_table(data, form.file.data.filename or "")
        except ValidationError as exc:
            form.file.errors = list(form.file.errors) + list(exc.fields.values())
        else:
            token = secrets.token_hex(16)
            store = file_storage()
            store.put(f"imports/{token}.dat", data)
            store.put(
                f"imports/{token}.name",
                os.path.basename(form.file.data.filename or "upload").encode("utf-8"),
            )
            return redirect(url_for("admin.import_map", token=token))
    status = 422 if form.errors else 200
    return render_template("admin/import_upload.html", form=form), status


@bp.route("/admin/import/<token>", methods=["GET", "POST"])
@importer_required
def import_map(token: str):
    table = _load(token)
    mapping = imports.mapping_for(table.headers)
    errors: dict = {}
    if request.method == "POST":
        columns = [request.form.get(f"col{i}", "") for i in range(len(table.headers))]
        coordinates = request.form.get("coordinates", "wgs84")
        try:
            imports.remember_mapping(_actor(), table.headers, columns, coordinates, now=utcnow())
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.fields
            mapping = imports.Mapping(columns, coordinates)
        else:
            return redirect(
                url_for(
                    "admin.import_preview",
                    token=token,
                    township_default=request.form.get("township_default", ""),
                )
            )
    samples = [cells for _line, cells in itertools.islice(table.rows, 3)]  # a read_table list
    return render_template(
        "admin/import_map.html",
        token=token,
        table=table,
        mapping=mapping,
        samples=samples,
        fields=imports.FIELDS,
        errors=errors,
        field_label=_field_label,
        townships=_townships(),
        cell_text=imports.cell_text,
        change_text=_change_text(),
    ), 422 if errors else 200


def _field_label(name: str) -> str:
    return imports.FIELD_LABELS[name][0 if str(get_locale()).startswith("zh") else 1]


def _reason(code: str, params: dict) -> str:
    return imports.reason_text(code, params, str(get_locale()))


PREVIEW_ROWS = 300


def _change_text():
    """A changed value as a person reads it: the township's name, the industry's label."""
    from ..domain import INDUSTRIES, label

    towns: dict[int | str, str] = dict(db.session.execute(select(Township.id, Township.name)).all())
    towns.update(dict(db.session.execute(select(Township.code, Township.name)).all()))
    locale = str(get_locale() or "zh_CN")

    def show(key, value):
        if value is None or value == "":
            return "—"
        if key in ("township_id", "township"):
            return towns.get(value, value)
        if key == "industry":
            return label(INDUSTRIES, value, locale)
        return value

    return show


@bp.route("/admin/import/<token>/preview")
@importer_required
def import_preview(token: str):
    table = _load(token)
    township_default = request.args.get("township_default") or ""
    try:
        analysis = _analyse(table, township_default)
    except ValidationError as exc:
        flash(
            "；".join(field_text(k, v) for k, v in exc.fields.items()) or error_text(exc), "error"
        )
        return redirect(url_for("admin.import_map", token=token))
    return _preview_page(token, analysis, township_default, done=None)


@bp.route("/admin/import/<token>/apply", methods=["POST"])
@importer_required
def import_apply(token: str):
    table = _load(token)
    township_default = request.form.get("township_default") or ""
    analysis = _analyse(table, township_default)
    counts = imports.apply(_actor(), analysis, now=utcnow())
    return _preview_page(token, analysis, township_default, done=counts)


def _preview_page(token: str, analysis, township_default: str, *, done) -> str:
    """The import's preview, before it is applied (``done`` None) and after (its counts)."""
    return render_template(
        "admin/import_preview.html",
        token=token,
        analysis=analysis,
        township_default=township_default,
        reason=_reason,
        field_label=_field_label,
        limit=PREVIEW_ROWS,
        done=done,
        cell_text=imports.cell_text,
        change_text=_change_text(),
    )


@bp.route("/admin/import/<token>/rejected.xlsx")
@importer_required
def import_rejected(token: str):
    table = _load(token)
    analysis = _analyse(table, request.args.get("township_default") or "")
    data = imports.rejected_xlsx(analysis, str(get_locale()))
    stem = os.path.splitext(table.filename or "registry")[0]
    return send_file(
        io.BytesIO(data),
        as_attachment=True,
        download_name=f"{stem}-rejected.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
