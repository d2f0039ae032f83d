"""企业宁静日: days the bureau declares free of routine inspection, for one township or park or
bureau-wide. The engine's calendar reads them (services.calendars.load_calendar), so follow-ups
planned from then on avoid them; already planned dates move at the next ``recompute``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from enforcement.errors import Duplicate, Forbidden, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import QuietDay, Township
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import parse_date, text
from enforcement.services.core.scope import TownshipFilter, township_allowed


def _reviewer(actor: Actor) -> None:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators declare quiet days.")


def upcoming(
    since: date, limit: int = 200, townships_within: TownshipFilter = None
) -> list[tuple[QuietDay, Township | None]]:
    """The quiet days from ``since``; with ``townships_within`` (a branch's, issue 20) the
    bureau-wide ones and those of the branch's townships."""
    stmt = (
        select(QuietDay, Township)
        .outerjoin(Township, QuietDay.township_id == Township.id)
        .where(QuietDay.on >= since)
    )
    if townships_within is not None:
        stmt = stmt.where(
            or_(QuietDay.township_id.is_(None), QuietDay.township_id.in_(townships_within))
        )
    rows = db.session.execute(stmt.order_by(QuietDay.on, Township.code).limit(limit)).all()
    return [(q, t) for q, t in rows]


def declare(actor: Actor, data: dict, *, now: datetime, today: date) -> QuietDay:
    _reviewer(actor)
    fields = {}
    try:
        on = parse_date(data.get("on"), "on")
    except ValidationError as exc:
        fields.update(exc.fields)
        on = None
    if on is not None and on < today:
        fields["on"] = "in the past: a quiet day is declared ahead"
    township = None
    code = (data.get("township") or "").strip()
    if code:
        township = db.session.scalar(select(Township).where(Township.code == code))
        if township is None or not township_allowed(actor, township.id):
            township = None  # another branch's is not found either (issue 20)
            fields["township"] = "unknown township or park"
    elif actor.branch_id:
        fields["township"] = "required"  # a bureau-wide day is the city's to declare
    try:
        reason = text(data.get("reason"), "reason", required=True, max_length=120)
    except ValidationError as exc:
        fields.update(exc.fields)
    if fields:
        raise ValidationError("The quiet day could not be declared.", fields)
    # NULL never equals NULL in a unique index, so a second bureau-wide day is checked here.
    same_place = (
        (QuietDay.township_id == township.id) if township else QuietDay.township_id.is_(None)
    )
    exists = db.session.scalar(select(QuietDay.id).where(QuietDay.on == on, same_place))
    if exists:
        raise Duplicate("That quiet day is already declared.", {"on": "already declared"})
    row = QuietDay(on=on, township_id=township.id if township else None, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise Duplicate("That quiet day is already declared.", {"on": "already declared"}) from None
    audit.record(
        actor,
        "quiet_day.declare",
        "quiet_day",
        row.id,
        now=now,
        after={"on": on, "township": code or None, "reason": reason},
    )
    return row


def delete(actor: Actor, quiet_day_id: int, *, now: datetime) -> None:
    _reviewer(actor)
    row = db.session.get(QuietDay, quiet_day_id)
    # An officer of a branch removes his branch's townships' days only (issue 20).
    if row is None or not township_allowed(actor, row.township_id):
        raise NotFound(f"No quiet day {quiet_day_id}.")
    township = db.session.get(Township, row.township_id) if row.township_id else None
    before = {"on": row.on, "township": township.code if township else None, "reason": row.reason}
    db.session.delete(row)
    db.session.flush()
    audit.record(actor, "quiet_day.delete", "quiet_day", quiet_day_id, now=now, before=before)
