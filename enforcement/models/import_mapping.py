from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import JSONType, UTCDateTime


class ImportMapping(Model):
    """A column mapping chosen on screen, remembered for the next file with the same headers
    (a bureau exports its registry the same way every time)."""

    __tablename__ = "import_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the normalised header row.
    signature: Mapped[str] = mapped_column(String(64), unique=True)
    headers: Mapped[list] = mapped_column(JSONType, default=list)
    #: {header: field} for every header ("" = ignored).
    mapping: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: ``wgs84`` or ``gcj02``: what the coordinate columns hold.
    coordinates: Mapped[str] = mapped_column(String(8), default="wgs84")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<ImportMapping {self.signature[:8]}>"
