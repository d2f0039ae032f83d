"""Responsible units (责任单位) and their contact officers (users with the ``unit`` role)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from enforcement.errors import Duplicate, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import Branch, ResponsibleUnit, Township, User
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.core.shapes import Input
from enforcement.services.oversight import bodies

from .access import branch_scope, require_desk, require_reader, unit_in_branch, where_branch

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _snapshot(unit: ResponsibleUnit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "township_id": unit.township_id,
        "branch_id": unit.branch_id,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "active": unit.active,
    }


def _township_id(value, fields: dict) -> int | None:
    if value in (None, ""):
        return None
    town = db.session.scalar(select(Township).where(Township.code == str(value)))
    if town is None:
        fields["township"] = "no such township"
        return None
    return town.id


def _branch_id(value, fields: dict) -> int | None:
    if value in (None, ""):
        return None
    branch = db.session.scalar(select(Branch).where(Branch.code == str(value)))
    if branch is None:
        fields["branch"] = "no such branch"
        return None
    return branch.id


def create_unit(actor: Actor, data: dict | Input, *, now: datetime) -> ResponsibleUnit:
    require_desk(actor)
    unit_input = bodies.UNIT_CREATE.input(data)
    data = unit_input.raw
    fields: dict[str, str] = dict(unit_input.problems)
    code = str(data.get("code") or "").strip().lower()
    if not _CODE.match(code):
        fields["code"] = "lowercase letters, digits, - or _ (at most 40)"
    name = unit_input["name"]
    kind = unit_input["kind"]
    township_id = _township_id(data.get("township"), fields)
    branch_id = _branch_id(data.get("branch"), fields)
    contact_name = unit_input["contact_name"]
    contact_phone = unit_input["contact_phone"]
    if (
        kind in ("township_gov", "park_committee")
        and township_id is None
        and "township" not in fields
    ):
        fields["township"] = "a township government or park committee names its township"
    if fields:
        raise ValidationError("The unit could not be saved.", fields)
    if db.session.scalar(select(ResponsibleUnit.id).where(ResponsibleUnit.code == code)):
        raise Duplicate("A unit with this code exists.", {"code": "already used"})
    if branch_id is None and township_id is not None:
        branch_id = db.session.get_one(Township, township_id).branch_id
    unit = ResponsibleUnit(
        code=code,
        name=name,
        kind=kind,
        township_id=township_id,
        branch_id=branch_id,
        contact_name=contact_name or "",
        contact_phone=contact_phone or "",
        active=True,
    )
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "unit.create", "responsible_unit", unit.id, now=now, after=_snapshot(unit))
    return unit


def get_unit(actor: Actor, unit_id: int) -> ResponsibleUnit:
    require_reader(actor)
    unit = db.session.scalar(
        where_branch(
            select(ResponsibleUnit).where(ResponsibleUnit.id == unit_id),
            unit_in_branch(branch_scope(actor)),
        )
    )
    if unit is None or (actor.is_unit and actor.unit_id != unit.id):
        raise NotFound("No such unit.")
    return unit


def list_units(actor: Actor, *, branch_id: int | None = None) -> list[ResponsibleUnit]:
    require_reader(actor)
    stmt = select(ResponsibleUnit).order_by(ResponsibleUnit.kind, ResponsibleUnit.code)
    if actor.is_unit:
        stmt = stmt.where(ResponsibleUnit.id == (actor.unit_id or -1))
    scope = branch_scope(actor, branch_id)
    if scope is not None:
        # A branch's own units; city-wide ones too for a branch officer, who works with them.
        stmt = stmt.where(
            unit_in_branch(scope, city_wide=actor.branch_id is not None and not actor.is_unit)
        )
    return list(db.session.scalars(stmt))


def officers(unit_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.unit_id == unit_id, User.role == "unit").order_by(User.username)
        )
    )


def assign_officer(actor: Actor, unit_id: int, username: str, *, now: datetime) -> User:
    """Make a person with the ``unit`` role the contact officer of a unit (one unit each)."""
    require_desk(actor)
    unit = get_unit(actor, unit_id)
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise ValidationError("No such person.", {"username": "no such user"})
    if user.role != "unit":
        raise ValidationError(
            "Only a person with the unit role can be a unit's contact officer.",
            {"username": "role must be unit"},
        )
    before = {"unit_id": user.unit_id}
    user.unit_id = unit.id
    user.branch_id = unit.branch_id
    db.session.flush()
    audit.record(
        actor, "unit.officer", "user", user.id, now=now, before=before, after={"unit_id": unit.id}
    )
    return user


def unit_row(unit: ResponsibleUnit) -> dict:
    return {
        "id": unit.id,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "township": unit.township.code if unit.township else None,
        "branch": unit.branch.code if unit.branch else None,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone,
        "active": unit.active,
    }
