"""The data migration of issue #15: stop cases stored under the first edition become 停产整治
with their history intact, and keep replaying through the engine."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from enforcement import workflow as wf
from enforcement.extensions import db
from enforcement.models import Case
from enforcement.services.casework import cases
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import enterprises
from test_cli import fresh_app  # noqa: F401  (fixture)

NOW = datetime(2026, 11, 30, 2, tzinfo=timezone.utc)


def _first_edition(case: Case, **changes) -> None:
    """Make a stored case look as the first edition stored it (no measure in its params)."""
    params = dict(case.params)
    params.pop("measure")
    case.params = params
    for key, value in changes.items():
        setattr(case, key, value)


def test_old_stop_cases_become_stop_measures_and_keep_replaying(fresh_app):  # noqa: F811
    with fresh_app.app_context():
        upgrade()
        e = enterprises.create_enterprise(SYSTEM, {"name": "某电镀厂", "lat": 39.96, "lon": 116.83}, now=NOW)
        base = {"enterprise_id": e.id, "action": "stop", "violation": "超标排放", "legal_basis": "EPL 60"}
        # A case extended under the first edition (served 2 March 2026, extended by 1 month).
        extended = cases.open_case(SYSTEM, {**base, "served_on": "2026-03-02", "measure": "limit",
                                            "approved_by": "局长 王"}, now=NOW).case
        cases.apply_event(SYSTEM, extended, {"type": "extend", "on": "2026-05-20", "months": 1,
                                             "approved_by": "局长 王"}, now=NOW)
        # A case whose completion was reported and waits for the bureau's verification.
        waiting = cases.open_case(SYSTEM, {**base, "served_on": "2026-09-28"}, now=NOW).case
        cases.apply_event(SYSTEM, waiting, {"type": "file_plan", "on": "2026-10-20"}, now=NOW)
        cases.apply_event(SYSTEM, waiting, {"type": "report_completed", "on": "2026-11-02"}, now=NOW)
        db.session.flush()
        _first_edition(extended)
        _first_edition(waiting, state="completed")
        db.session.commit()
        ids = extended.id, waiting.id
        db.session.remove()
        downgrade(revision="b1c2d3e4f501")
        upgrade()
        extended, waiting = (db.session.get(Case, i) for i in ids)
        assert extended.params["measure"] == "stop" and extended.params["first_edition"] is True
        assert waiting.state == "lifted" and waiting.facts["lifted_on"] == "2026-11-02"
        # Their stored events replay through the second-edition engine.
        for case in (extended, waiting):
            snapshot = wf.replay("stop", case.served_on, case.params,
                                 [wf.Event(ev.type, ev.on, dict(ev.data)) for ev in case.events],
                                 rules=wf.Rules.default(), calendar=wf.Calendar())
            assert snapshot.state == case.state
        assert cases.recompute(SYSTEM, now=NOW)["cases"] >= 2
        db.session.commit()
        # 3 + 1 months from 2 March 2026 = Thursday 2 July 2026, kept as a fact of the first
        # edition; no longer a deadline (停产整治 runs until lifted).
        assert extended.facts["first_edition_period_end"] == "2026-07-02"
        assert "period_end" not in {d.name for d in extended.deadlines}
        assert extended.watched_deadline == "plan_due"
        assert db.session.scalar(select(Case.state).where(Case.id == ids[1])) == "lifted"
