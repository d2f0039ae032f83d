from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..services.desk import dashboard
from .context import today

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    as_of = today()
    if current_user.role == "unit":  # a unit officer's home is his unit's task list (issue 20)
        return redirect(url_for("oversight.tasks"))
    if current_user.role == "inspector":
        work = dashboard.inspector_summary(current_user.id, as_of)
        return render_template("home/inspector.html", work=work, as_of=as_of)
    summary = dashboard.bureau_summary(as_of, getattr(current_user, "branch_id", None))
    return render_template("home/bureau.html", summary=summary, as_of=as_of)
