from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime

RISK_CLASSES = ("A", "B", "C")
ENTERPRISE_STATUSES = ("operating", "stopped", "closed", "unknown")


class Enterprise(db.Model):
    """A site that is inspected: a licensed factory or an illegal workshop with no papers."""

    __tablename__ = "enterprise"
    __table_args__ = (
        # The map asks for a bounding box; lat first because boxes are narrower in latitude here.
        Index("ix_enterprise_lat_lon", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: Unified social credit code (GB 32100-2015), checked on the way in; illegal workshops
    #: often have none.
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    #: Industry code, see enforcement.domain.INDUSTRIES.
    industry: Mapped[str] = mapped_column(String(40), default="other", index=True)
    #: WGS84. Tiles in GCJ-02 are shifted for display only, never here.
    lat: Mapped[float]
    lon: Mapped[float]
    #: A key / B / C: drives routine inspection frequency.
    risk_class: Mapped[str] = mapped_column(String(1), default="C")
    permit_no: Mapped[str] = mapped_column(String(60), default="")
    permit_expires: Mapped[date | None] = mapped_column(Date)
    #: Private: never on a public page or export.
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(12), default="operating")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    township = relationship("Township")

    def __repr__(self) -> str:
        return f"<Enterprise {self.id} {self.name}>"
