"""The migration of issue #21 adds each enterprise's map summary and backfills it from the
stored cases: the same columns the case snapshots would have written."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_migrate import downgrade, upgrade

from enforcement.extensions import db
from enforcement.models import Enterprise
from enforcement.services.casework import cases
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import enterprises
from test_cli import fresh_app  # noqa: F401  (fixture)

NOW = datetime(2026, 11, 30, 2, tzinfo=timezone.utc)
COLUMNS = ("map_state", "map_severity", "map_due_on", "map_dues", "map_actions")


def test_the_backfill_writes_what_the_snapshots_wrote(fresh_app):  # noqa: F811
    with fresh_app.app_context():
        upgrade()
        busy = enterprises.create_enterprise(SYSTEM, {"name": "某电镀厂", "lat": 39.96, "lon": 116.83}, now=NOW)
        quiet = enterprises.create_enterprise(SYSTEM, {"name": "某石粉厂", "lat": 39.95, "lon": 116.82}, now=NOW)
        base = {"enterprise_id": busy.id, "violation": "超标排放", "legal_basis": "EPL 60"}
        cases.open_case(SYSTEM, {**base, "action": "stop", "served_on": "2026-09-28"}, now=NOW)
        fine = cases.open_case(SYSTEM, {**base, "action": "fine", "served_on": "2026-10-08"}, now=NOW).case
        cases.apply_event(SYSTEM, fine, {"type": "notify", "on": "2026-10-09"}, now=NOW)
        db.session.commit()
        written = {e: tuple(getattr(db.session.get(Enterprise, e), c) for c in COLUMNS)
                   for e in (busy.id, quiet.id)}
        assert written[busy.id][0] is not None and written[busy.id][4] == "fine,stop"
        db.session.remove()
        downgrade(revision="desk17b1b2c3")
        upgrade()
        again = {e: tuple(getattr(db.session.get(Enterprise, e), c) for c in COLUMNS)
                 for e in (busy.id, quiet.id)}
        assert again == written
