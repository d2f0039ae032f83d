"""``flask --app run backup DIR``: a consistent copy of the database and every kept file.

SQLite: the online backup API (safe while the app runs, WAL mode). PostgreSQL: ``pg_dump -Fc``
(must be on the PATH, same major version as the server). The files (photos, thumbnails,
uploads) are copied through the storage interface, from the local folder or the bucket. A
manifest records the audit chain head at backup time and the SHA-256 of every file; after a
restore, ``flask --app run audit verify`` must pass (README, Deployment)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime

from sqlalchemy.engine import make_url

from .extensions import db
from .services.core import audit
from .services.core.storage import Storage


def backup_database(target_dir: str) -> str:
    """Copy the database into ``target_dir``; returns the file name written."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        assert url.database is not None  # a file: the app never runs on an in-memory database
        source = sqlite3.connect(url.database)
        dest_path = os.path.join(target_dir, "enforcement.db")
        dest = sqlite3.connect(dest_path)
        try:
            with dest:
                source.backup(dest, pages=1024)
        finally:
            dest.close()
            source.close()
        return "enforcement.db"
    if url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise RuntimeError(
                "pg_dump not found: install postgresql-client (same major version "
                "as the server) or run the documented pg_dump command"
            )
        plain = make_url(str(url.render_as_string(hide_password=False))).set(
            drivername="postgresql"
        )
        query = dict(plain.query)
        options = query.pop("options", None)
        env = dict(os.environ)
        if options:
            env["PGOPTIONS"] = (
                options if isinstance(options, str) else " ".join(options)
            )  # e.g. a search_path
        conninfo = plain.set(query=query).render_as_string(hide_password=False)
        dest_path = os.path.join(target_dir, "enforcement.pgdump")
        subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--file", dest_path, "--dbname", conninfo],
            check=True,
            env=env,
        )
        return "enforcement.pgdump"
    raise RuntimeError(f"no backup method for {url.get_backend_name()}")


def backup_files(storage: Storage, target_dir: str) -> list[dict]:
    out = []
    for key in sorted(storage.keys()):
        data = storage.read(key)
        path = os.path.join(target_dir, "files", *key.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        out.append({"key": key, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return out


def run_backup(target_dir: str, *, storage: Storage, now: datetime) -> dict:
    os.makedirs(target_dir, exist_ok=True)
    if os.listdir(target_dir):
        raise RuntimeError(f"{target_dir} is not empty: back up into a new folder")
    chain = audit.verify()
    database = backup_database(target_dir)
    files = backup_files(storage, target_dir)
    manifest = {
        "created_at": now.isoformat(timespec="seconds"),
        "database": database,
        "backend": db.engine.url.get_backend_name(),
        "audit": {"ok": chain.ok, "events": chain.events, "head_hash": chain.head_hash},
        "files": files,
    }
    with open(os.path.join(target_dir, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
    return manifest
