"""Read-side helpers for the inspector's phone pages: the worklist with coordinates, searching
and finding enterprises near a point, the questions a follow-up visit must answer, and a
no-write preview of the deadlines an action would set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.geo import distance_m
from enforcement.geo.distance import bbox_around
from enforcement.pinyin import query_key
from enforcement.models import Case, Enterprise, FollowUp, User, Visit
from enforcement.services.casework import cases
from enforcement.services.calendar.calendars import load_calendar


def result_key(followup: FollowUp | None) -> str | None:
    """Which yes/no answer completes this follow-up (None: the visit itself is enough)."""
    if followup is None:
        return None
    if followup.purpose == "verification":
        return "compliant"
    action, key = followup.case.action, followup.key
    if action == "stop" and key.startswith("stop_check"):
        return "production_running"
    if action == "close" and key.startswith("rebound"):
        return "running"
    if action == "fine" and key == "daily_reinspect":
        return "discharge_continues"
    return None


def get_followup(followup_id) -> FollowUp | None:
    try:
        key = int(followup_id)
    except (TypeError, ValueError):
        return None
    return db.session.get(FollowUp, key) if 0 < key < 2**31 else None


def worklist(summary: dict, as_of: date) -> list[dict]:
    """One row per task (follow-ups then complaints) with what the page sorts and shows."""
    rows = []
    for group in ("overdue", "today", "week"):
        for f in summary[group]:
            e = f.case.enterprise
            rows.append(
                {
                    "group": group,
                    "followup": f,
                    "enterprise": e,
                    "due_on": f.due_on,
                    "lat": e.lat,
                    "lon": e.lon,
                }
            )
    for c in summary["complaints"]:
        e = c.enterprise
        lat = e.lat if e else c.lat
        lon = e.lon if e else c.lon
        rows.append(
            {
                "group": "complaints",
                "complaint": c,
                "enterprise": e,
                "due_on": c.answer_by,
                "lat": lat,
                "lon": lon,
            }
        )
    return rows


#: How many matches the phone's search ranks by distance (beyond that it pages by name).
SEARCH_RANKED = 500


@dataclass
class SearchPage:
    #: (enterprise, metres from the officer or None when no fix is known)
    results: list[tuple[Enterprise, float | None]]
    offset: int
    next_offset: int | None  #: None: no more results


def search(
    q: str,
    *,
    offset: int = 0,
    limit: int = 20,
    lat: float | None = None,
    lon: float | None = None,
    townships_within=None,
) -> SearchPage:
    """Name (or its pinyin, full or initials), address or credit code (any part of it), a page
    at a time: nearest first when the officer's position is known, by name otherwise."""
    q = (q or "").strip()
    offset = max(0, int(offset or 0))
    if not q:
        return SearchPage([], 0, None)
    like = f"%{q}%"
    match: list[ColumnElement[bool]] = [Enterprise.name.ilike(like), Enterprise.address.ilike(like)]
    key = query_key(q)
    if key:  # pinyin: "yjsl" or "yanjiao" finds 燕郊塑料厂 (enforcement.pinyin)
        match.append(Enterprise.name_pinyin.contains(key, autoescape=True))
    code = q.upper().replace(" ", "")
    if len(code) >= 4 and code.isalnum():
        match.append(Enterprise.credit_code.ilike(f"%{code}%"))  # a partial credit code
    stmt = select(Enterprise).where(or_(*match)).options(joinedload(Enterprise.township))
    if townships_within is not None:  # a branch's officer: his branch's townships only
        stmt = stmt.where(Enterprise.township_id.in_(townships_within))
    if lat is not None and lon is not None:
        found = db.session.scalars(stmt.limit(SEARCH_RANKED)).all()
        ranked = sorted(
            ((e, distance_m(lat, lon, e.lat, e.lon)) for e in found), key=lambda p: p[1]
        )
        page: list[tuple[Enterprise, float | None]] = list(ranked[offset : offset + limit])
        more = len(ranked) > offset + limit
    else:
        rows = db.session.scalars(
            stmt.order_by(Enterprise.name, Enterprise.id).offset(offset).limit(limit + 1)
        ).all()
        page = [(e, None) for e in rows[:limit]]
        more = len(rows) > limit
    return SearchPage(page, offset, offset + limit if more else None)


def near(
    lat: float, lon: float, radius_m: float, limit: int = 200, townships_within=None
) -> list[tuple[Enterprise, float]]:
    """Enterprises within radius_m, nearest first (an indexed box, then exact distances); with
    ``townships_within`` (a branch's officer) only those townships'."""
    min_lat, min_lon, max_lat, max_lon = _box(lat, lon, radius_m)
    stmt = select(Enterprise).where(
        Enterprise.lat.between(min_lat, max_lat), Enterprise.lon.between(min_lon, max_lon)
    )
    if townships_within is not None:
        stmt = stmt.where(Enterprise.township_id.in_(townships_within))
    found = db.session.scalars(stmt.limit(5000)).all()
    pairs = [(e, distance_m(lat, lon, e.lat, e.lon)) for e in found]
    pairs = [p for p in pairs if p[1] <= radius_m]
    pairs.sort(key=lambda p: p[1])
    return pairs[:limit]


def _box(lat, lon, radius_m):
    box = bbox_around(lat, lon, radius_m)
    # bbox_around answers (min_lon, min_lat, max_lon, max_lat) like a GeoJSON bbox.
    min_lon, min_lat, max_lon, max_lat = box
    return min_lat, min_lon, max_lat, max_lon


def co_inspectors(me: User) -> list[User]:
    """Officers who can go with me, my township's first."""
    people = db.session.scalars(
        select(User).where(User.role == "inspector", User.id != me.id)
    ).all()
    people = [u for u in people if u.is_active_account]
    people.sort(key=lambda u: (u.township_id != me.township_id, u.username))
    return people


def open_cases(enterprise: Enterprise) -> list[Case]:
    return [
        c
        for c in db.session.scalars(
            select(Case).where(Case.enterprise_id == enterprise.id).order_by(Case.served_on.desc())
        ).all()
        if not wf.state_info(c.action, c.state).terminal
    ]


def recent_visits(enterprise: Enterprise, limit: int = 5) -> list[Visit]:
    return list(
        db.session.scalars(
            select(Visit)
            .where(Visit.enterprise_id == enterprise.id)
            .options(selectinload(Visit.photos), selectinload(Visit.inspectors))
            .order_by(Visit.visited_at.desc())
            .limit(limit)
        )
    )


def visit_count(enterprise: Enterprise) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.enterprise_id == enterprise.id)
        )
        or 0
    )


def get_visit(visit_id: int) -> Visit | None:
    return db.session.scalar(
        select(Visit)
        .where(Visit.id == visit_id)
        .options(
            joinedload(Visit.enterprise), selectinload(Visit.photos), selectinload(Visit.inspectors)
        )
    )


def visit_by_uuid(client_uuid: str) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.client_uuid == client_uuid))


def cases_of_visit(visit: Visit) -> list[Case]:
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.visit_id == visit.id)
            .options(selectinload(Case.deadlines), selectinload(Case.followups))
            .order_by(Case.id)
        )
    )


def preview(enterprise: Enterprise, action: str, served_on: date, params: dict) -> wf.CaseSnapshot:
    """What the engine would set if this action were served: nothing is written."""
    township = enterprise.township.code if enterprise.township else None
    return wf.open_case(
        action, served_on, params, rules=cases.rules(), calendar=load_calendar(), township=township
    ).case


def week_end(as_of: date) -> date:
    return as_of + timedelta(days=7)
