"""People and credentials: create users, check passwords, mint and check API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from enforcement.errors import Duplicate, Forbidden, Unauthorized, ValidationError
from enforcement.extensions import db
from enforcement.models import ROLES, ApiToken, Township, User
from enforcement.security import new_token, password_problem, token_digest
from enforcement.services.core import audit, stamps
from enforcement.services.core.actor import Actor

# Compared against when the user does not exist, so a wrong username costs the same time as a
# wrong password (no user enumeration by timing).
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_user(
    actor: Actor,
    *,
    username: str,
    role: str,
    password: str,
    now: datetime,
    display_name: str = "",
    township_code: str | None = None,
    credential_no: str = "",
    min_length: int = 10,
) -> User:
    fields = {}
    username = username.strip()
    if (
        not username
        or len(username) > 64
        or not username.replace("_", "").replace(".", "").isalnum()
    ):
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
    user = User(
        username=username,
        role=role,
        display_name=display_name or username,
        password_hash=generate_password_hash(password),
        township=township,
        credential_no=credential_no,
        created_at=now,
        is_active_account=True,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.create",
        "user",
        user.id,
        now=now,
        after={"username": username, "role": role, "township": township_code},
    )
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


def mint_token(
    actor: Actor, user: User, *, now: datetime, hours: int, label: str = ""
) -> tuple[str, ApiToken]:
    token = new_token()
    record = ApiToken(
        user_id=user.id,
        token_hash=token_digest(token),
        label=label,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        actor,
        "token.create",
        "api_token",
        record.id,
        now=now,
        after={"user": user.username, "expires_at": record.expires_at, "label": label},
    )
    return token, record


def user_for_token(token: str, *, now: datetime) -> User:
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        raise Unauthorized("The token is missing, expired or revoked.")
    user = record.user
    if not user.is_active_account:
        raise Unauthorized("The account is deactivated.")
    return user


#: At most this many tokens are kept per worker; past it the cache starts again (cheaply).
TOKEN_CACHE_SIZE = 10_000


def actor_for_token(token: str, *, now: datetime) -> Actor:
    """Who a bearer token speaks for, from this worker's cache while nothing about tokens or
    users has changed anywhere (services.core.stamps): a revocation, a deactivation or a role
    change empties every worker's cache in the transaction that makes it. Expiry is checked on
    every use; unknown tokens are never cached."""
    digest = token_digest(token)
    cache = stamps.cached("auth")
    hit = cache.get(digest) if cache is not None else None
    if hit is None:
        record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if record is None or record.revoked_at is not None or record.expires_at <= now:
            raise Unauthorized("The token is missing, expired or revoked.")
        if not record.user.is_active_account:
            raise Unauthorized("The account is deactivated.")
        hit = (Actor.of(record.user), record.expires_at)
        if cache is not None:
            if len(cache) >= TOKEN_CACHE_SIZE:
                cache.clear()
            cache[digest] = hit
    if hit[1] <= now:
        raise Unauthorized("The token is missing, expired or revoked.")
    return hit[0]


def revoke_token(actor: Actor, record: ApiToken, *, now: datetime) -> None:
    record.revoked_at = now
    audit.record(actor, "token.revoke", "api_token", record.id, now=now)


# ---------------------------------------------------------------- people administration
# Only an administrator manages people; the service checks it so the CLI, pages and any future
# API cannot forget to.

EDITABLE = ("display_name", "role", "township", "credential_no", "phone")


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("Only an administrator manages people.")


def _snapshot(user: User) -> dict:
    return {
        "display_name": user.display_name,
        "role": user.role,
        "township": user.township.code if user.township else None,
        "credential_no": user.credential_no,
        "phone": user.phone,
        "active": user.is_active_account,
    }


def _active_admins_other_than(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.is_active_account.is_(True), User.id != user.id)
        )
        or 0
    )


def update_user(actor: Actor, user: User, data: dict, *, now: datetime) -> User:
    """Edit name, role, township, credential number and phone; audited with before/after."""
    _require_admin(actor)
    fields: dict[str, str] = {}
    values: dict = {}
    if "display_name" in data:
        name = (data.get("display_name") or "").strip()
        if len(name) > 80:
            fields["display_name"] = "at most 80 characters"
        values["display_name"] = name or user.username
    if "role" in data:
        if data["role"] not in ROLES:
            fields["role"] = "one of " + ", ".join(ROLES)
        elif (
            user.role == "admin" and data["role"] != "admin" and not _active_admins_other_than(user)
        ):
            fields["role"] = "the last active administrator keeps the role"
        else:
            values["role"] = data["role"]
    if "township" in data:
        code = data.get("township") or None
        township = None
        if code:
            township = db.session.scalar(select(Township).where(Township.code == code))
            if township is None:
                fields["township"] = f"no township with code {code!r}"
        values["township"] = township
    for key, limit in (("credential_no", 40), ("phone", 30)):
        if key in data:
            value = (data.get(key) or "").strip()
            if len(value) > limit:
                fields[key] = f"at most {limit} characters"
            values[key] = value
    if fields:
        raise ValidationError("The user could not be saved.", fields)
    before = _snapshot(user)
    for key, value in values.items():
        setattr(user, key, value)
    db.session.flush()
    after = _snapshot(user)
    changed = sorted(k for k in after if before[k] != after[k])
    if changed:
        audit.record(
            actor,
            "user.update",
            "user",
            user.id,
            now=now,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return user


def set_active(actor: Actor, user: User, active: bool, *, now: datetime) -> User:
    """Deactivate or reactivate. A deactivated officer keeps every visit, case and audit event
    (history names them); they only cannot log in, and their API tokens stop working."""
    _require_admin(actor)
    if user.is_active_account == active:
        return user
    if not active:
        if user.id == actor.id:
            raise ValidationError(
                "You cannot deactivate yourself.", {"active": "ask another administrator"}
            )
        if user.role == "admin" and not _active_admins_other_than(user):
            raise ValidationError(
                "The last active administrator cannot be deactivated.",
                {"active": "make someone else administrator first"},
            )
    user.is_active_account = active
    revoked = 0 if active else _revoke_all(user, now)
    if not active:
        end_sessions(user)
    audit.record(
        actor,
        "user.reactivate" if active else "user.deactivate",
        "user",
        user.id,
        now=now,
        before={"active": not active},
        after={"active": active, "tokens_revoked": revoked},
    )
    return user


def _revoke_all(user: User, now: datetime) -> int:
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for record in tokens:
        record.revoked_at = now
    db.session.flush()
    return len(tokens)


def end_sessions(user: User) -> None:
    """End every signed-in session of the user (the cookies name the old generation)."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()


def logout(actor: Actor, user: User, *, now: datetime) -> None:
    """Logging out ends every session of the user, including cookies copied from this one."""
    end_sessions(user)
    audit.record(actor, "user.logout", "user", user.id, now=now)


def revoke_tokens(actor: Actor, user: User, *, now: datetime) -> int:
    """Sign out everywhere (a lost phone): every API token revoked and every session ended;
    they log in again."""
    _require_admin(actor)
    count = _revoke_all(user, now)
    end_sessions(user)
    audit.record(
        actor,
        "user.tokens_revoked",
        "user",
        user.id,
        now=now,
        after={"count": count, "sessions_ended": True},
    )
    return count


def active_tokens(user: User, *, now: datetime) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
            )
            .order_by(ApiToken.created_at.desc())
        )
    )


def temporary_password() -> str:
    # Letters and digits, unambiguous characters: read out over the phone to the officer.
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def reset_password(
    actor: Actor, user: User, *, now: datetime, password: str | None = None, min_length: int = 10
) -> str:
    """Give the user a temporary password that must be changed at the next login. Returns it
    (shown once to the administrator, never stored in clear). Tokens are revoked too: a reset
    usually means the old credentials are no longer trusted."""
    _require_admin(actor)
    password = password or temporary_password()
    problem = password_problem(password, min_length)
    if problem:
        raise ValidationError("The password is too weak.", {"password": problem})
    user.password_hash = generate_password_hash(password)
    user.must_change_password = True
    revoked = _revoke_all(user, now)
    end_sessions(user)
    audit.record(
        actor,
        "user.password_reset",
        "user",
        user.id,
        now=now,
        after={"must_change_password": True, "tokens_revoked": revoked},
    )
    return password


def change_password(
    actor: Actor, user: User, *, current: str, new: str, now: datetime, min_length: int = 10
) -> User:
    """The user sets their own password (after a reset: before anything else)."""
    if actor.id != user.id:
        raise Forbidden("Only the user changes their own password.")
    fields = {}
    if not check_password_hash(user.password_hash, current or ""):
        fields["current"] = "not your current password"
    problem = password_problem(new or "", min_length)
    if problem:
        fields["new"] = problem
    elif current and new == current:
        fields["new"] = "choose a password different from the current one"
    if fields:
        raise ValidationError("The password was not changed.", fields)
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False
    end_sessions(user)  # the caller renews its own session; every other one ends
    audit.record(actor, "user.password_change", "user", user.id, now=now)
    return user


def add_user(
    actor: Actor,
    *,
    username: str,
    role: str,
    now: datetime,
    password: str | None = None,
    display_name: str = "",
    township_code: str | None = None,
    credential_no: str = "",
    phone: str = "",
    min_length: int = 10,
) -> tuple[User, str]:
    """An administrator adds an officer with a first password the officer must replace at their
    first login. Returns the user and that password (generated when none is given)."""
    _require_admin(actor)
    password = password or temporary_password()
    user = create_user(
        actor,
        username=username,
        role=role,
        password=password,
        now=now,
        display_name=display_name,
        township_code=township_code,
        credential_no=(credential_no or "").strip(),
        min_length=min_length,
    )
    user.phone = (phone or "").strip()[:30]
    user.must_change_password = True
    return user, password


# ---------------------------------------------------------------- second factor (TOTP)


def totp_required(user: User, required_roles) -> bool:
    return user.role in tuple(required_roles or ())


def check_totp(user: User, code: str, *, now: datetime) -> bool:
    """True when the code is the user's current one (and not used before); the step is kept so
    that a code seen over someone's shoulder cannot be replayed."""
    from enforcement import totp

    if not user.totp_secret:
        return False
    step = totp.matching_step(user.totp_secret, code, now, after=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def enroll_totp(actor: Actor, user: User, secret: str, code: str, *, now: datetime) -> None:
    """Turn on the second factor once the user has shown a code from the new secret."""
    from enforcement import totp

    step = totp.matching_step(secret, code, now)
    if step is None:
        raise ValidationError(
            "The code does not match: check the phone's clock and try again.",
            {"code": "not the current code for this secret"},
        )
    user.totp_secret, user.totp_last_step = secret, step
    audit.record(actor, "user.totp_enrol", "user", user.id, now=now)


def reset_totp(actor: Actor, user: User, *, now: datetime) -> None:
    """An administrator removes a lost second factor; the user enrols again at next login."""
    user.totp_secret, user.totp_last_step = None, None
    audit.record(actor, "user.totp_reset", "user", user.id, now=now)
