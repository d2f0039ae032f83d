"""The daily run over a month of simulated days, on SQLite and PostgreSQL: the time-driven
transitions happen on their day, each officer is told what is due, what went overdue and what
was assigned to him, the reviewer gets the day's overdue list, a second run on the same day and
a missed day change nothing they should not, the audit anchor is appended, and December warns
that next year's holidays are missing."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from enforcement.cli import run_daily
from enforcement.extensions import db
from enforcement.models import Case, CaseLink, DailyRun, Notification
from enforcement.services.core import audit

START = datetime(2026, 10, 31, 1, 0, tzinfo=timezone.utc)


def at(day: date) -> datetime:
    return datetime.combine(day, time(0, 30), tzinfo=timezone.utc)  # 08:30 in Shanghai


@pytest.fixture
def city(app, make_user, make_enterprise):
    from enforcement.services.casework import cases
    from enforcement.services.core.actor import SYSTEM
    officer = make_user("zhangwei", "inspector")
    reviewer = make_user("reviewer", "reviewer")
    admin = make_user("admin", "admin")
    made = {}
    for action, served, extra in (
            # 限制生产 for 3 months (MEP Order No. 30 Art. 14): the period ends 11-10
            ("stop", date(2026, 8, 10), {"measure": "limit", "approved_by": "局长 王"}),
            ("control", date(2026, 10, 1), {"gates": {"acceptance": "missing"}}),  # fix by 11-02
            ("rectify", date(2026, 10, 20), {"rectify_days": 15}),          # rectify by 11-04
    ):
        enterprise = make_enterprise(name=f"三河市{action}测试厂")
        made[action] = cases.open_case(SYSTEM, {
            "enterprise_id": enterprise.id, "action": action, "served_on": served,
            "violation": "v", "legal_basis": "b", "assignee_id": officer.id, **extra},
            now=START).case
    db.session.commit()
    return officer, reviewer, admin, made


def _notes(user, **where):
    q = select(Notification).where(Notification.user_id == user.id)
    for name, value in where.items():
        q = q.where(getattr(Notification, name) == value)
    return db.session.scalars(q.order_by(Notification.id)).all()


def test_a_month_of_daily_runs(app, city, tmp_path):
    officer, reviewer, admin, made = city
    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "anchor.jsonl")
    out: list[str] = []
    echo = lambda msg, err=False: out.append(msg)
    day = date(2026, 11, 1)
    while day <= date(2026, 12, 1):
        if day != date(2026, 11, 5):  # the server was down that day
            assert run_daily(day, at(day), send=False, echo=echo)
            if day.day % 7 == 0:  # and some days someone runs it twice
                count = db.session.scalar(select(func.count()).select_from(Notification))
                cases_before = db.session.scalar(select(func.count()).select_from(Case))
                assert run_daily(day, at(day) + timedelta(hours=6), send=False, echo=echo)
                assert db.session.scalar(select(func.count()).select_from(Notification)) == count
                assert db.session.scalar(select(func.count()).select_from(Case)) == cases_before
        day += timedelta(days=1)

    stop, control, rectify = made["stop"], made["control"], made["rectify"]
    db.session.expire_all()
    # Transitions: the control gate left open on 11-02 opens a rectify case on 11-03; the 限制生产
    # period that ended on 11-10 proposes closure on 11-11 (a proposal only: the people's
    # government approves a closure, EPL Art. 60, so no close case is opened by the run).
    assert db.session.get(Case, stop.id).state == "closure_proposed"
    links = {(link.from_case_id, db.session.get(Case, link.to_case_id).action)
             for link in db.session.scalars(select(CaseLink))}
    assert links == {(control.id, "rectify")}
    opened = {db.session.get(Case, link.to_case_id).action: db.session.get(Case, link.to_case_id)
              for link in db.session.scalars(select(CaseLink))}
    assert opened["rectify"].created_at == at(date(2026, 11, 3))

    # The officer: the rectify deadline of 11-04 went overdue on 11-05, a missed day: told on
    # 11-06; its re-inspection (due 11-11) announced on 11-10, reported missed on 11-12.
    overdue = _notes(officer, kind="overdue", case_id=rectify.id)
    assert [(n.on, n.params["deadline"]) for n in overdue] == [(date(2026, 11, 6), "rectify_by")]
    due = [n for n in _notes(officer, kind="due", case_id=rectify.id)
           if n.params["what"] == "followup"]
    assert [(n.on, n.params["due_on"]) for n in due] == [(date(2026, 11, 10), "2026-11-11")]
    missed = _notes(officer, kind="missed", case_id=rectify.id)
    assert [(n.on, n.params["due_on"]) for n in missed] == [(date(2026, 11, 12), "2026-11-11")]
    # Assigned: the three cases on the first run, each escalation the day it was opened.
    assigned = {(n.case_id, n.on) for n in _notes(officer, kind="assigned")}
    assert assigned == {(stop.id, date(2026, 11, 1)), (control.id, date(2026, 11, 1)),
                        (rectify.id, date(2026, 11, 1)),
                        (opened["rectify"].id, date(2026, 11, 3))}
    # The reviewer: one overdue list each day the server ran (30 runs), none twice.
    lists = _notes(reviewer, kind="overdue_list")
    assert len(lists) == 30 and len({n.on for n in lists}) == 30
    assert all(n.params["total"] >= 1 for n in lists)
    assert not _notes(officer, kind="overdue_list")
    # December: next year's official holidays are missing.
    assert [n.params["year"] for n in _notes(admin, kind="holidays")] == [2027]
    assert any("2027" in line and line.startswith("WARNING") for line in out)
    assert not any(line.startswith("WARNING") for line in out[:-10] if "2026-11" in line)
    # Every run recorded; the audit chain holds and the anchor file matches it.
    assert db.session.scalar(select(func.count()).select_from(DailyRun)) == 30 + 4
    assert audit.verify().ok
    lines = [json.loads(entry) for entry in (tmp_path / "anchor.jsonl").read_text().splitlines()]
    assert lines and all(audit.check_anchor(entry["events"], entry["head_hash"]) is None for entry in lines)
    assert len({entry["head_hash"] for entry in lines}) == len(lines)  # an unchanged head is not repeated


def test_the_daily_command(app, city, tmp_path):
    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "anchor.jsonl")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["daily", "--as-of", "2026-11-11", "--no-send"])
    assert result.exit_code == 0, result.output
    assert "1 cases opened by escalation" in result.output  # the control gate's rectify case
    again = runner.invoke(args=["daily", "--as-of", "2026-11-11", "--no-send"])
    assert "0 cases opened by escalation, 0 reminders" in again.output
    assert "audit anchor: unchanged" in again.output


def test_the_tick_reads_cases_in_batches_not_one_by_one(app, make_enterprise, make_case, writing):
    """Ten or forty overdue cases with nothing due: the same handful of queries."""
    from test_query_counts import counting
    from enforcement.services.casework import cases
    from enforcement.services.core.actor import SYSTEM

    def queries_for(n: int) -> int:
        for _ in range(n):
            make_case(action="rectify", served_on=date(2026, 9, 1), rectify_days=15)
        with counting(app) as seen:
            cases.tick(SYSTEM, as_of=date(2026, 11, 25), now=START)
        return len(seen)

    assert queries_for(10) == queries_for(30) <= 8


def test_the_daily_command_follows_a_pinned_today(app, city, tmp_path):
    app.config.update(AUDIT_ANCHOR_FILE=str(tmp_path / "anchor.jsonl"), AS_OF_OVERRIDE="2026-11-12")
    result = app.test_cli_runner().invoke(args=["daily", "--no-send"])
    assert result.exit_code == 0 and result.output.startswith("2026-11-12:"), result.output
