"""People and credentials: create users, check passwords, mint and check API tokens."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Duplicate, Unauthorized, ValidationError
from ..extensions import db
from ..models import ROLES, ApiToken, Township, User
from ..security import new_token, password_problem, token_digest
from . import audit
from .actor import Actor

# Compared against when the user does not exist, so a wrong username costs the same time as a
# wrong password (no user enumeration by timing).
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_user(actor: Actor, *, username: str, role: str, password: str, now: datetime,
                display_name: str = "", township_code: str | None = None,
                credential_no: str = "", min_length: int = 10) -> User:
    fields = {}
    username = username.strip()
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").isalnum():
        fields["username"] = "letters, digits, dot and underscore only (1-64)"
    if role not in ROLES:
        fields["role"] = "one of " + ", ".join(ROLES)
    problem = password_problem(password, min_length)
    if problem:
        fields["password"] = problem
    township = None
    if township_code:
        township = db.session.scalar(select(Township).where(Township.code == township_code))
        if township is None:
            fields["township"] = f"no township with code {township_code!r}"
    if fields:
        raise ValidationError("The user could not be created.", fields)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Duplicate(f"A user named {username!r} exists.", {"username": "already taken"})
    user = User(username=username, role=role, display_name=display_name or username,
                password_hash=generate_password_hash(password), township=township,
                credential_no=credential_no, created_at=now, is_active_account=True)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, now=now,
                 after={"username": username, "role": role, "township": township_code})
    return user


def authenticate(username: str, password: str, *, now: datetime) -> User:
    """The user, or Unauthorized with one message for every failure (no hint which part was
    wrong)."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if not user or not ok or not user.is_active_account:
        raise Unauthorized("Wrong username or password.")
    user.last_login_at = now
    return user


def mint_token(actor: Actor, user: User, *, now: datetime, hours: int, label: str = "") -> tuple[str, ApiToken]:
    token = new_token()
    record = ApiToken(user_id=user.id, token_hash=token_digest(token), label=label,
                      created_at=now, expires_at=now + timedelta(hours=hours))
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "token.create", "api_token", record.id, now=now,
                 after={"user": user.username, "expires_at": record.expires_at, "label": label})
    return token, record


def user_for_token(token: str, *, now: datetime) -> User:
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        raise Unauthorized("The token is missing, expired or revoked.")
    user = record.user
    if not user.is_active_account:
        raise Unauthorized("The account is deactivated.")
    return user


def revoke_token(actor: Actor, record: ApiToken, *, now: datetime) -> None:
    record.revoked_at = now
    audit.record(actor, "token.revoke", "api_token", record.id, now=now)
