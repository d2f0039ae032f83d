"""The bureau map's data: enterprises in a bounding box as GeoJSON, coloured by the worst display
state of their open cases (the engine's single state table decides), or grid counts when the box
holds more than the page may carry (no answer ever exceeds ``limit`` features)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, exists, func, select

from enforcement import workflow as wf
from enforcement.errors import NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import Case, Enterprise, Township
from enforcement.models.enterprise import RISK_CLASSES
from enforcement.services.core.parsing import parse_box
from enforcement.services.core.queries import open_case_clause, overdue_deadline_clause
from enforcement.services.core.scope import TownshipFilter
from enforcement.workflow import site

# Severity (workflow.states) -> the map's category name.
CATEGORY = {
    wf_sev: name for wf_sev, name in enumerate(("clean", "watch", "open", "overdue", "escalated"))
}
MAX_FEATURES = 5000
GRID_CELLS = 48  # cells across the wider side of the box at low zoom


def legend() -> list[dict]:
    """One entry per severity, worst first, with the colour the state table gives it."""
    seen: dict[int, str] = {}
    for states in wf.STATES.values():
        for info in states.values():
            seen.setdefault(info.severity, info.colour)
    return [
        {"category": CATEGORY[s], "colour": seen[s], "severity": s}
        for s in sorted(seen, reverse=True)
    ]


@dataclass(frozen=True)
class MapQuery:
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    township: str = ""
    industry: str = ""
    action: str = ""
    state: str = ""
    overdue: bool = False
    risk: str = ""
    #: The townships the asker may see (services.core.scope.allowed_township_ids), as a
    #: subquery; None: all (city staff, or no branches). Issue 20.
    townships_within: TownshipFilter = field(default=None, compare=False)


def parse_query(args) -> MapQuery:
    bbox = parse_box(args.get("bbox"))  # the API's bbox= parser: required here
    action = args.get("action") or ""
    if action and action not in wf.ACTION_VALUES:
        raise ValidationError(
            "Unknown action.", {"action": "one of " + ", ".join(wf.ACTION_VALUES)}
        )
    risk = args.get("risk") or ""
    if risk and risk not in RISK_CLASSES:
        raise ValidationError("Unknown risk class.", {"risk": "A, B or C"})
    return MapQuery(
        bbox=bbox,
        township=args.get("township") or "",
        industry=args.get("industry") or "",
        action=action,
        state=args.get("state") or "",
        overdue=(args.get("overdue") or "").lower() in ("1", "true", "yes", "on"),
        risk=risk,
    )


def _open_case_filter(q: MapQuery, as_of: date):
    clauses = [Case.enterprise_id == Enterprise.id, open_case_clause()]
    if q.action:
        clauses.append(Case.action == q.action)
    if q.state:
        clauses.append(Case.state == q.state)
    if q.overdue:
        clauses.append(overdue_deadline_clause(as_of))  # exactly the engine's overdue
    return exists().where(*clauses)


def where_clause(q: MapQuery, as_of: date) -> list[ColumnElement[bool]]:
    """Every filter of the map, in one place (the box, the site's own columns, its cases):
    a new scope (a branch, say) is one more clause here."""
    min_lon, min_lat, max_lon, max_lat = q.bbox
    where: list[ColumnElement[bool]] = [
        Enterprise.lat.between(min_lat, max_lat),
        Enterprise.lon.between(min_lon, max_lon),
    ]
    if q.township:
        where.append(
            Enterprise.township_id
            == select(Township.id).where(Township.code == q.township).scalar_subquery()
        )
    if q.townships_within is not None:  # a branch's officer: his branch's townships only
        where.append(Enterprise.township_id.in_(q.townships_within))
    if q.industry:
        where.append(Enterprise.industry == q.industry)
    if q.risk:
        where.append(Enterprise.risk_class == q.risk)
    if q.action or q.state:
        where.append(_open_case_filter(q, as_of))
    elif q.overdue:
        # The site's summary knows it: its earliest watched due date has passed.
        where.append(Enterprise.map_due_on < as_of)
    return where


def features(q: MapQuery, as_of: date, *, limit: int = MAX_FEATURES) -> dict:
    """The pins of the box: one indexed scan of the enterprise rows, whose map summary
    (workflow.site, written with each case snapshot) says everything a pin shows."""
    where = where_clause(q, as_of)
    total = db.session.scalar(select(func.count()).select_from(Enterprise).where(*where)) or 0
    if total > limit:
        counted = _by_township(where, total) if _have_boundaries() else None
        return counted or _grid(q, where, total)
    rows = db.session.execute(
        select(
            Enterprise.id,
            Enterprise.name,
            Enterprise.credit_code,
            Enterprise.lat,
            Enterprise.lon,
            Enterprise.industry,
            Enterprise.risk_class,
            Township.code,
            Township.name,
            Enterprise.map_state,
            Enterprise.map_severity,
            Enterprise.map_dues,
            Enterprise.map_actions,
        )
        .outerjoin(Township, Enterprise.township_id == Township.id)
        .where(*where)
        .order_by(Enterprise.id)
    ).all()
    out = []
    for eid, name, code, lat, lon, industry, risk, township, town_name, *summary in rows:
        assert lat is not None and lon is not None  # inside the box (where_clause)
        summ = site.from_columns(*summary)
        pin = site.view(summ, as_of)
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "id": eid,
                    "name": name,
                    "credit_code": code,
                    "township": township,
                    # People read the township's name (燕郊镇), not its code.
                    "township_name": town_name,
                    "industry": industry,
                    "risk_class": risk,
                    "open_actions": list(summ.actions),
                    "worst_state": CATEGORY[pin.worst.severity if pin.worst else 0],
                    "overdue": pin.overdue,
                    "next_due": pin.next_due.isoformat() if pin.next_due else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": out, "mode": "points", "total": len(out)}


def filter_states() -> list[str]:
    """The states the map's filter offers, in workflow order (each action's states as the
    engine defines them, actions in their order), each once; ``overdue`` is derived, not
    stored, and has its own switch."""
    seen: dict[str, None] = {}
    for action in wf.ACTION_VALUES:
        for state in wf.STATES[action]:
            if state != "overdue":
                seen.setdefault(state, None)
    return list(seen)


def _have_boundaries() -> bool:
    return (
        db.session.scalar(select(Township.id).where(Township.boundary.is_not(None)).limit(1))
        is not None
    )


def _by_township(where: list, total: int) -> dict | None:
    """Counts per township, hung on the township's centre: with boundaries on the map a reviewer
    reads "燕郊镇 1,204" where a grid cell said only a number. Enterprises with no township are
    one more bubble at their mean position. None when the box is inside one township (the grid
    then says more)."""
    rows = db.session.execute(
        select(
            Enterprise.township_id, func.count(), func.avg(Enterprise.lat), func.avg(Enterprise.lon)
        )
        .where(*where)
        .group_by(Enterprise.township_id)
    ).all()
    if len(rows) < 2:
        return None
    towns = {
        t.id: t
        for t in db.session.execute(
            select(
                Township.id, Township.code, Township.name, Township.center_lat, Township.center_lon
            )
        ).all()
    }
    feats = []
    for township_id, n, lat, lon in rows:
        t = towns.get(township_id)
        if t is not None and t.center_lat is not None and t.center_lon is not None:
            lat, lon = t.center_lat, t.center_lon
        feats.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(lon), 6), round(float(lat), 6)],
                },
                "properties": {
                    "township_count": True,
                    "count": int(n),
                    "township": t.code if t else None,
                    "name": t.name if t else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats, "mode": "townships", "total": total}


def _grid(q: MapQuery, where: list, total: int) -> dict:
    """Counts per cell: at county zoom a reviewer needs where the enterprises are, not each."""
    min_lon, min_lat, max_lon, max_lat = q.bbox
    size = max(max_lon - min_lon, max_lat - min_lat, 1e-6) / GRID_CELLS
    gx: ColumnElement[Any]
    gy: ColumnElement[Any]
    if db.session.get_bind().dialect.name == "postgresql":
        gx = func.floor((Enterprise.lon - min_lon) / size)
        gy = func.floor((Enterprise.lat - min_lat) / size)
    else:  # values are >= 0 inside the box, so truncation is floor
        gx = cast((Enterprise.lon - min_lon) / size, Integer)
        gy = cast((Enterprise.lat - min_lat) / size, Integer)
    rows = db.session.execute(
        select(
            gx.label("gx"),
            gy.label("gy"),
            func.count(),
            func.avg(Enterprise.lat),
            func.avg(Enterprise.lon),
        )
        .where(*where)
        .group_by("gx", "gy")
    ).all()
    feats = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(float(lon), 6), round(float(lat), 6)],
            },
            "properties": {"grid": True, "count": int(n)},
        }
        for _, _, n, lat, lon in rows
    ]
    return {
        "type": "FeatureCollection",
        "features": feats,
        "mode": "grid",
        "total": total,
        "cell_deg": size,
    }


#: An open case as the popup needs it: (case id, enterprise id, action, state, served_on).
CaseRow = tuple[int, int, str, str, date]


def _open_cases(
    enterprise_ids: list[int],
) -> tuple[list[CaseRow], dict[int, dict[str, wf.Deadline]]]:
    """Open cases with their stored watched deadline (workflow.watched_deadline), which decides
    overdue, the current deadline and so the display state: no deadline rows are read. Only the
    popup asks (one site's cases); the pins read the site's summary."""
    rows: list[CaseRow] = []
    dl: dict[int, dict[str, wf.Deadline]] = defaultdict(dict)
    for i in range(0, len(enterprise_ids), 900):
        chunk = enterprise_ids[i : i + 900]
        for c in db.session.execute(
            select(
                Case.id,
                Case.enterprise_id,
                Case.action,
                Case.state,
                Case.served_on,
                Case.watched_deadline,
                Case.watched_due_on,
            ).where(Case.enterprise_id.in_(chunk))
        ):
            if wf.state_info(c.action, c.state).terminal:  # open-ness from the state table
                continue
            rows.append((c.id, c.enterprise_id, c.action, c.state, c.served_on))
            if c.watched_deadline:
                dl[c.id][c.watched_deadline] = wf.Deadline(c.watched_deadline, c.watched_due_on)
    return rows, dl


def _snapshots(
    case_rows: list[CaseRow], deadlines: dict[int, dict[str, wf.Deadline]]
) -> dict[int, list[tuple[int, wf.CaseSnapshot]]]:
    by_enterprise: dict[int, list[tuple[int, wf.CaseSnapshot]]] = defaultdict(list)
    for cid, eid, action, state, served_on in case_rows:
        snap = wf.CaseSnapshot(
            action=action,
            state=state,
            served_on=served_on,
            township=None,
            params={},
            facts={},
            deadlines=deadlines.get(cid, {}),
            followups={},
        )
        by_enterprise[eid].append((cid, snap))
    return by_enterprise


def enterprise_popup(enterprise_id: int, as_of: date) -> dict:
    e = db.session.get(Enterprise, enterprise_id)
    if e is None:
        raise NotFound(f"No enterprise {enterprise_id}.")
    rows, deadlines = _open_cases([e.id])
    snaps = _snapshots(rows, deadlines).get(e.id, [])
    cases = []
    for cid, snap in sorted(snaps, key=lambda p: p[0]):
        info = wf.display_info(snap, as_of)
        due = wf.current_deadline(snap, as_of)
        cases.append(
            {
                "id": cid,
                "action": snap.action,
                "state": wf.display_state(snap, as_of),
                "colour": info.colour,
                "zh": info.zh,
                "en": info.en,
                "deadline": due.name if due else None,
                "due_on": due.due_on.isoformat() if due else None,
            }
        )
    return {
        "id": e.id,
        "name": e.name,
        "credit_code": e.credit_code,
        "township": e.township.name if e.township else None,
        "industry": e.industry,
        "risk_class": e.risk_class,
        "cases": cases,
    }
