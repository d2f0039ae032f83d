"""What an officer may do at a site, known before a form is filled.

An inspector serves orders at the firms of his own township; a 双随机 draw that assigned him a
firm elsewhere gives him the right to act on that firm too (the draw is the bureau's decision to
send him there). Reviewers and administrators may act anywhere. Every officer may record a visit
anywhere (a complaint does not stop at a township border).

One function decides, and everything asks it: the serve form and the phone's lists (to say so
at the top), and ``cases.open_case`` (to refuse)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from enforcement.extensions import db
from enforcement.models import Draw, Enterprise
from enforcement.services.core.actor import Actor
from enforcement.services.core.scope import township_allowed

#: Why an officer may (or may not) serve at a site: stable codes, labelled by the pages.
REVIEWER, OWN_TOWNSHIP, NO_TOWNSHIP, DRAWN, OUTSIDE = (
    "reviewer",
    "own_township",
    "no_township",
    "drawn",
    "outside_township",
)


@dataclass(frozen=True)
class SiteRights:
    may_serve: bool
    reason: str
    draw_id: int | None = None
    draw_period: str | None = None


def _draw_days() -> int:
    return int(current_app.config.get("DRAW_ASSIGNMENT_DAYS", 366))


def drawn_for(actor: Actor, *, as_of: date) -> dict[int, Draw]:
    """The firms a recent draw assigned to this officer (enterprise id → the newest draw)."""
    if not actor.username:
        return {}
    since = as_of - timedelta(days=_draw_days())
    draws = db.session.scalars(
        select(Draw)
        .where(Draw.created_on >= since, Draw.created_on <= as_of)
        .order_by(Draw.created_on, Draw.id)
    )
    found: dict[int, Draw] = {}
    for draw in draws:
        for a in (draw.result or {}).get("assignments", []):
            if actor.username in (a.get("inspectors") or []):
                found[int(a["enterprise_id"])] = draw
    return found


def site_rights(
    actor: Actor, enterprise: Enterprise, *, as_of: date, drawn: dict[int, Draw] | None = None
) -> SiteRights:
    """May this officer serve an order at this firm on this day, and why."""
    if not township_allowed(actor, enterprise.township_id):
        return SiteRights(False, OUTSIDE)  # another branch's firm (issue 20)
    if actor.is_reviewer:
        return SiteRights(True, REVIEWER)
    if actor.role != "inspector":
        return SiteRights(False, OUTSIDE)
    if not actor.township_id or not enterprise.township_id:
        return SiteRights(True, NO_TOWNSHIP)
    if enterprise.township_id == actor.township_id:
        return SiteRights(True, OWN_TOWNSHIP)
    drawn = drawn_for(actor, as_of=as_of) if drawn is None else drawn
    draw = drawn.get(enterprise.id)
    if draw is not None:
        return SiteRights(True, DRAWN, draw.id, draw.period)
    return SiteRights(False, OUTSIDE)
