"""Oversight pages (issue 20): responsible units, the responsibility table (tasks), supervision
visits (督查), accountability (问责) and the scoreboard (考核). Thin views: parse, call one
service, render or redirect; a refused form is shown again with the services' field messages.

A ``unit`` officer reaches only the pages marked here for units (``UNIT_ENDPOINTS``), and
within them only his unit's records: ``confine_unit_officers`` refuses every other page."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from ..clock import utcnow
from ..errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from ..extensions import db
from ..models import Branch, ResponsibleUnit, Township
from ..models.accountability import DECISIONS, GROUNDS, TARGET_KINDS
from ..models.unit import UNIT_KINDS
from ..services.core.actor import Actor
from ..services.oversight import accountability, scoreboard, supervision, tasks, units
from ..services.oversight import labels as L
from ..exports.scoreboard import scoreboard_xlsx
from .context import today

from .ids import safe_id
from .messages import error_text, field_label, fields_text

bp = Blueprint("oversight", __name__, url_prefix="/oversight")

#: Pages a unit officer may open at all (the services still confine him to his unit).
UNIT_ENDPOINTS = {
    "oversight.tasks",
    "oversight.task",
    "oversight.task_deliver",
    "oversight.records",
    "oversight.record",
    "oversight.record_answer",
    "api.oversight_list_tasks",
    "api.oversight_get_task",
    "api.oversight_deliver_task",
    "api.oversight_list_records",
    "api.oversight_get_record",
    "api.oversight_answer_record",
}
#: Pages that are for everyone or that every logged-in person needs (login, password, language).
OPEN_ENDPOINTS = {
    "static",
    "public.disclosure",
    "inspector.service_worker",
    "api.openapi_document",
    "api.token",
    "admin.change_password",
    "home.index",
}


class CsrfForm(FlaskForm):
    pass


def confine_unit_officers() -> None:
    """before_request: a logged-in unit officer gets 403 on every page but his own."""
    endpoint = request.endpoint or ""
    if endpoint in UNIT_ENDPOINTS or endpoint in OPEN_ENDPOINTS or endpoint.startswith("auth."):
        return
    if request.blueprint == "api" and request.headers.get("Authorization"):
        # The API acts for the bearer token alone, never for a session cookie sent along, and
        # confines a unit officer's token itself (api.authenticated): loading the session's
        # user here would check someone who is not acting, on every phone post.
        return
    if current_user.is_authenticated and current_user.role == "unit":
        raise Forbidden(_("A unit officer may open only his unit's tasks and records."))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(confine_unit_officers)


def _actor() -> Actor:
    return Actor.of(current_user)


def _zh() -> bool:
    return str(get_locale() or "zh_CN").startswith("zh")


@bp.context_processor
def _labels():
    locale = str(get_locale() or "zh_CN")
    return {
        "unit_kind_label": lambda k: L.label(L.UNIT_KIND_LABELS, k, locale),
        "task_state_label": lambda k: L.label(L.TASK_STATE_LABELS, k, locale),
        "ground_label": lambda k: L.label(L.GROUND_LABELS, k, locale),
        "decision_label": lambda k: L.label(L.DECISION_LABELS, k, locale),
        "record_state_label": lambda k: L.label(L.RECORD_STATE_LABELS, k, locale),
        "target_label": lambda k: L.label(L.TARGET_LABELS, k, locale),
        "unit_kinds": UNIT_KINDS,
        "grounds": GROUNDS,
        "decisions": DECISIONS,
        "target_kinds": TARGET_KINDS,
        "task_states": tasks.STATES,
        "record_states": tuple(L.RECORD_STATE_LABELS),
    }


def _desk_only() -> None:
    if current_user.role not in ("reviewer", "admin"):
        abort(403)


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name) or ""
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _branches() -> list[Branch]:
    return list(db.session.scalars(select(Branch).order_by(Branch.code)))


def _branch_arg() -> Branch | None:
    """The branch a page is filtered to: an officer of a branch sees his own; city staff choose."""
    if getattr(current_user, "branch_id", None):
        return db.session.get(Branch, current_user.branch_id)
    code = request.args.get("branch") or ""
    return db.session.scalar(select(Branch).where(Branch.code == code)) if code else None


def _townships(branch: Branch | None = None) -> list[Township]:
    stmt = select(Township).order_by(Township.code)
    if branch is not None:
        stmt = stmt.where(Township.branch_id == branch.id)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- hub


@bp.get("/")
@login_required
def index():
    _desk_only()
    as_of = today()
    branch = _branch_arg()
    return render_template(
        "oversight/index.html",
        as_of=as_of,
        branch=branch,
        branches=_branches(),
        overdue=supervision.overdue_by_unit(
            _actor(), as_of, branch_id=branch.id if branch else None
        ),
    )


# ---------------------------------------------------------------- the write helpers


def _created(
    make: Callable[[], Any], success: str, endpoint: str, id_arg: str, first_field: str
) -> tuple[BaseResponse | None, dict[str, str]]:
    """A form that creates one record: on success flash and redirect to the new record's page
    (its id comes from the service's flush; the boundary commits); on a refusal roll the
    attempt back and return the field messages for the form shown again with a 422."""
    try:
        created = make()
    except DomainError as exc:
        db.session.rollback()
        return None, fields_text(exc.fields) or {first_field: error_text(exc)}
    flash(success, "success")
    return redirect(url_for(endpoint, **{id_arg: created.id})), {}


def _create_posted(
    make: Callable[[dict[str, Any]], Any],
    success: str,
    endpoint: str,
    id_arg: str,
    first_field: str,
    **extra: Any,
) -> tuple[BaseResponse | None, dict[str, str], dict[str, Any]]:
    """The POST of a page's create form: CSRF first, then ``make`` with the form's fields (and
    ``extra``, for lists and check boxes the plain fields cannot carry); returns the redirect
    (or None), the field messages and the values to show the form again with."""
    if not CsrfForm().validate():
        abort(400)
    values = request.form.to_dict()
    done, errors = _created(
        lambda: make(dict(values, **extra)), success, endpoint, id_arg, first_field
    )
    return done, errors, values


def _local_time(value: str) -> str:
    """A datetime-local field (``2026-11-24T10:00``) is the bureau's wall-clock time: give it the
    bureau's offset on that day, so the service stores the moment the officer meant."""
    if len(value) != 16:
        return value  # empty, or already with seconds or an offset: the service judges it
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return value
    return local.replace(tzinfo=ZoneInfo(current_app.config["BUREAU_TIMEZONE"])).isoformat()


def _step_and_back(
    step: Callable[[], object],
    success: str,
    back: str,
    refusals: tuple[type[DomainError], ...] = (ValidationError,),
) -> BaseResponse:
    """A button that changes one record: flash the success, or roll the step back and flash its
    first message; back to the record's page either way."""
    try:
        step()
    except refusals as exc:
        db.session.rollback()
        flash(next(iter(fields_text(exc.fields).values()), error_text(exc)), "error")
    else:
        flash(success, "success")
    return redirect(back)


# ---------------------------------------------------------------- units


@bp.route("/units", methods=["GET", "POST"])
@login_required
def unit_list():
    _desk_only()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done, errors, values = _create_posted(
            lambda data: units.create_unit(_actor(), data, now=utcnow()),
            _("Unit added."),
            "oversight.unit",
            "unit_id",
            "name",
        )
        if done:
            return done
        status = 422
    branch = _branch_arg()
    return render_template(
        "oversight/units.html",
        rows=units.list_units(_actor(), branch_id=branch.id if branch else None),
        errors=errors,
        values=values,
        townships=_townships(_branch_arg()),
        branches=_branches(),
        form=CsrfForm(),
    ), status


@bp.get("/units/<int:unit_id>")
@login_required
def unit(unit_id: int):
    _desk_only()
    as_of = today()
    actor = _actor()
    u = units.get_unit(actor, unit_id)
    return render_template(
        "oversight/unit.html",
        unit=u,
        officers=units.officers(u.id),
        rows=[
            tasks.task_row(t, as_of)
            for t in tasks.list_tasks(actor, tasks.TaskFilter(as_of=as_of, unit_id=u.id))
        ],
        records=accountability.list_records(actor, as_of=as_of, unit_id=u.id),
        visits=supervision.list_visits(actor, unit_id=u.id),
        as_of=as_of,
        form=CsrfForm(),
    )


@bp.post("/units/<int:unit_id>/officers")
@login_required
def unit_officer(unit_id: int):
    _desk_only()
    if not CsrfForm().validate():
        abort(400)
    return _step_and_back(
        lambda: units.assign_officer(
            _actor(), unit_id, request.form.get("username", ""), now=utcnow()
        ),
        _("Contact officer saved."),
        url_for("oversight.unit", unit_id=unit_id),
    )


# ---------------------------------------------------------------- tasks


def _task_filter(as_of: date) -> tasks.TaskFilter:
    state = request.args.get("state", "")
    if state not in tasks.STATES:
        state = ""
    township = request.args.get("township") or ""
    township_id = (
        db.session.scalar(select(Township.id).where(Township.code == township))
        if township
        else None
    )
    branch = _branch_arg()
    return tasks.TaskFilter(
        as_of=as_of,
        state=state,
        unit_id=_int_arg("unit"),
        township_id=township_id,
        case_id=_int_arg("case"),
        branch_id=branch.id if branch else None,
    )


@bp.route("/tasks", methods=["GET", "POST"], endpoint="tasks")
@login_required
def tasks_page():
    as_of = today()
    actor = _actor()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        _desk_only()
        done, errors, values = _create_posted(
            lambda data: tasks.create_task(actor, data, now=utcnow(), as_of=as_of),
            _("Task assigned."),
            "oversight.task",
            "task_id",
            "title",
            co_unit_ids=request.form.getlist("co_unit_ids"),
        )
        if done:
            return done
        status = 422
    f = _task_filter(as_of)
    rows = [tasks.task_row(t, as_of) for t in tasks.list_tasks(actor, f)]
    unit = (
        db.session.get(ResponsibleUnit, actor.unit_id) if actor.is_unit and actor.unit_id else None
    )
    return render_template(
        "oversight/tasks.html",
        rows=rows,
        f=f,
        as_of=as_of,
        errors=errors,
        values=values,
        unit=unit,
        all_units=units.list_units(actor),
        townships=_townships(_branch_arg()),
        form=CsrfForm(),
    ), status


@bp.get("/tasks/<int:task_id>")
@login_required
def task(task_id: int):
    as_of = today()
    actor = _actor()
    t = tasks.get_task(actor, task_id)
    return render_template(
        "oversight/task.html",
        t=t,
        row=tasks.task_row(t, as_of),
        as_of=as_of,
        errors={},
        values={},
        form=CsrfForm(),
        can_report=(
            t.done_on is None
            and (actor.is_reviewer or (actor.is_unit and actor.unit_id == t.host_unit_id))
        ),
        records=[r for r in accountability.list_records(actor, as_of=as_of) if r.task_id == t.id],
    ), 200


@bp.post("/tasks/<int:task_id>/deliver")
@login_required
def task_deliver(task_id: int):
    as_of = today()
    actor = _actor()
    if not CsrfForm().validate():
        abort(400)
    try:
        tasks.report_delivery(actor, task_id, request.form.to_dict(), now=utcnow(), as_of=as_of)
        flash(_("Delivery reported."), "success")
        return redirect(url_for("oversight.task", task_id=task_id))
    except ValidationError as exc:
        db.session.rollback()
        t = tasks.get_task(actor, task_id)
        return render_template(
            "oversight/task.html",
            t=t,
            row=tasks.task_row(t, as_of),
            as_of=as_of,
            errors=fields_text(exc.fields),
            values=request.form.to_dict(),
            form=CsrfForm(),
            can_report=True,
            records=[],
        ), 422


@bp.post("/tasks/<int:task_id>/reopen")
@login_required
def task_reopen(task_id: int):
    """The desk finds a reported delivery not done (on a supervision visit, say): reopen it."""
    _desk_only()
    if not CsrfForm().validate():
        abort(400)
    return _step_and_back(
        lambda: tasks.reopen(_actor(), task_id, request.form.to_dict(), now=utcnow()),
        _("Task reopened."),
        url_for("oversight.task", task_id=task_id),
        refusals=(ValidationError, Conflict),
    )


# ---------------------------------------------------------------- accountability


@bp.route("/accountability", methods=["GET", "POST"])
@login_required
def records():
    as_of = today()
    actor = _actor()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        _desk_only()
        done, errors, values = _create_posted(
            lambda data: accountability.create_record(actor, data, now=utcnow(), as_of=as_of),
            _("Accountability record saved."),
            "oversight.record",
            "record_id",
            "ground",
        )
        if done:
            return done
        status = 422
    elif request.args.get("task"):
        values = {"task_id": request.args.get("task"), "ground": "missed_deadline"}
        try:  # another branch's task is not found, and prefills nothing
            t = tasks.get_task(actor, _int_arg("task") or 0) if actor.is_reviewer else None
        except NotFound:
            t = None
        if t is not None:
            values["unit_id"] = str(t.host_unit_id)
            values["official_name"] = t.responsible_person
    state = request.args.get("state", "")
    branch = _branch_arg()
    rows = accountability.list_records(
        actor,
        state=state if state in L.RECORD_STATE_LABELS else "",
        as_of=as_of,
        branch_id=branch.id if branch else None,
    )
    return render_template(
        "oversight/records.html",
        rows=rows,
        as_of=as_of,
        errors=errors,
        values=values,
        state=state,
        all_units=units.list_units(actor),
        form=CsrfForm(),
    ), status


@bp.get("/accountability/<int:record_id>")
@login_required
def record(record_id: int):
    as_of = today()
    r = accountability.get_record(_actor(), record_id)
    return render_template(
        "oversight/record.html", r=r, as_of=as_of, errors={}, values={}, form=CsrfForm()
    )


def _record_step(
    record_id: int, step: Callable[[Actor, int, dict[str, str], date], object]
) -> ResponseReturnValue:
    as_of = today()
    actor = _actor()
    if not CsrfForm().validate():
        abort(400)
    try:
        step(actor, record_id, request.form.to_dict(), as_of)
        flash(_("Saved."), "success")
        return redirect(url_for("oversight.record", record_id=record_id))
    except ValidationError as exc:
        db.session.rollback()
        r = accountability.get_record(actor, record_id)
        return render_template(
            "oversight/record.html",
            r=r,
            as_of=as_of,
            errors=fields_text(exc.fields),
            values=request.form.to_dict(),
            form=CsrfForm(),
        ), 422


@bp.post("/accountability/<int:record_id>/answer")
@login_required
def record_answer(record_id: int):
    return _record_step(
        record_id, lambda a, i, d, as_of: accountability.answer(a, i, d, now=utcnow(), as_of=as_of)
    )


@bp.post("/accountability/<int:record_id>/close")
@login_required
def record_close(record_id: int):
    _desk_only()
    return _record_step(
        record_id, lambda a, i, d, as_of: accountability.close(a, i, d, now=utcnow(), as_of=as_of)
    )


@bp.post("/accountability/<int:record_id>/publish")
@login_required
def record_publish(record_id: int):
    _desk_only()
    return _record_step(
        record_id, lambda a, i, d, as_of: accountability.publish(a, i, now=utcnow())
    )


# ---------------------------------------------------------------- supervision


@bp.route("/supervision", methods=["GET", "POST"])
@login_required
def supervision_visits():
    _desk_only()
    actor = _actor()
    as_of = today()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done, errors, values = _create_posted(
            lambda data: supervision.record_visit(actor, data, now=utcnow())[0],
            _("Supervision visit recorded."),
            "oversight.supervision_visit",
            "supervision_id",
            "findings",
            undelivered_task_ids=request.form.getlist("undelivered_task_ids"),
            unannounced=request.form.get("unannounced") == "y",
            visited_at=_local_time(request.form.get("visited_at", "")),
        )
        if done:
            return done
        status = 422
    chosen = _int_arg("unit") or safe_id(values.get("unit_id"))
    open_tasks = []
    if chosen:
        open_tasks = [
            t
            for t in tasks.list_tasks(actor, tasks.TaskFilter(as_of=as_of, unit_id=chosen))
            if t.done_on is None
        ]
    branch = _branch_arg()
    return render_template(
        "oversight/supervision.html",
        rows=supervision.list_visits(actor, branch_id=branch.id if branch else None),
        errors=errors,
        values=values,
        chosen=chosen,
        open_tasks=open_tasks,
        all_units=units.list_units(actor),
        as_of=as_of,
        form=CsrfForm(),
    ), status


@bp.get("/supervision/<int:supervision_id>")
@login_required
def supervision_visit(supervision_id: int):
    _desk_only()
    v = supervision.get_visit(_actor(), supervision_id)
    return render_template(
        "oversight/supervision_visit.html",
        v=v,
        as_of=today(),
        form=CsrfForm(),
        client_uuid=str(uuid.uuid4()),
    )


@bp.post("/supervision/<int:supervision_id>/photos")
@login_required
def supervision_photo(supervision_id: int):
    _desk_only()
    if not CsrfForm().validate():
        abort(400)
    from ..services.core.storage import photo_storage

    actor = _actor()
    visit = supervision.get_visit(actor, supervision_id)
    upload = request.files.get("file")

    def store() -> None:
        if upload is None:
            raise ValidationError(_("Choose a photo."), {"file": "required"})
        supervision.store_photo(
            actor,
            visit,
            data=upload.read(),
            client_uuid=request.form.get("client_uuid") or str(uuid.uuid4()),
            now=utcnow(),
            storage=photo_storage(),
        )

    return _step_and_back(
        store,
        _("Photo added."),
        url_for("oversight.supervision_visit", supervision_id=supervision_id),
        refusals=(DomainError,),
    )


# ---------------------------------------------------------------- scoreboard


def _period(as_of: date) -> scoreboard.Period:
    start = request.args.get("from") or as_of.replace(month=1, day=1).isoformat()
    end = request.args.get("to") or as_of.isoformat()
    return scoreboard.Period.parse(start, end)


@bp.get("/scoreboard")
@login_required
def scoreboard_page():
    _desk_only()
    as_of = today()
    error = None
    try:
        p = _period(as_of)
    except ValidationError as exc:
        error = "；".join(f"{field_label(k)}：{v}" for k, v in fields_text(exc.fields).items())
        p = scoreboard.Period(as_of.replace(month=1, day=1), as_of)
    branch = _branch_arg()
    actor = _actor()
    towns = scoreboard.townships(actor, p, branch_id=branch.id if branch else None)
    by_unit = scoreboard.units(actor, p, branch_id=branch.id if branch else None)
    return render_template(
        "oversight/scoreboard.html",
        towns=towns,
        by_unit=by_unit,
        p=p,
        total=scoreboard.city_total(towns),
        branch=branch,
        branches=_branches(),
        error=error,
        as_of=as_of,
        rollup=_rollup(actor, p) if branch is None else [],
        formula=scoreboard.formula(zh=_zh()),
        weights=scoreboard.weights(),
        weight_metrics=scoreboard.W.METRICS,
    )


def _rollup(actor: Actor, p: scoreboard.Period) -> list[dict]:
    """The city's roll-up: one total per branch (empty when there are no branches)."""
    out = []
    for b in _branches():
        rows = scoreboard.townships(actor, p, branch_id=b.id)
        out.append({"branch": b, **scoreboard.city_total(rows)})
    return out


@bp.get("/scoreboard.xlsx")
@login_required
def scoreboard_export():
    _desk_only()
    as_of = today()
    p = _period(as_of)
    branch = _branch_arg()
    by = request.args.get("by", "township")
    actor = _actor()
    rows = (scoreboard.units if by == "unit" else scoreboard.townships)(
        actor, p, branch_id=branch.id if branch else None
    )
    scoreboard.record_export(actor, p, by=by, rows=len(rows), now=utcnow())
    name = f"scoreboard-{by}-{p.start.isoformat()}-{p.end.isoformat()}.xlsx"
    return Response(
        scoreboard_xlsx(rows, p, by=by, weights=scoreboard.weights()),  # counted already
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
