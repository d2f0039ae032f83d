"""The register at the desk: sites awaiting a location (search the address with the geocoder in
the background, drag the pin, or leave it to the field; confirm pins set by visits), and the
townships page (import the code list or boundaries, edit aliases). Thin views."""

from __future__ import annotations

from flask import (
    Blueprint,
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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import BooleanField, HiddenField, TextAreaField

from ..clock import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..models import Enterprise, GeocodeCache, Township
from ..services.core.actor import Actor
from ..services.registry import imports, locations, townships
from .roles import reviewer_required

from .ids import page_number, safe_id

bp = Blueprint("register", __name__)

PAGE = 50


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.app_context_processor
def _awaiting_count():
    # Functions, so only the pages that show the figure pay for the count.
    from ..industry_gbt import label

    return {"awaiting_location_count": locations.count_awaiting, "gbt_label": label}


class LocateForm(FlaskForm):
    lat = HiddenField()
    lon = HiddenField()


class ConfirmForm(FlaskForm):
    pass


class TownshipUploadForm(FlaskForm):
    file = FileField(_l("Code list (CSV) or boundaries (GeoJSON)"), validators=[FileRequired()])
    gcj02 = BooleanField(_l("The boundary coordinates are GCJ-02 (Gaode, Tencent)"))


class AliasForm(FlaskForm):
    aliases = TextAreaField(_l("Other names clerks write, one per line"))


def _township_id() -> int | None:
    return safe_id(request.args.get("township"))


def _geocoder():
    config = current_app.config
    return imports.geocoder_from_config(config["GEOCODER"], config["GEOCODER_OPTIONS"])


# ---------------------------------------------------------------- awaiting a location


@bp.route("/desk/locate")
@reviewer_required
def awaiting():
    township_id = _township_id()
    q = (request.args.get("q") or "").strip()[:100]
    to_confirm = request.args.get("show") == "visit"
    page = page_number()
    items, total = locations.awaiting(
        township_id=township_id,
        q=q or None,
        to_confirm=to_confirm,
        offset=(page - 1) * PAGE,
        limit=PAGE,
    )
    counts = dict(
        db.session.execute(
            select(Enterprise.township_id, func.count())
            .where(locations.awaiting_clause())
            .group_by(Enterprise.township_id)
        ).all()
    )
    return render_template(
        "desk/locate_list.html",
        items=items,
        total=total,
        page=page,
        pages=-(-total // PAGE),
        q=q,
        township_id=township_id,
        to_confirm=to_confirm,
        townships=list(db.session.scalars(select(Township).order_by(Township.code))),
        counts=counts,
        waiting=locations.count_awaiting(),
        to_confirm_count=locations.count_to_confirm(),
        progress=locations.geocode_progress(),
        geocoder=bool(current_app.config["GEOCODER"]),
        form=ConfirmForm(),
    )


@bp.route("/desk/locate/geocode", methods=["POST"])
@reviewer_required
def geocode_start():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    geocode = _geocoder()
    if geocode is None:
        flash(_("No geocoder is configured (GEOCODER): pin the sites by hand or on site."), "error")
    elif locations.start_background_geocoding(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        geocode,
        now=utcnow(),
        area=townships.bureau_area(current_app.config),
    ):
        flash(
            _("The addresses are being searched in the background; this page shows the progress."),
            "success",
        )
    else:
        flash(_("The address search is already running."), "success")
    return redirect(url_for("register.awaiting"))


@bp.route("/desk/locate/progress.json")
@reviewer_required
def geocode_progress():
    return jsonify(locations.geocode_progress())


@bp.route("/desk/locate/<int:enterprise_id>", methods=["GET", "POST"])
@reviewer_required
def locate(enterprise_id: int):
    from .desk import pin_map_attrs

    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    form = LocateForm()
    status = 200
    if form.validate_on_submit():
        try:
            locations.set_location(
                _actor(),
                enterprise,
                form.lat.data,
                form.lon.data,
                now=utcnow(),
                area=townships.bureau_area(current_app.config),
            )
        except ValidationError:
            db.session.rollback()
            form.lat.errors = list(form.lat.errors) + [
                _("The pin is outside the bureau's area or not a position: drag it onto the site.")
            ]
            status = 422
        else:
            flash(_("Located: %(name)s.", name=enterprise.name), "success")
            following = db.session.scalar(
                select(Enterprise.id)
                .where(locations.awaiting_clause(), Enterprise.id > enterprise.id)
                .order_by(Enterprise.id)
                .limit(1)
            )
            if following:
                return redirect(url_for("register.locate", enterprise_id=following))
            return redirect(url_for("register.awaiting"))
    elif request.method == "POST":
        status = 422
        form.lat.errors = list(form.lat.errors) + [_("Drag the pin onto the site first.")]
    suggestion = None
    if enterprise.address:
        cached = db.session.scalar(
            select(GeocodeCache).where(
                GeocodeCache.address == locations.address_key(enterprise.address)
            )
        )
        if cached is not None and cached.lat is not None:
            suggestion = (cached.lat, cached.lon)
    start = (enterprise.lat, enterprise.lon) if enterprise.lat is not None else suggestion
    if start is None and enterprise.township and enterprise.township.center_lat is not None:
        centre = (enterprise.township.center_lat, enterprise.township.center_lon)
    else:
        centre = None
    if form.lat.data and form.lon.data:
        start = None  # the posted pin is in the inputs
    pin = pin_map_attrs(*(start or (None, None)), lat_input="pin-lat", lon_input="pin-lon")
    if centre is not None:
        pin["data-center"] = "%s,%s" % centre
        pin["data-center-zoom"] = 13
    if start is not None and not form.lat.data:
        form.lat.data, form.lon.data = f"{start[0]:.6f}", f"{start[1]:.6f}"
    return render_template(
        "desk/locate.html",
        e=enterprise,
        form=form,
        pin=pin,
        suggestion=suggestion,
        confirm=ConfirmForm(),
    ), status


@bp.route("/desk/locate/<int:enterprise_id>/confirm", methods=["POST"])
@reviewer_required
def confirm(enterprise_id: int):
    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    locations.confirm_location(_actor(), enterprise, now=utcnow())
    flash(_("Location confirmed: %(name)s.", name=enterprise.name), "success")
    return redirect(url_for("register.awaiting", show="visit"))


# ---------------------------------------------------------------- townships


@bp.route("/admin/townships", methods=["GET", "POST"])
@reviewer_required
def township_list():
    form = TownshipUploadForm()
    status = 200
    if request.method == "POST":
        if not _actor().is_admin:
            abort(403)
        if form.validate_on_submit():
            upload = form.file.data
            try:
                entries = townships.read_entries(
                    upload.read(), upload.filename or "", gcj02=bool(form.gcj02.data)
                )
                result = townships.import_townships(_actor(), entries, now=utcnow())
            except ValidationError as exc:
                db.session.rollback()
                form.file.errors = list(form.file.errors) + list(exc.fields.values())
                status = 422
            else:
                c = result.counts
                flash(
                    _(
                        "Townships: %(created)s created, %(updated)s updated, %(unchanged)s "
                        "unchanged.",
                        **c,
                    ),
                    "success",
                )
                return redirect(url_for("register.township_list"))
        else:
            status = 422
    rows = list(
        db.session.scalars(
            select(Township).order_by(
                Township.stat_code.is_(None), Township.stat_code, Township.code
            )
        )
    )
    counts = dict(
        db.session.execute(
            select(Enterprise.township_id, func.count()).group_by(Enterprise.township_id)
        ).all()
    )
    return render_template(
        "admin/townships.html",
        form=form,
        townships=rows,
        counts=counts,
        unplaced=counts.get(None, 0),
        alias_form=AliasForm(),
    ), status


@bp.route("/admin/townships/<int:township_id>/aliases", methods=["POST"])
@reviewer_required
def township_aliases(township_id: int):
    township = db.session.get(Township, township_id) or abort(404)
    form = AliasForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        townships.set_aliases(_actor(), township, form.aliases.data or "", now=utcnow())
    except ValidationError as exc:
        db.session.rollback()
        flash("；".join(exc.fields.values()), "error")
    else:
        flash(_("Aliases saved for %(name)s.", name=township.name), "success")
    return redirect(url_for("register.township_list") + f"#t{township.id}")
