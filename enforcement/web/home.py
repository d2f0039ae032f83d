from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..services.desk import dashboard
from .context import today

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    as_of = today()
    if current_user.role == "inspector":
        work = dashboard.inspector_summary(current_user.id, as_of)
        return render_template("home/inspector.html", work=work, as_of=as_of)
    summary = dashboard.bureau_summary(as_of)
    return render_template("home/bureau.html", summary=summary, as_of=as_of)
