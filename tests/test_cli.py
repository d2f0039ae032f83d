"""The operator's command line (API.md): init-db, demo-data, users, audit verify, holidays,
recompute."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select, text

from enforcement import create_app
from enforcement.extensions import db
from enforcement.models import Case, Enterprise, User
from enforcement import workflow as wf


@pytest.fixture
def fresh_app(tmp_path, app, worker_id_safe):
    """An app on an empty database (no create_all): only the migrations make the schema."""
    if app.config["DB_BACKEND"] == "sqlite":
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    else:
        import sqlalchemy as sa
        base = os.environ["TEST_DATABASE_URL"]
        engine = sa.create_engine(base)
        schema = f"cli_{worker_id_safe}"
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        url = base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
                        "INSTANCE_PATH": str(tmp_path)})
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def invoke(app, *args, input=None):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), input=input)
        db.session.remove()
    return result


def test_init_db_builds_the_schema_and_is_safe_to_run_twice(fresh_app):
    assert invoke(fresh_app, "init-db").exit_code == 0
    second = invoke(fresh_app, "init-db")
    assert second.exit_code == 0, second.output
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_data_loads_every_action_and_state_once(fresh_app):
    assert invoke(fresh_app, "init-db").exit_code == 0
    result = invoke(fresh_app, "demo-data", "--enterprises", "200", "--as-of", "2026-11-25",
                    "--if-empty")
    assert result.exit_code == 0, result.output
    assert "reviewer" in result.output and "Review-demo-2026" in result.output
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 200
        present = set(db.session.execute(select(Case.action, Case.state).distinct()).all())
    for action, states in wf.STATES.items():
        for state in states:
            if state != "overdue":
                assert (action, state) in present, (action, state)
    again = invoke(fresh_app, "demo-data", "--if-empty")
    assert "already loaded" in again.output
    assert invoke(fresh_app, "audit", "verify").exit_code == 0


def test_users_create_token_and_a_tampered_audit_chain(fresh_app):
    invoke(fresh_app, "init-db")
    created = invoke(fresh_app, "users", "create", "li.na", "--role", "reviewer",
                     "--password-stdin", input="Strong-pass-2026\n")
    assert created.exit_code == 0, created.output
    weak = invoke(fresh_app, "users", "create", "weak", "--role", "reviewer", "--password-stdin",
                  input="short\n")
    assert weak.exit_code != 0 and "password" in weak.output
    token = invoke(fresh_app, "users", "token", "li.na").output.strip().splitlines()[-1]
    client = fresh_app.test_client()
    assert client.get("/api/v1/cases/1", headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert client.get("/api/v1/cases/1", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert invoke(fresh_app, "audit", "verify").exit_code == 0
    with fresh_app.app_context():
        db.session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = 1"))
        db.session.commit()
    broken = invoke(fresh_app, "audit", "verify")
    assert broken.exit_code == 1 and "event 1" in broken.output


def test_holidays_import_refuses_a_bad_file_with_its_line(fresh_app, tmp_path):
    invoke(fresh_app, "init-db")
    bad = tmp_path / "2027.txt"
    bad.write_text("year: 2027\nholiday 2026-12-31 错年份\n", encoding="utf-8")
    result = invoke(fresh_app, "holidays", "import", str(bad))
    assert result.exit_code != 0 and "line 2" in result.output
    good = tmp_path / "2027-ok.txt"
    good.write_text("# fictional test schedule\nyear: 2027\nholiday 2027-01-01 元旦\n", encoding="utf-8")
    result = invoke(fresh_app, "holidays", "import", str(good))
    assert result.exit_code == 0 and "2027" in result.output
    assert invoke(fresh_app, "recompute").exit_code == 0


def test_a_draw_is_reproducible_from_its_seed_and_stored(fresh_app):
    invoke(fresh_app, "init-db")
    invoke(fresh_app, "demo-data", "--enterprises", "200", "--as-of", "2026-11-25")
    first = invoke(fresh_app, "draw", "--period", "2026-Q4", "--quota", "A=3", "--quota", "B=4",
                   "--seed", "2026-11-20 公示种子")
    second = invoke(fresh_app, "draw", "--period", "2026-Q4b", "--quota", "A=3", "--quota", "B=4",
                    "--seed", "2026-11-20 公示种子")
    assert first.exit_code == 0, first.output

    def rows(output):
        return [line for line in output.splitlines() if "enterprise" in line]
    assert len(rows(first.output)) == 7 and rows(first.output) == rows(second.output)
    for line in rows(first.output):
        a, b = line.split("  ")[-1].split(" + ")
        assert a != b
    with fresh_app.app_context():
        from enforcement.models import Draw
        assert db.session.scalar(select(func.count()).select_from(Draw)) == 2
    assert invoke(fresh_app, "draw", "--period", "x", "--quota", "D=1", "--seed", "s").exit_code != 0


def test_a_bad_workflow_configuration_stops_start_up_naming_the_key(tmp_path):
    with pytest.raises(wf.ConfigError, match="plan_due_working_days"):
        create_app({"WORKFLOW_RULES": {"stop": {"plan_due_working_days": -3}},
                    "INSTANCE_PATH": str(tmp_path),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
