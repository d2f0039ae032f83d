"""The evidence of a case, for the reviewer's case page: the visit that found it and the visits
that followed it (a follow-up completed, an event recorded with a visit), each with its photos,
GPS fix, accuracy, distance from the pin and officers. Read-only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from enforcement.extensions import db
from enforcement.models import Case, Visit


@dataclass(frozen=True)
class CaseVisit:
    visit: Visit
    #: Why the visit belongs to the case: "found" (the visit that found the violation),
    #: "followup" (it completed a planned follow-up, key in ``detail``) or "event" (an event was
    #: recorded with it, type in ``detail``).
    role: str
    detail: str = ""


def case_visits(case: Case) -> list[CaseVisit]:
    roles: dict[int, tuple[str, str]] = {}
    if case.visit_id:
        roles[case.visit_id] = ("found", "")
    for f in case.followups:
        if f.visit_id and f.visit_id not in roles:
            roles[f.visit_id] = ("followup", f.key)
    for e in case.events:
        vid = (e.data or {}).get("visit_id")
        if isinstance(vid, int) and vid not in roles:
            roles[vid] = ("event", e.type)
    if not roles:
        return []
    visits = db.session.scalars(
        select(Visit)
        .where(Visit.id.in_(roles))
        .options(selectinload(Visit.photos), selectinload(Visit.inspectors))
        .order_by(Visit.visited_at, Visit.id)
    ).all()
    return [CaseVisit(v, *roles[v.id]) for v in visits]
