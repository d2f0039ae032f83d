"""Reminders: what the daily run tells each officer (the bell), how it was sent (email, group
robots) and the runs themselves."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import JSONType, UTCDateTime

#: Channels besides the bell (which every officer has): email, 企业微信 and 钉钉 group robots.
CHANNELS = ("email", "wecom", "dingtalk")


class Notification(Model):
    """One thing an officer is told (a follow-up due tomorrow, a deadline gone overdue, a case
    assigned, the day's overdue list). ``key`` makes the daily run idempotent: running it twice,
    or after a missed day, never tells the same thing twice."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    #: e.g. ``due:followup:12:2026-11-26`` (kind, object, date): unique per officer.
    key: Mapped[str] = mapped_column(String(120))
    #: ``due``, ``overdue``, ``missed``, ``assigned``, ``overdue_list``, ``holidays``.
    kind: Mapped[str] = mapped_column(String(24))
    case_id: Mapped[int | None] = mapped_column(Integer)
    #: The day of the run that wrote it (bureau date).
    on: Mapped[date] = mapped_column(Date)
    #: What the text is made of (rendered in the reader's language when shown).
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.user_id} {self.key}>"


class Delivery(Model):
    """One message to one officer on one outside channel, holding the run's new notifications.
    Written pending in the run's transaction, sent after its commit, retried when it failed."""

    __tablename__ = "notification_delivery"
    __table_args__ = (Index("ix_delivery_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: ``email``, ``wecom`` or ``dingtalk``.
    channel: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)
    notification_ids: Mapped[list] = mapped_column(JSONType, default=list)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    #: ``pending``, ``sent`` or ``failed`` (failed ones are retried until MAX_ATTEMPTS).
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Delivery {self.id} {self.channel} {self.status}>"


class DailyRun(Model):
    """One run of ``flask daily``: the next run's reminders start where this one ended, so a
    missed day is caught up and a second run on the same day adds nothing."""

    __tablename__ = "daily_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict] = mapped_column(JSONType, default=dict)

    def __repr__(self) -> str:
        return f"<DailyRun {self.as_of}>"
