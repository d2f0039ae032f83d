from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from .types import JSONType, UTCDateTime

VISIT_PURPOSES = ("routine", "complaint", "follow_up", "verification")

visit_inspector = Table(
    "visit_inspector",
    db.metadata,
    Column("visit_id", Integer, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user_account.id"), primary_key=True, index=True),
)


class Visit(Model):
    """One inspection on site. Legal evidence: never edited after the fact, only annotated."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_enterprise_time", "enterprise_id", "visited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The phone's idempotency key: a replayed offline submission maps to this one record.
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    #: SHA-256 of the canonical submitted payload, to tell a replay from a different submission.
    payload_hash: Mapped[str] = mapped_column(String(64))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    #: Geodesic distance from the enterprise pin at the time of the visit.
    distance_m: Mapped[float | None] = mapped_column(Float)
    geofence_ok: Mapped[bool | None] = mapped_column(Boolean)
    #: Why the inspector recorded the visit although outside the geofence.
    geofence_reason: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(String(16))
    unannounced: Mapped[bool] = mapped_column(Boolean, default=False)
    findings: Mapped[str] = mapped_column(Text, default="")
    #: The planned follow-up this visit completes, if any.
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("followup.id"), index=True)
    #: Approval reference for a visit on a quiet day (宁静日).
    approval_ref: Mapped[str] = mapped_column(String(80), default="")
    #: Verification result, when the visit verifies a case: {"case_id", "compliant", ...}.
    outcome: Mapped[dict] = mapped_column(JSONType, default=dict)

    enterprise = relationship("Enterprise")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    inspectors = relationship("User", secondary=visit_inspector, order_by="User.username")
    photos = relationship("Photo", back_populates="visit", order_by="Photo.id")

    def __repr__(self) -> str:
        return f"<Visit {self.id} enterprise={self.enterprise_id}>"


class PhotoColumns:
    """What every stored photo keeps (a visit's, a supervision visit's): one set of columns for
    the one set of checks in services.field.photos."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    #: Where the re-encoded file lives in photo storage.
    storage_key: Mapped[str] = mapped_column(String(120))
    #: SHA-256 of the bytes as uploaded: the evidence fingerprint.
    sha256_original: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    #: Kept as evidence from the original's EXIF, stripped from the served file.
    exif_lat: Mapped[float | None]
    exif_lon: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Photo(PhotoColumns, Model):
    __tablename__ = "photo"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    exif_taken_at: Mapped[str] = mapped_column(String(32), default="")

    visit = relationship("Visit", back_populates="photos")

    def __repr__(self) -> str:
        return f"<Photo {self.id} visit={self.visit_id}>"
