"""The complaints desk's reads and its one write besides recording: assigning a complaint's
visit task to an inspector (recording is ``services.complaints.record_complaint``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from enforcement.errors import Forbidden, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import Complaint, User
from enforcement.models.complaint import CATEGORIES, COMPLAINT_STATUSES
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.desk.review import in_branch_of
from enforcement.services.core.scope import TownshipFilter, township_allowed


def listing(
    *,
    status: str = "",
    category: str = "",
    limit: int = 100,
    townships_within: TownshipFilter = None,
) -> list[Complaint]:
    """The desk's complaints; ``townships_within`` confines them to a branch's townships
    (issue 20: a complaint of no township is the city's)."""
    stmt = select(Complaint).options(
        joinedload(Complaint.enterprise), joinedload(Complaint.assignee)
    )
    if townships_within is not None:
        stmt = stmt.where(Complaint.township_id.in_(townships_within))
    if status in COMPLAINT_STATUSES:
        stmt = stmt.where(Complaint.status == status)
    if category in CATEGORIES:
        stmt = stmt.where(Complaint.category == category)
    return list(
        db.session.scalars(
            stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(limit)
        ).unique()
    )


def counts(townships_within: TownshipFilter = None) -> dict:
    def by(column):
        stmt = select(column, func.count()).group_by(column)
        if townships_within is not None:
            stmt = stmt.where(Complaint.township_id.in_(townships_within))
        return dict(db.session.execute(stmt).all())

    return {"status": by(Complaint.status), "category": by(Complaint.category)}


def assign(actor: Actor, complaint_id: int, username: str, *, now: datetime) -> Complaint:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators assign complaints.")
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or not township_allowed(actor, complaint.township_id):
        raise NotFound(f"No complaint {complaint_id}.")
    user = db.session.scalar(
        select(User).where(
            User.username == (username or ""),
            User.role == "inspector",
            User.is_active_account,
            in_branch_of(actor),
        )
    )
    if user is None:
        raise ValidationError("Choose an active inspector.", {"assignee": "no such inspector"})
    before = {
        "assignee": complaint.assignee.username if complaint.assignee else None,
        "status": complaint.status,
    }
    complaint.assignee_id, complaint.assignee = user.id, user
    if complaint.status == "new":
        complaint.status = "triaged"
    db.session.flush()
    audit.record(
        actor,
        "complaint.assign",
        "complaint",
        complaint.id,
        now=now,
        before=before,
        after={"assignee": user.username, "status": complaint.status},
    )
    return complaint
