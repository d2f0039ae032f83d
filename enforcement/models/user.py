from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import JSONType, UTCDateTime

#: ``unit``: a responsible unit's contact officer (issue 20), the smallest rights of all.
ROLES = ("inspector", "reviewer", "admin", "unit")


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    #: ``inspector``, ``reviewer`` or ``admin``.
    role: Mapped[str] = mapped_column(String(16), index=True)
    #: An inspector's home township (their worklist); None for bureau-wide staff.
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id"), index=True)
    #: A ``unit`` officer's responsible unit: he sees and reports on its tasks only.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_unit.id"), index=True)
    #: The branch (分局) the officer acts within; None: the city (or the one implicit branch).
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    #: scrypt hash (werkzeug); never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    #: 执法证号: the officer's enforcement credential, printed on legal papers.
    credential_no: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    #: Where reminders are emailed (empty: none).
    email: Mapped[str] = mapped_column(String(254), default="")
    #: Reminder channels the officer chose besides the bell: ``email``, ``wecom``, ``dingtalk``.
    notify_channels: Mapped[list] = mapped_column(JSONType, default=list)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Base32 TOTP secret once the user has enrolled a second factor (RFC 6238).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last time step a code was accepted for: each code works once.
    totp_last_step: Mapped[int | None]
    #: Part of every session cookie's user id: raising it (logout, password change,
    #: deactivation, "sign out everywhere") ends every session of this user at once.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    township = relationship("Township")

    def get_id(self) -> str:
        """What the session cookie names: the user and the generation of their sessions."""
        return f"{self.id}:{self.session_generation or 0}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(Model):
    """A bearer token. Only its SHA-256 is stored: a leaked database does not leak tokens."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"
