"""Enterprises: create and edit, with the credit code checked on the way in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from enforcement import credit_code as cc
from enforcement.errors import Duplicate, Forbidden, NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import Enterprise, Township
from enforcement.services.core import audit
from enforcement.services.core.actor import Actor
from enforcement.services.core import bodies
from enforcement.services.core.shapes import Input

EDITABLE = (
    "name",
    "credit_code",
    "address",
    "township",
    "industry",
    "lat",
    "lon",
    "risk_class",
    "permit_no",
    "permit_expires",
    "contact_name",
    "contact_phone",
    "status",
)


def _township(value, fields: dict) -> Township | None:
    if value in (None, ""):
        return None
    stmt = select(Township)
    stmt = (
        stmt.where(Township.id == value)
        if isinstance(value, int)
        else stmt.where(Township.code == str(value))
    )
    found = db.session.scalar(stmt)
    if found is None:
        fields["township"] = "unknown township"
    return found


def clean(data: dict | Input, *, partial: bool = False) -> dict:
    """Validated values for the given keys; ValidationError lists every bad field at once.
    ``data``: read by its shape (``bodies.ENTERPRISE_CREATE``, an edit's ``ENTERPRISE_PATCH``),
    or a dict read here; the credit code's check character and the township are checked here."""
    enterprise_input = (bodies.ENTERPRISE_PATCH if partial else bodies.ENTERPRISE_CREATE).input(
        data
    )
    data = enterprise_input.raw
    fields: dict[str, str] = dict(enterprise_input.problems)
    out: dict = {k: v for k, v in enterprise_input.values.items() if k not in fields}
    if not partial or "credit_code" in data:
        raw = data.get("credit_code")
        if raw in (None, ""):
            out["credit_code"] = None
        elif not isinstance(raw, str):
            fields["credit_code"] = "expected text"
        else:
            problem = cc.validate(raw)
            if problem:
                fields["credit_code"] = problem
            else:
                out["credit_code"] = cc.normalise(raw)
    if not partial or "township" in data:
        out["township"] = _township(data.get("township"), fields)
    if fields:
        raise ValidationError("The enterprise has invalid fields.", fields)
    return out


def _snapshot(e: Enterprise) -> dict:
    return {
        k: getattr(e, k) if k != "township" else (e.township.code if e.township else None)
        for k in EDITABLE
    }


def _check_unique_code(code: str | None, values: dict, exclude_id: int | None = None) -> None:
    """One credit code may have several sites (a company's plants), all under the same name;
    the same code at the same site, or under another name, is a duplicate."""
    if not code:
        return
    from .imports import same_site

    stmt = select(Enterprise).where(Enterprise.credit_code == code)
    if exclude_id:
        stmt = stmt.where(Enterprise.id != exclude_id)
    mine = {
        "name": values.get("name"),
        "address": values.get("address"),
        "lat": values.get("lat"),
        "lon": values.get("lon"),
        "township_id": values["township"].id if values.get("township") else None,
    }
    for other in db.session.scalars(stmt):
        theirs = {
            "name": other.name,
            "address": other.address,
            "lat": other.lat,
            "lon": other.lon,
            "township_id": other.township_id,
        }
        if (
            "".join((mine["name"] or "").split()) != "".join(other.name.split())
            or same_site(mine, theirs) is not False
        ):
            raise Duplicate(
                "An enterprise with this credit code exists.",
                {"credit_code": "already registered"},
                existing_id=other.id,
            )


def _own_township(actor: Actor, township, fields_name: str = "township") -> None:
    """An inspector with a home township places enterprises there only (a reviewer moves them)."""
    if actor.is_reviewer or actor.township_id is None:
        return
    if township is None or township.id != actor.township_id:
        raise Forbidden(
            "Inspectors place enterprises in their own township only.",
            {fields_name: "your own township only"},
        )


def create_enterprise(actor: Actor, data: dict | Input, *, now: datetime) -> Enterprise:
    values = clean(data)
    if values.get("township") is None and not actor.is_reviewer and actor.township_id:
        values["township"] = db.session.get(Township, actor.township_id)
    _own_township(actor, values.get("township"))
    _check_unique_code(values["credit_code"], values)
    enterprise = Enterprise(
        created_at=now,
        updated_at=now,
        **values,
        location_source="desk" if values.get("lat") is not None else "",
    )
    db.session.add(enterprise)
    db.session.flush()
    audit.record(
        actor,
        "enterprise.create",
        "enterprise",
        enterprise.id,
        now=now,
        after=_snapshot(enterprise),
    )
    return enterprise


def get_enterprise(enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(f"No enterprise {enterprise_id}.")
    return enterprise


def can_edit(actor: Actor, enterprise: Enterprise) -> bool:
    """Reviewers and admins edit every record; an inspector with a home township edits the
    enterprises of that township (and those not yet placed in one)."""
    if actor.is_reviewer or actor.township_id is None:
        return True
    return enterprise.township_id in (None, actor.township_id)


def update_enterprise(
    actor: Actor, enterprise: Enterprise, data: dict | Input, *, now: datetime
) -> Enterprise:
    if not can_edit(actor, enterprise):
        raise Forbidden("Inspectors edit enterprises of their own township only.")
    values = clean(data, partial=True)
    if "township" in values and values["township"] is not enterprise.township:
        _own_township(actor, values["township"])
    if "credit_code" in values:
        merged = {
            **{k: getattr(enterprise, k) for k in ("name", "address", "lat", "lon", "township")},
            **values,
        }
        _check_unique_code(values["credit_code"], merged, enterprise.id)
    if ("lat" in values or "lon" in values) and (
        values.get("lat", enterprise.lat),
        values.get("lon", enterprise.lon),
    ) != (enterprise.lat, enterprise.lon):
        enterprise.location_source = "desk"
    before = _snapshot(enterprise)
    for key, value in values.items():
        setattr(enterprise, key, value)
    enterprise.updated_at = now
    db.session.flush()
    after = _snapshot(enterprise)
    changed = {k for k in EDITABLE if before[k] != after[k]}
    if changed:
        audit.record(
            actor,
            "enterprise.update",
            "enterprise",
            enterprise.id,
            now=now,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return enterprise
