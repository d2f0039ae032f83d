from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import JSONType, UTCDateTime

ACTIONS = ("close", "stop", "rectify", "fine", "control")


class Case(Model):
    """One enforcement action against one enterprise. Its state, deadlines and follow-ups are
    written only from the workflow engine's results (enforcement.workflow)."""

    __tablename__ = "enforcement_case"
    __table_args__ = (Index("ix_case_action_state", "action", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    #: SHA-256 of the submitted payload, to tell a replay from a different submission.
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    #: Copied from the enterprise when the case is opened: lists filter by it without a join.
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(24))
    #: The day the decision was served (送达): periods run from the day after.
    served_on: Mapped[date] = mapped_column(Date)
    violation: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    #: What the case was opened with (rectify_days, amount_fen, ...), as the engine reads it.
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: The engine's own memory (extension, decided amount, paid amount, ...).
    facts: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: The engine's watched deadline (workflow.watched_deadline): the case is overdue on any day
    #: after ``watched_due_on``. Written with the deadlines by store_snapshot; the overdue list
    #: is a range scan on it.
    watched_deadline: Mapped[str | None] = mapped_column(String(40))
    watched_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: Whether the watched deadline was counted without official holiday data (its row's own
    #: ``provisional``, copied so the overdue list reads no deadline row).
    watched_provisional: Mapped[bool | None] = mapped_column(Boolean)
    #: A fine's decided amount (facts' ``amount_fen``) and its late-payment surcharge as a
    #: straight line from ``surcharge_since`` on (workflow.fine.SurchargeLine: unpaid fen × days
    #: = base + rate × days since), written by store_snapshot: the overdue list computes the
    #: surcharge in SQL for any day from ``surcharge_since`` on. Null for other actions.
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    surcharge_since: Mapped[date | None] = mapped_column(Date)
    surcharge_base: Mapped[int | None] = mapped_column(BigInteger)
    surcharge_rate: Mapped[int | None] = mapped_column(BigInteger)
    #: True while any open deadline or follow-up was counted without official holiday data.
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The visit that found the violation. No foreign key: visit -> follow-up -> case -> visit
    #: would be a cycle that PostgreSQL cannot create in one pass.
    visit_id: Mapped[int | None] = mapped_column(Integer)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Default assignee of the case's follow-ups.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # 责任分解: the responsibility chain the campaign assigns to every case.
    lead: Mapped[str] = mapped_column(String(80), default="")
    host_unit: Mapped[str] = mapped_column(String(120), default="")
    co_units: Mapped[list] = mapped_column(JSONType, default=list)
    responsible_person: Mapped[str] = mapped_column(String(80), default="")
    responsibility_due: Mapped[date | None] = mapped_column(Date)
    #: The day a reviewer published a close or stop order on the public disclosure page (双公示
    #: review before publication); None until then (see DISCLOSURE_DELAY_DAYS).
    disclosed_on: Mapped[date | None] = mapped_column(Date)
    disclosed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    enterprise = relationship("Enterprise")
    township = relationship("Township")
    assignee = relationship("User", foreign_keys=[assignee_id])
    deadlines = relationship(
        "Deadline", back_populates="case", order_by="Deadline.due_on", cascade="all, delete-orphan"
    )
    followups = relationship(
        "FollowUp", back_populates="case", order_by="FollowUp.due_on", cascade="all, delete-orphan"
    )
    events = relationship("CaseEvent", back_populates="case", order_by="CaseEvent.seq")

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.action} {self.state}>"


class Deadline(Model):
    """A named due date on a case. Status (pending/met/overdue) is derived for a given day."""

    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("case_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    met_on: Mapped[date | None] = mapped_column(Date)
    #: Counted without official holiday data for a year involved; recomputed when it arrives.
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)

    case = relationship("Case", back_populates="deadlines")

    def __repr__(self) -> str:
        return f"<Deadline {self.case_id}:{self.name} {self.due_on}>"


class FollowUp(Model):
    """A planned visit that verifies a case; completed by a visit."""

    __tablename__ = "followup"
    __table_args__ = (
        UniqueConstraint("case_id", "key"),
        Index("ix_followup_assignee_due", "assignee_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True
    )
    #: Stable within the case (the engine's name for it, e.g. ``stop_check_1``).
    key: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(16))
    earliest_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    unannounced: Mapped[bool] = mapped_column(Boolean, default=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    visit_id: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")

    case = relationship("Case", back_populates="followups")
    assignee = relationship("User")

    def __repr__(self) -> str:
        return f"<FollowUp {self.case_id}:{self.key} {self.due_on}>"


class CaseEvent(Model):
    """What happened on a case, in the order it was applied. Replaying these through the engine
    rebuilds the case (that is how ``recompute`` works)."""

    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(30))
    #: The date the event happened (bureau time zone).
    on: Mapped[date] = mapped_column(Date)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: When the phone or clerk recorded it; offline events are applied in this order.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    payload_hash: Mapped[str | None] = mapped_column(String(64))

    case = relationship("Case", back_populates="events")
    actor = relationship("User")

    def __repr__(self) -> str:
        return f"<CaseEvent {self.case_id}#{self.seq} {self.type}>"


class CaseLink(Model):
    """An escalation: the case ``to_case_id`` was opened because of ``from_case_id``."""

    __tablename__ = "case_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_case_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True
    )
    to_case_id: Mapped[int] = mapped_column(
        ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(40))

    def __repr__(self) -> str:
        return f"<CaseLink {self.from_case_id}->{self.to_case_id} {self.reason}>"


class Conflict(Model):
    """A submission the server rejected (impossible transition, same UUID with other content).
    Kept for a reviewer: nothing an inspector sent is ever dropped."""

    __tablename__ = "conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  #: ``case_event``, ``visit``, ...
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_case.id"), index=True)
    client_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str] = mapped_column(String(20), default="")  #: accepted / discarded
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Conflict {self.id} {self.kind} {self.code}>"
