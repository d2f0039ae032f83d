"""API: responsible units, tasks (the responsibility table), supervision visits, accountability
records and the scoreboard (issue 20). Unit officers reach the endpoints marked ``for_units``,
and within them only their unit's records."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request, send_file

from ..clock import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..models import Branch, Township
from ..services.oversight import accountability, scoreboard, supervision, tasks, units
from ..services.core.parsing import parse_date
from .api import authenticated, body_input, bp
from .params import ISO_DATE as _ISO_DATE
from .params import arg_int, as_of
from .params import limit as limit_arg
from .params import present_but_empty as _present_but_empty
from .openapi import INT32


DESK = ("reviewer", "admin")


def for_units(view):
    """Mark an endpoint as open to unit officers (api.authenticated refuses them elsewhere)."""
    view.unit_allowed = True
    return view


def _date_arg(name: str):
    raw = request.args.get(name)
    if raw is None:
        return None
    if not _ISO_DATE.match(raw):
        raise ValidationError(f"{name} is not a date.", {name: "expected YYYY-MM-DD"})
    return parse_date(raw, name)


def _enum_arg(name: str, allowed) -> str:
    _present_but_empty(name)
    value = request.args.get(name) or ""
    if value and value not in allowed:
        raise ValidationError(f"Unknown {name}.", {name: "one of " + ", ".join(allowed)})
    return value


def _id_arg(name: str) -> int | None:
    return arg_int(name, minimum=1, maximum=INT32)


def _branch_id() -> int | None:
    _present_but_empty("branch")
    code = request.args.get("branch")
    if not code:
        return g.actor.branch_id
    branch = db.session.query(Branch).filter_by(code=code).one_or_none()
    if branch is None:
        raise ValidationError("No such branch.", {"branch": "no such branch"})
    return branch.id


# ---------------------------------------------------------------- units


@bp.get("/units")
@authenticated(*DESK)
def oversight_list_units():
    rows = units.list_units(g.actor, branch_id=_branch_id())
    return jsonify(items=[units.unit_row(u) for u in rows], next_cursor=None)


@bp.post("/units")
@authenticated(*DESK)
def oversight_create_unit():
    unit = units.create_unit(g.actor, body_input("UnitCreate"), now=utcnow())
    return jsonify(units.unit_row(unit)), 201


# ---------------------------------------------------------------- tasks


@bp.get("/tasks")
@authenticated(*DESK, "unit")
@for_units
def oversight_list_tasks():
    day = as_of()
    state = _enum_arg("state", tasks.STATES)
    unit_id = _id_arg("unit_id")
    _present_but_empty("township")
    township = request.args.get("township")
    township_id = None
    if township:
        township_id = db.session.query(Township.id).filter_by(code=township).scalar()
        if township_id is None:
            raise ValidationError("No such township.", {"township": "no such township"})
    f = tasks.TaskFilter(
        as_of=day,
        state=state,
        unit_id=unit_id,
        township_id=township_id,
        case_id=_id_arg("case_id"),
        branch_id=_branch_id(),
    )
    rows = tasks.list_tasks(g.actor, f, limit=limit_arg())
    return jsonify(
        items=[tasks.task_row(t, day) for t in rows], next_cursor=None, as_of=day.isoformat()
    )


@bp.post("/tasks")
@authenticated(*DESK)
def oversight_create_task():
    day = as_of()
    task = tasks.create_task(g.actor, body_input("TaskCreate"), now=utcnow(), as_of=day)
    return jsonify(tasks.task_row(task, day)), 201


@bp.get("/tasks/<int:task_id>")
@authenticated(*DESK, "unit")
@for_units
def oversight_get_task(task_id: int):
    day = as_of()
    return jsonify(tasks.task_row(tasks.get_task(g.actor, task_id), day))


@bp.post("/tasks/<int:task_id>/delivery")
@authenticated(*DESK, "unit")
@for_units
def oversight_deliver_task(task_id: int):
    day = as_of()
    task = tasks.report_delivery(
        g.actor, task_id, body_input("TaskDelivery"), now=utcnow(), as_of=day
    )
    return jsonify(tasks.task_row(task, day))


# ---------------------------------------------------------------- supervision


@bp.get("/supervision-visits")
@authenticated(*DESK)
def oversight_list_supervision():
    rows = supervision.list_visits(g.actor, branch_id=_branch_id(), limit=limit_arg())
    return jsonify(items=[supervision.visit_row(v) for v in rows], next_cursor=None)


@bp.post("/supervision-visits")
@authenticated(*DESK)
def oversight_record_supervision():
    visit, created = supervision.record_visit(
        g.actor, body_input("SupervisionVisitCreate"), now=utcnow()
    )
    return jsonify(supervision.visit_row(visit)), 201 if created else 200


@bp.post("/supervision-visits/<int:supervision_id>/photos")
@authenticated(*DESK)
def oversight_supervision_photo(supervision_id: int):
    from ..services.core.storage import photo_storage

    visit = supervision.get_visit(g.actor, supervision_id)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("Send the photo as multipart field 'file'.", {"file": "required"})
    photo, created = supervision.store_photo(
        g.actor,
        visit,
        data=upload.read(),
        client_uuid=request.form.get("client_uuid"),
        now=utcnow(),
        storage=photo_storage(),
    )
    return jsonify(supervision.photo_row(photo)), 201 if created else 200


@bp.get("/supervision-photos/<int:supervision_photo_id>")
@authenticated(*DESK)
def oversight_get_supervision_photo(supervision_photo_id: int):
    from ..services.core.storage import photo_storage

    size = _enum_arg("size", ("full", "thumb")) or "full"
    photo = supervision.get_photo(g.actor, supervision_photo_id)
    key = supervision.thumb_key(photo) if size == "thumb" else photo.storage_key
    response = send_file(
        photo_storage().open(key),
        mimetype="image/jpeg",
        max_age=0,
        download_name=f"supervision-{photo.id}.jpg",
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/supervision/overdue")
@authenticated(*DESK)
def oversight_overdue_units():
    day = as_of()
    rows = supervision.overdue_by_unit(g.actor, day, branch_id=_branch_id())
    return jsonify(
        as_of=day.isoformat(),
        items=[
            {
                "unit_id": r["unit"].id,
                "unit": r["unit"].name,
                "overdue": r["overdue"],
                "oldest_deadline": r["oldest_deadline"].isoformat(),
                "days_overdue": r["days_overdue"],
            }
            for r in rows
        ],
        next_cursor=None,
    )


# ---------------------------------------------------------------- accountability


@bp.get("/accountability")
@authenticated(*DESK, "unit")
@for_units
def oversight_list_records():
    day = as_of()
    state = _enum_arg("state", ("open", "overdue", "answered", "closed"))
    rows = accountability.list_records(g.actor, state=state, as_of=day, branch_id=_branch_id())
    return jsonify(items=[accountability.record_row(r, day) for r in rows], next_cursor=None)


@bp.post("/accountability")
@authenticated(*DESK)
def oversight_create_record():
    day = as_of()
    record = accountability.create_record(
        g.actor, body_input("AccountabilityCreate"), now=utcnow(), as_of=day
    )
    return jsonify(accountability.record_row(record, day)), 201


@bp.get("/accountability/<int:record_id>")
@authenticated(*DESK, "unit")
@for_units
def oversight_get_record(record_id: int):
    day = as_of()
    return jsonify(accountability.record_row(accountability.get_record(g.actor, record_id), day))


@bp.post("/accountability/<int:record_id>/answer")
@authenticated(*DESK, "unit")
@for_units
def oversight_answer_record(record_id: int):
    day = as_of()
    record = accountability.answer(
        g.actor, record_id, body_input("AccountabilityAnswer"), now=utcnow(), as_of=day
    )
    return jsonify(accountability.record_row(record, day))


@bp.post("/accountability/<int:record_id>/close")
@authenticated(*DESK)
def oversight_close_record(record_id: int):
    day = as_of()
    record = accountability.close(
        g.actor, record_id, body_input("AccountabilityClose"), now=utcnow(), as_of=day
    )
    return jsonify(accountability.record_row(record, day))


# ---------------------------------------------------------------- scoreboard


@bp.get("/scoreboard")
@authenticated(*DESK)
def oversight_scoreboard():
    day = as_of()
    start = _date_arg("from") or day.replace(month=1, day=1)
    end = _date_arg("to") or day
    p = scoreboard.Period.parse(start.isoformat(), end.isoformat())
    by = _enum_arg("by", ("township", "unit")) or "township"
    rows = (scoreboard.units if by == "unit" else scoreboard.townships)(
        g.actor, p, branch_id=_branch_id()
    )
    body_: dict[str, Any] = {
        "from": p.start.isoformat(),
        "to": p.end.isoformat(),
        "by": by,
        "items": rows,
        "weights": scoreboard.weights(),
        "formula": scoreboard.formula(zh=False),
    }
    if by == "township":
        body_["total"] = scoreboard.city_total(rows)
    return jsonify(body_)
