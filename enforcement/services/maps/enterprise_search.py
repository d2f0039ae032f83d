"""Find enterprises for the map, the API and the phone: every filter of ``GET /enterprises``
(API.md) in one query other parts of the app can call.

Cost, for a map asking for up to 5000 pins in its visible box: one indexed query for the
enterprises (the bbox on the (lat, lon) index, filters as EXISTS on open cases), then their
columns by id. What a pin shows (worst state, overdue, next due) comes from each site's map
summary (workflow.site, written with every case snapshot) for ``as_of``: no case is read, and
nothing here computes a deadline."""

from __future__ import annotations

import json
import math
from operator import itemgetter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Text,
    and_,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
)
from sqlalchemy import case as sa_case
from sqlalchemy.orm import selectinload

from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.geo import bbox_around, distance_m
from enforcement.pinyin import query_key
from enforcement.models import Case, Enterprise, Township, map_pin
from enforcement.services.casework.cases import snapshot_of
from enforcement.services.core import spatial, stamps
from enforcement.services.core.queries import open_case_clause
from enforcement.services.core.scope import TownshipFilter
from enforcement.workflow import site

#: ``near`` looks at most this many candidates inside the radius's box (a 50 km radius in the
#: densest demo township is a few thousand).
NEAR_CANDIDATES = 20_000
#: ``near`` starts looking this far out and widens until the page is found.
START_RADIUS_M = 300.0
#: A spherical distance is within 0.6 % of the WGS84 geodesic one. Candidates are ranked on the
#: sphere (cheap) and only those that could be on the page, or near the radius, are measured
#: exactly with geopy (about 50 µs each), which otherwise dominated a "near me" request.
SPHERE_ERROR = 0.006
EARTH_RADIUS_M = 6_371_008.8

#: The columns a pin shows: full ORM rows cost more than the query itself at 5000 pins.
COLUMNS = (
    Enterprise.id,
    Enterprise.name,
    Enterprise.credit_code,
    Enterprise.industry,
    Enterprise.risk_class,
    Enterprise.lat,
    Enterprise.lon,
    Enterprise.address,
    Enterprise.location_source,
    Enterprise.map_state,
    Enterprise.map_severity,
    Enterprise.map_dues,
    Enterprise.map_actions,
)


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
    #: True: pinned sites only; False: sites awaiting a location only; None: both.
    located: bool | None = None
    near: tuple[float, float] | None = None  # lat, lon
    radius_m: float = 1000.0
    limit: int = 100
    #: Paging position: the last id of the previous page, or (for ``near``) an offset.
    after_id: int = 0
    offset: int = 0
    #: The townships the asker may see (services.core.scope.allowed_township_ids), as a
    #: subquery; None: all (city staff, or no branches). Issue 20.
    townships_within: TownshipFilter = field(default=None, compare=False)


@dataclass
class EnterpriseRow:
    #: The site's COLUMNS: a result Row read by attribute like an Enterprise (none is loaded).
    enterprise: Any
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
        props = {
            "id": e.id,
            "name": e.name,
            "credit_code": e.credit_code,
            "industry": e.industry,
            "risk_class": e.risk_class,
            "lat": e.lat,
            "lon": e.lon,
            "located": e.lat is not None,
            "location_source": e.location_source,
            "address": e.address,
            # After the site's own members: PostgreSQL stores a pin up to its address
            # (models.map_pin) and adds the township's code, which may be renamed.
            "township": self.township,
            "open_actions": self.open_actions,
            "worst_state": self.worst_state,
            "worst_severity": self.worst_severity,
            "colour": self.colour,
            "overdue": self.overdue,
            "next_due": self.next_due.isoformat() if self.next_due else None,
        }
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


def _filtered(
    query: EnterpriseQuery, *columns, radius_m: float | None = None, near_box: bool = True
):
    stmt = select(*columns).outerjoin(Township, Enterprise.township_id == Township.id)
    box = query.bbox
    if query.near is not None and not near_box:
        box = None  # PostGIS: the GiST index on geog finds the circle itself
    elif query.near is not None:
        box = bbox_around(query.near[0], query.near[1], radius_m or query.radius_m)
    if box is not None:
        min_lon, min_lat, max_lon, max_lat = box
        stmt = stmt.where(
            Enterprise.lat.between(min_lat, max_lat), Enterprise.lon.between(min_lon, max_lon)
        )
    if query.q:
        q = query.q.strip()
        match = [Enterprise.name.icontains(q, autoescape=True), Enterprise.credit_code == q.upper()]
        key = query_key(q)
        if key:  # pinyin, full or initials (enforcement.pinyin)
            match.append(Enterprise.name_pinyin.contains(key, autoescape=True))
        stmt = stmt.where(or_(*match))
    if query.township:
        stmt = stmt.where(Township.code == query.township)
    if query.townships_within is not None:  # a branch's officer: his branch's townships only
        stmt = stmt.where(Enterprise.township_id.in_(query.townships_within))
    if query.located is not None:
        stmt = stmt.where(
            Enterprise.lat.is_not(None) if query.located else Enterprise.lat.is_(None)
        )
    if query.industry:
        stmt = stmt.where(Enterprise.industry == query.industry)
    if query.action:
        stmt = stmt.where(_open_case_of_enterprise(Case.action == query.action))
    wants_overdue = query.overdue or query.state == "overdue"
    if query.state and query.state != "overdue":
        stmt = stmt.where(
            exists().where(Case.enterprise_id == Enterprise.id, Case.state == query.state)
        )
    if wants_overdue:
        # Exactly the engine's rule: the site's earliest watched due date (its map summary) has
        # passed; a page is therefore never short of rows.
        stmt = stmt.where(Enterprise.map_due_on < query.as_of)
    return stmt, wants_overdue


def _row(enterprise, township: str | None, as_of: date) -> EnterpriseRow:
    """A pin from the site's map summary (workflow.site), kept on the enterprise row with every
    case snapshot: no case is read."""
    summary = site.from_columns(
        enterprise.map_state, enterprise.map_severity, enterprise.map_dues, enterprise.map_actions
    )
    pin = site.view(summary, as_of)
    return EnterpriseRow(
        enterprise=enterprise,
        township=township,
        open_actions=list(summary.actions),
        worst_state=pin.worst.value if pin.worst else None,
        worst_severity=pin.worst.severity if pin.worst else None,
        colour=pin.worst.colour if pin.worst else None,
        overdue=pin.overdue,
        next_due=pin.first_due,
    )


def _sphere_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _nearest(query: EnterpriseQuery) -> tuple[list[int], dict | None, dict[int, float]]:
    """The page of enterprises nearest to ``near`` within ``radius_m``. The search starts with a
    small box and widens it until it holds the page (plus one, to know a next page exists): in a
    dense city a 2 km box holds tens of thousands of sites, and reading them all to return 50
    cost more than everything else together."""
    assert query.near is not None  # search() asks only then
    lat, lon = query.near
    want = query.offset + query.limit + 1
    if spatial.geog_schema() is not None:
        return _nearest_postgis(query, want)
    radius = min(query.radius_m, START_RADIUS_M)
    while True:
        stmt, _ = _filtered(query, Enterprise.id, Enterprise.lat, Enterprise.lon, radius_m=radius)
        candidates = db.session.execute(stmt.limit(NEAR_CANDIDATES)).all()
        ranked = sorted(
            (_sphere_m(lat, lon, c_lat, c_lon), c_id, c_lat, c_lon)
            for c_id, c_lat, c_lon in candidates
        )
        # Only what is surely inside this search circle counts: a site outside it may be
        # nearer than one inside the box's corners.
        sure = sum(1 for r in ranked if r[0] <= radius * (1 - SPHERE_ERROR))
        if radius >= query.radius_m or sure >= want or len(candidates) >= NEAR_CANDIDATES:
            break
        # Widen by what the density so far suggests (at least double).
        grow = math.sqrt(want / max(sure, 1)) * 1.2
        radius = min(query.radius_m, radius * max(2.0, grow))
    limit_m = min(radius, query.radius_m)
    outer = limit_m * (1 + SPHERE_ERROR)
    ranked = [r for r in ranked if r[0] <= outer]
    # Exact distances for what could be on this page (its ranks plus the few whose sphere
    # distance is within the error of the page's last one) and for the doubtful rim.
    cut = ranked[want - 1][0] * (1 + 3 * SPHERE_ERROR) if len(ranked) >= want else outer
    inner = limit_m * (1 - SPHERE_ERROR)
    exact: dict[int, float] = {}
    for approx, c_id, c_lat, c_lon in ranked:
        if approx <= cut or approx >= inner:
            exact[c_id] = round(distance_m(lat, lon, c_lat, c_lon), 1)
    inside = sorted(
        (exact.get(c_id, approx), c_id)
        for approx, c_id, _, _ in ranked
        if exact.get(c_id, approx) <= limit_m
    )
    page = inside[query.offset : query.offset + query.limit]
    end = query.offset + len(page)
    return (
        [c_id for _, c_id in page],
        {"offset": end} if end < len(inside) else None,
        {c_id: d for d, c_id in page},
    )


def _nearest_postgis(query: EnterpriseQuery, want: int):
    """``near`` on PostGIS: ST_DWithin on the geography column's GiST index, nearest first by
    its KNN order (spherical), with a margin of candidates so that the exact (geodesic) order
    of the page cannot miss a site; the same filters as every other path."""
    assert query.near is not None  # only called for a near query
    lat, lon = query.near
    schema = spatial.geog_schema()
    point = (
        f"{schema}.ST_SetSRID({schema}.ST_MakePoint(:{{p}}lon, :{{p}}lat), 4326)"
        f"::{schema}.geography"
    )
    stmt, _ = _filtered(query, Enterprise.id, Enterprise.lat, Enterprise.lon, near_box=False)
    stmt = (
        stmt.where(
            text(
                f"{schema}.ST_DWithin(enterprise.{spatial.GEOG_COLUMN}, {point.format(p='w')}, :wr)"
            ).bindparams(wlat=lat, wlon=lon, wr=query.radius_m * (1 + SPHERE_ERROR))
        )
        .order_by(
            text(
                f"enterprise.{spatial.GEOG_COLUMN} OPERATOR({schema}.<->) {point.format(p='k')}"
            ).bindparams(klat=lat, klon=lon)
        )
        .limit(want * 2 + 50)
    )
    measured = [
        (round(distance_m(lat, lon, c_lat, c_lon), 1), c_id)
        for c_id, c_lat, c_lon in db.session.execute(stmt)
    ]
    inside = sorted(m for m in measured if m[0] <= query.radius_m)
    page = inside[query.offset : query.offset + query.limit]
    end = query.offset + len(page)
    return (
        [c_id for _, c_id in page],
        {"offset": end} if end < len(inside) else None,
        {c_id: d for d, c_id in page},
    )


def _page_ids(query: EnterpriseQuery) -> tuple[list[int], dict | None, dict[int, float]]:
    """The ids of the requested page, where the next one starts, and distances for ``near``."""
    if query.near is not None:
        return _nearest(query)
    stmt, _ = _filtered(query, Enterprise.id)
    if query.bbox is not None:
        # The box goes through the (lat, lon) index, which also holds the id: ordering and
        # paging by id in SQL would make the planner walk the whole table in id order.
        ids = sorted(i for (i,) in db.session.execute(stmt) if i > query.after_id)
    else:
        ids = list(
            db.session.scalars(
                stmt.where(Enterprise.id > query.after_id)
                .order_by(Enterprise.id)
                .limit(query.limit + 1)
            )
        )
    more = len(ids) > query.limit
    ids = ids[: query.limit]
    return ids, ({"after_id": ids[-1]} if more else None), {}


#: A page at least this long (a map's) reads its box's rows in one indexed scan; a shorter page
#: of a box reads the ids first (index only), then just the page's rows.
WHOLE_BOX_PAGE = 1000


def _whole_box(query: EnterpriseQuery) -> EnterprisePage:
    """The map's case: one scan of the box's rows (the (lat, lon) index, then each row with its
    map summary), paged by id in Python: ordering by id in SQL would make the planner walk the
    whole table in id order."""
    stmt, _ = _filtered(query, *COLUMNS, Township.code)
    found = sorted(
        (r for r in db.session.execute(stmt) if r.id > query.after_id), key=lambda r: r.id
    )
    more = len(found) > query.limit
    found = found[: query.limit]
    return EnterprisePage(
        [_row(r, r.code, query.as_of) for r in found], {"after_id": found[-1].id} if more else None
    )


def _severity_colour(severity):
    """CASE severity -> colour, from the single state table."""
    colours: dict[int, str] = {}
    for states in wf.STATES.values():
        for info in states.values():
            colours.setdefault(info.severity, info.colour)
    # The simple CASE form: the severity expression is written (and evaluated) once.
    return sa_case(
        {sev: literal(colour) for sev, colour in sorted(colours.items())},
        value=severity,
        else_=null(),
    )


def _pin_sql(as_of: date) -> dict[str, Any]:
    """What a pin shows that depends on the day, in SQLite's SQL from the site's map summary: the
    summary's rule (workflow.site.view) restated, the same values as
    ``EnterpriseRow.properties`` (tested). Overdue once the earliest watched date has passed,
    which outranks every stored state below it."""
    e = Enterprise
    overdue_sev = wf.state_info("rectify", "overdue").severity
    is_overdue = and_(e.map_due_on.is_not(None), e.map_due_on < as_of)
    shown_overdue = and_(is_overdue, e.map_severity < overdue_sev)
    severity = sa_case(
        (e.map_state.is_(None), null()), (shown_overdue, literal(overdue_sev)), else_=e.map_severity
    )
    state = func.substr(e.map_state, func.instr(e.map_state, ":") + 1)
    worst = sa_case(
        (e.map_state.is_(None), null()), (shown_overdue, literal("overdue")), else_=state
    )
    return {
        "worst_state": worst,
        "worst_severity": severity,
        "colour": _severity_colour(severity),
        "overdue": is_overdue,
    }


def _properties_sql(as_of: date):
    """Each pin's GeoJSON properties as one JSON object built by SQLite's JSON1 from the site's
    columns and its map summary (``_pin_sql``): the same members and values as
    ``EnterpriseRow.properties`` (tested), so the app only joins text. One flat object per
    row: nested JSON constructors cost more than the scan itself (benchmarks/results.md)."""
    e = Enterprise
    pin = _pin_sql(as_of)
    array_text = sa_case(
        (e.map_actions == "", literal("[]")),
        else_='["' + func.replace(e.map_actions, ",", '","') + '"]',
    )

    def boolean(c):  # json() keeps a CASE's JSON text JSON inside json_object
        return func.json(sa_case((c, literal("true")), else_=literal("false")))

    return func.json_object(
        "id",
        e.id,
        "name",
        e.name,
        "credit_code",
        e.credit_code,
        "township",
        Township.code,
        "industry",
        e.industry,
        "risk_class",
        e.risk_class,
        "lat",
        e.lat,
        "lon",
        e.lon,
        "located",
        boolean(e.lat.is_not(None)),
        "location_source",
        e.location_source,
        "address",
        e.address,
        "open_actions",
        func.json(array_text),
        "worst_state",
        pin["worst_state"],
        "worst_severity",
        pin["worst_severity"],
        "colour",
        pin["colour"],
        "overdue",
        boolean(pin["overdue"]),
        "next_due",
        e.map_due_on,
    )


def _feature_text(eid: int, lon: float | None, lat: float | None, properties: str) -> str:
    # Floats as Python's json writes them (repr), like the Python path.
    geometry = "null" if lat is None else f'{{"type":"Point","coordinates":[{lon!r},{lat!r}]}}'
    return f'{{"type":"Feature","id":{eid},"geometry":{geometry},"properties":{properties}}}'


_json_str = json.encoder.encode_basestring  # the C encoder where built, as json.dumps uses


class _PinTail(dict):
    """The pin's members from ``open_actions`` to ``next_due`` for one (actions, stored worst
    state, its severity, earliest watched due date) on the day ``as_of``: a box holds few
    distinct combinations, so each is decided once. The day's rule is the summary's own
    (workflow.site.shown, as ``site.view`` applies it)."""

    def __init__(self, as_of: date):
        super().__init__()
        self.as_of = as_of

    def __missing__(self, key):
        actions, state, severity, due_on = key
        listed = ",".join(_json_str(a) for a in actions.split(",")) if actions else ""
        if state is None or severity is None or due_on is None:
            worst = '"worst_state":null,"worst_severity":null,"colour":null,"overdue":false'
            due = "null"
        else:
            overdue = due_on < self.as_of
            info = site.shown(state, severity, overdue)
            worst = (
                f'"worst_state":{_json_str(info.value)},"worst_severity":{info.severity:d},'
                f'"colour":{_json_str(info.colour)},"overdue":{"true" if overdue else "false"}'
            )
            due = f'"{due_on.isoformat()}"'
        text = self[key] = f'"open_actions":[{listed}],{worst},"next_due":{due}'
        return text


class _TownshipCodes(dict):
    """Township id -> its code as JSON text. A township this map has not seen (written by a
    statement that bumps no generation) is read when asked for, never a KeyError."""

    def __missing__(self, township_id):
        code = db.session.scalar(select(Township.code).where(Township.id == township_id))
        text = self[township_id] = "null" if code is None else _json_str(code)
        return text


def _township_codes() -> dict[int | None, str]:
    """Each township's code as JSON text by its id (null for none), kept per worker until a
    township changes (services.core.stamps: the "calendar" generation covers townships)."""
    cache = stamps.cached("calendar")
    if cache is not None and "township_codes" in cache:
        codes: dict[int | None, str] = cache["township_codes"]
        return codes
    codes = _TownshipCodes(
        {
            tid: _json_str(code)
            for tid, code in db.session.execute(select(Township.id, Township.code))
        }
    )
    codes[None] = "null"
    if cache is not None:
        cache["township_codes"] = codes
    return codes


def _features_from_columns(rows, as_of: date) -> list[str]:
    """PostgreSQL's pins: each row brings its stored pin (``models.map_pin``: the Feature up
    to the site's last own member, generated by PostgreSQL from the row), and Python adds
    what is not the row's own: the township's code (townships are renamed) and what depends
    on the day, decided once per distinct summary (``_PinTail``). Reading a dozen plain
    columns and writing each Feature here made a box of 2,000 pins about a quarter slower
    through the API, and PostgreSQL's json_build_object several times (benchmarks/analysis.md).
    The text is what ``dumps`` writes for the Python path's feature (tested equal)."""
    codes = _township_codes()
    tails = _PinTail(as_of)
    return [
        f'{pin},"township":{codes[township]},{tails[actions, state, severity, due_on]}}}}}'
        for _eid, pin, township, actions, state, severity, due_on in rows
    ]


@dataclass
class FeaturePage:
    #: GeoJSON Feature texts, in id order.
    features: list[str]
    next_position: dict | None


def box_features(query: EnterpriseQuery) -> FeaturePage | None:
    """A map's box (a page of at least WHOLE_BOX_PAGE, no ``near``) as Feature texts: one
    indexed scan, and no per-pin object in Python (which was most of the answer's time).
    SQLite writes each pin's properties (JSON1); PostgreSQL returns plain columns written by
    ``_features_from_columns``. None for every other query (``search`` answers those)."""
    if query.bbox is None or query.near is not None or query.limit < WHOLE_BOX_PAGE:
        return None
    dialect = db.session.get_bind().dialect.name
    e = Enterprise
    if dialect == "postgresql":
        stmt, _ = _filtered(
            query,
            e.id,
            literal_column(f"enterprise.{map_pin.COLUMN}", Text),
            # The township's id, not its code: without a Township column the planner drops
            # the join (a fifth of the box query here); the codes come from _township_codes.
            e.township_id,
            e.map_actions,
            e.map_state,
            e.map_severity,
            e.map_due_on,
        )
    else:
        stmt, _ = _filtered(query, e.id, e.lon, e.lat, _properties_sql(query.as_of))
    # The driver's own tuples: every column selected is a type the driver converts itself
    # (no SQLAlchemy result processor), and a Row object for each of thousands of pins cost
    # about as much as writing its text.
    result = db.session.connection().execute(stmt)
    try:
        rows = list(result.cursor.fetchall())
    finally:
        result.close()
    found = [r for r in rows if r[0] > query.after_id] if query.after_id else rows
    found.sort(key=itemgetter(0))
    more = len(found) > query.limit
    found = found[: query.limit]
    features = (
        _features_from_columns(found, query.as_of)
        if dialect == "postgresql"
        else [_feature_text(*r) for r in found]
    )
    return FeaturePage(features, {"after_id": found[-1][0]} if more else None)


def search(query: EnterpriseQuery) -> EnterprisePage:
    if query.bbox is not None and query.near is None and query.limit >= WHOLE_BOX_PAGE:
        return _whole_box(query)
    _, wants_overdue = _filtered(query, Enterprise.id)
    ids, next_position, distances = _page_ids(query)
    rows_by_id = {}
    for start in range(0, len(ids), 900):
        for row in db.session.execute(
            select(*COLUMNS, Township.code)
            .outerjoin(Township, Enterprise.township_id == Township.id)
            .where(Enterprise.id.in_(ids[start : start + 900]))
        ):
            rows_by_id[row.id] = row
    rows: list[EnterpriseRow] = []
    for enterprise_id in ids:
        enterprise = rows_by_id[enterprise_id]
        found = _row(enterprise, enterprise.code, query.as_of)
        if wants_overdue and not found.overdue:
            continue
        found.distance_m = distances.get(enterprise_id)
        rows.append(found)
    return EnterprisePage(rows, next_position)


def detail(enterprise: Enterprise, as_of: date, *, visits: int = 5) -> dict:
    """An enterprise's open cases (with what is next due) and last visits, for its record."""
    from enforcement.models import Visit

    open_cases = db.session.scalars(
        select(Case)
        .where(Case.enterprise_id == enterprise.id, open_case_clause())
        .order_by(Case.served_on.desc(), Case.id.desc())
        .options(selectinload(Case.deadlines), selectinload(Case.followups))
    ).all()
    rows = []
    for case in open_cases:
        snap = snapshot_of(case)
        due = wf.current_deadline(snap, as_of)
        rows.append(
            {
                "id": case.id,
                "action": case.action,
                "state": case.state,
                "display_state": wf.display_state(snap, as_of),
                "served_on": case.served_on.isoformat(),
                "next_due": due.due_on.isoformat() if due else None,
            }
        )
    last = db.session.scalars(
        select(Visit)
        .where(Visit.enterprise_id == enterprise.id)
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
        .limit(visits)
    ).all()
    return {
        "open_cases": rows,
        "last_visits": [
            {
                "id": v.id,
                "visited_at": v.visited_at.isoformat(),
                "purpose": v.purpose,
                "geofence_ok": v.geofence_ok,
                "distance_m": v.distance_m,
            }
            for v in last
        ],
    }
