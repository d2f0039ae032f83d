"""The bureau's pages: cases, a case's deadlines and follow-ups, enterprises."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from . import branch_guard
from .ids import page_number
from .. import workflow as wf
from ..extensions import db
from ..clock import utcnow
from ..domain import EVENT_LABELS, label
from ..errors import ImpossibleTransition, ValidationError
from ..models import Case, CaseEvent, Enterprise, Township, Visit
from ..services.desk import review
from ..services.casework import case_evidence, serialize
from ..services.papers import papers as paper_service
from ..services.core.actor import Actor
from ..services.core.queries import open_case_clause, overdue_deadline_clause
from .desk import pin_map_attrs
from . import params
from .desk_forms import (
    DATE_FIELDS,
    SERVICE_FIELD,
    event_fields,
    CsrfOnlyForm,
    EventForm,
    ResponsibilityForm,
)
from .roles import reviewer_required
from .messages import error_text, field_label, field_text

bp = Blueprint("bureau", __name__)
PAGE = 50


def _as_of() -> date:
    return params.as_of(lenient=True)  # a page shows today for a malformed as_of


_page = page_number


@bp.route("/cases")
@login_required
def cases():
    as_of = _as_of()
    stmt = select(Case).options(joinedload(Case.enterprise), joinedload(Case.township))
    action = request.args.get("action") or ""
    township = request.args.get("township") or ""
    status = request.args.get("status") or "open"
    if action in wf.ACTION_VALUES:
        stmt = stmt.where(Case.action == action)
    if township:
        stmt = stmt.join(Township, Case.township_id == Township.id).where(Township.code == township)
    if status in ("open", "overdue"):
        stmt = stmt.where(open_case_clause())
    if status == "overdue":
        stmt = stmt.where(overdue_deadline_clause(as_of))
    # Branches (issue 20): a branch's officer sees his branch's townships only; city staff
    # choose a branch, and see each branch's count of the same filter (the roll-up).
    branch = branch_guard.page_branch()
    rollup = _case_rollup(stmt) if branch is None and not current_user.branch_id else []
    within = branch_guard.page_townships()
    if within is not None:
        stmt = stmt.where(Case.township_id.in_(within))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = _page()
    rows = (
        db.session.scalars(
            stmt.order_by(Case.updated_at.desc(), Case.id.desc())
            .limit(PAGE)
            .offset((page - 1) * PAGE)
        )
        .unique()
        .all()
    )
    townships = db.session.scalars(_townships_stmt(within)).all()
    return render_template(
        "bureau/cases.html",
        rows=rows,
        total=total,
        page=page,
        pages=-(-total // PAGE),
        as_of=as_of,
        action=action,
        township=township,
        status=status,
        townships=townships,
        actions=wf.ACTIONS,
        branch=branch,
        branches=branch_guard.branches() if not current_user.branch_id else [],
        rollup=rollup,
    )


def _townships_stmt(within):
    stmt = select(Township).order_by(Township.id)
    return stmt if within is None else stmt.where(Township.id.in_(within))


def _case_rollup(stmt) -> list[dict]:
    """Per branch, the number of cases (or enterprises) the page's filter finds (empty without
    branches)."""
    branches = branch_guard.branches()
    if not branches:
        return []
    sub = stmt.subquery()
    counts = dict(
        db.session.execute(
            select(Township.branch_id, func.count())
            .select_from(sub)
            .join(Township, sub.c.township_id == Township.id)
            .group_by(Township.branch_id)
        ).all()
    )
    return [{"branch": b, "count": counts.get(b.id, 0)} for b in branches]


@bp.route("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    case = db.session.get(Case, case_id) or abort(404)
    return _case_page(case)


def _case_page(
    case: Case,
    *,
    status: int = 200,
    event_form: EventForm | None = None,
    responsibility_form: ResponsibilityForm | None = None,
    refused: dict | None = None,
    followup_errors: dict | None = None,
):
    as_of = _as_of()
    view = serialize.case_dict(case, as_of)
    assignees = {f.assignee.username: f.assignee.label for f in case.followups if f.assignee}
    # People read names: the history's actors by name, not username.
    assignees.update({e.actor.username: e.actor.label for e in case.events if e.actor})
    ctx = {
        "case": case,
        "view": view,
        "as_of": as_of,
        "assignees": assignees,
        # The evidence beside the decision: visits, photos, fixes, officers, and papers.
        "evidence": case_evidence.case_visits(case),
        "papers": paper_service.case_papers(case),
        "paper_title": lambda kind: paper_service.title(kind, str(get_locale() or "zh_CN")),
        "disclosure": _disclosure_state(case, as_of),
    }
    if current_user.role in ("reviewer", "admin"):
        desk_events = review.desk_events(view["allowed_events"])
        forms = {}
        for kind in desk_events:
            if event_form is not None and event_form.type.data == kind:
                forms[kind] = event_form
            else:
                form = EventForm(formdata=None, type=kind, on=as_of)
                forms[kind] = form
            forms[kind].visit_id.choices = _visit_choices(case)
        rf = responsibility_form or ResponsibilityForm(
            formdata=None,
            lead=case.lead,
            host_unit=case.host_unit,
            co_units="、".join(case.co_units or []),
            responsible_person=case.responsible_person,
            responsibility_due=case.responsibility_due,
        )
        ctx.update(
            review={
                "events": desk_events,
                "forms": forms,
                "fields": event_fields(case.action),
                "date_fields": DATE_FIELDS,
                "open": event_form.type.data if event_form is not None else None,
                "responsibility": rf,
                "refused": refused,
                "planned": review.planned(case),
                "inspectors": review.inspectors(Actor.of(current_user)),
                "followup_errors": followup_errors or {},
                "csrf": CsrfOnlyForm(),
            }
        )
    return render_template("bureau/case.html", **ctx), status


def _disclosure_state(case: Case, as_of) -> dict | None:
    """Whether a close or stop order is on the public page yet, and when it will be."""
    from datetime import timedelta
    from flask import current_app

    if case.action not in ("close", "stop"):
        return None
    delay = current_app.config.get("DISCLOSURE_DELAY_DAYS")
    auto_on = case.served_on + timedelta(days=int(delay)) if delay is not None else None
    public_on = (
        min(d for d in (case.disclosed_on, auto_on) if d is not None)
        if (case.disclosed_on or auto_on)
        else None
    )
    return {
        "public": public_on is not None and public_on <= as_of,
        "on": public_on,
        "reviewed": case.disclosed_on,
        "auto_on": auto_on,
    }


def _visit_choices(case: Case) -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(Visit)
        .where(Visit.enterprise_id == case.enterprise_id)
        .order_by(Visit.visited_at.desc())
        .limit(20)
    ).all()
    return [("", "—")] + [(str(v.id), f"#{v.id} · {v.visited_at.date().isoformat()}") for v in rows]


def _apply_field_errors(form, fields: dict) -> None:
    for name, message in (fields or {}).items():
        target = getattr(form, SERVICE_FIELD.get(name, name.split(".")[0]), None)
        message = field_text(name, message)
        if target is None or not hasattr(target, "errors"):
            target = form.on if name != "checklist" else form.check_water_cut
            message = f"{field_label(name)}：{message}"
        if isinstance(target.errors, tuple):
            target.errors = list(target.errors)
        target.errors.append(message)


@bp.post("/cases/<int:case_id>/review/event")
@reviewer_required
def review_event(case_id: int):
    case = db.session.get(Case, case_id) or abort(404)
    form = EventForm()
    form.visit_id.choices = _visit_choices(case)
    if not form.validate():
        return _case_page(case, status=422, event_form=form)
    actor = Actor.of(current_user)
    data = form.payload(case.action)
    try:
        if data["type"] == "extend":
            result = review.approve_extension(
                actor,
                case,
                on=data["on"],
                months=data.get("months"),
                days=data.get("days"),
                approved_by=data.get("approved_by"),
                now=utcnow(),
            )
        else:
            result = review.record_event(actor, case, data, now=utcnow())
    except ImpossibleTransition as exc:
        db.session.rollback()
        case = db.session.get_one(Case, case_id)
        return _case_page(
            case,
            status=409,
            event_form=form,
            refused={"message": error_text(exc), "allowed": exc.extra.get("allowed", [])},
        )
    except ValidationError as exc:
        db.session.rollback()
        case = db.session.get_one(Case, case_id)
        _apply_field_errors(form, exc.fields)
        return _case_page(case, status=422, event_form=form)
    flash(
        _("Recorded: %(event)s.", event=label(EVENT_LABELS, data["type"], str(get_locale()))),
        "success",
    )
    if result.opened:
        flash(
            _(
                "Escalation opened case(s) %(ids)s.",
                ids=", ".join(f"#{c.id}" for c in result.opened),
            ),
            "warning",
        )
    return redirect(url_for("bureau.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/review/followups")
@reviewer_required
def review_followups(case_id: int):
    case = db.session.get(Case, case_id) or abort(404)
    if not CsrfOnlyForm().validate():
        abort(400)
    assignments = {
        k[len("followup-") :]: request.form[k] for k in request.form if k.startswith("followup-")
    }
    try:
        changed = review.reassign_followups(Actor.of(current_user), case, assignments, now=utcnow())
    except ValidationError as exc:
        db.session.rollback()
        case = db.session.get_one(Case, case_id)
        return _case_page(case, status=422, followup_errors=exc.fields)
    flash(_("%(n)s follow-up(s) reassigned.", n=changed), "success")
    return redirect(url_for("bureau.case", case_id=case_id) + "#followups")


@bp.post("/cases/<int:case_id>/review/responsibility")
@reviewer_required
def review_responsibility(case_id: int):
    case = db.session.get(Case, case_id) or abort(404)
    form = ResponsibilityForm()
    if not form.validate():
        return _case_page(case, status=422, responsibility_form=form)
    try:
        review.set_responsibility(Actor.of(current_user), case, form.data, now=utcnow())
    except ValidationError as exc:
        db.session.rollback()
        case = db.session.get_one(Case, case_id)
        for name, message in exc.fields.items():
            field = getattr(form, name, form.lead)
            field.errors = list(field.errors) + [message]
        return _case_page(case, status=422, responsibility_form=form)
    flash(_("Responsibility chain saved."), "success")
    return redirect(url_for("bureau.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/disclose")
@reviewer_required
def disclose(case_id: int):
    """Publish a served close or stop order on the public disclosure page (双公示)."""
    case = db.session.get(Case, case_id) or abort(404)
    if not CsrfOnlyForm().validate():
        abort(400)
    try:
        review.disclose(Actor.of(current_user), case, on=_as_of(), now=utcnow())
    except ValidationError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
        return redirect(url_for("bureau.case", case_id=case_id))
    flash(_("Published on the public disclosure page."), "success")
    return redirect(url_for("bureau.case", case_id=case_id))


@bp.route("/enterprises")
@login_required
def enterprises():
    q = (request.args.get("q") or "").strip()
    stmt = select(Enterprise)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                Enterprise.name.like(like),
                Enterprise.credit_code == q.upper(),
                Enterprise.address.like(like),
            )
        )
    # City staff see each branch's count of the same search (the roll-up, as on the case list).
    branch = branch_guard.page_branch()
    rollup = _case_rollup(stmt) if branch is None and not current_user.branch_id else []
    stmt = stmt.options(joinedload(Enterprise.township))
    within = branch_guard.page_townships()  # a branch's townships only (issue 20)
    if within is not None:
        stmt = stmt.where(Enterprise.township_id.in_(within))
    page = _page()
    rows = db.session.scalars(
        stmt.order_by(Enterprise.name).limit(PAGE + 1).offset((page - 1) * PAGE)
    ).all()
    return render_template(
        "bureau/enterprises.html",
        rows=rows[:PAGE],
        more=len(rows) > PAGE,
        page=page,
        q=q,
        branch=branch,
        rollup=rollup,
        branches=branch_guard.branches() if not current_user.branch_id else [],
    )


@bp.route("/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id: int):
    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    as_of = _as_of()
    case_rows = db.session.scalars(
        select(Case)
        .where(Case.enterprise_id == enterprise.id)
        .options(selectinload(Case.events).joinedload(CaseEvent.actor))
        .order_by(Case.served_on.desc(), Case.id.desc())
    ).all()
    visits = (
        db.session.scalars(
            select(Visit)
            .where(Visit.enterprise_id == enterprise.id)
            .options(joinedload(Visit.inspectors))
            .order_by(Visit.visited_at.desc())
            .limit(50)
        )
        .unique()
        .all()
    )
    # Where each visit was recorded, beside the pin: the GPS evidence at a glance.
    points = [
        [v.lat, v.lon, v.visited_at.date().isoformat()]
        for v in visits
        if v.lat is not None and v.lon is not None
    ]
    pin = pin_map_attrs(enterprise.lat, enterprise.lon, points=json.dumps(points))
    return render_template(
        "bureau/enterprise.html", e=enterprise, cases=case_rows, visits=visits, as_of=as_of, pin=pin
    )
