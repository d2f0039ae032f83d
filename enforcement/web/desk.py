"""The bureau desk for reviewers and administrators: the map, the conflict queue, quiet days,
the 双随机 draw, the dashboard and the complaints desk. Thin views: parse, call one service,
render or redirect."""

from __future__ import annotations

from typing import TYPE_CHECKING

import uuid
from dataclasses import replace
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from . import branch_guard
from .ids import arg_id
from .. import workflow as wf
from ..clock import utcnow
from ..domain import INDUSTRIES
from ..errors import DomainError, ValidationError
from ..extensions import db
from ..models import Enterprise, Township
from ..models.complaint import CATEGORIES, CHANNELS, COMPLAINT_STATUSES
from ..services.core import bodies
from ..services.desk import complaint_desk, conflicts, dashboard, review
from ..services.field import draw_publication
from ..services.maps import mapdata
from ..services.calendar import quiet_days
from ..services.desk import complaints as complaint_service
from ..services.core import scope
from ..services.core.actor import Actor
from ..services.core.scope import township_allowed
from .context import today
from .maps import basemap_text, layer_dicts
from .desk_forms import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    SEVERITY_LABELS,
    AcceptForm,
    AssignForm,
    ComplaintForm,
    CsrfOnlyForm,
    DiscardForm,
    DrawForm,
    PublishSeedForm,
    QuietDayForm,
)
from .roles import reviewer_required
from .messages import error_text, field_label, field_text

if TYPE_CHECKING:  # geo.maps imports folium: only for the type
    from ..geo.tile_config import TileConfig

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.context_processor
def _labels():
    return {
        "channel_labels": CHANNEL_LABELS,
        "category_labels": CATEGORY_LABELS,
        "complaint_status_labels": COMPLAINT_STATUS_LABELS,
        "severity_labels": SEVERITY_LABELS,
    }


def _actor() -> Actor:
    return Actor.of(current_user)


def _townships(within=None) -> list[Township]:
    """The townships to choose from; ``within`` (a branch's, issue 20) narrows them."""
    stmt = select(Township).order_by(Township.kind.desc(), Township.id)
    if within is not None:
        stmt = stmt.where(Township.id.in_(within))
    return list(db.session.scalars(stmt))


def _field_errors(form, fields: dict) -> None:
    for name, message in (fields or {}).items():
        target = getattr(form, name, None)
        said = field_text(name, message)
        if target is None or not hasattr(target, "errors"):
            flash(f"{field_label(name)}：{said}", "error")
            continue
        target.errors = list(target.errors) + [said]


# ---------------------------------------------------------------- hub


@bp.route("/")
@reviewer_required
def index():
    as_of = today()
    within = branch_guard.page_townships()  # a branch's officer: his branch's (issue 20)
    return render_template(
        "desk/index.html",
        as_of=as_of,
        conflicts=conflicts.open_count(within),
        quiet=quiet_days.upcoming(as_of, limit=5, townships_within=within),
        complaints=complaint_desk.counts(within),
        draws=draw_publication.recent(3, townships_within=within),
    )


# ---------------------------------------------------------------- map


def _tiles() -> "TileConfig":
    """The first basemap layer (the app's own file, a preset or MAP_TILE_URL) for the pin maps."""
    # Imported here: geo.maps imports folium (and numpy), which no request of this page needs
    # at start-up; every worker would otherwise load them for this one small class.
    from ..geo.maps import TileConfig

    layers = layer_dicts()
    if not layers:
        return TileConfig(gcj02=bool(current_app.config.get("MAP_TILES_GCJ02")))
    first = layers[0]
    return TileConfig(
        url=first["url"],
        attribution=first["attribution"] or first["name"],
        gcj02=first["gcj02"],
        max_zoom=first["maxZoom"],
        min_zoom=first["minZoom"],
        subdomains=first["subdomains"],
    )


def pin_map_attrs(lat: float | None = None, lon: float | None = None, **extra) -> dict:
    """The data-* attributes of a small pin map (static/js/desk-pin.js): the tiles, whether they
    are drawn in GCJ-02, the bureau's centre for when nothing is pinned yet, and the pin (WGS84)."""
    tiles = _tiles()
    center = current_app.config["MAP_CENTER"]
    attrs = {
        "data-tiles": tiles.url or "",
        "data-attribution": tiles.attribution,
        "data-gcj02": "1" if tiles.gcj02 else "0",
        "data-max-zoom": tiles.max_zoom,
        "data-min-zoom": tiles.min_zoom,
        "data-subdomains": tiles.subdomains,
        "data-center": "%s,%s" % tuple(center),
        "data-center-zoom": current_app.config["MAP_ZOOM"],
        "data-zoom": 15,
    }
    layers = layer_dicts()
    if layers:  # tiles drawn larger past the file's top zoom instead of blank (maps.md)
        attrs["data-max-native-zoom"] = layers[0]["maxNativeZoom"]
    if lat is not None and lon is not None:
        attrs.update({"data-lat": lat, "data-lon": lon})
    attrs.update({f"data-{k.replace('_', '-')}": v for k, v in extra.items()})
    return attrs


@bp.route("/map", endpoint="map")
@reviewer_required
def map_page():
    tiles = _tiles()
    lat, lon = current_app.config["MAP_CENTER"]
    # Branches (issue 20): a branch's officer chooses among his branch's townships only; city
    # staff choose a branch (the data endpoint takes the same ``branch=``), or the whole city.
    branch = branch_guard.page_branch()
    branches = branch_guard.branches() if not current_user.branch_id else []
    return render_template(
        "desk/map.html",
        tiles=tiles,
        center=(lat, lon),
        zoom=current_app.config["MAP_ZOOM"],
        legend=mapdata.legend(),
        townships=_townships(branch_guard.page_townships()),
        branch=branch,
        branches=branches,
        # Each township option names its branch, so that switching the branch narrows the
        # township choices at once (desk-map.js), not after a reload.
        branch_codes={b.id: b.code for b in branches},
        industries=INDUSTRIES,
        actions=wf.ACTIONS,
        states=mapdata.filter_states(),
        limit=mapdata.MAX_FEATURES,
        layers=layer_dicts(),
        basemap_text=basemap_text(),
    )


@bp.route("/map/points.json")
@reviewer_required
def map_points():
    try:
        query = mapdata.parse_query(request.args)
    except ValidationError as exc:
        return jsonify(
            {"error": {"code": exc.code, "message": error_text(exc), "fields": exc.fields}}
        ), 422
    # A branch's officer sees his branch's townships only (issue 20): one filter in the query.
    query = replace(query, townships_within=branch_guard.page_townships())
    body = mapdata.features(query, today())
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, max-age=30"
    return response


@bp.route("/map/enterprises/<int:enterprise_id>.json")
@reviewer_required
def map_popup(enterprise_id: int):
    body = mapdata.enterprise_popup(enterprise_id, today())
    body["url"] = url_for("bureau.enterprise", enterprise_id=enterprise_id)
    for c in body["cases"]:
        c["url"] = url_for("bureau.case", case_id=c["id"])
    return jsonify(body)


# ---------------------------------------------------------------- conflict queue


@bp.route("/conflicts")
@reviewer_required
def conflict_queue(errors: dict | None = None, status: int = 200):
    as_of = today()
    within = branch_guard.page_townships()  # a branch's officer: his branch's (issue 20)
    rows = conflicts.unresolved(townships_within=within)
    items = [
        {
            "row": c,
            "current": conflicts.current_version(c, as_of),
            "accept": AcceptForm(formdata=None, prefix=f"a{c.id}"),
            "discard": (errors or {}).get(c.id) or DiscardForm(formdata=None, prefix=f"d{c.id}"),
        }
        for c in rows
    ]
    return render_template(
        "desk/conflicts.html",
        items=items,
        as_of=as_of,
        decided=conflicts.recent_decisions(townships_within=within),
    ), status


@bp.post("/conflicts/<int:conflict_id>/accept")
@reviewer_required
def conflict_accept(conflict_id: int):
    form = AcceptForm(prefix=f"a{conflict_id}")
    if not form.validate():
        abort(400)
    row = conflicts.get(conflict_id, _actor())
    try:
        result = conflicts.accept(_actor(), row, now=utcnow(), note=form.note.data or "")
    except DomainError as exc:
        db.session.rollback()
        flash(
            _(
                "Still refused: %(message)s The submission stays in the queue; discard it with "
                "a reason or correct the record first.",
                message=error_text(exc),
            ),
            "error",
        )
        return redirect(url_for("desk.conflict_queue") + f"#conflict-{conflict_id}")
    flash(_("Conflict %(id)s accepted and applied.", id=conflict_id), "success")
    if result.get("opened"):
        flash(
            _(
                "Escalation opened case(s) %(ids)s.",
                ids=", ".join(f"#{i}" for i in result["opened"]),
            ),
            "warning",
        )
    return redirect(url_for("desk.conflict_queue"))


@bp.post("/conflicts/<int:conflict_id>/discard")
@reviewer_required
def conflict_discard(conflict_id: int):
    form = DiscardForm(prefix=f"d{conflict_id}")
    row = conflicts.get(conflict_id, _actor())
    if not form.validate():
        return conflict_queue(errors={conflict_id: form}, status=422)
    conflicts.discard(_actor(), row, reason=form.reason.data, now=utcnow())
    flash(_("Conflict %(id)s discarded.", id=conflict_id), "success")
    return redirect(url_for("desk.conflict_queue"))


# ---------------------------------------------------------------- quiet days


def _place_choices(within=None):
    """The places to choose: the bureau and every township; for an officer of a branch (issue
    20, ``within``), his branch's townships only."""
    if within is not None:
        return [(t.code, t.name) for t in _townships(within)]
    return [("", _("Bureau-wide"))] + [(t.code, t.name) for t in _townships()]


@bp.route("/quiet-days", methods=["GET", "POST"])
@reviewer_required
def quiet_day_list():
    as_of = today()
    form = QuietDayForm()
    mine = scope.allowed_township_ids(_actor())  # a branch officer's townships (issue 20)
    form.township.choices = _place_choices(mine)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                quiet_days.declare(
                    _actor(),
                    {
                        "on": form.on.data,
                        "township": form.township.data,
                        "reason": form.reason.data,
                    },
                    now=utcnow(),
                    today=as_of,
                )
                flash(_("Quiet day declared."), "success")
                return redirect(url_for("desk.quiet_day_list"))
            except (ValidationError, DomainError) as exc:
                db.session.rollback()
                _field_errors(form, exc.fields or {"on": exc.message})
        status = 422
    actor = _actor()
    return render_template(
        "desk/quiet_days.html",
        form=form,
        rows=quiet_days.upcoming(as_of, townships_within=mine),
        removable=lambda q: township_allowed(actor, q.township_id),
        csrf=CsrfOnlyForm(),
        as_of=as_of,
    ), status


@bp.post("/quiet-days/<int:quiet_day_id>/delete")
@reviewer_required
def quiet_day_delete(quiet_day_id: int):
    if not CsrfOnlyForm().validate():
        abort(400)
    quiet_days.delete(_actor(), quiet_day_id, now=utcnow())
    flash(_("Quiet day removed."), "success")
    return redirect(url_for("desk.quiet_day_list"))


# ---------------------------------------------------------------- 双随机 draw


def _draw_page(publish_form=None, draw_form=None, status=200):
    publish_form = publish_form or PublishSeedForm(formdata=None)
    draw_form = draw_form or DrawForm(formdata=None)
    mine = scope.allowed_township_ids(_actor())  # a branch officer's townships (issue 20)
    draw_form.township.choices = _place_choices(mine)
    return render_template(
        "desk/draws.html",
        publish=publish_form,
        form=draw_form,
        published=draw_publication.published(),
        draws=draw_publication.recent(townships_within=mine),
    ), status


@bp.route("/draws")
@reviewer_required
def draws():
    return _draw_page()


@bp.post("/draws/publish")
@reviewer_required
def draw_publish():
    form = PublishSeedForm()
    if not form.validate():
        return _draw_page(publish_form=form, status=422)
    digest = draw_publication.publish(
        _actor(), period=form.period.data, seed=form.seed.data, now=utcnow()
    )
    flash(_("Published SHA-256 of the seed: %(hash)s", hash=digest), "success")
    return redirect(url_for("desk.draws"))


@bp.post("/draws")
@reviewer_required
def draw_run():
    form = DrawForm()
    form.township.choices = _place_choices(scope.allowed_township_ids(_actor()))
    if not form.validate():
        return _draw_page(draw_form=form, status=422)
    quotas = {k: getattr(form, f"quota_{k}").data or 0 for k in ("A", "B", "C")}
    try:
        record = draw_publication.run(
            _actor(),
            period=form.period.data,
            seed=form.seed.data,
            quotas=quotas,
            township_code=form.township.data or None,
            on=today(),
            now=utcnow(),
        )
    except ValidationError as exc:
        db.session.rollback()
        _field_errors(
            form,
            {
                ("seed" if k == "seed" else "quota_A" if k == "quotas" else k): v
                for k, v in exc.fields.items()
            },
        )
        return _draw_page(draw_form=form, status=422)
    return redirect(url_for("desk.draw_detail", draw_id=record.id))


@bp.route("/draws/<int:draw_id>")
@reviewer_required
def draw_detail(draw_id: int):
    from ..models import Draw

    record = db.session.get(Draw, draw_id) or abort(404)
    check = request.args.get("check") == "1"
    return render_template(
        "desk/draw.html",
        draw=record,
        rows=draw_publication.rows(record),
        roster=draw_publication.roster_names(record),
        seed_hash=draw_publication.seed_hash(record.seed),
        rerun=draw_publication.rerun_matches(record) if check else None,
    )


@bp.route("/draws/<int:draw_id>.csv")
@reviewer_required
def draw_csv(draw_id: int):
    from ..models import Draw

    record = db.session.get(Draw, draw_id) or abort(404)
    return Response(
        draw_publication.csv_text(record),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=draw-{record.id}-{record.period}.csv"
        },
    )


# ---------------------------------------------------------------- dashboard


@bp.route("/dashboard")
@reviewer_required
def dashboard_page():
    as_of = today()
    within = branch_guard.page_townships()  # a branch's officer: his branch's (issue 20)
    return render_template(
        "desk/dashboard.html",
        as_of=as_of,
        summary=dashboard.bureau_summary(as_of, townships_within=within),
        charts=dashboard.charts(
            as_of, current_app.config["BUREAU_TIMEZONE"], townships_within=within
        ),
    )


# ---------------------------------------------------------------- complaints desk


def _complaint_form():
    if request.method == "POST":
        form = ComplaintForm()
    else:
        # A fresh key per blank form: a double-clicked Record replays it instead of making two.
        form = ComplaintForm(
            formdata=None, client_uuid=str(uuid.uuid4()), enterprise_id=arg_id("enterprise_id")
        )
    form.channel.choices = [(c, CHANNEL_LABELS.get(c, c)) for c in CHANNELS]
    form.category.choices = [(c, CATEGORY_LABELS.get(c, c)) for c in CATEGORIES]
    return form


@bp.route("/complaints", methods=["GET", "POST"])
@reviewer_required
def complaints():
    form = _complaint_form()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                complaint = complaint_service.record_complaint(
                    _actor(),
                    bodies.COMPLAINT.read(
                        form.payload(ZoneInfo(current_app.config["BUREAU_TIMEZONE"]))
                    ),
                    now=utcnow(),
                )
                flash(
                    _(
                        "Complaint recorded: the unannounced visit is due by %(visit)s and the "
                        "reply by %(reply)s.",
                        visit=complaint.triage_by.isoformat(),
                        reply=complaint.answer_by.isoformat(),
                    ),
                    "success",
                )
                return redirect(url_for("desk.complaints") + f"#complaint-{complaint.id}")
            except DomainError as exc:
                db.session.rollback()
                if "client_uuid" in (exc.fields or {}):
                    # This very form was recorded before with other content (edited after going
                    # back): say so, and let the next Record make a new complaint.
                    form.client_uuid.data = str(uuid.uuid4())
                    flash(
                        _(
                            "This form was already recorded as another complaint (see the list). "
                            "Record again to add this one as a new complaint."
                        ),
                        "error",
                    )
                else:
                    _field_errors(form, exc.fields or {"text": exc.message})
    state = request.args.get("status", "")
    category = request.args.get("category", "")
    within = branch_guard.page_townships()  # a branch's officer: his branch's (issue 20)
    assign = AssignForm(formdata=None)
    assign.assignee.choices = [(u.username, u.label) for u in review.inspectors(_actor())]
    enterprise = (
        db.session.get(Enterprise, form.enterprise_id.data)
        if form.enterprise_id.data and not form.enterprise_id.errors
        else None
    )
    return render_template(
        "desk/complaints.html",
        form=form,
        enterprise=enterprise,
        pin=pin_map_attrs(lat_input="lat", lon_input="lon", clear="complaint-unpin"),
        rows=complaint_desk.listing(status=state, category=category, townships_within=within),
        counts=complaint_desk.counts(within),
        status=state,
        category=category,
        statuses=COMPLAINT_STATUSES,
        categories=CATEGORIES,
        assign=assign,
        as_of=today(),
    ), status


@bp.post("/complaints/<int:complaint_id>/assign")
@reviewer_required
def complaint_assign(complaint_id: int):
    form = AssignForm()
    if not form.validate():
        abort(400)
    try:
        complaint_desk.assign(_actor(), complaint_id, form.assignee.data, now=utcnow())
    except ValidationError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
        return redirect(url_for("desk.complaints"))
    flash(_("Complaint assigned."), "success")
    return redirect(url_for("desk.complaints"))
