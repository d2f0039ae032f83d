from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is acting: passed explicitly to every use case (no ambient context dict)."""

    id: int | None
    username: str
    role: str
    township_id: int | None = None
    #: A ``unit`` officer's responsible unit; the branch (分局) an officer acts within.
    unit_id: int | None = None
    branch_id: int | None = None

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(
            user.id,
            user.username,
            user.role,
            user.township_id,
            getattr(user, "unit_id", None),
            getattr(user, "branch_id", None),
        )

    @property
    def is_reviewer(self) -> bool:
        return self.role in ("reviewer", "admin")

    @property
    def is_unit(self) -> bool:
        return self.role == "unit"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor(None, "system", "admin")
