from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..pinyin import searchable
from . import map_pin
from .types import UTCDateTime

RISK_CLASSES = ("A", "B", "C")
#: Where a site's pin came from: the register file, the geocoder, a clerk at the desk, the first
#: good GPS fix of a visit (awaiting a reviewer), or confirmed by a reviewer. "" = not located.
LOCATION_SOURCES = ("", "register", "geocoder", "desk", "visit", "confirmed")
ENTERPRISE_STATUSES = ("operating", "stopped", "closed", "unknown")


class Enterprise(Model):
    """A site that is inspected: a licensed factory or an illegal workshop with no papers."""

    __tablename__ = "enterprise"
    __table_args__ = (
        # The map asks for a bounding box; lat first because boxes are narrower in latitude here.
        Index("ix_enterprise_lat_lon", "lat", "lon"),
        # One legal entity may run several sites: the code is looked up, not unique.
        Index("ix_enterprise_credit_code", "credit_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: The name's pinyin keys (full, initials, other readings of heteronyms), written with the
    #: name (enforcement.pinyin): "yjsl" and "yanjiao" find 燕郊塑料厂.
    name_pinyin: Mapped[str] = mapped_column(String(2000), default="", server_default="")
    #: Unified social credit code (GB 32100-2015), checked on the way in; illegal workshops
    #: often have none. Not unique: each site of a multi-plant company is its own enterprise;
    #: papers are addressed to the legal entity the code names.
    credit_code: Mapped[str | None] = mapped_column(String(18))
    #: An older identifier from a register that predates credit codes: the 9-character
    #: 组织机构代码 or the 15-digit 工商注册号.
    legacy_code: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    #: Industry code, see enforcement.domain.INDUSTRIES.
    industry: Mapped[str] = mapped_column(String(40), default="other", index=True)
    #: National industry classification (GB/T 4754-2017): 门类 letter and 大类 digits ("C26"),
    #: see enforcement.industry_gbt.
    industry_gbt: Mapped[str] = mapped_column(String(4), default="")
    #: The industry exactly as the register wrote it.
    industry_text: Mapped[str] = mapped_column(String(120), default="")
    #: WGS84. Tiles in GCJ-02 are shifted for display only, never here. None while the site
    #: waits for a location (registers rarely carry coordinates).
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    #: See LOCATION_SOURCES.
    location_source: Mapped[str] = mapped_column(String(12), default="")
    #: A key / B / C: drives routine inspection frequency.
    risk_class: Mapped[str] = mapped_column(String(1), default="C")
    permit_no: Mapped[str] = mapped_column(String(60), default="")
    permit_expires: Mapped[date | None] = mapped_column(Date)
    #: 法定代表人 of the legal entity (papers are addressed to it), as the register gives it.
    legal_rep: Mapped[str] = mapped_column(String(80), default="")
    #: Private: never on a public page or export.
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(12), default="operating")
    # The map summary of the site's open cases (workflow.site), written with every case
    # snapshot by services.casework.site_summary in the same transaction, so a map box reads
    # these columns and no case row.
    #: The worst stored state of the open cases, "action:state"; None: no open case.
    map_state: Mapped[str | None] = mapped_column(String(40))
    map_severity: Mapped[int | None]
    #: The earliest watched due date of the open cases ("overdue" once it has passed).
    map_due_on: Mapped[date | None] = mapped_column(Date)
    #: Every open case's watched due date, ISO, sorted, comma-separated (the next due date).
    map_dues: Mapped[str] = mapped_column(Text, default="")
    #: The open cases' actions, sorted, comma-separated.
    map_actions: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    township = relationship("Township")

    def __repr__(self) -> str:
        return f"<Enterprise {self.id} {self.name}>"


@event.listens_for(Enterprise.name, "set")
def _name_written(target: Enterprise, value, _old, _initiator) -> None:
    """Every ORM write of a name writes its pinyin; the bulk paths (demo, import) call
    ``searchable`` themselves."""
    target.name_pinyin = searchable(value)


map_pin.listen(Enterprise.__table__)
