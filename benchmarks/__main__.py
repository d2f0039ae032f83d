"""Run every benchmark and write benchmarks/results.md, SQLite and PostgreSQL side by side.

Environment: BENCH_DATABASE_URL (a PostgreSQL URL: the same benchmarks run against it too, in
the same `make bench`; unset: SQLite only), BENCH_SCALE (`full` = 1,000,000 enterprises,
1,000,000 visits, 200,000 open cases; `small` = a tenth, for trying the harness),
BENCH_REUSE=1 to keep already generated databases, BENCH_EXPORT_ROWS (1,000,000 by default).
BENCH_SCALE=province: 5,000,000 enterprises over a province, generated set-based in SQL,
map figures only, PostgreSQL only (benchmarks/province.py); SQLite is skipped.
"""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone

from sqlalchemy import create_engine, text

from enforcement import create_app
from enforcement.extensions import db, write_intent

from . import bench_audit, bench_engine, bench_geo, bench_lists, bench_map, bench_register, bench_sync, data
from .common import Report, fresh_client, write_side_by_side

HERE = os.path.dirname(os.path.abspath(__file__))
SCALES = {"full": (1_000_000, 1_000_000, 200_000), "small": (100_000, 100_000, 20_000),
          # 200,000 open cases (the lists' and the daily run's figure) over fewer sites: what a
          # shared machine generates for both databases within one sitting.
          "mid": (200_000, 200_000, 200_000),
          # A quarter of mid: generates in minutes, for profiling and before/after pairs.
          "quarter": (50_000, 50_000, 50_000)}


def _credentials(app):
    """A reviewer's bearer token, and logged-in test clients for the pages."""
    from sqlalchemy import select
    from enforcement.models import User
    from enforcement.services.people import users
    from enforcement.services.core.actor import SYSTEM
    reviewer = db.session.scalar(select(User).where(User.username == "reviewer"))
    token, _ = users.mint_token(SYSTEM, reviewer, now=datetime.now(timezone.utc), hours=2)
    db.session.commit()

    from enforcement.demo import PEOPLE
    passwords = {p[0]: p[1] for p in PEOPLE}

    def login(username):
        import re
        client = fresh_client(app)
        page = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": username, "password": passwords[username],
                                    "csrf_token": csrf})
        return client
    return {"Authorization": f"Bearer {token}"}, login


def _daily(report, app) -> None:
    """The daily run (tick, reminders) over every open case, rolled back so a reused database
    stays as generated."""
    from enforcement.services.core.actor import SYSTEM
    from enforcement.services.notify import daily
    # A fresh transaction that starts as a writer: on SQLite, upgrading the read snapshot the
    # earlier figures left open fails once the page logins have committed since.
    db.session.remove()
    token = write_intent.set(True)
    try:
        open_cases = db.session.execute(text("SELECT count(*) FROM enforcement_case")).scalar()
        t0 = time.perf_counter()
        result = daily.run(SYSTEM, as_of=data.AS_OF, now=data.NOW, config=app.config)
        db.session.flush()
        seconds = time.perf_counter() - t0
        db.session.rollback()
    finally:
        write_intent.reset(token)
    report.add("daily", f"daily run (tick + reminders) over {open_cases:,} open cases",
               f"{seconds:.1f} s; {len(result.opened):,} cases opened by escalation, "
               f"{result.notifications:,} reminders", "", None)


def _fresh_database(url: str) -> None:
    """Drop and create again the PostgreSQL database the URL names (from the server's own
    ``postgres`` database: a database cannot drop itself)."""
    base, _, name = url.rpartition("/")
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()


def _register(report, url: str | None, rows: int) -> None:
    if url:  # a database of its own, created afresh: the import runs init-db into it
        url += "_register"
        _fresh_database(url)
    out = bench_register.main(rows, database_url=url)
    report.add("registry", f"import a register of {rows:,} rows (GBK CSV, {out['file_mb']} MB) "
               "through the CLI, clean database",
               f"{out['first_import_s']} s, peak RSS {out['first_import_peak_rss_mb']} MB; "
               f"the same file again: {out['again_s']} s, peak RSS {out['again_peak_rss_mb']} MB",
               "", None)


def _database(scale: str, url: str, label: str, report: Report, export_rows: int,
              first: bool) -> None:
    enterprises, visits, cases = SCALES[scale]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": os.path.join(HERE, "data"),
                      "SECRET_KEY": "bench", "AS_OF_OVERRIDE": "2026-11-25",
                      "LOGIN_RATE_LIMIT": "100000 per minute"})
    key = f"{scale}-{label.lower()}"
    with app.app_context():
        reuse = os.environ.get("BENCH_REUSE") == "1"
        if not reuse:
            if url.startswith("sqlite:///") and os.path.exists(url[len("sqlite:///"):]):
                os.remove(url[len("sqlite:///"):])
            else:
                db.drop_all()
            db.create_all()
            t0 = time.perf_counter()
            timings = data.build(enterprises=enterprises, visits=visits, open_cases=cases,
                                 progress=sys.stderr.isatty())
            total = time.perf_counter() - t0
            line = (f"generate {enterprises:,} enterprises (with their audit events), "
                    f"{visits:,} visits, {cases:,} open cases",
                    f"{total:.0f} s (enterprises {timings['enterprises']:.0f} s, visits "
                    f"{timings['visits']:.0f} s, cases {timings['cases']:.0f} s)")
            with open(os.path.join(HERE, "data", f"generation-{key}.json"), "w") as fh:
                json.dump(line, fh)
            report.add("data", *line, "", None)
        else:
            saved = os.path.join(HERE, "data", f"generation-{key}.json")
            if os.path.exists(saved):
                with open(saved) as fh:
                    name, value = json.load(fh)
                report.add("data", name, value + " (when the reused database was generated)",
                           "", None)
        if url.startswith("postgresql"):
            from enforcement.models import map_pin
            from enforcement.services.core import spatial
            # A database generated by an earlier commit: its stored pins (models.map_pin),
            # before the clock of the PostGIS note starts.
            map_pin.install(db.session.connection())
            t0 = time.perf_counter()
            enabled = spatial.enable(db.session.connection())
            db.session.commit()
            report.notes.append(
                f"PostgreSQL: PostGIS geography column and GiST index ready in "
                f"{time.perf_counter() - t0:.0f} s; near-me runs on ST_DWithin + KNN" if enabled
                else "PostgreSQL: PostGIS not available; near-me on the plain (lat, lon) index")
        if os.environ.get("BENCH_GENERATE_ONLY") == "1":  # measure later with BENCH_REUSE=1
            db.session.remove()
            return
        counts = data.counts()
        report.notes.append(f"{label} database contents: " + ", ".join(
            f"{k} {v:,}" for k, v in counts.items()))
        bench_engine.run(report)
        bench_audit.run(report)
        headers, login = _credentials(app)
        bench_map.run(report, app=app, api_path="/api/v1/enterprises", headers=headers)
        bench_geo.near_me(report, client=fresh_client(app), headers=headers)
        if first:  # page sizes and the writers' speed do not depend on the database
            bench_geo.first_payload(report, client=login("reviewer"), headers={})
            bench_geo.phone_shell(report, client=login("zhangwei"))
        with app.test_request_context():
            bench_lists.run(report, rows=export_rows, exports=first)
        _daily(report, app)
        db.session.remove()
        db.engine.dispose()


def _province(url: str) -> None:
    """Province scale: the map box, the grid and near-me over 5,000,000 enterprises."""
    from flask_migrate import upgrade

    from . import province
    report = Report()
    key = os.path.join(HERE, "data", "generation-province-postgresql.json")
    if os.environ.get("BENCH_REUSE") != "1":
        _fresh_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": os.path.join(HERE, "data"),
                      "SECRET_KEY": "bench", "AS_OF_OVERRIDE": "2026-11-25",
                      "LOGIN_RATE_LIMIT": "100000 per minute"})
    with app.app_context():
        if os.environ.get("BENCH_REUSE") != "1":
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            upgrade()  # the app's own schema: `flask init-db`
            migrate = time.perf_counter() - t0
            t = province.build(lambda line: print(line, file=sys.stderr, flush=True))
            indexes = ", ".join(f"{k[6:]} {v:.0f} s" for k, v in t.items()
                                if k.startswith("index "))
            line = (f"generate {province.ENTERPRISES:,} enterprises set-based in SQL (no audit "
                    f"events), {int(province.OPEN_SHARE * 100)}% with open-case map summaries",
                    f"{t['enterprises'] + t['summaries']:.0f} s (rows {t['enterprises']:.0f} s, "
                    f"map summaries {t['summaries']:.0f} s); then indexes {t['indexes']:.0f} s "
                    f"({indexes}); VACUUM ANALYZE {t['analyze']:.0f} s; schema by the "
                    f"migrations {migrate:.0f} s; load average {load:.1f} at the start, "
                    f"{os.getloadavg()[0]:.1f} at the end")
            with open(key, "w") as fh:
                json.dump(line, fh)
            report.add("data", *line, "", None)
        elif os.path.exists(key):
            with open(key) as fh:
                name, value = json.load(fh)
            report.add("data", name, value + " (when the reused database was generated)", "", None)
        if os.environ.get("BENCH_GENERATE_ONLY") == "1":
            return
        report.notes.append("PostgreSQL database contents: " + ", ".join(
            f"{k} {v:,}" for k, v in data.counts().items()))
        headers, login = _credentials(app)
        figures = [("start", os.getloadavg()[0])]
        boxes = bench_map.run(report, app=app, api_path="/api/v1/enterprises", headers=headers)
        report.notes.append("map boxes (about 2,000 enterprises each, as at the other scales): "
                            + bench_map.box_sizes(boxes))
        figures.append(("after the boxes", os.getloadavg()[0]))
        bench_geo.near_me(report, client=fresh_client(app), headers=headers)
        figures.append(("after near-me", os.getloadavg()[0]))
        province.grid(report, client=login("reviewer"))
        figures.append(("after the grid", os.getloadavg()[0]))
        report.notes.append("load average (1 min): " + ", ".join(
            f"{label} {value:.1f}" for label, value in figures))
        db.session.remove()
        db.engine.dispose()
    report.save(os.path.join(HERE, "data", "report-province-PostgreSQL.json"))
    for note in report.notes:
        print(note)


def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale == "province":
        pg = os.environ.get("BENCH_DATABASE_URL") or ""
        if not pg.startswith("postgresql"):
            print("BENCH_SCALE=province runs on PostgreSQL only (BENCH_DATABASE_URL); "
                  "SQLite is skipped: nothing to do.", file=sys.stderr)
            return 0
        os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
        _province(pg)
        return 0
    export_rows = int(os.environ.get("BENCH_EXPORT_ROWS") or
                      (1_000_000 if scale == "full" else 100_000))
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    pg = os.environ.get("BENCH_DATABASE_URL") or ""
    if pg and not pg.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL is a PostgreSQL URL (SQLite always runs)")
    runs = {"SQLite": f"sqlite:///{os.path.join(HERE, 'data', f'bench-{scale}.db')}"}
    if pg:
        runs["PostgreSQL"] = pg
    only = os.environ.get("BENCH_ONLY")  # "SQLite" or "PostgreSQL": one column, for trying
    reports = {}
    for n, (label, url) in enumerate(runs.items()):
        reports[label] = Report()
        if only and only != label:
            continue
        _database(scale, url, label, reports[label], export_rows, first=n == 0)
        if os.environ.get("BENCH_GENERATE_ONLY") == "1":
            continue
        _register(reports[label], url if label == "PostgreSQL" else None,
                  13_000 if scale == "small" else 130_000)
        bench_sync.run_one(reports[label], url if label == "PostgreSQL" else None, label)
        reports[label].save(os.path.join(HERE, "data", f"report-{scale}-{label}.json"))
        # Written after each database, so a run cut short still leaves what it measured.
        write_side_by_side(os.path.join(HERE, "results.md"), _merged(reports, runs, scale),
                           scale=scale)


def _merged(reports: dict, runs: dict, scale: str) -> dict:
    """With BENCH_ONLY the databases run in separate processes (at the same time on a shared
    machine): each saves its report, and the results file shows every saved one."""
    out = {}
    for label in runs:
        saved = os.path.join(HERE, "data", f"report-{scale}-{label}.json")
        if reports.get(label) is not None and reports[label].figures:
            out[label] = reports[label]
        elif os.path.exists(saved):
            out[label] = Report.load(saved)
    return out
    return 0


if __name__ == "__main__":
    sys.exit(main())
