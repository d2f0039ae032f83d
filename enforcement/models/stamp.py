from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model

#: What app workers cache, each with its own generation (services.core.stamps).
STAMP_KINDS = ("auth", "calendar")


class CacheStamp(Model):
    """The generation of something app workers cache: bumped in the same transaction as any
    change to what it covers, so every worker of every server drops its copy at its next request."""

    __tablename__ = "cache_stamp"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: Starts at a random value so that a database created anew never repeats a generation a
    #: running worker has cached.
    generation: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<CacheStamp {self.name} {self.generation}>"


def initial_rows() -> list[dict]:
    return [{"name": k, "generation": secrets.randbits(40)} for k in STAMP_KINDS]


@event.listens_for(CacheStamp.__table__, "after_create")
def _seed(target, connection, **kw) -> None:  # create_all (tests, bench); migrations seed their own
    connection.execute(target.insert(), initial_rows())
