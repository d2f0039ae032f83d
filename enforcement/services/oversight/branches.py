"""Branches (分局) of a city bureau: create one, place townships and officers in it. Audited."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from enforcement.errors import Duplicate, ValidationError
from enforcement.extensions import db
from enforcement.models import Branch, Township, User
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import collecting, text

from .access import require_desk

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def create_branch(actor: Actor, data: dict, *, now: datetime) -> Branch:
    require_desk(actor)
    fields: dict[str, str] = {}
    check = collecting(fields)
    code = str(data.get("code") or "").strip().lower()
    if not _CODE.match(code):
        fields["code"] = "lowercase letters, digits, - or _ (at most 40)"
    name = check(lambda: text(data.get("name"), "name", required=True, max_length=80))
    name_en = check(lambda: text(data.get("name_en"), "name_en", max_length=80)) or ""
    prefix = check(lambda: text(data.get("paper_prefix"), "paper_prefix", max_length=20)) or ""
    if fields:
        raise ValidationError("The branch could not be saved.", fields)
    if db.session.scalar(select(Branch.id).where(Branch.code == code)):
        raise Duplicate("A branch with this code exists.", {"code": "already used"})
    branch = Branch(code=code, name=name, name_en=name_en, paper_prefix=prefix)
    db.session.add(branch)
    db.session.flush()
    audit.record(
        actor,
        "branch.create",
        "branch",
        branch.id,
        now=now,
        after={"code": code, "name": name, "paper_prefix": prefix},
    )
    return branch


def _branch(code: str) -> Branch:
    branch = db.session.scalar(select(Branch).where(Branch.code == (code or "").strip()))
    if branch is None:
        raise ValidationError("No such branch.", {"branch": "no such branch"})
    return branch


def place_township(
    actor: Actor, township_code: str, branch_code: str, *, now: datetime
) -> Township:
    require_desk(actor)
    branch = _branch(branch_code)
    town = db.session.scalar(select(Township).where(Township.code == (township_code or "").strip()))
    if town is None:
        raise ValidationError("No such township.", {"township": "no such township"})
    before = {"branch_id": town.branch_id}
    town.branch_id = branch.id
    db.session.flush()
    audit.record(
        actor,
        "branch.township",
        "township",
        town.id,
        now=now,
        before=before,
        after={"branch_id": branch.id},
    )
    return town


def place_officer(actor: Actor, username: str, branch_code: str | None, *, now: datetime) -> User:
    """An officer acts within his branch; ``None`` makes him city staff (sees all)."""
    require_desk(actor)
    branch = _branch(branch_code) if branch_code else None
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise ValidationError("No such person.", {"username": "no such user"})
    before = {"branch_id": user.branch_id}
    user.branch_id = branch.id if branch else None
    db.session.flush()
    audit.record(
        actor,
        "branch.officer",
        "user",
        user.id,
        now=now,
        before=before,
        after={"branch_id": user.branch_id},
    )
    return user
