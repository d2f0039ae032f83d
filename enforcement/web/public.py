"""Public disclosure (公开曝光): the only page without login. Shows what may be public and
nothing else: no person's name, phone or ID number."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..services import disclosure
from .context import today

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.route("/disclosure", endpoint="disclosure")
def disclosure_page():
    as_of = today()
    return render_template("public/disclosure.html", rows=disclosure.rows(as_of), as_of=as_of)
