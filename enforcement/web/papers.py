"""Legal papers of a case (printable on A4 from the phone or the desk) and its evidence pack."""

from __future__ import annotations

import io
import os

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clock import utcnow
from ..extensions import write_intent
from ..services.papers import evidence, papers, pdf
from ..services.casework import serialize
from ..services.core.actor import Actor
from .context import today

bp = Blueprint("papers", __name__)

# Showing an ISSUED paper writes the print's audit event (a draft writes nothing; only the POST
# that issues allocates a number), so these GETs are units of work that may write: on SQLite
# their transaction must start as a writer (extensions).
_WRITING = {
    "papers.case_paper",
    "papers.visit_record",
    "papers.evidence_pack",
    "papers.case_paper_pdf",
    "papers.visit_record_pdf",
}


@bp.before_request
def _writer():
    if request.endpoint in _WRITING and "_write_token" not in g:
        g._write_token = write_intent.set(True)


@bp.context_processor
def _paper_helpers():
    from datetime import date
    from zoneinfo import ZoneInfo

    return {
        "paper_tz": ZoneInfo(current_app.config["BUREAU_TIMEZONE"]),
        "rmb_upper": papers.rmb_upper,
        "isodate": lambda s: date.fromisoformat(s) if s else None,
    }


def _actor() -> Actor:
    return Actor.of(current_user)


@bp.route("/papers/case/<int:case_id>")
@login_required
def case_index(case_id: int):
    case = papers.get_case_for(_actor(), case_id)
    visits = papers.case_visits(case)
    numbers = papers.numbers_for("visit", [v.id for v in visits])
    return render_template(
        "papers/index.html",
        case=case,
        statuses=papers.case_papers(case),
        visits=visits,
        visit_numbers=numbers,
        title=_title,
    )


def _title(kind: str) -> str:
    from flask_babel import get_locale

    return papers.title(kind, str(get_locale()))


@bp.route("/papers/case/<int:case_id>/<kind>")
@login_required
def case_paper(case_id: int, kind: str):
    case = papers.get_case_for(_actor(), case_id)
    paper = papers.view_case_paper(_actor(), case, kind, now=utcnow(), config=current_app.config)
    return render_template(
        "papers/paper.html",
        paper=paper,
        standalone=False,
        may_issue=papers.may_issue(_actor()),
        issue_url=url_for("papers.issue_case_paper", case_id=case.id, kind=kind),
    )


@bp.route("/papers/case/<int:case_id>/<kind>/issue", methods=["POST"])
@login_required
def issue_case_paper(case_id: int, kind: str):
    """Issue the paper: its 文号 is allocated here, once (CSRF-protected like every form)."""
    case = papers.get_case_for(_actor(), case_id)
    record, new = papers.issue_case_paper(
        _actor(), case, kind, now=utcnow(), year=today().year, config=current_app.config
    )
    flash(
        _("Issued as %(number)s.", number=record.number)
        if new
        else _("Already issued as %(number)s.", number=record.number)
    )
    return redirect(url_for("papers.case_paper", case_id=case.id, kind=kind), 303)


@bp.route("/papers/visit/<int:visit_id>")
@login_required
def visit_record(visit_id: int):
    visit = papers.get_visit_for(_actor(), visit_id)
    paper = papers.view_visit_record(
        _actor(),
        visit,
        now=utcnow(),
        config=current_app.config,
        timezone=current_app.config["BUREAU_TIMEZONE"],
    )
    return render_template(
        "papers/paper.html",
        paper=paper,
        standalone=False,
        may_issue=papers.may_issue(_actor()),
        issue_url=url_for("papers.issue_visit_record", visit_id=visit.id),
    )


@bp.route("/papers/visit/<int:visit_id>/issue", methods=["POST"])
@login_required
def issue_visit_record(visit_id: int):
    visit = papers.get_visit_for(_actor(), visit_id)
    record, new = papers.issue_visit_record(
        _actor(), visit, now=utcnow(), year=today().year, config=current_app.config
    )
    flash(
        _("Issued as %(number)s.", number=record.number)
        if new
        else _("Already issued as %(number)s.", number=record.number)
    )
    return redirect(url_for("papers.visit_record", visit_id=visit.id), 303)


def _standalone(paper: papers.Paper) -> str:
    assert current_app.static_folder is not None  # create_app names the folder
    with open(os.path.join(current_app.static_folder, "css", "papers.css"), encoding="utf-8") as f:
        css = f.read()
    return render_template("papers/standalone.html", paper=paper, css=css, standalone=True)


def _pdf(paper: papers.Paper) -> bytes:
    """The paper as an A4 PDF, from the same template as the printed page (any kind)."""
    from flask_babel import force_locale

    with force_locale("zh_CN"):  # legal papers are in Chinese whatever the reader's language
        html = _standalone(paper)
    return pdf.html_to_pdf(
        html,
        title=f"{paper.zh_title} {paper.number or '草稿'}",
        author=current_app.config["BUREAU_NAME"],
    )


def _send_pdf(data: bytes, name: str):
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=False, download_name=name
    )


@bp.route("/papers/case/<int:case_id>/<kind>.pdf")
@login_required
def case_paper_pdf(case_id: int, kind: str):
    case = papers.get_case_for(_actor(), case_id)
    paper = papers.view_case_paper(_actor(), case, kind, now=utcnow(), config=current_app.config)
    data = _pdf(paper)
    return _send_pdf(data, f"{kind}-case-{case.id}{'-draft' if paper.draft else ''}.pdf")


@bp.route("/papers/visit/<int:visit_id>.pdf")
@login_required
def visit_record_pdf(visit_id: int):
    visit = papers.get_visit_for(_actor(), visit_id)
    paper = papers.view_visit_record(
        _actor(),
        visit,
        now=utcnow(),
        config=current_app.config,
        timezone=current_app.config["BUREAU_TIMEZONE"],
    )
    data = _pdf(paper)
    return _send_pdf(
        data, f"inspection_record-visit-{visit.id}{'-draft' if paper.draft else ''}.pdf"
    )


@bp.route("/papers/case/<int:case_id>/evidence.zip")
@login_required
def evidence_pack(case_id: int):
    case = papers.get_case_for(_actor(), case_id)
    data, _summary = evidence.build_pack(
        _actor(),
        case,
        now=utcnow(),
        config=current_app.config,
        timezone=current_app.config["BUREAU_TIMEZONE"],
        case_view=serialize.case_dict(case, today()),
        render=_pdf,
    )
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"evidence-case-{case.id}.zip",
    )
