"""``flask --app run backup DIR`` makes a copy that restores: a new app on the restored
database and files passes ``audit verify`` against the anchor, and has the same cases and photos."""
from __future__ import annotations

import json
import shutil
from datetime import date

from sqlalchemy import func, select

from enforcement import create_app
from enforcement.extensions import db
from enforcement.models import Case
from enforcement.services.core.storage import file_storage


def test_on_postgresql_the_backup_is_a_pg_dump_archive(app, make_case, tmp_path):
    """PostgreSQL: pg_dump's custom format (restored with pg_restore, README) and the files."""
    if app.config["DB_BACKEND"] != "postgresql":
        return  # the SQLite path is the restore test below
    import shutil
    import subprocess
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "postgresql-client missing"
    make_case(action="rectify", served_on=date(2026, 9, 28))
    file_storage().put("visits/1/abc.jpg", b"\xff\xd8 photo")
    target = tmp_path / "backup-pg"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["database"] == "enforcement.pgdump" and manifest["audit"]["ok"]
    listing = subprocess.run(["pg_restore", "--list", str(target / "enforcement.pgdump")],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA" in listing and "enforcement_case" in listing
    assert (target / "files" / "visits" / "1" / "abc.jpg").read_bytes() == b"\xff\xd8 photo"


def test_a_backup_restores_and_passes_audit_verify(app, make_case, tmp_path):
    if app.config["DB_BACKEND"] != "sqlite":
        return  # PostgreSQL: the pg_dump archive test above
    for action in ("rectify", "stop", "fine"):
        make_case(action=action, served_on=date(2026, 9, 28))
    file_storage().put("visits/1/abc.jpg", b"\xff\xd8 photo")
    file_storage().put("visits/1/abc-thumb.jpg", b"\xff\xd8 thumb")
    runner = app.test_cli_runner()
    anchor = tmp_path / "anchor.jsonl"
    assert runner.invoke(args=["audit", "anchor", str(anchor)]).exit_code == 0
    target = tmp_path / "backup-1"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["audit"]["ok"] and manifest["database"] == "enforcement.db"
    assert {f["key"] for f in manifest["files"]} == {"visits/1/abc.jpg", "visits/1/abc-thumb.jpg"}
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0  # never over a backup
    cases = db.session.scalar(select(func.count()).select_from(Case))

    # Restore on another machine: the database file into place, the files into the folder.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(target / "enforcement.db", restored / "enforcement.db")
    shutil.copytree(target / "files", restored / "photos")
    other = create_app({"TESTING": True, "SECRET_KEY": "x",
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{restored / 'enforcement.db'}",
                        "PHOTO_DIR": str(restored / "photos"), "STORAGE_BACKEND": "local"})
    with other.app_context():
        verify = other.test_cli_runner().invoke(args=["audit", "verify", "--anchor", str(anchor)])
        assert verify.exit_code == 0, verify.output
        assert "audit chain ok" in verify.output
        assert db.session.scalar(select(func.count()).select_from(Case)) == cases == 3
        assert file_storage().read("visits/1/abc.jpg") == b"\xff\xd8 photo"
        db.session.remove()
        db.engine.dispose()
