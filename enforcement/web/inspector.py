"""The inspector's phone pages: worklist, find or pin an enterprise, record a visit, serve an
action from it, record the close order's execution, and the offline outbox + service worker.

Online, every page posts an ordinary form (CSRF) to these views, which call one service each.
Offline, the same pages are served by the service worker and static/js/inspector-outbox.js
queues the same submissions for the JSON API (idempotent by client UUID)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from . import branch_guard
from .ids import safe_id
from .. import workflow as wf
from ..clock import utcnow
from ..domain import INDUSTRIES, PURPOSE_LABELS, label
from ..errors import Duplicate, Forbidden, ForbiddenByLaw, ValidationError
from ..extensions import db
from ..geo import distance_m
from ..models import Enterprise
from ..services.registry import locations
from ..services.casework import authority, cases
from ..services.desk import dashboard
from ..services.registry import enterprises
from ..services.field import inspector_views as views, visits
from ..services.core.actor import Actor
from ..services.core import bodies
from .context import today
from .messages import error_text, field_label, field_text
from .inspector_forms import LAW_REQUIRED, ExecuteForm, PinForm, ServeForm, VisitForm
from .maps import layer_dicts, map_attrs as basemap_map_attrs

bp = Blueprint("inspector", __name__, url_prefix="/m")

ACTIONS = ("rectify", "stop", "close", "fine", "control", "seal")
# The articles a refusal names (engine's stable ids), as a person reads them.
ARTICLES = {"Administrative Compulsion Law Art. 43": _l("Administrative Compulsion Law Art. 43")}
#: How far "near me" looks, in metres (the inspector picks one).
RADII = (500, 1000, 3000, 10000)


def _actor() -> Actor:
    return Actor.of(current_user)


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "zh_CN")


def _map_attrs() -> dict:
    cfg = current_app.config
    layers = layer_dicts()
    gcj02 = layers[0]["gcj02"] if layers else cfg["MAP_TILES_GCJ02"]
    return {
        "data-tiles": cfg["MAP_TILE_URL"],
        "data-attribution": cfg["MAP_TILE_ATTRIBUTION"],
        "data-gcj02": "1" if gcj02 else "0",
        "data-center": "%s,%s" % tuple(cfg["MAP_CENTER"]),
        "data-zoom": cfg["MAP_ZOOM"],
        **basemap_map_attrs(),
    }


def _apply_field_errors(form, fields: dict) -> None:
    """Put a service's field messages next to the form's fields (others go on top)."""
    for name, message in (fields or {}).items():
        target = getattr(form, name.split(".")[0], None)
        said = field_text(name, message)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors or []) + [said]
        else:
            flash(f"{field_label(name)}：{said}", "error")


# -- the app's home ---------------------------------------------------------------------------


@bp.route("/")
@login_required
def home():
    """The inspector's landing page after login: inside the service worker's scope and the
    manifest's, so the app added to the home screen opens here, with or without signal."""
    as_of = today()
    work = dashboard.inspector_summary(current_user.id, as_of)
    return render_template("home/inspector.html", work=work, as_of=as_of, in_app=True)


@bp.route("/manifest.webmanifest")
def manifest():
    cfg = current_app.config
    body = {
        "name": _("%(bureau)s · Field enforcement", bureau=cfg["BUREAU_NAME"]),
        "short_name": _("Field enforcement"),
        "lang": _locale().replace("_", "-"),
        "start_url": url_for(".home"),
        "scope": url_for(".home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0f5c4d",
        "icons": [
            {
                "src": url_for("static", filename=f"icons/icon-{n}.png"),
                "sizes": f"{n}x{n}",
                "type": "image/png",
            }
            for n in (192, 512)
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


# -- worklist ---------------------------------------------------------------------------------


@bp.route("/worklist")
@login_required
def worklist():
    as_of = today()
    work = dashboard.inspector_summary(current_user.id, as_of)
    rows = views.worklist(work, as_of)
    # What this officer may do at each site, said on the list before he goes there.
    actor = _actor()
    drawn = authority.drawn_for(actor, as_of=as_of)
    may_serve = {
        r["enterprise"].id: authority.site_rights(
            actor, r["enterprise"], as_of=as_of, drawn=drawn
        ).may_serve
        for r in rows
        if r["enterprise"] is not None
    }
    # Sites of the inspector's township still awaiting a location: a visit's first good GPS
    # fix pins them (issue 16).
    to_locate, locate_total = locations.awaiting(township_id=current_user.township_id, limit=20)
    return render_template(
        "inspector/worklist.html",
        work=work,
        rows=rows,
        as_of=as_of,
        may_serve=may_serve,
        to_locate=to_locate,
        locate_total=locate_total,
    )


# -- find, near me, pin -----------------------------------------------------------------------


@bp.route("/find", methods=["GET", "POST"])
@login_required
def find():
    q = request.args.get("q", "").strip()
    form = PinForm()
    form.industry.choices = [("", _("Choose the industry"))] + [
        (k, label(INDUSTRIES, k, _locale())) for k in INDUSTRIES
    ]
    if form.validate_on_submit():
        data = {
            "name": form.name.data,
            "address": form.address.data,
            "industry": form.industry.data,
            "credit_code": form.credit_code.data or None,
            "lat": form.lat.data,
            "lon": form.lon.data,
            "township": current_user.township.code
            if getattr(current_user, "township", None)
            else None,
        }
        try:
            enterprise = enterprises.create_enterprise(
                _actor(), bodies.ENTERPRISE_CREATE.read(data), now=utcnow()
            )
        except Duplicate as exc:
            _apply_field_errors(form, exc.fields)
            existing = exc.extra.get("existing_id")
            if existing:
                flash(_("This credit code is already registered."), "warning")
        except ValidationError as exc:
            _apply_field_errors(form, exc.fields)
        else:
            flash(_("%(name)s is pinned. Record the visit now.", name=enterprise.name), "info")
            return redirect(url_for(".visit", enterprise_id=enterprise.id))
    here: tuple[float, float] | tuple[None, None]
    try:
        here = (float(request.args["lat"]), float(request.args["lon"]))
        if not (-90 <= here[0] <= 90 and -180 <= here[1] <= 180):
            raise ValueError
    except (KeyError, ValueError):
        here = (None, None)
    offset = request.args.get("offset", "0")
    found = views.search(
        q,
        offset=int(offset) if offset.isdigit() else 0,
        lat=here[0],
        lon=here[1],
        townships_within=branch_guard.page_townships(),
    )
    return render_template(
        "inspector/find.html",
        q=q,
        results=found.results,
        found=found,
        here=here,
        form=form,
        radii=RADII,
        pinning=request.method == "POST" or "pin" in request.args,
        map_attrs=_map_attrs(),
        offline_maps=any(layer["local"] for layer in layer_dicts()),
        township=current_user.township.code if getattr(current_user, "township", None) else "",
    )


@bp.route("/find/near.json")
@login_required
def near():
    try:
        lat = float(request.args["lat"])
        lon = float(request.args["lon"])
        radius = min(float(request.args.get("radius_m", 1000)), 20_000)
    except (KeyError, ValueError):
        raise ValidationError(
            "Give lat, lon and radius_m.", {"near": "lat and lon are required"}
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and radius > 0):
        raise ValidationError("Out of range.", {"near": "out of range"})
    actor, day = _actor(), today()
    drawn = authority.drawn_for(actor, as_of=day)
    items = [
        {
            "id": e.id,
            "name": e.name,
            "address": e.address,
            "lat": e.lat,
            "lon": e.lon,
            "industry": label(INDUSTRIES, e.industry, _locale()),
            "distance_m": round(d),
            "township": e.township.code if e.township else None,
            "township_name": e.township.name if e.township else "",
            "mine": bool(current_user.township_id and e.township_id == current_user.township_id),
            "may_serve": authority.site_rights(actor, e, as_of=day, drawn=drawn).may_serve,
            "drawn": e.id in drawn,
            "visit_url": url_for(".visit", enterprise_id=e.id),
        }
        for e, d in views.near(lat, lon, radius, townships_within=branch_guard.page_townships())
    ]
    return jsonify(items=items)


# -- record a visit ---------------------------------------------------------------------------


def _visit_form(enterprise, followup):
    form = VisitForm()
    form.purpose.choices = [(k, label(PURPOSE_LABELS, k, _locale())) for k in PURPOSE_LABELS]
    form.inspectors.choices = [(u.username, u.label) for u in views.co_inspectors(current_user)]
    if request.method == "GET":
        form.client_uuid.data = str(uuid.uuid4())
        if followup is not None:
            form.followup_id.data = str(followup.id)
            form.purpose.data = (
                "verification" if followup.purpose == "verification" else "follow_up"
            )
            form.unannounced.data = followup.unannounced
        elif request.args.get("complaint"):
            form.purpose.data = "complaint"
        else:
            form.purpose.data = "routine"
    return form


def _visit_data(form, enterprise, followup) -> dict:
    def num(value):
        return value if value not in (None, "") else None

    data = {
        "client_uuid": form.client_uuid.data,
        "enterprise_id": enterprise.id,
        "visited_at": form.visited_at.data or utcnow().isoformat(timespec="seconds"),
        "lat": num(form.lat.data),
        "lon": num(form.lon.data),
        "accuracy_m": num(form.accuracy_m.data),
        "purpose": form.purpose.data,
        "unannounced": bool(form.unannounced.data),
        "inspectors": list(form.inspectors.data),
        "findings": form.findings.data or "",
        "followup_id": followup.id if followup else None,
        "approval_ref": form.approval_ref.data or "",
        "geofence_reason": form.geofence_reason.data or "",
        "result": {},
    }
    key = views.result_key(followup)
    if key and form.answer.data in ("yes", "no"):
        data["result"] = {key: form.answer.data == "yes"}
    return data


def _geofence_problem(form, enterprise) -> str | None:
    """Past the geofence a visit is still recorded, but only with the inspector's reason."""
    try:
        lat, lon = float(form.lat.data), float(form.lon.data)
    except (TypeError, ValueError):
        return None
    if enterprise.lat is None:
        return None  # no pin yet: no geofence (the first good fix pins the site)
    far = (
        distance_m(lat, lon, enterprise.lat, enterprise.lon)
        > current_app.config["GEOFENCE_RADIUS_M"]
    )
    if far and not (form.geofence_reason.data or "").strip():
        return _("You are outside the site's geofence: say why.")
    return None


@bp.route("/enterprises/<int:enterprise_id>/visit", methods=["GET", "POST"])
@login_required
def visit(enterprise_id: int):
    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    followup = views.get_followup(request.values.get("followup_id") or request.args.get("followup"))
    if followup is not None and followup.case.enterprise_id != enterprise.id:
        followup = None
    form = _visit_form(enterprise, followup)
    key = views.result_key(followup)
    if form.validate_on_submit():
        problem = _geofence_problem(form, enterprise)
        if key and form.answer.data not in ("yes", "no"):
            form.answer.errors = [_("Answer this before saving.")]
        elif problem:
            form.geofence_reason.errors = [problem]
        else:
            try:
                result = visits.record_visit(
                    _actor(),
                    bodies.VISIT.read(_visit_data(form, enterprise, followup)),
                    now=utcnow(),
                )
            except ValidationError as exc:
                _apply_field_errors(form, exc.fields)
                flash(_("The visit was not saved: check the marked fields."), "error")
            else:
                flash(_("Visit saved."), "info")
                for case in result.opened:
                    flash(
                        _("Escalated: a %(action)s case was opened.", action=case.action), "warning"
                    )
                return redirect(url_for(".serve", visit=result.visit.id))
    return render_template(
        "inspector/visit.html",
        e=enterprise,
        form=form,
        followup=followup,
        result_key=key,
        rights=authority.site_rights(_actor(), enterprise, as_of=today()),
        open_cases=views.open_cases(enterprise),
        visits=views.recent_visits(enterprise),
        map_attrs=_map_attrs(),
        radius=current_app.config["GEOFENCE_RADIUS_M"],
    )


@bp.route("/pinned/visit")
@login_required
def pinned_visit():
    """The visit form for a site pinned without signal: the site is still in the phone's outbox,
    so the page knows it only by the UUID, name and position the phone passes in the query. The
    page is part of the cached app shell; inspector-visit.js queues the visit after its site."""
    site = SimpleNamespace(
        id="", name=_("Site pinned on this phone"), industry="", address="", lat="", lon=""
    )
    form = _visit_form(site, None)
    form.client_uuid.data = ""  # the cached page is reused: the phone makes each visit's UUID
    return render_template(
        "inspector/visit.html",
        e=site,
        form=form,
        followup=None,
        result_key=None,
        open_cases=[],
        visits=[],
        map_attrs=_map_attrs(),
        radius=current_app.config["GEOFENCE_RADIUS_M"],
        pending_site=True,
    )


@bp.route("/visits/<int:visit_id>")
@login_required
def visit_detail(visit_id: int):
    v = views.get_visit(visit_id) or abort(404)
    return render_template(
        "inspector/visit_detail.html",
        v=v,
        cases=views.cases_of_visit(v),
        to_execute=[
            c
            for c in views.open_cases(v.enterprise)
            if c.action == "close" and c.state == "ordered"
        ],
        as_of=today(),
    )


@bp.route("/visits/by-uuid/<client_uuid>")
@login_required
def visit_by_uuid(client_uuid: str):
    v = views.visit_by_uuid(client_uuid) or abort(404)
    if request.accept_mimetypes.best == "application/json":
        # The outbox asks for a visit's id by the UUID the phone gave it, so that its photos can
        # follow from any page.
        return jsonify(id=v.id, client_uuid=v.client_uuid)
    return redirect(url_for(".visit_detail", visit_id=v.id))


# -- serve an action --------------------------------------------------------------------------


def _case_data(form) -> dict:
    action = form.action.data
    data = {
        "client_uuid": form.client_uuid.data or None,
        "enterprise_id": form.enterprise_id.data,
        "action": action,
        "served_on": form.served_on.data.isoformat() if form.served_on.data else None,
        "violation": form.violation.data or "",
        "legal_basis": form.legal_basis.data or "",
        "visit_id": safe_id(form.visit_id.data),
    }
    if action == "rectify":
        data["rectify_days"] = int(form.rectify_days.data)
        data["illegal_discharge"] = bool(form.illegal_discharge.data)
    elif action == "fine":

        def fen(d):
            return int((Decimal(d) * 100).to_integral_value()) if d is not None else None

        data.update(
            amount_fen=fen(form.amount_yuan.data),
            max_amount_fen=fen(form.max_amount_yuan.data),
            maximum_penalty=bool(form.maximum_penalty.data),
            daily_penalty=bool(form.daily_penalty.data),
            illegal_discharge=bool(form.illegal_discharge.data),
        )
    elif action in ("close", "stop"):
        data["illegal_discharge"] = bool(form.illegal_discharge.data)
    if action in ("stop", "seal") and form.approved_by.data:
        # A stop order (MEP Order No. 30 Art. 10) and a seal-up (ACL Art. 18) need the bureau
        # head's approval: recorded on the case and printed on the decision.
        data["approved_by"] = form.approved_by.data.strip()
    if action == "stop":
        data["measure"] = form.measure.data or None
    if action == "seal":
        data["kind"] = form.seal_kind.data
        data["items"] = [
            line.strip() for line in (form.items.data or "").splitlines() if line.strip()
        ]
    if action == "close" and form.resumed_production.data:
        # A closure for a firm that resumed production: the people's government approved it
        # before service (EPL Art. 60).
        data["resumed_production"] = True
        data["government_approved_by"] = (form.government_approved_by.data or "").strip() or None
        data["government_approved_on"] = (
            form.government_approved_on.data.isoformat()
            if form.government_approved_on.data
            else None
        )
    return data


def _missing_for_law(form, data: dict) -> dict:
    """What the law needs before the preview, by action (LAW_REQUIRED), and a legal basis for
    every order; the engine checks the same again when the order reaches the bureau."""
    why = {
        "legal_basis": _("Every order states its legal basis."),
        "approved_by": _("The bureau head's approval is needed before this order is served."),
        "measure": _("Choose limit production or stop production."),
        "items": _("List the facilities or equipment, one per line."),
    }
    missing = {}
    if not data.get("legal_basis", "").strip():
        missing["legal_basis"] = why["legal_basis"]
    for name in LAW_REQUIRED.get(data["action"], ()):
        if not data.get(name):
            missing[name] = why[name]
    return missing


@bp.route("/serve", methods=["GET", "POST"])
@login_required
def serve():
    form = ServeForm()
    form.action.choices = [(a, a) for a in ACTIONS]
    visit_id = safe_id(request.values.get("visit_id") or request.args.get("visit"))
    v = views.get_visit(visit_id) if visit_id else None
    if (request.values.get("visit_id") or request.args.get("visit")) and v is None:
        abort(404)
    enterprise = v.enterprise if v else None
    enterprise_id = safe_id(request.values.get("enterprise_id"))
    if enterprise is None and enterprise_id:
        enterprise = db.session.get(Enterprise, enterprise_id)
    if request.method == "GET":
        form.client_uuid.data = str(uuid.uuid4())
        form.served_on.data = today()
        form.action.data = "rectify"
        if v is not None:
            form.visit_id.data = str(v.id)
            form.violation.data = v.findings
        if enterprise is not None:
            form.enterprise_id.data = str(enterprise.id)
    snapshot = None
    # What this officer may do here is said at the top, before anything is filled in.
    rights = authority.site_rights(_actor(), enterprise, as_of=today()) if enterprise else None
    if rights is not None and not rights.may_serve:
        if request.method == "POST":
            flash(
                _(
                    "You may not serve this order: %(why)s",
                    why=error_text(Forbidden("", code="outside_township")),
                ),
                "error",
            )
        return render_template(
            "inspector/serve.html",
            form=form,
            v=v,
            e=enterprise,
            snapshot=None,
            as_of=today(),
            rights=rights,
            outsider_township=enterprise.township if enterprise else None,
        ), 200
    if form.validate_on_submit() and enterprise is not None:
        data = _case_data(form)
        missing = _missing_for_law(form, data)
        try:
            if form.confirm.data != "1" or missing:
                params = {
                    k: data[k]
                    for k in wf.open_params(data["action"])
                    if data.get(k) not in (None, "")
                }
                if data["action"] == "control":
                    params.setdefault("risk_class", enterprise.risk_class)
                snapshot = views.preview(enterprise, data["action"], form.served_on.data, params)
            else:
                result = cases.open_case(_actor(), bodies.CASE_OPEN.read(data), now=utcnow())
                flash(_("Served. The deadlines are set."), "info")
                if v is not None:
                    return redirect(url_for(".visit_detail", visit_id=v.id))
                return redirect(url_for("bureau.case", case_id=result.case.id))
        except wf.InvalidEvent as exc:
            _apply_field_errors(form, _param_fields(exc.fields))
        except ValidationError as exc:
            _apply_field_errors(form, _param_fields(exc.fields))
        except Forbidden as exc:
            db.session.rollback()
            flash(_("You may not serve this order: %(why)s", why=error_text(exc)), "error")
        if missing:
            # Nothing is previewed until the law's requirements are given (every message at once).
            snapshot = None
            _apply_field_errors(
                form, {k: m for k, m in missing.items() if not getattr(form, k).errors}
            )
    return render_template(
        "inspector/serve.html",
        form=form,
        v=v,
        e=enterprise,
        snapshot=snapshot,
        as_of=today(),
        rights=rights,
    )


def _param_fields(fields: dict) -> dict:
    # The engine speaks fen; the form speaks yuan. A seal-up's kind is seal_kind on the form.
    rename = {"amount_fen": "amount_yuan", "max_amount_fen": "max_amount_yuan", "kind": "seal_kind"}
    return {rename.get(k, k): v for k, v in (fields or {}).items()}


# -- later events: the close order carried out -----------------------------------------------


@bp.route("/cases/<int:case_id>/execute", methods=["GET", "POST"])
@login_required
def execute(case_id: int):
    case = cases.get_case(case_id)
    if case.action != "close":
        abort(404)
    if not cases.may_act(_actor(), case):
        abort(403)
    if case.state != "ordered":
        # Executed (or further on): the checklist is no longer offered (issue #17, finding 9).
        return render_template("inspector/execute.html", case=case, form=None, v=None, done=True)
    form = ExecuteForm()
    # The photos of the closure are evidence of the visit made to carry it out.
    visit_id = safe_id(request.values.get("visit_id") or request.args.get("visit"))
    v = views.get_visit(visit_id) if visit_id else None
    if v is not None and v.enterprise_id != case.enterprise_id:
        v = None
    if request.method == "GET":
        form.client_uuid.data = str(uuid.uuid4())
        form.on.data = today()
        form.visit_id.data = str(v.id) if v else ""
    if form.validate_on_submit():
        checklist = {
            k: bool(getattr(form, k).data)
            for k in (
                "water_cut",
                "power_cut",
                "materials_cleared",
                "equipment_cleared",
                "products_cleared",
            )
        }
        event = {
            "type": "execute",
            "on": form.on.data.isoformat(),
            "checklist": checklist,
            "client_uuid": form.client_uuid.data,
        }
        # ACL Art. 43: the hour it started, and why it could not wait if at night or on a holiday.
        if (form.started_at.data or "").strip():
            event["started_at"] = form.started_at.data.strip()
        if (form.urgency.data or "").strip():
            event["urgency"] = form.urgency.data.strip()
        if v is not None:
            event["visit_id"] = v.id
        try:
            cases.apply_event(_actor(), case, bodies.CASE_EVENT.read(event), now=utcnow())
        except ValidationError as exc:
            _apply_field_errors(form, {k.split(".")[-1]: v for k, v in exc.fields.items()})
        except ForbiddenByLaw as exc:
            db.session.rollback()
            form.urgency.errors = list(form.urgency.errors or []) + [
                _(
                    "Refused by law: %(article)s. Give the urgency reason, or carry it out on a working day in daytime.",
                    article=ARTICLES.get(
                        exc.extra.get("article", ""), exc.extra.get("article", "")
                    ),
                )
            ]
            return render_template(
                "inspector/execute.html", case=cases.get_case(case_id), form=form, v=v
            ), 409
        else:
            flash(_("The closure is recorded as carried out."), "info")
            return redirect(url_for("bureau.case", case_id=case.id))
    return render_template("inspector/execute.html", case=case, form=form, v=v)


# -- offline ----------------------------------------------------------------------------------


@bp.route("/outbox")
@login_required
def outbox():
    return render_template("inspector/outbox.html")


@bp.route("/sw.js")
def service_worker():
    # Served under /m/ so that its scope covers the inspector's pages and nothing else.
    assert current_app.static_folder is not None  # create_app names the folder
    response = send_from_directory(
        current_app.static_folder, "js/sw.js", mimetype="application/javascript", max_age=0
    )
    response.headers["Service-Worker-Allowed"] = "/m/"
    response.headers["Cache-Control"] = "no-cache"
    return response
