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


def listing(*, status: str = "", category: str = "", limit: int = 100) -> list[Complaint]:
    stmt = select(Complaint).options(joinedload(Complaint.enterprise), joinedload(Complaint.assignee))
    if status in COMPLAINT_STATUSES:
        stmt = stmt.where(Complaint.status == status)
    if category in CATEGORIES:
        stmt = stmt.where(Complaint.category == category)
    return list(db.session.scalars(stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc())
                                   .limit(limit)).unique())


def counts() -> dict:
    return {"status": dict(db.session.execute(select(Complaint.status, func.count())
                                              .group_by(Complaint.status)).all()),
            "category": dict(db.session.execute(select(Complaint.category, func.count())
                                                .group_by(Complaint.category)).all())}


def assign(actor: Actor, complaint_id: int, username: str, *, now: datetime) -> Complaint:
    if not actor.is_reviewer:
        raise Forbidden("Only reviewers and administrators assign complaints.")
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(f"No complaint {complaint_id}.")
    user = db.session.scalar(select(User).where(User.username == (username or ""),
                                                User.role == "inspector", User.is_active_account))
    if user is None:
        raise ValidationError("Choose an active inspector.", {"assignee": "no such inspector"})
    before = {"assignee": complaint.assignee.username if complaint.assignee else None,
              "status": complaint.status}
    complaint.assignee_id, complaint.assignee = user.id, user
    if complaint.status == "new":
        complaint.status = "triaged"
    db.session.flush()
    audit.record(actor, "complaint.assign", "complaint", complaint.id, now=now, before=before,
                 after={"assignee": user.username, "status": complaint.status})
    return complaint
