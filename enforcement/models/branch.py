from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class Branch(Model):
    """A county branch (分局) of the city's bureau (市局). Since the vertical-management reform
    county bureaus are branches of the city bureau, so one installation may serve several.

    Townships, officers and units may name their branch; ``None`` means the one implicit branch
    of an installation that has never set any up (its behaviour is unchanged)."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used in URLs and filters.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    #: Prefix of this branch's legal paper numbers (e.g. 三环罚).
    paper_prefix: Mapped[str] = mapped_column(String(20), default="")

    def __repr__(self) -> str:
        return f"<Branch {self.code}>"
