"""The bureau's pages: cases, a case's deadlines and follow-ups, enterprises."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from .. import workflow as wf
from ..extensions import db
from ..models import Case, Enterprise, Township, Visit
from ..services import serialize
from ..services.parsing import parse_date
from ..services.queries import open_case_clause, overdue_deadline_clause
from .context import today

bp = Blueprint("bureau", __name__)
PAGE = 50


def _as_of():
    try:
        return parse_date(request.args.get("as_of"), "as_of", required=False) or today()
    except Exception:
        return today()


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


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
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = _page()
    rows = db.session.scalars(stmt.order_by(Case.updated_at.desc(), Case.id.desc())
                              .limit(PAGE).offset((page - 1) * PAGE)).unique().all()
    townships = db.session.scalars(select(Township).order_by(Township.id)).all()
    return render_template("bureau/cases.html", rows=rows, total=total, page=page, pages=-(-total // PAGE),
                           as_of=as_of, action=action, township=township, status=status,
                           townships=townships, actions=wf.ACTIONS)


@bp.route("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    case = db.session.get(Case, case_id) or abort(404)
    as_of = _as_of()
    assignees = {f.assignee.username: f.assignee.label for f in case.followups if f.assignee}
    return render_template("bureau/case.html", case=case, view=serialize.case_dict(case, as_of),
                           as_of=as_of, assignees=assignees)


@bp.route("/enterprises")
@login_required
def enterprises():
    q = (request.args.get("q") or "").strip()
    stmt = select(Enterprise).options(joinedload(Enterprise.township))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Enterprise.name.like(like), Enterprise.credit_code == q.upper(),
                              Enterprise.address.like(like)))
    page = _page()
    rows = db.session.scalars(stmt.order_by(Enterprise.name).limit(PAGE + 1)
                              .offset((page - 1) * PAGE)).all()
    return render_template("bureau/enterprises.html", rows=rows[:PAGE], more=len(rows) > PAGE,
                           page=page, q=q)


@bp.route("/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id: int):
    enterprise = db.session.get(Enterprise, enterprise_id) or abort(404)
    as_of = _as_of()
    case_rows = db.session.scalars(select(Case).where(Case.enterprise_id == enterprise.id)
                                   .order_by(Case.served_on.desc())).all()
    visits = db.session.scalars(select(Visit).where(Visit.enterprise_id == enterprise.id)
                                .options(joinedload(Visit.inspectors))
                                .order_by(Visit.visited_at.desc()).limit(50)).unique().all()
    return render_template("bureau/enterprise.html", e=enterprise, cases=case_rows,
                           visits=visits, as_of=as_of)
