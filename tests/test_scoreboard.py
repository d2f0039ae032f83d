"""The scoreboard (考核), recomputed by hand from the raw records of the demo city: every figure
of every township, the ranking, and the branches rolling up to the city."""
from __future__ import annotations

import io
import random
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from support_app import NOW
from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.models import (AccountabilityRecord, Branch, Case, Complaint, Deadline,
                                ResponsibleUnit, Task, Township)
from enforcement.services.core.actor import SYSTEM
from enforcement.services.oversight import scoreboard

AS_OF = date(2026, 11, 25)
PERIOD = scoreboard.Period(date(2026, 1, 1), AS_OF)


@pytest.fixture
def demo_city(app, writing):
    from enforcement import demo, demo_oversight
    demo.generate(enterprises=150, seed=11, as_of=AS_OF, now=NOW)
    demo_oversight.generate(random.Random(11), as_of=AS_OF, now=NOW, branches=True)
    # Complaints answered late and not at all, so that the share is not trivially 100 %.
    for i, c in enumerate(db.session.scalars(select(Complaint).order_by(Complaint.id))):
        if i % 5 == 0:
            c.answered_on = c.answer_by.replace(day=min(c.answer_by.day, 28)) if c.answered_on else None
        if i % 7 == 0:
            c.answered_on = date.fromordinal(c.answer_by.toordinal() + 3)
    db.session.commit()


def in_period(day) -> bool:
    if not day:
        return False
    day = date.fromisoformat(str(day)[:10]) if not isinstance(day, date) else day
    return PERIOD.start <= day <= PERIOD.end


def by_hand() -> dict:
    """Every figure counted by walking the raw rows in Python, one record at a time."""
    towns = {t.id: {k: 0 for k in scoreboard.FIGURES} for t in db.session.scalars(select(Township))}
    found = {t: set() for t in towns}
    for case in db.session.scalars(select(Case)):
        if case.township_id not in towns:
            continue
        row = towns[case.township_id]
        if in_period(case.served_on):
            found[case.township_id].add(case.enterprise_id)
        facts = case.facts or {}
        if case.action == "close" and in_period(facts.get("executed_on")):
            row["closed"] += 1
        if case.action == "close" and in_period(facts.get("rebounded_on")):
            row["rebounds"] += 1
        info = wf.STATES[case.action][case.state]
        if (not info.terminal and case.state != "overdue" and case.watched_due_on is not None
                and case.watched_due_on < PERIOD.end):
            row["overdue_orders"] += 1
    for tid, ids in found.items():
        towns[tid]["firms_found"] = len(ids)
    for d in db.session.scalars(select(Deadline).where(Deadline.name == "rectify_by")):
        if d.case.action == "rectify" and d.met_on and in_period(d.met_on) and d.met_on <= d.due_on:
            towns[d.case.township_id]["rectified_on_time"] += 1
    for c in db.session.scalars(select(Complaint)):
        if c.township_id in towns and in_period(c.received_on):
            towns[c.township_id]["complaints"] += 1
            if c.answered_on and c.answered_on <= c.answer_by:
                towns[c.township_id]["complaints_answered_on_time"] += 1
    for t in db.session.scalars(select(Task)):
        if t.township_id in towns and in_period(t.deadline):
            row = towns[t.township_id]
            row["tasks_due"] += 1
            if t.done_on and t.done_on <= t.deadline:
                row["tasks_on_time"] += 1
            elif t.done_on is None and t.deadline < PERIOD.end:
                row["tasks_overdue"] += 1
    for r in db.session.scalars(select(AccountabilityRecord)):
        unit = db.session.get(ResponsibleUnit, r.unit_id)
        if unit and unit.township_id in towns and in_period(r.decided_on):
            towns[unit.township_id]["accountability"] += 1
    return towns


def test_the_scoreboard_ranks_the_townships_with_figures_recomputed_from_the_raw_records(demo_city):
    rows = scoreboard.townships(SYSTEM, PERIOD)
    expected = by_hand()
    assert len(rows) == len(expected) == 6
    for row in rows:
        assert {k: row[k] for k in scoreboard.FIGURES} == expected[row["township_id"]], row["code"]
        assert row["score"] == scoreboard.score(row)
    # The demo city exercises every figure somewhere.
    for key in ("firms_found", "closed", "rectified_on_time", "overdue_orders", "complaints",
                "complaints_answered_on_time", "tasks_due", "tasks_on_time", "tasks_overdue",
                "accountability"):
        assert sum(r[key] for r in rows) > 0, key
    assert [r["rank"] for r in rows] == list(range(1, 7))
    assert all(a["score"] >= b["score"] for a, b in zip(rows, rows[1:]))


def test_a_worked_score():
    row = {"closed": 3, "rectified_on_time": 2, "overdue_orders": 1, "rebounds": 1,
           "tasks_overdue": 2, "accountability": 1, "complaints": 4,
           "complaints_answered_on_time": 3, "tasks_due": 4, "tasks_on_time": 1}
    # 100 + 6 + 2 - 2 - 5 - 6 - 5 + 10*3/4 + 10*1/4
    assert scoreboard.score(row, scoreboard.DEFAULT_WEIGHTS) == 100.0


def test_each_branch_shows_its_own_townships_and_the_branches_roll_up_to_the_city(demo_city):
    city = scoreboard.townships(SYSTEM, PERIOD)
    total = scoreboard.city_total(city)
    branches = list(db.session.scalars(select(Branch).order_by(Branch.id)))
    assert len(branches) == 3
    parts = []
    for b in branches:
        rows = scoreboard.townships(SYSTEM, PERIOD, branch_id=b.id)
        assert rows and {r["branch_id"] for r in rows} == {b.id}
        parts.append(scoreboard.city_total(rows))
    for key in scoreboard.FIGURES:
        assert sum(p[key] for p in parts) == total[key], key


def test_the_scoreboard_page_and_its_xlsx_export(demo_city, client, make_user):
    from support_app import Auth
    make_user("desk", "reviewer")
    Auth(client).login("desk")
    page = client.get("/oversight/scoreboard?from=2026-01-01&to=2026-11-25")
    assert page.status_code == 200 and "考核" in page.get_data(as_text=True)
    export = client.get("/oversight/scoreboard.xlsx?from=2026-01-01&to=2026-11-25")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    values = list(sheet.values)
    assert values[0][:3] == ("排名", "乡镇/园区", "发现问题企业")
    rows = scoreboard.townships(SYSTEM, PERIOD)
    ranked = values[1:1 + len(rows)]
    assert [v[1] for v in ranked] == [r["name"] for r in rows]
    assert [round(v[-1], 2) for v in ranked] == [r["score"] for r in rows]
    # Under the ranking, how the score is made: a blank row, the formula, the base, each weight.
    notes = [v[1] for v in values[2 + len(rows):]]
    assert notes[0].startswith("计分办法：基础分100 + 关停取缔（家） × 2")
    assert notes[1:] == ["基础分 100", "关停取缔（家） × 2", "按期整改（家） × 1",
                         "逾期未办结（件） × -2", "关停后反弹（家） × -5", "逾期未完成任务（项） × -3",
                         "被问责（次） × -5", "信访按期答复率 × 10", "任务按期完成率 × 10"]
    html = page.get_data(as_text=True)
    assert "计分办法" in html and "基础分100 + 关停取缔（家） × 2" in html
    api = client.get("/api/v1/scoreboard?from=2026-01-01&to=2026-11-25&branch=east")
    assert api.status_code == 200 and api.get_json()["items"]


def test_each_branch_sees_its_own_lists_and_the_city_sees_them_all(demo_city, client, make_user):
    from support_app import Auth
    from enforcement.models import User
    from enforcement.services.desk import dashboard
    from enforcement.services.lists import lists
    branches = {b.code: b for b in db.session.scalars(select(Branch))}
    city_rows = list(lists.iter_rows("action/close", lists.Filters(as_of=AS_OF)))
    parts = {code: list(lists.iter_rows("action/close", lists.Filters(as_of=AS_OF, branch=code)))
             for code in branches}
    towns_of = {code: {t.code for t in db.session.scalars(
        select(Township).where(Township.branch_id == b.id))} for code, b in branches.items()}
    for code, rows in parts.items():
        assert {r["township"] for r in rows} <= towns_of[code]
    assert sorted(r["case_id"] for rows in parts.values() for r in rows) == sorted(
        r["case_id"] for r in city_rows)
    monthly = lists.monthly(lists.Filters(as_of=AS_OF, branch="east"))
    assert {r["township"] for r in monthly["items"]} == towns_of["east"]
    east = dashboard.bureau_summary(AS_OF, branches["east"].id)
    whole = dashboard.bureau_summary(AS_OF)
    assert sum(dashboard.bureau_summary(AS_OF, b.id)["open"] for b in branches.values()) == whole["open"]
    assert east["open"] < whole["open"]
    # An officer of the east branch gets the east branch's list; asking for the west's is
    # refused (403, naming branch), never answered with another list under the west's name.
    officer = make_user("east_reviewer", "reviewer")
    db.session.get(User, officer.id).branch_id = branches["east"].id
    db.session.commit()
    Auth(client).login("east_reviewer")
    assert client.get("/api/v1/lists/action/close?branch=west").status_code == 403
    body = client.get("/api/v1/lists/action/close").get_json()
    assert {r["township"] for r in body["items"]} <= towns_of["east"]
    assert len(body["items"]) == len(parts["east"])


def test_the_monthly_summary_carries_the_scoreboards_figures_for_its_month(demo_city):
    from enforcement.services.lists import lists
    body = lists.monthly(lists.Filters(as_of=AS_OF, month="2026-11"))
    month = scoreboard.townships(SYSTEM, scoreboard.Period(date(2026, 11, 1), date(2026, 11, 30)))
    by_code = {r["code"]: {k: r[k] for k in scoreboard.FIGURES} for r in month}
    rows = [r for r in body["items"] if r["township"]]
    assert rows and all({k: r["scoreboard"][k] for k in scoreboard.FIGURES} == by_code[r["township"]]
                        for r in rows)
    flat = next(lists.iter_report_rows("monthly", lists.Filters(as_of=AS_OF, month="2026-11")))
    assert flat["score_complaints"] == rows[0]["scoreboard"]["complaints"]


# ---------------------------------------------------------------- weights (SCOREBOARD_WEIGHTS)

def _two_townships() -> list[dict]:
    blank = {k: 0 for k in scoreboard.FIGURES}
    return [
        {**blank, "code": "a", "name": "甲镇", "closed": 3, "overdue_orders": 2},
        {**blank, "code": "b", "name": "乙镇", "rectified_on_time": 1, "complaints": 2,
         "complaints_answered_on_time": 1},
    ]


def test_the_ranking_follows_the_configured_weights(app):
    # By hand, with the default weights:
    #   甲镇: 100 + 2×3 closures − 2×2 overdue orders                       = 102
    #   乙镇: 100 + 1×1 rectified on time + 10×(1/2 complaints answered)   = 106  → 乙镇 first
    # With {"closed": 5, "complaint_share": 0} (the others keep their default):
    #   甲镇: 100 + 5×3 − 2×2                                              = 111
    #   乙镇: 100 + 1×1 + 0×(1/2)                                           = 101  → 甲镇 first
    with app.app_context():
        rows = scoreboard._finish(_two_townships())
        assert [(r["name"], r["score"], r["rank"]) for r in rows] == [
            ("乙镇", 106.0, 1), ("甲镇", 102.0, 2)]
        app.config["SCOREBOARD_WEIGHTS"] = {"closed": 5, "complaint_share": 0}
        rows = scoreboard._finish(_two_townships())
        assert [(r["name"], r["score"], r["rank"]) for r in rows] == [
            ("甲镇", 111.0, 1), ("乙镇", 101.0, 2)]
        assert scoreboard.formula() == ("基础分100 + 关停取缔（家） × 5 + 按期整改（家） × 1 − "
                                        "逾期未办结（件） × 2 − 关停后反弹（家） × 5 − "
                                        "逾期未完成任务（项） × 3 − 被问责（次） × 5 + "
                                        "任务按期完成率 × 10")


@pytest.mark.parametrize("value, message", [
    ({"closd": 2}, "unknown metric 'closd' (known: closed, rectified_on_time"),
    ({"closed": "2"}, "closed: the weight must be a number, not '2'"),
    ({"closed": True}, "closed: the weight must be a number, not True"),
    ({"rebounds": float("nan")}, "rebounds: the weight must be a number, not nan"),
    ({"rebounds": -5000}, "rebounds: the weight -5000 is beyond ±1000"),
    ([2, 1], "SCOREBOARD_WEIGHTS must be a mapping of metric to weight"),
    ("{closed: 2}", "SCOREBOARD_WEIGHTS is not valid JSON"),
])
def test_bad_weights_stop_the_start_up_with_the_metric_named(value, message, tmp_path):
    from enforcement import create_app
    from enforcement.services.tally.weights import WeightsError
    with pytest.raises(WeightsError) as caught:
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "INSTANCE_PATH": str(tmp_path), "SCOREBOARD_WEIGHTS": value})
    assert message in str(caught.value)


def test_weights_from_the_environment_are_json_and_partial(monkeypatch, tmp_path):
    from enforcement import create_app
    monkeypatch.setenv("SCOREBOARD_WEIGHTS", '{"rebounds": -10, "task_share": 12.5}')
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        w = scoreboard.weights()
    assert (w["rebounds"], w["task_share"], w["closed"]) == (-10, 12.5, 2)


def test_the_monthly_summary_carries_the_months_score_and_rank(demo_city, client, make_user):
    from enforcement.services.lists import lists
    from support_app import Auth
    month = scoreboard.Period(date(2026, 11, 1), date(2026, 11, 30))
    ranked = {r["code"]: r for r in scoreboard.townships(SYSTEM, month)}
    body = lists.monthly(lists.Filters(as_of=AS_OF, month="2026-11"))
    rows = [r for r in body["items"] if r["township"]]
    assert rows and {r["township"] for r in rows} == set(ranked)
    for row in rows:
        town = ranked[row["township"]]
        assert row["scoreboard"]["score"] == town["score"], row["township"]
        assert row["scoreboard"]["rank"] == town["rank"], row["township"]
        assert {k: row["scoreboard"][k] for k in scoreboard.FIGURES} == {
            k: town[k] for k in scoreboard.FIGURES}
    make_user("desk", "reviewer")
    Auth(client).login("desk")
    export = client.get("/api/v1/lists/monthly?month=2026-11&format=xlsx", buffered=True)
    assert export.status_code == 200
    sheet = list(load_workbook(io.BytesIO(export.data)).active.values)
    head = sheet[0]
    assert head[-2:] == ("考核得分", "考核排名")
    by_code = {r["township_name"]: r for r in rows}
    assert len([v for v in sheet[1:] if v[head.index("乡镇/园区")] in by_code]) == len(rows)
    for values in sheet[1:]:
        name = values[head.index("乡镇/园区")]
        if name in by_code:
            assert values[-1] == by_code[name]["scoreboard"]["rank"]
            assert values[-2] == f"{by_code[name]['scoreboard']['score']:.2f}"
