"""The inspector's phone pages (the worklist; recording visits arrives with the mobile issue)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..services import dashboard
from .context import today

bp = Blueprint("inspector", __name__, url_prefix="/m")


@bp.route("/worklist")
@login_required
def worklist():
    as_of = today()
    return render_template("inspector/worklist.html",
                           work=dashboard.inspector_summary(current_user.id, as_of), as_of=as_of)
