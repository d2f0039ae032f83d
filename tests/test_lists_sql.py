"""The overdue list's rows are written by the database (issue #21): each row must be the very row
the engine's own path writes (``lists.case_row`` from the loaded case), in every format, and a
fine's surcharge computed in SQL from its stored line must be the engine's for any fine."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import BigInteger, Date, literal, select

from support_app import apply_events
from enforcement import workflow as wf
from enforcement.exports.columns import columns_for
from enforcement.exports.csv import iter_csv
from enforcement.exports.geojson import iter_geojson
from enforcement.extensions import db
from enforcement.models import Case, Deadline, Enterprise, Township, User
from enforcement.services.lists import lists
from enforcement.workflow import fine

DAY = timedelta(days=1)


# --- the surcharge line, against the engine's day-by-day count --------------------------------

@st.composite
def fines(draw):
    """A decided fine with any payments and appeals (closed or pending), as the engine stores
    them in its facts."""
    amount = draw(st.integers(1, 10**10))
    pay_by = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    days = st.integers(-40, 400).map(lambda n: pay_by + timedelta(days=n))
    payments, paid = [], 0
    for on in sorted(draw(st.lists(days, max_size=4))):
        part = draw(st.integers(1, amount))
        if paid + part > amount:
            break
        paid += part
        payments.append({"on": on.isoformat(), "amount_fen": part, "ref": None})
    appeals = []
    for first in sorted(draw(st.lists(days, max_size=3, unique=True))):
        if appeals and (appeals[-1].get("decided_on") is None or first <= date.fromisoformat(
                appeals[-1]["decided_on"])):
            break
        appeal = {"kind": "reconsideration", "on": first.isoformat()}
        length = draw(st.none() | st.integers(0, 200))
        if length is not None:
            appeal["decided_on"] = (first + timedelta(days=length)).isoformat()
        appeals.append(appeal)
    facts = {"amount_fen": amount, "payments": payments, "appeals": appeals}
    if draw(st.booleans()) and draw(st.booleans()):
        facts["revoked_on"] = pay_by.isoformat()
    deadlines = {"pay_by": wf.Deadline("pay_by", pay_by)} if draw(st.integers(0, 9)) else {}
    return wf.CaseSnapshot("fine", "decided", pay_by - 20 * DAY, None, {}, facts, deadlines, {})


@settings(max_examples=300, deadline=None)
@given(case=fines(), after=st.integers(0, 3000), bp=st.integers(1, 10000))
def test_the_stored_line_gives_the_engines_surcharge_on_every_day_from_its_start(case, after, bp):
    line = wf.surcharge_line(case)
    if line is None:  # nothing runs: the engine says 0 on every day
        assert fine.surcharge_fen(case, date(2030, 1, 1), bp) == 0
        return
    as_of = line.since + timedelta(days=after)
    expected = fine.surcharge_fen(case, as_of, bp)
    assert fine.surcharge_of(line.fen_days(as_of), bp, line.amount_fen) == expected


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=fines(), after=st.integers(0, 3000), bp=st.integers(1, 10000))
def test_the_surcharge_sql_is_the_engines_surcharge_for_random_fines(app, case, after, bp):
    line = wf.surcharge_line(case)
    if line is None:
        return
    as_of = line.since + timedelta(days=after)
    expr = lists.surcharge_sql(
        literal(line.since, Date), literal(line.base, BigInteger), literal(line.rate, BigInteger),
        literal(line.amount_fen, BigInteger), as_of, bp, db.session.get_bind().dialect.name)
    assert db.session.execute(select(expr)).scalar() == fine.surcharge_fen(case, as_of, bp)


def test_the_largest_fine_over_years_stays_exact_in_sql(app):
    """A large fine long unpaid at the highest rate: the product stays inside 64-bit integers
    (capped first)."""
    case = wf.CaseSnapshot("fine", "decided", date(2020, 1, 1), None, {},
                           {"amount_fen": 9 * 10**12}, {"pay_by": wf.Deadline("pay_by",
                                                                             date(2020, 1, 15))}, {})
    line = wf.surcharge_line(case)
    for as_of in (date(2020, 1, 16), date(2020, 3, 1), date(2060, 1, 1)):
        expr = lists.surcharge_sql(
            literal(line.since, Date), literal(line.base, BigInteger),
            literal(line.rate, BigInteger), literal(line.amount_fen, BigInteger), as_of, 10000,
            db.session.get_bind().dialect.name)
        assert db.session.execute(select(expr)).scalar() == fine.surcharge_fen(case, as_of, 10000)


# --- the rows, against the engine's own row ---------------------------------------------------

@pytest.fixture
def city(app, make_township, make_enterprise, make_case, make_user, writing):
    town = make_township()
    db.session.commit()
    named = make_user("insp1", "inspector", township_code=town.code)
    named.display_name = "王检查"
    bare = make_user("insp2", "inspector", township_code=town.code)
    db.session.commit()

    def ent(name, **kw):
        return make_enterprise(name=name, township=town.code, **kw)

    c = {}
    c["rectify"] = make_case(action="rectify", served_on=date(2026, 9, 1), rectify_days=15,
                             enterprise=ent("三河市甲塑料厂"), assignee_id=named.id)
    c["rectify_bare"] = make_case(action="rectify", served_on=date(2026, 9, 2), rectify_days=15,
                                  enterprise=ent("三河市乙铸造厂"), assignee_id=bare.id)
    c["limit"] = make_case(action="stop", served_on=date(2026, 8, 1), measure="limit", approved_by="局长 王",
                           enterprise=ent("三河市丙电镀厂"))
    c["stop"] = make_case(action="stop", served_on=date(2026, 8, 2), enterprise=ent("三河市丁厂"))
    # Due in 2027, a year without official holiday data here: a provisional deadline.
    c["provisional"] = make_case(action="rectify", served_on=date(2026, 12, 20), rectify_days=30,
                                 enterprise=ent("三河市寅纸箱厂"))
    c["control"] = make_case(action="control", served_on=date(2026, 6, 1),
                             enterprise=ent("三河市庚热电厂"))
    c["close"] = make_case(action="close", served_on=date(2026, 9, 2), enterprise=ent("=HYPERLINK()"))
    c["filed"] = make_case(action="fine", served_on=date(2026, 5, 20), amount_fen=2_000_000,
                           enterprise=ent("三河市己化工厂"))

    def decided(name, amount):
        return apply_events(make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=amount,
                                enterprise=ent(name)),
                      {"type": "notify", "on": "2026-09-03"},
                      {"type": "decide", "on": "2026-09-16", "amount_fen": amount})

    c["unpaid"] = decided("三河市壬五金厂", 5_000_000)
    c["part_paid"] = decided("三河市癸石材厂", 3_000_000)
    pay_by = _pay_by(c["part_paid"])
    apply_events(c["part_paid"], {"type": "pay", "on": (pay_by + 10 * DAY).isoformat(),
                            "amount_fen": 1_000_000})
    c["appealed"] = decided("三河市子家具厂", 4_000_000)
    apply_events(c["appealed"],
           {"type": "appeal", "on": (_pay_by(c["appealed"]) + 5 * DAY).isoformat(),
            "kind": "reconsideration"},
           {"type": "appeal_decided", "on": "2026-11-02", "result": "upheld"})
    return c


def _pay_by(case) -> date:
    return next(d.due_on for d in case.deadlines if d.name == "pay_by")


def _engine_rows(as_of: date) -> list[dict]:
    """The overdue list as the engine's own path writes it, in the list's order."""
    rows = []
    for case in db.session.scalars(select(Case).order_by(Case.watched_due_on, Case.id)):
        if case.watched_due_on is None or not case.watched_due_on < as_of:
            continue
        deadline = next(d for d in case.deadlines if d.name == case.watched_deadline)
        enterprise = db.session.get(Enterprise, case.enterprise_id)
        township = db.session.get(Township, case.township_id) if case.township_id else None
        assignee = db.session.get(User, case.assignee_id) if case.assignee_id else None
        rows.append(lists.case_row(case, enterprise, township, assignee, deadline, as_of))
    return rows


def _days(city) -> list[date]:
    pay_by = _pay_by(city["part_paid"])
    # Before, on and after the partial payment (the engine counts the days before the stored
    # line starts), after the appeal was decided, and long after.
    return [pay_by + 3 * DAY, pay_by + 10 * DAY, pay_by + 11 * DAY, date(2026, 11, 25),
            date(2027, 6, 1)]


def test_every_overdue_row_is_the_engines_row_key_for_key_in_order(city):
    seen, provisional = set(), set()
    for as_of in _days(city):
        ours = list(lists.iter_rows("overdue", lists.Filters(as_of)))
        theirs = _engine_rows(as_of)
        assert [list(r.items()) for r in ours] == [list(r.items()) for r in theirs]
        provisional.update(r["provisional"] for r in ours)
        seen.update((r["action"], r["measure"], r["surcharge_fen"] is not None and
                     r["surcharge_fen"] > 0) for r in ours)
    # The list held what the SQL has to get right: a limit and a stop measure, fines with a
    # running surcharge, and rows of every action.
    assert {("stop", "limit", False), ("stop", "stop", False), ("fine", None, True)} <= seen
    assert {a for a, _, _ in seen} >= {"rectify", "stop", "control", "fine", "close"}
    assert provisional == {True, False}


def test_a_part_paid_fine_before_its_payment_is_counted_by_the_engine(city):
    case = city["part_paid"]
    pay_by = _pay_by(case)
    as_of = pay_by + 3 * DAY
    assert case.surcharge_since == pay_by + 10 * DAY > as_of  # the line starts later
    row = next(r for r in lists.iter_rows("overdue", lists.Filters(as_of))
               if r["case_id"] == case.id)
    assert row["surcharge_fen"] == 3_000_000 * 3 // 100 * 3
    later = pay_by + 20 * DAY
    row = next(r for r in lists.iter_rows("overdue", lists.Filters(later))
               if r["case_id"] == case.id)
    # 9 days on the whole fine, then 11 on what is left after the payment.
    assert row["surcharge_fen"] == (3_000_000 * 9 + 2_000_000 * 11) * 300 // 10000


def test_pages_and_every_file_format_carry_the_engines_rows_byte_for_byte(city):
    as_of = date(2026, 11, 25)
    theirs = _engine_rows(as_of)
    columns = columns_for("overdue")
    ours = lambda: lists.iter_rows("overdue", lists.Filters(as_of))
    assert b"".join(iter_csv(columns, ours())) == b"".join(iter_csv(columns, iter(theirs)))
    assert b"".join(iter_geojson(ours(), as_of="x")) == b"".join(iter_geojson(iter(theirs),
                                                                              as_of="x"))
    assert json.dumps(list(ours()), sort_keys=True) == json.dumps(theirs, sort_keys=True)
    # Paged by its cursor, the list is the same rows.
    paged, cursor = [], None
    while True:
        body = lists.page("overdue", lists.Filters(as_of), limit=2, cursor=cursor)
        paged += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == theirs


def test_the_stored_line_follows_each_event(city):
    """store_snapshot writes the line with the facts: after a payment it starts on its day."""
    case = city["unpaid"]
    pay_by = _pay_by(case)
    assert (case.amount_fen, case.surcharge_since, case.surcharge_base, case.surcharge_rate) == (
        5_000_000, pay_by + DAY, 0, 5_000_000)
    on = pay_by + 4 * DAY
    apply_events(case, {"type": "pay", "on": on.isoformat(), "amount_fen": 1_000_000})
    assert (case.surcharge_since, case.surcharge_base, case.surcharge_rate) == (
        on, 5_000_000 * 3, 4_000_000)
    assert city["rectify"].amount_fen is None and city["rectify"].surcharge_since is None
    filed = city["filed"]
    assert filed.surcharge_since is None  # no decision, no pay_by: no surcharge runs
    assert filed.amount_fen == (filed.facts or {}).get("amount_fen")
    assert db.session.scalar(select(Deadline.id).where(Deadline.case_id == filed.id,
                                                       Deadline.name == "pay_by")) is None


def test_a_township_with_its_own_surcharge_rate_is_listed_at_that_rate(city, app):
    """The rules may give a township its own rate (workflow/rules.py townships: ...); the list
    once counted every fine at the default rate while the case page used the township's."""
    town = db.session.get(Township, city["unpaid"].township_id)
    default = app.extensions["workflow_rules"]
    app.extensions["workflow_rules"] = wf.Rules.from_mapping(
        {"townships": {town.code: {"fine": {"surcharge_bp_per_day": 100}}}})  # 1 % a day
    try:
        as_of = date(2026, 11, 25)
        ours = list(lists.iter_rows("overdue", lists.Filters(as_of)))
        assert [list(r.items()) for r in ours] == [list(r.items()) for r in _engine_rows(as_of)]
        unpaid = next(r for r in ours if r["case_id"] == city["unpaid"].id)
        # Unpaid since the day after pay_by: days counted by the engine, 1 % of 50,000 yuan a day.
        days = (as_of - _pay_by(city["unpaid"])).days
        assert unpaid["surcharge_fen"] == min(5_000_000 * days * 100 // 10000, 5_000_000)
    finally:
        app.extensions["workflow_rules"] = default
