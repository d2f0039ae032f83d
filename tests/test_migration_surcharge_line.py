"""The migration of issue #21 for the overdue list adds each case's fine columns (amount, the
surcharge line) and its watched deadline's provisional flag, and backfills them from the stored
cases: the same columns store_snapshot would have written."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_migrate import downgrade, upgrade

from enforcement.extensions import db
from enforcement.models import Case
from enforcement.services.casework import cases
from enforcement.services.core.actor import SYSTEM
from enforcement.services.registry import enterprises
from test_cli import fresh_app  # noqa: F401  (fixture)

NOW = datetime(2026, 11, 30, 2, tzinfo=timezone.utc)
COLUMNS = ("amount_fen", "surcharge_since", "surcharge_base", "surcharge_rate",
           "watched_provisional")


def test_the_backfill_writes_what_the_snapshots_wrote(fresh_app):  # noqa: F811
    with fresh_app.app_context():
        upgrade()
        site = enterprises.create_enterprise(SYSTEM, {"name": "某电镀厂", "lat": 39.96, "lon": 116.83},
                                             now=NOW)
        base = {"enterprise_id": site.id, "violation": "超标排放", "legal_basis": "EPL 60"}
        rectify = cases.open_case(SYSTEM, {**base, "action": "rectify", "served_on": "2026-09-28",
                                           "rectify_days": 15}, now=NOW).case
        fine = cases.open_case(SYSTEM, {**base, "action": "fine", "served_on": "2026-08-03"},
                               now=NOW).case
        for event in ({"type": "notify", "on": "2026-08-04"},
                      {"type": "decide", "on": "2026-08-20", "amount_fen": 3_000_000},
                      {"type": "pay", "on": "2026-10-20", "amount_fen": 1_000_000}):
            cases.apply_event(SYSTEM, fine, event, now=NOW)
        db.session.commit()
        ids = (rectify.id, fine.id)
        written = {c: tuple(getattr(db.session.get(Case, c), k) for k in COLUMNS) for c in ids}
        assert written[fine.id][0] == 3_000_000 and written[fine.id][1] is not None
        assert written[fine.id][3] == 2_000_000  # from the payment on, on what is left
        assert written[rectify.id][:4] == (None, None, None, None)
        assert written[rectify.id][4] is not None
        db.session.remove()
        downgrade(revision="gis21c0d1e2")
        upgrade()
        again = {c: tuple(getattr(db.session.get(Case, c), k) for k in COLUMNS) for c in ids}
        assert again == written
