"""Find enterprises for the map, the API and the phone: every filter of ``GET /enterprises``
(API.md) in one query other parts of the app can call.

Cost, for a map asking for up to 5000 pins in its visible box: one indexed query for the
enterprises (the bbox on the (lat, lon) index, filters as EXISTS on open cases), then one
batched load of the page's open cases with their stored Deadline rows (no N+1). What a pin shows
(worst state, overdue, next due) is derived from those stored rows by the workflow engine for
``as_of``; nothing here computes a deadline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from .. import workflow as wf
from ..extensions import db
from ..geo import bbox_around, distance_m
from ..models import Case, Enterprise, Township
from .cases import snapshot_of
from .queries import open_case_clause, overdue_deadline_clause

#: ``near`` looks at most this many candidates inside the radius's box (a 50 km radius in the
#: densest demo township is a few thousand).
NEAR_CANDIDATES = 20_000


@dataclass
class EnterpriseQuery:
    as_of: date
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    q: str | None = None
    township: str | None = None
    industry: str | None = None
    action: str | None = None
    state: str | None = None
    overdue: bool = False
    near: tuple[float, float] | None = None  # lat, lon
    radius_m: float = 1000.0
    limit: int = 100
    #: Paging position: the last id of the previous page, or (for ``near``) an offset.
    after_id: int = 0
    offset: int = 0


@dataclass
class EnterpriseRow:
    enterprise: Enterprise
    township: str | None
    open_actions: list[str]
    worst_state: str | None
    worst_severity: int | None
    colour: str | None
    overdue: bool
    next_due: date | None
    distance_m: float | None = None

    def properties(self) -> dict:
        e = self.enterprise
        props = {"id": e.id, "name": e.name, "credit_code": e.credit_code,
                 "township": self.township, "industry": e.industry, "risk_class": e.risk_class,
                 "lat": e.lat, "lon": e.lon, "open_actions": self.open_actions,
                 "worst_state": self.worst_state, "worst_severity": self.worst_severity,
                 "colour": self.colour, "overdue": self.overdue,
                 "next_due": self.next_due.isoformat() if self.next_due else None}
        if self.distance_m is not None:
            props["distance_m"] = self.distance_m
        return props


@dataclass
class EnterprisePage:
    rows: list[EnterpriseRow]
    #: Where the next page starts ({"after_id": n} or {"offset": n}), None on the last page.
    next_position: dict | None


def _open_case_of_enterprise(*criteria):
    return exists().where(Case.enterprise_id == Enterprise.id, open_case_clause(), *criteria)


def _filtered(query: EnterpriseQuery):
    stmt = select(Enterprise, Township.code).outerjoin(Township, Enterprise.township_id == Township.id)
    box = query.bbox
    if query.near is not None:
        box = bbox_around(query.near[0], query.near[1], query.radius_m)
    if box is not None:
        min_lon, min_lat, max_lon, max_lat = box
        stmt = stmt.where(Enterprise.lat.between(min_lat, max_lat),
                          Enterprise.lon.between(min_lon, max_lon))
    if query.q:
        q = query.q.strip()
        stmt = stmt.where(or_(Enterprise.name.icontains(q, autoescape=True),
                              Enterprise.credit_code == q.upper()))
    if query.township:
        stmt = stmt.where(Township.code == query.township)
    if query.industry:
        stmt = stmt.where(Enterprise.industry == query.industry)
    if query.action:
        stmt = stmt.where(_open_case_of_enterprise(Case.action == query.action))
    wants_overdue = query.overdue or query.state == "overdue"
    if query.state and query.state != "overdue":
        stmt = stmt.where(exists().where(Case.enterprise_id == Enterprise.id,
                                         Case.state == query.state))
    if wants_overdue:
        # A superset in SQL (any unmet deadline passed on an open case); the exact rule (only
        # the deadlines of the case's current state count) is applied to the page below.
        stmt = stmt.where(_open_case_of_enterprise(overdue_deadline_clause(query.as_of)))
    return stmt, wants_overdue


def _aggregates(enterprise_ids: list[int], as_of: date) -> dict[int, list[wf.CaseSnapshot]]:
    if not enterprise_ids:
        return {}
    found = db.session.scalars(
        select(Case).where(Case.enterprise_id.in_(enterprise_ids), open_case_clause())
        .options(selectinload(Case.deadlines), selectinload(Case.followups),
                 selectinload(Case.township))).all()
    out: dict[int, list[wf.CaseSnapshot]] = {}
    for case in found:
        out.setdefault(case.enterprise_id, []).append(snapshot_of(case))
    return out


def _row(enterprise: Enterprise, township: str | None, snaps: list[wf.CaseSnapshot],
         as_of: date) -> EnterpriseRow:
    worst = wf.worst_state(snaps, as_of)
    dues = [d.due_on for s in snaps if (d := wf.current_deadline(s, as_of)) is not None]
    return EnterpriseRow(
        enterprise=enterprise, township=township,
        open_actions=sorted({s.action for s in snaps}),
        worst_state=worst.value if worst else None,
        worst_severity=worst.severity if worst else None,
        colour=worst.colour if worst else None,
        overdue=any(wf.is_overdue(s, as_of) for s in snaps),
        next_due=min(dues, default=None))


def search(query: EnterpriseQuery) -> EnterprisePage:
    stmt, wants_overdue = _filtered(query)
    if query.near is None:
        stmt = stmt.where(Enterprise.id > query.after_id).order_by(Enterprise.id) \
            .limit(query.limit + 1)
        found = db.session.execute(stmt).all()
        more = len(found) > query.limit
        found = found[:query.limit]
        next_position = {"after_id": found[-1][0].id} if more else None
        distances = {}
    else:
        lat, lon = query.near
        candidates = db.session.execute(stmt.limit(NEAR_CANDIDATES)).all()
        measured = [(round(distance_m(lat, lon, e.lat, e.lon), 1), e.id, e, code)
                    for e, code in candidates]
        inside = sorted((m for m in measured if m[0] <= query.radius_m), key=lambda m: m[:2])
        page = inside[query.offset:query.offset + query.limit]
        end = query.offset + len(page)
        next_position = {"offset": end} if end < len(inside) else None
        found = [(e, code) for _, _, e, code in page]
        distances = {e_id: d for d, e_id, _, _ in page}
    snaps = _aggregates([e.id for e, _ in found], query.as_of)
    rows = []
    for enterprise, code in found:
        row = _row(enterprise, code, snaps.get(enterprise.id, []), query.as_of)
        if wants_overdue and not row.overdue:
            continue
        row.distance_m = distances.get(enterprise.id)
        rows.append(row)
    return EnterprisePage(rows, next_position)


def detail(enterprise: Enterprise, as_of: date, *, visits: int = 5) -> dict:
    """An enterprise's open cases (with what is next due) and last visits, for its record."""
    from ..models import Visit

    open_cases = db.session.scalars(
        select(Case).where(Case.enterprise_id == enterprise.id, open_case_clause())
        .order_by(Case.served_on.desc(), Case.id.desc())
        .options(selectinload(Case.deadlines), selectinload(Case.followups))).all()
    rows = []
    for case in open_cases:
        snap = snapshot_of(case)
        due = wf.current_deadline(snap, as_of)
        rows.append({"id": case.id, "action": case.action, "state": case.state,
                     "display_state": wf.display_state(snap, as_of),
                     "served_on": case.served_on.isoformat(),
                     "next_due": due.due_on.isoformat() if due else None})
    last = db.session.scalars(select(Visit).where(Visit.enterprise_id == enterprise.id)
                              .order_by(Visit.visited_at.desc(), Visit.id.desc())
                              .limit(visits)).all()
    return {"open_cases": rows,
            "last_visits": [{"id": v.id, "visited_at": v.visited_at.isoformat(),
                             "purpose": v.purpose, "geofence_ok": v.geofence_ok,
                             "distance_m": v.distance_m} for v in last]}
