from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime

#: 不作为, 慢作为, 乱作为, a missed deadline, a rebound of a closed firm in their area.
GROUNDS = ("inaction", "slow_action", "misconduct", "missed_deadline", "rebound")
#: 约谈, 通报批评, 责令书面检查, 移送纪委监委.
DECISIONS = ("interview", "criticism", "written_review", "discipline_referral")
TARGET_KINDS = ("unit", "official")


class AccountabilityRecord(Model):
    """问责: a record against a unit or an official (by name and post), its ground, the decision,
    the deadline to explain and rectify, the answer and the closure. Never public unless the
    bureau publishes it (``published_on``). State (open / answered / closed, overdue) is derived."""

    __tablename__ = "accountability_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(10))
    #: The unit held to account, or the official's unit.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_unit.id"), index=True)
    official_name: Mapped[str] = mapped_column(String(80), default="")
    official_post: Mapped[str] = mapped_column(String(120), default="")
    ground: Mapped[str] = mapped_column(String(20))
    ground_detail: Mapped[str] = mapped_column(Text, default="")
    #: The task found undelivered, or the case whose firm rebounded, when there is one.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("oversight_task.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_case.id"), index=True)
    decision: Mapped[str] = mapped_column(String(24))
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    #: The deadline to explain and rectify.
    respond_by: Mapped[date] = mapped_column(Date)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_note: Mapped[str] = mapped_column(Text, default="")
    #: Set only when the bureau decides to publish it (通报); private until then.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    unit = relationship("ResponsibleUnit")
    task = relationship("Task")

    def state(self, as_of: date) -> str:
        if self.closed_on is not None:
            return "closed"
        if self.answered_on is not None:
            return "answered"
        return "overdue" if as_of > self.respond_by else "open"

    def __repr__(self) -> str:
        return f"<AccountabilityRecord {self.id} {self.ground}>"
