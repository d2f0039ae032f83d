from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime


class GeocodeCache(Model):
    """One geocoder answer per address, so an address is looked up once (quota, speed)."""

    __tablename__ = "geocode_cache"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The address as searched (normalised: whitespace collapsed).
    address: Mapped[str] = mapped_column(String(300), unique=True)
    #: WGS84; None when the geocoder found nothing.
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    looked_up_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<GeocodeCache {self.address}>"
