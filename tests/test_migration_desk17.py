"""Migrations desk17a1b2c3 and desk17b1b2c3 on a database that already holds data: numbers
already allocated stay in the bureau's register unchanged, and stored enterprises get the
pinyin of their names (backfill); downgrading and upgrading again keeps both."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from enforcement.extensions import db
from test_cli import fresh_app  # noqa: F401  (fixture)

NOW = datetime(2026, 11, 30, 2, tzinfo=timezone.utc)


def test_numbers_stay_and_names_get_their_pinyin(fresh_app):  # noqa: F811
    with fresh_app.app_context():
        upgrade(revision="acct20a1b2c3")
        db.session.execute(text(
            "INSERT INTO enterprise (name, legacy_code, address, industry, industry_gbt, "
            "industry_text, location_source, risk_class, permit_no, legal_rep, contact_name, "
            "contact_phone, status, created_at, updated_at) VALUES ('燕郊塑料厂', '', '', 'other', "
            "'', '', '', 'C', '', '', '', '', 'operating', :now, :now)"), {"now": NOW})
        db.session.execute(text(
            "INSERT INTO paper_number (kind, subject_type, subject_id, year, serial, number, "
            "allocated_at) VALUES ('rectification_order', 'case', 1, 2026, 7, "
            "'三环责改〔2026〕第0007号', :now)"), {"now": NOW})
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT name_pinyin FROM enterprise")).scalar() \
            .split()[:2] == ["yanjiaosuliaochang", "yjslc"]
        assert db.session.execute(text("SELECT series, serial, number FROM paper_number")).one() \
            == ("", 7, "三环责改〔2026〕第0007号")
        db.session.commit()
        downgrade(revision="acct20a1b2c3")
        upgrade()
        assert db.session.execute(text("SELECT count(*) FROM paper_number")).scalar() == 1
