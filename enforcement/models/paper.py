from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime

#: What a paper is about: a case (decisions, notices) or a visit (the inspection record).
PAPER_SUBJECTS = ("case", "visit")


class PaperNumber(Model):
    """The serial number (文号) of one legal paper, allocated when the paper is ISSUED (an explicit
    POST by an officer who may issue; viewing a draft allocates nothing, issue #17 item 10).

    A paper issued again keeps its number (one row per subject and kind), and two issues at
    the same moment cannot both take the next number (one row per kind, year, series and
    serial): the loser of the race retries, so each register has no duplicates and no gaps.
    """

    __tablename__ = "paper_number"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "kind", name="uq_paper_number_subject"),
        UniqueConstraint("kind", "year", "series", "serial", name="uq_paper_number_serial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``rectification_order``, ``penalty_decision``, ... (enforcement.services.papers.papers.KINDS).
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer)
    #: The year in the number (〔2026〕): the bureau's year when it was allocated.
    year: Mapped[int] = mapped_column(Integer)
    #: The register the serial is counted in: empty for the bureau's, else the code of the
    #: branch (分局) whose paper prefix the number carries.
    series: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: Counts from 1 per kind, year and series.
    serial: Mapped[int] = mapped_column(Integer)
    #: As printed, e.g. 三环责改〔2026〕第0012号 (kept: a later prefix change must not renumber).
    number: Mapped[str] = mapped_column(String(60))
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    def __repr__(self) -> str:
        return f"<PaperNumber {self.number} {self.subject_type}:{self.subject_id}>"
