from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class Township(Model):
    """A township (乡镇) or industrial park (园区): the unit that lists, rules and quiet days
    are kept by."""

    __tablename__ = "township"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used in URLs, configuration overrides and imports.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    #: ``township`` or ``park``.
    kind: Mapped[str] = mapped_column(String(10), default="township")
    center_lat: Mapped[float | None]
    center_lon: Mapped[float | None]
    #: 统计用区划代码 (12 digits) from the statistics bureau's code list, when imported from it.
    stat_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    #: Other spellings clerks use for it, one per line (matched after normalisation).
    aliases: Mapped[str] = mapped_column(Text, default="")
    #: The boundary as a GeoJSON geometry (Polygon or MultiPolygon, WGS84), when imported.
    boundary: Mapped[str | None] = mapped_column(Text)
    #: The branch (分局) it belongs to; None in an installation without branches.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)

    def __repr__(self) -> str:
        return f"<Township {self.code}>"
