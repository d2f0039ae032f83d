from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from .types import UTCDateTime

task_co_unit = Table(
    "task_co_unit",
    db.metadata,
    Column("task_id", ForeignKey("oversight_task.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("responsible_unit.id"), primary_key=True),
)


class Task(Model):
    """One line of the responsibility table (责任分解表): what is to be done, the lead leader,
    the host unit, the co-units, the responsible person and the deadline; attached to a case, a
    campaign, or standing alone. Its state (assigned / delivered / overdue) is derived from
    ``done_on``, ``deadline`` and the day asked about: never stored."""

    __tablename__ = "oversight_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    #: The campaign it belongs to (free text, e.g. 关停改罚控专项行动), when not a case's.
    campaign: Mapped[str] = mapped_column(String(120), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("enforcement_case.id"), index=True)
    #: The area the task is about (scoreboard bucket); defaults to the host unit's township.
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    #: 牵头领导.
    lead_leader: Mapped[str] = mapped_column(String(80), default="")
    #: 主办单位: answers for the task and reports its delivery.
    host_unit_id: Mapped[int] = mapped_column(ForeignKey("responsible_unit.id"), index=True)
    #: 责任人.
    responsible_person: Mapped[str] = mapped_column(String(80), default="")
    assigned_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    #: The day the host unit reported it done (delivered); on time when <= deadline.
    done_on: Mapped[date | None] = mapped_column(Date)
    report: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    host_unit = relationship("ResponsibleUnit")
    co_units = relationship(
        "ResponsibleUnit", secondary=task_co_unit, order_by="ResponsibleUnit.id"
    )
    township = relationship("Township")
    case = relationship("Case")

    def state(self, as_of: date) -> str:
        """``delivered`` once done; ``overdue`` on any day after the deadline; else ``assigned``."""
        if self.done_on is not None:
            return "delivered"
        return "overdue" if as_of > self.deadline else "assigned"

    @property
    def on_time(self) -> bool | None:
        return None if self.done_on is None else self.done_on <= self.deadline

    def __repr__(self) -> str:
        return f"<Task {self.id} due {self.deadline}>"
