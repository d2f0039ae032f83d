"""The benchmark city: the demo generator's enterprises (bulk, each with its audit event), then
visits and open cases inserted in bulk. Open cases are opened through the pure engine, so their
deadlines and follow-ups are the real ones; only the database writes are batched."""
from __future__ import annotations

import random
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from enforcement import demo
from enforcement import workflow as wf
from enforcement.extensions import db, write_intent
from enforcement.models import Case, Deadline, Enterprise, FollowUp, Visit
from enforcement.services.calendar.calendars import load_calendar
from enforcement.services.casework import cases

AS_OF = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
ACTION_WEIGHTS = {"rectify": 40, "stop": 15, "close": 15, "fine": 15, "control": 15}


def build(*, enterprises: int, visits: int, open_cases: int, seed: int = 7,
          progress: bool = True) -> dict[str, float]:
    """Fill an empty database; returns the seconds each part took."""
    token = write_intent.set(True)
    rng = random.Random(seed)
    timings = {}
    try:
        t0 = time.perf_counter()
        townships = demo._townships()
        people = demo._people(NOW)
        db.session.commit()
        ids = demo._enterprises(rng, townships, enterprises, AS_OF, NOW, progress)
        db.session.commit()
        timings["enterprises"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        _visits(rng, ids, list(people.values()), visits)
        db.session.commit()
        timings["visits"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        _cases(rng, ids, townships, list(people.values()), open_cases)
        # Bulk rows bypass store_snapshot: the sites' map summaries are rebuilt from them.
        from enforcement.services.casework import site_summary
        site_summary.rebuild()
        db.session.commit()
        timings["cases"] = time.perf_counter() - t0
        from enforcement.extensions import refresh_statistics
        refresh_statistics()
    finally:
        write_intent.reset(token)
    return timings


def _visits(rng, enterprise_ids, people, count, batch=20_000):
    inspectors = [u.id for u in people if u.role == "inspector"]
    rows = []
    for _n in range(count):
        at = NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        rows.append({
            "client_uuid": str(uuid.UUID(int=rng.getrandbits(128))), "payload_hash": "0" * 64,
            "enterprise_id": rng.choice(enterprise_ids), "recorded_by_id": rng.choice(inspectors),
            "visited_at": at, "received_at": at, "lat": None, "lon": None, "accuracy_m": None,
            "distance_m": None, "geofence_ok": None, "geofence_reason": "",
            "purpose": "routine", "unannounced": True, "findings": "", "followup_id": None,
            "approval_ref": "", "outcome": {}})
        if len(rows) >= batch:
            db.session.execute(insert(Visit), rows)
            rows.clear()
    if rows:
        db.session.execute(insert(Visit), rows)


def _cases(rng, enterprise_ids, townships, people, count, batch=5_000):
    rules = wf.Rules.default()
    calendar = load_calendar()
    by_id = {t.id: t.code for t in townships.values()}
    # Filtered here, not with IN (...): 200,000 ids are more parameters than PostgreSQL takes.
    sample = set(rng.sample(enterprise_ids, min(count, len(enterprise_ids))))
    ent = {eid: township for eid, township in db.session.execute(
        select(Enterprise.id, Enterprise.township_id).order_by(Enterprise.id)) if eid in sample}
    chosen = list(ent)
    inspectors = [u.id for u in people if u.role == "inspector"]
    actions, weights = zip(*ACTION_WEIGHTS.items())
    pending = []

    def flush():
        case_rows = [p[0] for p in pending]
        new_ids = db.session.scalars(insert(Case).returning(Case.id), case_rows).all()
        deadlines, followups = [], []
        for case_id, (_, snap, assignee) in zip(new_ids, pending):
            deadlines += [{"case_id": case_id, "name": d.name, "due_on": d.due_on,
                           "met_on": d.met_on, "provisional": d.provisional}
                          for d in snap.deadlines.values()]
            followups += [{"case_id": case_id, "key": f.key, "purpose": f.purpose,
                           "earliest_on": f.earliest_on, "due_on": f.due_on,
                           "unannounced": f.unannounced, "done_on": None, "visit_id": None,
                           "assignee_id": assignee, "provisional": f.provisional,
                           "note": f.note} for f in snap.followups.values()]
        if deadlines:
            db.session.execute(insert(Deadline), deadlines)
        if followups:
            db.session.execute(insert(FollowUp), followups)
        pending.clear()

    for n in range(count):
        enterprise_id = chosen[n % len(chosen)]
        action = rng.choices(actions, weights)[0]
        served = AS_OF - timedelta(days=rng.randint(0, 120))
        params = {"rectify": {"rectify_days": rng.choice((15, 30, 60))},
                  "fine": {"amount_fen": rng.choice((2, 5, 10, 20)) * 1_000_000},
                  "control": {"risk_class": rng.choice("ABC")}}.get(action, {})
        township = by_id.get(ent[enterprise_id])
        snap = wf.open_case(action, served, params, rules=rules, calendar=calendar,
                            township=township).case
        assignee = rng.choice(inspectors)
        watched = wf.watched_deadline(snap)
        pending.append(({"enterprise_id": enterprise_id,
                         "watched_deadline": watched.name if watched else None,
                         "watched_due_on": watched.due_on if watched else None,
                         "watched_provisional": watched.provisional if watched else None,
                         "township_id": ent[enterprise_id],
                         "action": action, "state": snap.state, "served_on": served,
                         "violation": "", "legal_basis": "", "params": dict(snap.params),
                         "facts": dict(snap.facts), "provisional": any(
                             d.provisional for d in snap.deadlines.values()),
                         "assignee_id": assignee, "lead": "", "host_unit": "", "co_units": [],
                         "responsible_person": "", "created_at": NOW, "updated_at": NOW,
                         "client_uuid": None, "payload_hash": None, "visit_id": None,
                         "opened_by_id": None, "responsibility_due": None,
                         **cases.fine_columns(snap)}, snap, assignee))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()


def counts() -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in (("enterprises", Enterprise), ("visits", Visit), ("cases", Case),
                                ("deadlines", Deadline), ("followups", FollowUp))}
