"""Enforcement lists (overdue, due, per action, follow-ups, weekly dispatch, monthly summary,
disclosure): ONE query per list behind the pages, the API and every export.

Deadlines and follow-ups are the stored engine results; their status for ``as_of`` is derived
with the engine's own functions (``deadline_status``, ``days_overdue``, ``current_deadline``,
``surcharge_fen``), never recounted here. Which deadline makes a case overdue in which state is
asked of the engine once (``relevant_deadlines``) and turned into SQL, so the overdue query can
walk the ``deadline(due_on)`` index instead of loading every open case.

Row lists are generators over ``yield_per`` results (a server-side cursor on PostgreSQL), so an
export of a million rows holds one batch in memory, not the list.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Callable, Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy import case as sa_case
from sqlalchemy.orm import aliased, selectinload

from enforcement import workflow as wf
from enforcement.errors import NotFound, ValidationError
from enforcement.extensions import db
from enforcement.models import (
    Case,
    CaseEvent,
    Complaint,
    Deadline,
    Enterprise,
    FollowUp,
    Township,
    User,
    Visit,
)
from enforcement.models import Branch
from enforcement.services.tally import figures, weights
from enforcement.models.complaint import CATEGORIES
from enforcement.services.core import audit
from enforcement.services.casework import cases
from enforcement.services.core.actor import Actor
from enforcement.services.core.parsing import parse_date, parse_int
from enforcement.services.core.queries import open_case_clause

ROW_LISTS = ("overdue", "due", "followups", "disclosure")
REPORTS = ("weekly", "monthly")
NAMES = (*ROW_LISTS[:3], *(f"action/{a}" for a in wf.ACTION_VALUES), *REPORTS, ROW_LISTS[3])
PUBLIC = ("disclosure",)
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
BATCH = 1000  #: rows per database round trip when streaming
DEFAULT_WITHIN = 7


@dataclass(frozen=True)
class Filters:
    as_of: date
    township: str = ""
    action: str = ""
    inspector: str = ""
    within: int = DEFAULT_WITHIN
    month: str = ""  #: YYYY-MM (monthly)
    branch: str = ""  #: a branch (分局) code: its townships only (issue 20)

    def public(self) -> dict:
        """What the URL and the audit event carry (defaults left out)."""
        out: dict[str, Any] = {"as_of": self.as_of.isoformat()}
        for key in ("township", "action", "inspector", "month", "branch"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.within != DEFAULT_WITHIN:
            out["within"] = self.within
        return out


def check_name(name: str) -> str:
    if name not in NAMES:
        raise NotFound(f"No list named {name!r}.", known=list(NAMES))
    return name


def parse_filters(args, today: date) -> Filters:
    """Filters from query arguments; bad input is a 422 naming the field."""
    as_of = parse_date(args.get("as_of"), "as_of", required=False) or today
    action = (args.get("action") or "").strip()
    if action and action not in wf.ACTION_VALUES:
        raise ValidationError(
            "Unknown action.", {"action": f"one of {', '.join(wf.ACTION_VALUES)}"}
        )
    within = parse_int(args.get("within"), "within", required=False, minimum=0, maximum=366)
    month = (args.get("month") or "").strip()
    if month:
        try:
            datetime.strptime(month, "%Y-%m")
        except ValueError:
            raise ValidationError("month is not a month.", {"month": "expected YYYY-MM"}) from None
    return Filters(
        as_of=as_of,
        township=(args.get("township") or "").strip()[:40],
        action=action,
        inspector=(args.get("inspector") or "").strip()[:64],
        within=DEFAULT_WITHIN if within is None else within,
        month=month,
        branch=(args.get("branch") or "").strip()[:40],
    )


def _branch_townships(code: str):
    """The ids of a branch's townships (issue 20), as a subquery."""
    return (
        select(Township.id).join(Branch, Township.branch_id == Branch.id).where(Branch.code == code)
    )


def parse_limit(args) -> int:
    return (
        parse_int(args.get("limit"), "limit", required=False, minimum=1, maximum=MAX_LIMIT)
        or DEFAULT_LIMIT
    )


# --- cursors ---------------------------------------------------------------------------------


def encode_cursor(key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(key, list) and key:
            return key
    except (ValueError, TypeError):
        pass
    raise ValidationError(
        "cursor is not valid.", {"cursor": "use next_cursor from a previous page"}
    )


def _after(columns, key: list | None, *, descending: bool = False):
    """Keyset condition "(c1, c2, ...) comes after key" spelt out (portable, index-friendly)."""
    if key is None:
        return None
    if len(key) != len(columns):
        raise ValidationError("cursor is not valid.", {"cursor": "from another list"})
    values = [
        date.fromisoformat(v) if isinstance(v, str) and len(v) == 10 and v[4] == "-" else v
        for v in key
    ]
    terms = []
    for i, column in enumerate(columns):
        head = [columns[j] == values[j] for j in range(i)]
        terms.append(and_(*head, column < values[i] if descending else column > values[i]))
    return or_(*terms)


# --- the engine's notion of "overdue", as SQL -------------------------------------------------

_ANY = "\x00any"


@lru_cache(maxsize=1)
def relevant_deadlines() -> dict[tuple[str, str], tuple[str, ...] | None]:
    """(action, state) -> names of the deadlines that make such a case overdue (None: any).

    Asked of the engine with a probe case whose every deadline is long past, so the rule stays
    in the engine (workflow.overdue_deadlines) and this module only translates it to SQL."""
    from enforcement.domain import DEADLINE_LABELS

    names = (*DEADLINE_LABELS, _ANY)
    old = date(2000, 1, 1)
    table: dict[tuple[str, str], tuple[str, ...] | None] = {}
    for action in wf.ACTION_VALUES:
        for state in wf.stored_states(action):
            probe = wf.CaseSnapshot(
                action, state, old, None, {}, {}, {n: wf.Deadline(n, old) for n in names}, {}
            )
            found = tuple(d.name for d in wf.overdue_deadlines(probe, date(2100, 1, 1)))
            if _ANY in found:
                table[(action, state)] = None
            elif found:
                table[(action, state)] = tuple(sorted(found))
    return table


def _relevant_clause(d):
    groups: dict[tuple[str, tuple | None], list[str]] = {}
    for (action, state), names in relevant_deadlines().items():
        groups.setdefault((action, names), []).append(state)
    terms = []
    for (action, names), states in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        term = and_(Case.action == action, Case.state.in_(sorted(states)))
        terms.append(term if names is None else and_(term, d.name.in_(names)))
    return or_(*terms)


# --- rows ------------------------------------------------------------------------------------

Assignee = aliased(User, name="assignee_user")


def _base(*entities):
    """Case with its enterprise, township and assignee: the columns every row shows."""
    return (
        select(*entities, Case, Enterprise, Township, Assignee)
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .outerjoin(Township, Case.township_id == Township.id)
        .outerjoin(Assignee, Case.assignee_id == Assignee.id)
        .options(selectinload(Case.deadlines))
    )


def _filtered(stmt, f: Filters, *, inspector_column=None):
    if f.township:
        stmt = stmt.where(Township.code == f.township)
    if f.branch:
        stmt = stmt.where(Case.township_id.in_(_branch_townships(f.branch)))
    if f.action:
        stmt = stmt.where(Case.action == f.action)
    if f.inspector:
        column = inspector_column if inspector_column is not None else Case.assignee_id
        stmt = stmt.where(column.in_(select(User.id).where(User.username == f.inspector)))
    return stmt


def _row(
    r,
    d: wf.Deadline | None,
    *,
    display_state: str,
    surcharge: int | None,
    amount: int | None,
    as_of: date,
) -> dict:
    """A row of API.md from the row's plain values (``r``: case_id, action, state, served_on,
    the enterprise's id, name, credit code, lat and lon, township code and name, assignee) and the
    deadline it shows."""
    return {
        "case_id": r.case_id,
        "enterprise_id": r.enterprise_id,
        "enterprise_name": r.enterprise_name,
        "credit_code": r.credit_code,
        "township": r.township,
        "township_name": r.township_name,
        "action": r.action,
        "state": r.state,
        "display_state": display_state,
        "served_on": r.served_on.isoformat(),
        "deadline": d.name if d else None,
        "due_on": d.due_on.isoformat() if d else None,
        "deadline_status": wf.deadline_status(d, as_of) if d else None,
        "days_overdue": wf.days_overdue(d, as_of) if d else 0,
        "provisional": bool(d and d.provisional),
        "surcharge_fen": surcharge,
        "amount_fen": amount,
        "assignee": r.assignee,
        "lat": r.lat,
        "lon": r.lon,
        # Issue #15: a stop case's measure (limit / stop), null for other actions.
        "measure": wf.measure_of(r.action, _json(getattr(r, "params", None))),
        # The person's name for people (pages, exports, print); the username stays the code.
        "assignee_name": getattr(r, "assignee_name", None) or r.assignee,
    }


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def case_row(
    case: Case,
    enterprise: Enterprise,
    township: Township | None,
    assignee: User | None,
    deadline,
    as_of: date,
) -> dict:
    """A row from loaded records. ``deadline`` is a stored Deadline (or None: the engine picks
    the one a list shows, workflow.current_deadline)."""
    snapshot = cases.deadline_snapshot(case)
    d = (
        wf.Deadline(deadline.name, deadline.due_on, deadline.provisional, deadline.met_on)
        if deadline is not None
        else wf.current_deadline(snapshot, as_of)
    )
    fine = case.action == "fine"
    values = SimpleNamespace(
        case_id=case.id,
        action=case.action,
        state=case.state,
        served_on=case.served_on,
        enterprise_id=enterprise.id,
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        lat=enterprise.lat,
        lon=enterprise.lon,
        params=case.params,
        township=township.code if township else None,
        township_name=township.name if township else None,
        assignee=assignee.username if assignee else None,
        assignee_name=assignee.label if assignee else None,
    )
    return _row(
        values,
        d,
        display_state=wf.display_state(snapshot, as_of),
        surcharge=wf.surcharge_fen(snapshot, as_of, rules=cases.rules()) if fine else None,
        amount=(case.facts or {}).get("amount_fen") if fine else None,
        as_of=as_of,
    )


@dataclass
class Spec:
    """One list: its statement (already filtered), its keyset columns and how a result row
    becomes a dict. ``keep`` drops rows SQL cannot judge (JSON facts); such lists stream."""

    # A result row is SQLAlchemy's Row of the statement's columns: its shape is each list's own.
    stmt: Select[Any]
    order: tuple[Any, ...]
    key: Callable[[Any], tuple[Any, ...]]
    row: Callable[[Any], dict[str, Any]]
    descending: bool = False
    keep: Callable[[Any], bool] | None = None
    #: Plain columns only: run on the connection, without the ORM's per-row loading.
    core: bool = False


def _overdue_spec(f: Filters, *, due_until: date | None = None) -> Spec:
    """One row per open case: its oldest overdue relevant deadline (what the engine's
    current_deadline shows). With ``due_until``: its earliest relevant deadline due between
    as_of and due_until instead. Driven by the deadline(due_on) index."""
    d = Deadline
    older = aliased(Deadline, name="older")
    if due_until is None:
        window = and_(d.due_on < f.as_of)
        older_window = older.due_on < f.as_of
    else:
        window = and_(d.due_on >= f.as_of, d.due_on <= due_until)
        older_window = older.due_on >= f.as_of
    earlier = and_(
        older.case_id == d.case_id,
        older.met_on.is_(None),
        older_window,
        _relevant_clause(older),
        or_(older.due_on < d.due_on, and_(older.due_on == d.due_on, older.name < d.name)),
    )
    where = (
        d.met_on.is_(None),
        window,
        _relevant_clause(d),
        open_case_clause(),
        not_(exists().where(earlier)),
    )
    if due_until is None:
        return _overdue_rows_spec(f)
    stmt = (
        select(d, Case, Enterprise, Township, Assignee)
        .join(Case, Case.id == d.case_id)
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .outerjoin(Township, Case.township_id == Township.id)
        .outerjoin(Assignee, Case.assignee_id == Assignee.id)
        .options(selectinload(Case.deadlines))
        .where(*where)
    )
    stmt = _filtered(stmt, f)
    return Spec(
        stmt,
        (d.due_on, d.case_id),
        key=lambda r: (r[0].due_on.isoformat(), r[0].case_id),
        row=lambda r: case_row(r[1], r[2], r[3], r[4], r[0], f.as_of),
    )


# --- the overdue list: its rows written by the database ------------------------------------

#: The overdue list's row (API.md), in the order every format writes it (GeoJSON keeps it).
OVERDUE_KEYS = (
    "case_id",
    "enterprise_id",
    "enterprise_name",
    "credit_code",
    "township",
    "township_name",
    "action",
    "state",
    "display_state",
    "served_on",
    "deadline",
    "due_on",
    "deadline_status",
    "days_overdue",
    "provisional",
    "surcharge_fen",
    "amount_fen",
    "assignee",
    "lat",
    "lon",
    "measure",
    "assignee_name",
)
_MEASURE = OVERDUE_KEYS.index("measure")
_SURCHARGE = OVERDUE_KEYS.index("surcharge_fen")
_DUE_ON = OVERDUE_KEYS.index("due_on")


@lru_cache(maxsize=1)
def overdue_displays() -> dict[tuple[str, str], str]:
    """(action, state) -> the display state of such a case once a deadline that makes it
    overdue has passed, asked of the engine (workflow.display_state) with a probe per relevant
    deadline; only those that do not read "overdue" (a state that already says more)."""
    old = date(2000, 1, 1)
    out: dict[tuple[str, str], str] = {}
    for (action, state), names in relevant_deadlines().items():
        shown = set()
        for name in names or (_ANY,):
            probe = wf.CaseSnapshot(
                action, state, old, None, {}, {}, {name: wf.Deadline(name, old)}, {}
            )
            shown.add(wf.display_state(probe, date(2100, 1, 1)))
        # The engine's display state does not depend on which relevant deadline passed; were
        # it ever to, this table would need the deadline too.
        assert len(shown) == 1, (action, state, shown)
        (display,) = shown
        if display != "overdue":
            out[(action, state)] = display
    return out


def _display_sql():
    whens = [
        (and_(Case.action == action, Case.state == state), literal(display))
        for (action, state), display in sorted(overdue_displays().items())
    ]
    return sa_case(*whens, else_=literal("overdue")) if whens else literal("overdue")


def _iso(column, dialect: str):
    """A date column as its ISO text, written by the database (SQLite stores that text)."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM-DD")
    return type_coerce(column, String)


def _days_between(later: date, column, dialect: str):
    """Whole days from the date in ``column`` to ``later`` (an integer, as SQL computes it)."""
    if dialect == "postgresql":
        return literal(later, Date) - column
    return cast(func.julianday(later.isoformat()) - func.julianday(column), Integer)


def surcharge_bp_sql(rules: wf.Rules):
    """The surcharge's rate per day for each row's township, asked of the engine
    (``workflow.surcharge_bp``) for every township: the default rate, and a CASE over the
    townships whose rules give them their own."""
    default = wf.surcharge_bp(rules, None)
    own = {
        code: bp
        for code in db.session.scalars(select(Township.code))
        if (bp := wf.surcharge_bp(rules, code)) != default
    }
    if not own:
        return literal(default, BigInteger)
    return sa_case(
        *((Township.code == code, literal(bp, BigInteger)) for code, bp in sorted(own.items())),
        else_=literal(default, BigInteger),
    )


def surcharge_sql(since, base, rate, amount, as_of: date, bp, dialect: str):
    """A fine's surcharge on ``as_of`` from its stored line (workflow.fine.SurchargeLine),
    for ``as_of`` on or after ``since``: ``fine.surcharge_of(line.fen_days(as_of), bp,
    amount)`` in SQL. The fen-days are first capped where the surcharge reaches the fine
    (the least count with bp × count // 10000 >= amount), which changes no result and keeps
    the product inside 64-bit integers for any fine below 9 × 10^14 fen. Tested against the
    engine for random fines (tests/test_lists_sql.py)."""
    least = func.least if dialect == "postgresql" else func.min
    fen_days = base + rate * (_days_between(as_of, since, dialect) + 1)
    bp = bp if hasattr(bp, "self_group") else literal(bp, BigInteger)  # an int or a SQL rate
    capped = least(fen_days, (amount * 10000 + (bp - 1)) // bp)
    return least(bp * capped // 10000, amount)


def _overdue_rows_spec(f: Filters) -> Spec:
    """The overdue list: a range scan on each case's stored watched deadline (the oldest unmet
    deadline that makes it overdue in its state, written with the deadlines by store_snapshot),
    and the database writes the whole row (``OVERDUE_KEYS``), the same for the page, JSON,
    CSV, XLSX and GeoJSON. What the row shows is the engine's: the display state from
    ``overdue_displays``, a fine's surcharge from its stored line (``surcharge_sql``). Every
    row's deadline is unmet and past by construction, so its status is "overdue" and its days
    overdue are the days since it fell due (tests/test_lists_sql.py holds each row to the
    engine's own row)."""
    dialect = db.session.get_bind().dialect.name
    fine = Case.action == "fine"
    bp = surcharge_bp_sql(cases.rules())
    line = surcharge_sql(
        Case.surcharge_since,
        Case.surcharge_base,
        Case.surcharge_rate,
        Case.amount_fen,
        f.as_of,
        bp,
        dialect,
    )
    since_passed = Case.surcharge_since <= f.as_of
    stmt = (
        select(
            Case.id,
            Enterprise.id,
            Enterprise.name,
            Enterprise.credit_code,
            Township.code,
            Township.name,
            Case.action,
            Case.state,
            _display_sql(),
            _iso(Case.served_on, dialect),
            Case.watched_deadline,
            _iso(Case.watched_due_on, dialect),
            literal("overdue"),
            _days_between(f.as_of, Case.watched_due_on, dialect),
            func.coalesce(Case.watched_provisional, False),
            sa_case(
                (and_(fine, Case.surcharge_since.is_(None)), literal(0, BigInteger)),
                (and_(fine, since_passed), line),
                else_=null(),
            ),
            sa_case((fine, Case.amount_fen), else_=null()),
            Assignee.username,
            Enterprise.lat,
            Enterprise.lon,
            null(),  # measure: the engine's, from the stop case's params (below)
            func.coalesce(func.nullif(Assignee.display_name, ""), Assignee.username),
            # Not part of the row: what Python adds to a few rows. A stop case's measure from
            # its params ("stop:<measure>", the engine names it), and "engine" for a fine whose
            # surcharge is counted before its stored line starts (a list in the past).
            sa_case(
                (
                    Case.action == "stop",
                    "stop:" + func.coalesce(Case.params["measure"].as_string(), ""),
                ),
                (and_(fine, Case.surcharge_since > f.as_of), literal("engine")),
                else_=null(),
            ),
        )
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .outerjoin(Township, Case.township_id == Township.id)
        .outerjoin(Assignee, Case.assignee_id == Assignee.id)
        .where(Case.watched_due_on < f.as_of)
    )
    stmt = _filtered(stmt, f)
    keys, as_of = OVERDUE_KEYS, f.as_of

    def row(r) -> dict:
        out = dict(zip(keys, r))
        extra = r[-1]
        if extra is not None:
            if extra == "engine":
                out["surcharge_fen"] = _engine_surcharge(out["case_id"], as_of)
            else:
                out["measure"] = _stop_measure(extra[5:])
        return out

    return Spec(
        stmt,
        (Case.watched_due_on, Case.id),
        key=lambda r: (r[_DUE_ON], r[0]),
        row=row,
        core=True,
    )


@lru_cache(maxsize=16)
def _stop_measure(measure: str) -> str | None:
    """A stop case's measure as the engine reads its params (workflow.measure_of); ""
    when they name none."""
    return wf.measure_of("stop", {"measure": measure})


def _engine_surcharge(case_id: int, as_of: date) -> int:
    """A fine's surcharge on a day before its stored line starts (a list in the past, before
    a payment or an appeal): the engine's own count from the stored case."""
    case = db.session.get(Case, case_id)
    assert case is not None
    return wf.surcharge_fen(cases.deadline_snapshot(case), as_of, rules=cases.rules())


def _action_spec(f: Filters, action: str) -> Spec:
    stmt = _filtered(_base().where(Case.action == action, open_case_clause()), f)
    return Spec(
        stmt,
        (Case.id,),
        key=lambda r: (r[0].id,),
        row=lambda r: case_row(r[0], r[1], r[2], r[3], None, f.as_of),
    )


def _followups_spec(f: Filters, until: date | None = None) -> Spec:
    FollowUpAssignee = aliased(User, name="followup_user")
    stmt = (
        select(FollowUp, FollowUpAssignee, Case, Enterprise, Township)
        .join(Case, Case.id == FollowUp.case_id)
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .outerjoin(Township, Case.township_id == Township.id)
        .outerjoin(FollowUpAssignee, FollowUp.assignee_id == FollowUpAssignee.id)
        .where(FollowUp.done_on.is_(None), open_case_clause())
    )
    if until is not None:
        stmt = stmt.where(FollowUp.due_on <= until)
    stmt = _filtered(stmt, f, inspector_column=FollowUp.assignee_id)

    def row(r) -> dict:
        fu, who, case, enterprise, township = r
        as_deadline = wf.Deadline(fu.key, fu.due_on, fu.provisional, fu.done_on)
        return {
            "case_id": case.id,
            "enterprise_id": enterprise.id,
            "enterprise_name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "township": township.code if township else None,
            "township_name": township.name if township else None,
            "action": case.action,
            "state": case.state,
            # The row's obligation is the visit itself: its key names it like a deadline.
            "deadline": fu.key,
            "due_on": fu.due_on.isoformat(),
            "deadline_status": wf.followup_status(fu, f.as_of),
            "days_overdue": wf.days_overdue(as_deadline, f.as_of),
            "provisional": fu.provisional,
            "surcharge_fen": None,
            "amount_fen": None,
            "assignee": who.username if who else None,
            "assignee_name": who.label if who else None,
            "followup_id": fu.id,
            "purpose": fu.purpose,
            "earliest_on": fu.earliest_on.isoformat(),
            "unannounced": fu.unannounced,
            "lat": enterprise.lat,
            "lon": enterprise.lon,
        }

    return Spec(
        stmt,
        (FollowUp.due_on, FollowUp.id),
        key=lambda r: (r[0].due_on.isoformat(), r[0].id),
        row=row,
        keep=lambda r: r[0].key not in wf.cancelled_keys(r[2].facts),
    )


def _new_cases_spec(f: Filters, start: date, end: date) -> Spec:
    stmt = _filtered(_base().where(Case.served_on >= start, Case.served_on <= end), f)
    return Spec(
        stmt,
        (Case.id,),
        key=lambda r: (r[0].id,),
        row=lambda r: case_row(r[0], r[1], r[2], r[3], None, f.as_of),
    )


# --- disclosure (public) ---------------------------------------------------------------------


def _mask_person(name: str, person: str) -> str:
    """An individual business (个体工商户) is often named after its owner: the owner's name never
    reaches the public list, even inside the trade name."""
    person = (person or "").strip()
    if len(person) >= 2 and person in name:
        return name.replace(person, person[0] + "某" * (len(person) - 1))
    return name


def _disclosure_spec(f: Filters) -> Spec:
    publish = aliased(Deadline, name="publish")
    # A fine is public once its decision is published or its publish_by date has come (7 working
    # days after the decision); close and stop orders once served. Revoked fines are not.
    fine_public = and_(
        Case.action == "fine",
        exists().where(
            publish.case_id == Case.id,
            publish.name == "publish_by",
            or_(publish.due_on <= f.as_of, publish.met_on <= f.as_of),
        ),
    )
    # Close and stop orders: once a reviewer published them (review before publication, 双公示),
    # or by themselves DISCLOSURE_DELAY_DAYS after service when nobody did.
    delay = current_app.config.get("DISCLOSURE_DELAY_DAYS")
    reviewed = and_(Case.disclosed_on.is_not(None), Case.disclosed_on <= f.as_of)
    order_public = and_(
        Case.action.in_(("close", "stop")),
        Case.served_on <= f.as_of,
        reviewed
        if delay is None
        else or_(reviewed, Case.served_on <= f.as_of - timedelta(days=int(delay))),
    )
    # Only public columns are selected: contact name and phone never leave the database here.
    stmt = (
        select(
            Case.id,
            Case.action,
            Case.served_on,
            Case.violation,
            Case.facts,
            Enterprise.name,
            Enterprise.credit_code,
            Enterprise.contact_name,
            Township.code,
            Township.name,
        )
        .join(Enterprise, Case.enterprise_id == Enterprise.id)
        .outerjoin(Township, Case.township_id == Township.id)
        .where(or_(fine_public, order_public))
    )
    if f.township:
        stmt = stmt.where(Township.code == f.township)
    if f.branch:
        stmt = stmt.where(Case.township_id.in_(_branch_townships(f.branch)))
    if f.action:
        stmt = stmt.where(Case.action == f.action)

    def row(r) -> dict:
        facts = r.facts or {}
        fine = r.action == "fine"
        return {
            "case_id": r.id,
            "enterprise_name": _mask_person(r.name, r.contact_name),
            "credit_code": r.credit_code,
            "township": r.code,
            "township_name": r[9],
            "violation": r.violation,
            "action": r.action,
            "decision_date": facts.get("decided_on") if fine else r.served_on.isoformat(),
            "amount_fen": facts.get("amount_fen") if fine else None,
        }

    return Spec(
        stmt,
        (Case.id,),
        key=lambda r: (r.id,),
        row=row,
        descending=True,
        keep=lambda r: "revoked_on" not in (r.facts or {}),
    )


# --- running a spec --------------------------------------------------------------------------


def spec_for(name: str, f: Filters) -> Spec:
    check_name(name)
    if name == "overdue":
        return _overdue_spec(f)
    if name == "due":
        return _overdue_spec(f, due_until=f.as_of + timedelta(days=f.within))
    if name == "followups":
        return _followups_spec(f, until=f.as_of + timedelta(days=f.within))
    if name == "disclosure":
        return _disclosure_spec(f)
    if name.startswith("action/"):
        return _action_spec(f, name.split("/", 1)[1])
    raise NotFound(f"{name} is a report, not a row list.")


def _execute(spec: Spec, cursor_key: list | None, limit: int | None):
    stmt = spec.stmt
    after = _after(spec.order, cursor_key, descending=spec.descending)
    if after is not None:
        stmt = stmt.where(after)
    stmt = stmt.order_by(*[c.desc() if spec.descending else c for c in spec.order])
    if limit is not None and spec.keep is None:
        stmt = stmt.limit(limit)
    connection = db.session.connection()
    every_row = limit is None and connection.dialect.name == "postgresql"
    if every_row:
        # A streamed list reads every row: its server-side cursor is planned for all of them.
        # By default PostgreSQL plans a cursor for its first tenth (cursor_tuple_fraction), and
        # chose nested loops that took twice the time of the plain query for the overdue list.
        # The plan is made when the cursor is declared; the setting is restored right after.
        connection.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    try:
        if spec.core:
            return connection.execute(stmt, execution_options={"yield_per": BATCH})
        return db.session.execute(stmt, execution_options={"yield_per": BATCH})
    finally:
        if every_row:
            connection.execute(text("SET LOCAL cursor_tuple_fraction TO DEFAULT"))


def iter_rows(name: str, f: Filters) -> Iterator[dict]:
    """Every row of a list, streamed (constant memory)."""
    if name in REPORTS:
        yield from iter_report_rows(name, f)
        return
    spec = spec_for(name, f)
    result = _execute(spec, None, None)
    if spec.core and spec.keep is None:  # in batches: no per-row call into the result
        row = spec.row
        for part in result.partitions():
            for r in part:
                yield row(r)
        return
    for r in result:
        if spec.keep is None or spec.keep(r):
            yield spec.row(r)


def page(name: str, f: Filters, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> dict:
    """``{"items", "next_cursor"}`` (API.md). Reports (weekly, monthly) come whole."""
    if name == "weekly":
        body = weekly(f)
        return {
            "items": list(_flatten_weekly(body)),
            "week_start": body["week_start"],
            "week_end": body["week_end"],
            "next_cursor": None,
        }
    if name == "monthly":
        return {**monthly(f), "next_cursor": None}
    spec = spec_for(name, f)
    items: list[dict[str, Any]] = []
    last_key: tuple[Any, ...] | None = None
    more = False
    for r in _execute(spec, decode_cursor(cursor), limit + 1):
        if spec.keep is not None and not spec.keep(r):
            continue
        if len(items) == limit:
            more = True
            break
        items.append(spec.row(r))
        last_key = spec.key(r)
    return {
        "items": items,
        "next_cursor": encode_cursor(last_key) if more and last_key is not None else None,
    }


# --- weekly and monthly ----------------------------------------------------------------------

WEEKLY_SECTIONS = ("new", "due", "overdue", "followups")


def week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def weekly(f: Filters) -> dict:
    """The Monday dispatch for the week containing as_of: cases served in the week before, what
    falls due this week, what is overdue on Monday, and each inspector's follow-ups."""
    monday, sunday = week_of(f.as_of)
    on_monday = Filters(monday, f.township, f.action, f.inspector, f.within, f.month, f.branch)
    sections = {
        "new": _new_cases_spec(on_monday, monday - timedelta(days=7), monday - timedelta(days=1)),
        "due": _overdue_spec(on_monday, due_until=sunday),
        "overdue": _overdue_spec(on_monday),
        "followups": _followups_spec(on_monday, until=sunday),
    }
    out = {}
    for section, spec in sections.items():
        out[section] = [
            spec.row(r) for r in _execute(spec, None, None) if spec.keep is None or spec.keep(r)
        ]
    by_inspector: dict[str, list] = {}
    for row in out["followups"]:
        by_inspector.setdefault(row["assignee"] or "", []).append(row)
    return {
        "week_start": monday.isoformat(),
        "week_end": sunday.isoformat(),
        "sections": out,
        "followups_by_inspector": dict(sorted(by_inspector.items())),
    }


def _month_bounds(f: Filters) -> tuple[date, date]:
    first = datetime.strptime(f.month, "%Y-%m").date() if f.month else f.as_of.replace(day=1)
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, nxt - timedelta(days=1)


def _utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(current_app.config["BUREAU_TIMEZONE"])
    start = datetime.combine(first, time.min, zone).astimezone(timezone.utc)
    end = datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(timezone.utc)
    return start, end


def monthly(f: Filters) -> dict:
    """Per township for one month: cases served by action and their state now, visits, fines
    decided and collected, closures verified, rebounds and complaints by category."""
    first, last = _month_bounds(f)
    towns = db.session.execute(
        select(Township.id, Township.code, Township.name).order_by(Township.code)
    ).all()
    if f.township:
        towns = [t for t in towns if t.code == f.township]
    if f.branch:
        in_branch = set(db.session.scalars(_branch_townships(f.branch)))
        towns = [t for t in towns if t.id in in_branch]
    keep = {t.id for t in towns}
    blank: Callable[[], dict[str, Any]] = lambda: {
        "cases": {a: {} for a in wf.ACTION_VALUES},
        "cases_total": 0,
        "visits": 0,
        "fines_decided": 0,
        "fines_decided_fen": 0,
        "fines_collected_fen": 0,
        "closures_verified": 0,
        "rebounds": 0,
        "complaints": {c: 0 for c in CATEGORIES},
    }
    table: dict[int | None, dict[str, Any]] = {t.id: blank() for t in towns}
    table[None] = blank()  # cases of enterprises without a township

    def bucket(township_id):
        if f.township or f.branch:
            return table.get(township_id) if township_id in keep else None
        return table.get(township_id, table[None])

    for tid, action, state, n in db.session.execute(
        select(Case.township_id, Case.action, Case.state, func.count())
        .where(Case.served_on >= first, Case.served_on <= last)
        .group_by(Case.township_id, Case.action, Case.state)
    ):
        if (b := bucket(tid)) is not None and (not f.action or action == f.action):
            b["cases"][action][state] = n
            b["cases_total"] += n
    start, end = _utc_bounds(first, last)
    for tid, n in db.session.execute(
        select(Enterprise.township_id, func.count(Visit.id))
        .join(Enterprise, Visit.enterprise_id == Enterprise.id)
        .where(Visit.visited_at >= start, Visit.visited_at < end)
        .group_by(Enterprise.township_id)
    ):
        if (b := bucket(tid)) is not None:
            b["visits"] += n
    # Money comes from the events as recorded (the legal record), by the day they happened.
    for tid, etype, data in db.session.execute(
        select(Case.township_id, CaseEvent.type, CaseEvent.data)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.on >= first,
            CaseEvent.on <= last,
            Case.action == "fine",
            CaseEvent.type.in_(("decide", "pay")),
        )
    ):
        if (b := bucket(tid)) is not None:
            amount = int((data or {}).get("amount_fen") or 0)
            if etype == "decide":
                b["fines_decided"] += 1
                b["fines_decided_fen"] += amount
            else:
                b["fines_collected_fen"] += amount
    # Verification and rebound days are the engine's stored facts (a verification or a rebound
    # may arrive as a visit, not as its own event).
    month = first.isoformat()[:7]
    for tid, facts in db.session.execute(
        select(Case.township_id, Case.facts).where(
            Case.action == "close",
            Case.state.in_(("verified", "monitoring", "closed", "rebounded")),
        )
    ):
        facts = facts or {}
        b = bucket(tid)
        if b is None:
            continue
        if str(facts.get("verified_on", ""))[:7] == month:
            b["closures_verified"] += 1
        if str(facts.get("rebounded_on", ""))[:7] == month:
            b["rebounds"] += 1
    for tid, category, n in db.session.execute(
        select(Complaint.township_id, Complaint.category, func.count())
        .where(Complaint.received_on >= first, Complaint.received_on <= last)
        .group_by(Complaint.township_id, Complaint.category)
    ):
        if (b := bucket(tid)) is not None:
            b["complaints"][category] = b["complaints"].get(category, 0) + n
    # The scoreboard's figures for the month (issue 20), counted where the scoreboard counts them.
    # With the month's score and rank among the townships shown (the scoreboard's weights).
    scores = figures.township_figures(figures.Period(first, last))
    rows = [
        {
            "township": t.code,
            "township_name": t.name,
            **table[t.id],
            "scoreboard": dict(scores.get(t.id, figures.blank())),
        }
        for t in towns
    ]
    w = weights.from_app()
    for row in rows:
        s = row["scoreboard"]
        s["score"] = weights.score(s, w)
    order = sorted(
        rows,
        key=lambda r: (-r["scoreboard"]["score"], r["scoreboard"]["overdue_orders"], r["township"]),
    )
    for i, row in enumerate(order, start=1):
        row["scoreboard"]["rank"] = i  # the scoreboard's order: score, fewer overdue, code
    other = table[None]
    if not (f.township or f.branch) and (
        other["cases_total"]
        or other["visits"]
        or any(other["complaints"].values())
        or other["fines_decided"]
        or other["fines_collected_fen"]
    ):
        rows.append({"township": None, "township_name": None, **other})
    return {
        "month": first.isoformat()[:7],
        "from": first.isoformat(),
        "to": last.isoformat(),
        "items": rows,
    }


def report(name: str, f: Filters) -> dict:
    return weekly(f) if name == "weekly" else monthly(f)


def _flatten_weekly(body: dict) -> Iterator[dict]:
    for section in WEEKLY_SECTIONS:
        for row in body["sections"][section]:
            yield {"section": section, **row}


def iter_report_rows(name: str, f: Filters) -> Iterator[dict]:
    """A report flattened to rows for CSV/XLSX/GeoJSON: weekly rows carry their section."""
    body = report(name, f)
    if name == "weekly":
        yield from _flatten_weekly(body)
        return
    for row in body["items"]:
        # Each row says its month: a file read on its own must say what it counts.
        flat = {
            "month": body["month"],
            **{k: v for k, v in row.items() if k not in ("cases", "complaints", "scoreboard")},
        }
        for key, n in (row.get("scoreboard") or {}).items():
            flat[key if key in ("score", "rank") else f"score_{key}"] = n
        for action in wf.ACTION_VALUES:
            flat[f"cases_{action}"] = sum(row["cases"][action].values())
        for category, n in row["complaints"].items():
            flat[f"complaints_{category}"] = n
        yield flat


# --- audit -----------------------------------------------------------------------------------


def record_export(
    actor: Actor, name: str, f: Filters, fmt: str, rows: int, *, now: datetime
) -> None:
    """Who exported which list with which filters, and how many rows left the system."""
    audit.record(
        actor,
        "list.export",
        "list",
        name,
        now=now,
        after={"list": name, "format": fmt, "filters": f.public(), "rows": rows},
    )


def filter_choices() -> dict:
    """Townships and inspectors offered in the filters of the list pages."""
    return {
        "townships": db.session.execute(
            select(Township.code, Township.name, Township.name_en).order_by(Township.code)
        ).all(),
        "inspectors": db.session.execute(
            select(User.username, User.display_name)
            .where(User.role == "inspector", User.is_active_account.is_(True))
            .order_by(User.username)
        ).all(),
        "branches": db.session.execute(
            select(Branch.code, Branch.name).order_by(Branch.code)
        ).all(),
    }
