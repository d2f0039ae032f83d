from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from .types import UTCDateTime
from .visit import PhotoColumns

supervision_finding = Table(
    "supervision_finding",
    db.metadata,
    Column("visit_id", ForeignKey("supervision_visit.id", ondelete="CASCADE"), primary_key=True),
    Column("task_id", ForeignKey("oversight_task.id"), primary_key=True),
)


class SupervisionVisit(Model):
    """督查: the joint supervision group's visit to a unit or township, open or unannounced
    (明察暗访), with its GPS fix, findings and the tasks it found undelivered."""

    __tablename__ = "supervision_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("responsible_unit.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    unannounced: Mapped[bool] = mapped_column(Boolean, default=False)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    #: The members of the supervision group, as written on the record.
    members: Mapped[str] = mapped_column(String(300), default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    unit = relationship("ResponsibleUnit")
    township = relationship("Township")
    undelivered = relationship("Task", secondary=supervision_finding, order_by="Task.id")
    photos = relationship(
        "SupervisionPhoto", back_populates="visit", order_by="SupervisionPhoto.id"
    )

    def __repr__(self) -> str:
        return f"<SupervisionVisit {self.id} unit={self.unit_id}>"


class SupervisionPhoto(PhotoColumns, Model):
    """A photo of a supervision visit: checked, re-encoded and stored like a visit's photo
    (services.field.photos), its original's SHA-256 and EXIF GPS kept as evidence."""

    __tablename__ = "supervision_photo"

    visit_id: Mapped[int] = mapped_column(ForeignKey("supervision_visit.id"), index=True)

    visit = relationship("SupervisionVisit", back_populates="photos")

    def __repr__(self) -> str:
        return f"<SupervisionPhoto {self.id} visit={self.visit_id}>"
