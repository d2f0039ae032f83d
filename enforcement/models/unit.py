from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model

#: township government, park management committee, another department (自然资源, 市场监管 ...),
#: a utility (供电: the power company cuts power on a closure).
UNIT_KINDS = ("township_gov", "park_committee", "department", "utility")


class ResponsibleUnit(Model):
    """A unit that answers for tasks of the campaign (责任单位): a township government, a park
    committee, another department or a utility. Its contact officers are users with the ``unit``
    role and this ``unit_id``."""

    __tablename__ = "responsible_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="department")
    #: The township a township government or park committee answers for (its area).
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    #: The unit's contact officer as written on the responsibility table.
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    township = relationship("Township")
    branch = relationship("Branch")

    def __repr__(self) -> str:
        return f"<ResponsibleUnit {self.code}>"
