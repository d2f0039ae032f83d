"""The bell (unread reminders, on the phone and the desk) and each officer's reminder channels."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l, gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField, widgets
from wtforms.validators import Length, Optional, Regexp

from ..clock import utcnow
from ..services.notify import channels, messages, reminders

bp = Blueprint("notify", __name__)

CHANNEL_LABELS = {
    "email": _l("Email"),
    "wecom": _l("WeCom group robot (企业微信)"),
    "dingtalk": _l("DingTalk group robot (钉钉)"),
}


class RemindersForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not an email address.")),
        ],
    )
    channels = SelectMultipleField(
        _l("Send my reminders also by"),
        choices=[(k, v) for k, v in CHANNEL_LABELS.items()],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )


@bp.app_context_processor
def _bell():
    if not current_user.is_authenticated:
        return {}
    return {"bell_unread": lambda: reminders.unread_count(current_user.id)}


@bp.route("/notifications")
@login_required
def index():
    from flask_babel import get_locale

    locale = str(get_locale())
    items = reminders.recent(current_user.id)
    return render_template(
        "notifications/index.html",
        items=items,
        describe=lambda n: messages.text(n.kind, n.params, locale),
    )


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    reminders.mark_read(current_user.id, now=utcnow())
    return redirect(url_for("notify.index"))


@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def preferences():
    form = RemindersForm(obj=None)
    if request.method == "GET":
        form.email.data = current_user.email
        form.channels.data = list(current_user.notify_channels or [])
    if form.validate_on_submit():
        chosen = [c for c in (form.channels.data or []) if c in CHANNEL_LABELS]
        if "email" in chosen and not form.email.data:
            form.email.errors.append(_("Email reminders need an email address."))
        else:
            current_user.email = form.email.data or ""
            current_user.notify_channels = chosen
            flash(_("Your reminder channels are saved."), "success")
            return redirect(url_for("notify.preferences"))
    status = 422 if form.errors else 200
    return render_template(
        "notifications/preferences.html",
        form=form,
        available=channels.configured(current_app.config),
    ), status
