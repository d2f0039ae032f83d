from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import JSONType


class HolidayDay(Model):
    """An official holiday or adjusted working day imported for a year chinese-calendar does
    not know (``flask --app run holidays import``)."""

    __tablename__ = "holiday_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    on: Mapped[date] = mapped_column(Date, unique=True)
    #: ``holiday`` or ``workday`` (an officially adjusted working weekend day).
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(60), default="")

    def __repr__(self) -> str:
        return f"<HolidayDay {self.on} {self.kind}>"


class QuietDay(Model):
    """企业宁静日: no routine inspection without approval. township None = everywhere."""

    __tablename__ = "quiet_day"
    __table_args__ = (UniqueConstraint("on", "township_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    reason: Mapped[str] = mapped_column(String(120), default="")

    def __repr__(self) -> str:
        return f"<QuietDay {self.on} {self.township_id}>"


class Draw(Model):
    """A 双随机 draw: the seed (publishable before the draw) and its stored result."""

    __tablename__ = "draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(20))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"))
    quotas: Mapped[dict] = mapped_column(JSONType, default=dict)
    result: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_on: Mapped[date] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<Draw {self.id} {self.period}>"
