"""Public disclosure (公开曝光): the only page without login. Shows what may be public and
nothing else: no person's name, phone or ID number."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..errors import ValidationError
from ..services.lists import disclosure
from .context import today

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.route("/disclosure", endpoint="disclosure")
def disclosure_page():
    # The public chooses the kind of decision, never the day: the page is always "today".
    action = request.args.get("action") or ""
    try:
        filters, body = disclosure.page(today(), action=action, cursor=request.args.get("cursor"))
    except ValidationError:
        filters, body = disclosure.page(today())
    return render_template(
        "public/disclosure.html", body=body, filters=filters, as_of=filters.as_of
    )
