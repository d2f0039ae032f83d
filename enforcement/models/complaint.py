from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime

CHANNELS = ("hotline", "mailbox", "online", "walk_in")
CATEGORIES = ("air", "water", "noise", "waste", "odour", "other")
COMPLAINT_STATUSES = ("new", "triaged", "visited", "answered")


class Complaint(Model):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    channel: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(12), index=True)
    text: Mapped[str] = mapped_column(Text)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    address: Mapped[str] = mapped_column(String(300), default="")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    #: Triage within 1 working day; answer within 15 working days (configurable).
    triage_by: Mapped[date] = mapped_column(Date)
    answer_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    answered_on: Mapped[date | None] = mapped_column(Date)
    #: Private: the complainant is never shown outside the bureau.
    complainant_name: Mapped[str] = mapped_column(String(80), default="")
    complainant_phone: Mapped[str] = mapped_column(String(40), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    enterprise = relationship("Enterprise")
    township = relationship("Township")
    assignee = relationship("User", foreign_keys=[assignee_id])

    def __repr__(self) -> str:
        return f"<Complaint {self.id} {self.category}>"
