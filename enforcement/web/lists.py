"""Enforcement lists: the pages (``lists``) and ``GET /api/v1/lists/<name>`` (``api_lists``).
Both call services.lists, so a page, a download and the API show the same rows."""

from __future__ import annotations

from urllib.parse import quote

from flask import (
    Blueprint,
    Flask,
    Response,
    g,
    jsonify,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user, login_required

from ..clock import utcnow
from ..errors import Forbidden, Unauthorized, ValidationError
from ..exports import columns_for, iter_csv, iter_geojson, iter_xlsx
from ..exports.columns import CATEGORY_LABELS
from ..exports.printable import group_by_inspector
from ..extensions import db
from ..services.lists import lists
from ..services.core.actor import Actor
from . import boundary
from .context import today

bp = Blueprint("lists", __name__)
api_bp = Blueprint("api_lists", __name__, url_prefix="/api/v1")

TITLES = {
    "overdue": _l("Overdue cases"),
    "due": _l("Cases falling due"),
    "followups": _l("Planned follow-up visits"),
    "weekly": _l("Weekly dispatch"),
    "monthly": _l("Monthly summary"),
    "disclosure": _l("Public disclosure list"),
    "action/close": _l("Close orders"),
    "action/stop": _l("Stop orders"),
    "action/rectify": _l("Rectification orders"),
    "action/fine": _l("Fines"),
    "action/control": _l("Permit supervision"),
    "action/seal": _l("Seal-ups and seizures"),
}
FORMATS = ("json", "csv", "xlsx", "geojson")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
# Titles in the bureau's language for file names and workbook titles (read in Excel/WPS).
FILE_TITLES = {
    "overdue": "逾期清单",
    "due": "到期清单",
    "followups": "跟踪检查清单",
    "weekly": "每周调度清单",
    "monthly": "月度汇总",
    "disclosure": "公开曝光名单",
    "action/close": "取缔清单",
    "action/stop": "限产停产清单",
    "action/rectify": "限期整改清单",
    "action/fine": "罚款清单",
    "action/control": "监管清单",
    "action/seal": "查封扣押清单",
}


def register(app: Flask) -> None:
    app.register_blueprint(api_bp)


def _filters(actor: Actor | None = None):
    """The list's filters; an officer of a branch (分局) sees his branch's lists only (issue 20),
    whether he comes with the page session or (``actor``) an API token."""
    filters = lists.parse_filters(request.args, today())
    if actor is None and current_user.is_authenticated:
        actor = Actor.of(current_user)
    branch_id = getattr(actor, "branch_id", None)
    if branch_id:
        from dataclasses import replace
        from ..models import Branch

        own = db.session.get_one(Branch, branch_id).code
        if filters.branch and filters.branch != own:
            # Refused like every other list (scope.scoped_branch_id): answering his own branch's
            # list to a request for another's would read as that branch's list on paper.
            raise Forbidden(
                "Officers of a branch see their own branch only.", {"branch": "not your branch"}
            )
        filters = replace(filters, branch=own)
    return filters


def _audit_export(actor: Actor, name: str, filters, fmt: str, rows: int) -> None:
    """The export's audit event in its own short write transaction: the read that produced the
    rows is over (a streamed download has finished), so a long download never holds the
    audit chain's lock."""
    with boundary.own_transaction():
        lists.record_export(actor, name, filters, fmt, rows, now=utcnow())


class _Counter:
    def __init__(self, rows):
        self.rows, self.n = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row


def _download(actor: Actor, name: str, filters, fmt: str) -> Response:
    """A streamed file: the first bytes leave with the first batch of rows; the audit event is
    written once the last row went out, with the true row count."""
    counted = _Counter(lists.iter_rows(name, filters))
    title = FILE_TITLES[name]
    if fmt == "csv":
        chunks = iter_csv(columns_for(name), counted)
    elif fmt == "xlsx":
        chunks = iter_xlsx(columns_for(name), counted, title=title)
    else:
        chunks = iter_geojson(counted, as_of=filters.as_of.isoformat(), list=name)

    def body():
        yield from chunks
        _audit_export(actor, name, filters, fmt, counted.n)

    # A monthly summary is named by its month, other lists by their day.
    stamp = (
        (filters.month or filters.as_of.isoformat()[:7])
        if name == "monthly"
        else filters.as_of.isoformat()
    )
    filename = f"{title}-{stamp}.{fmt}"
    # content_type, not mimetype: werkzeug would add a second "; charset=utf-8" to text/csv.
    response = Response(stream_with_context(body()), content_type=MIMETYPES[fmt])
    if fmt != "geojson" or request.args.get("download"):
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"list-{stamp}.{fmt}\"; filename*=UTF-8''{quote(filename)}"
        )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # let nginx pass the stream through
    return response


# --- pages -----------------------------------------------------------------------------------


@bp.route("/lists")
@login_required
def index():
    return render_template("lists/index.html", names=lists.NAMES, titles=TITLES, as_of=today())


def _query(filters, **extra) -> dict:
    """The filters as URL arguments (so a page, its downloads and its print share them)."""
    return {**filters.public(), **extra}


@bp.route("/lists/print/<path:name>")
@login_required
def print_view(name: str):
    lists.check_name(name)
    filters = _filters()
    actor = Actor.of(current_user)
    if name in lists.REPORTS:
        body = lists.report(name, filters)
        count = (
            sum(len(v) for v in body["sections"].values())
            if name == "weekly"
            else len(body["items"])
        )
    else:
        body = {"items": list(lists.iter_rows(name, filters))}
        count = len(body["items"])
    _audit_export(actor, name, filters, "print", count)
    return render_template(
        "lists/print.html",
        name=name,
        title=TITLES[name],
        body=body,
        filters=filters,
        group_by_inspector=group_by_inspector,
        printed_by=current_user.label,
    )


@bp.route("/lists/<path:name>")
@login_required
def show(name: str):
    lists.check_name(name)
    try:
        filters = _filters()
        limit = lists.parse_limit(request.args)
        body = (
            lists.report(name, filters)
            if name in lists.REPORTS
            else lists.page(name, filters, limit=limit, cursor=request.args.get("cursor"))
        )
        error = None
    except ValidationError as exc:
        # A mistyped filter in the URL: show the list's empty page with the message, not a 500.
        filters, body, error = lists.Filters(today()), {"items": [], "next_cursor": None}, exc
    return render_template(
        "lists/list.html",
        name=name,
        title=TITLES[name],
        body=body,
        filters=filters,
        query=_query(filters),
        error=error,
        choices=lists.filter_choices(),
        names=lists.NAMES,
        titles=TITLES,
        group_by_inspector=group_by_inspector,
        formats=FORMATS[1:],
        category_label=_category_label,
    )


def _category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code) if str(get_locale()).startswith("zh") else code


# --- API -------------------------------------------------------------------------------------


def _api_actor(name: str) -> Actor:
    """A bearer token (API.md) or the page session (the download links); the disclosure list is
    public."""
    if request.headers.get("Authorization"):
        from .api import authenticated

        authenticated()(lambda: None)()
        return g.actor
    if current_user.is_authenticated:
        return Actor.of(current_user)
    if name in lists.PUBLIC:
        return Actor(None, "anonymous", "public")
    raise Unauthorized("Send Authorization: Bearer <token>.")


@api_bp.get("/lists/<path:name>")
def api_list(name: str):
    lists.check_name(name)
    actor = _api_actor(name)
    fmt = request.args.get("format") or "json"
    if fmt not in FORMATS:
        raise ValidationError("Unknown format.", {"format": f"one of {', '.join(FORMATS)}"})
    filters = _filters(actor)
    if fmt != "json":
        return _download(actor, name, filters, fmt)
    limit = lists.parse_limit(request.args)
    body = lists.page(name, filters, limit=limit, cursor=request.args.get("cursor"))
    body["as_of"] = filters.as_of.isoformat()
    _audit_export(actor, name, filters, "json", len(body["items"]))
    return jsonify(body)
