from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is acting: passed explicitly to every use case (no ambient context dict)."""

    id: int | None
    username: str
    role: str
    township_id: int | None = None

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(user.id, user.username, user.role, user.township_id)

    @property
    def is_reviewer(self) -> bool:
        return self.role in ("reviewer", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor(None, "system", "admin")
