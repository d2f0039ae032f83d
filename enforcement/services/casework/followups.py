"""Planned follow-up visits, as a worklist: whose, due when, overdue, nearest first. The dates
are the stored FollowUp rows the workflow engine wrote; status is derived for ``as_of``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.geo import distance_m
from enforcement.models import Case, Enterprise, FollowUp
from enforcement.services.casework.cases import is_cancelled, snapshot_of
from enforcement.services.core.queries import open_case_clause
from enforcement.services.casework.serialize import followup_row
from enforcement.services.core.scope import TownshipFilter

#: ``near`` sorts in Python: a worklist is at most a few thousand planned visits.
NEAR_CANDIDATES = 5000


@dataclass
class FollowupQuery:
    as_of: date
    assignee_id: int | None = None
    due_within: int | None = None
    overdue: bool = False
    near: tuple[float, float] | None = None
    limit: int = 100
    #: Paging position: after (due_on ordinal, id), or an offset when sorted by distance.
    after: tuple[int, int] | None = None
    offset: int = 0
    #: A branch's officer: his branch's townships only (services.core.scope); None: all.
    townships_within: TownshipFilter = field(default=None, compare=False)


def _statement(query: FollowupQuery):
    stmt = (
        select(FollowUp)
        .join(Case, FollowUp.case_id == Case.id)
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .where(FollowUp.done_on.is_(None), open_case_clause())
        .options(
            contains_eager(FollowUp.case).contains_eager(Case.enterprise),
            contains_eager(FollowUp.case).selectinload(Case.deadlines),
            contains_eager(FollowUp.case).selectinload(Case.followups),
            contains_eager(FollowUp.case).selectinload(Case.township),
            selectinload(FollowUp.assignee),
        )
    )
    if query.assignee_id is not None:
        stmt = stmt.where(FollowUp.assignee_id == query.assignee_id)
    if query.townships_within is not None:
        stmt = stmt.where(Case.township_id.in_(query.townships_within))
    if query.due_within is not None:
        stmt = stmt.where(
            FollowUp.due_on >= query.as_of,
            FollowUp.due_on <= query.as_of + timedelta(days=query.due_within),
        )
    if query.overdue:
        stmt = stmt.where(FollowUp.due_on < query.as_of)
    return stmt


def item(f: FollowUp, as_of: date, distance: float | None = None) -> dict:
    case, e = f.case, f.case.enterprise
    row = followup_row(f, as_of)
    row.update(
        case={
            "id": case.id,
            "action": case.action,
            "state": case.state,
            "display_state": wf.display_state(snapshot_of(case), as_of),
        },
        enterprise={
            "id": e.id,
            "name": e.name,
            "lat": e.lat,
            "lon": e.lon,
            "township": case.township.code if case.township else None,
        },
    )
    if distance is not None:
        row["distance_m"] = distance
    return row


def search(query: FollowupQuery) -> tuple[list[dict], dict | None]:
    """A page of follow-up items and where the next page starts (None on the last page)."""
    stmt = _statement(query)
    if query.near is None:
        if query.after is not None:
            due, last_id = query.after
            after_day = date.fromordinal(due)
            stmt = stmt.where(
                (FollowUp.due_on > after_day)
                | ((FollowUp.due_on == after_day) & (FollowUp.id > last_id))
            )
        found = (
            db.session.scalars(stmt.order_by(FollowUp.due_on, FollowUp.id).limit(query.limit + 1))
            .unique()
            .all()
        )
        more = len(found) > query.limit
        found = found[: query.limit]
        position = {"due": found[-1].due_on.toordinal(), "id": found[-1].id} if more else None
        return [item(f, query.as_of) for f in found if not is_cancelled(f)], position
    lat, lon = query.near
    found = db.session.scalars(stmt.limit(NEAR_CANDIDATES)).unique().all()
    # A site still awaiting a location has no distance: it is not "near" anything yet.
    measured = sorted(
        (
            (
                round(distance_m(lat, lon, f.case.enterprise.lat, f.case.enterprise.lon), 1),
                f.due_on,
                f.id,
                f,
            )
            for f in found
            if not is_cancelled(f) and f.case.enterprise.lat is not None
        ),
        key=lambda m: m[:3],
    )
    page = measured[query.offset : query.offset + query.limit]
    end = query.offset + len(page)
    position = {"offset": end} if end < len(measured) else None
    return [item(f, query.as_of, d) for d, _, _, f in page], position
