"""Run every benchmark and write benchmarks/results.md.

Environment: BENCH_DATABASE_URL (default: a SQLite file under benchmarks/data/), BENCH_SCALE
(`full` = 1,000,000 enterprises, 1,000,000 visits, 200,000 open cases; `small` = a tenth, for
trying the harness), BENCH_REUSE=1 to keep an already generated database.
"""
from __future__ import annotations

import json
import os
import sys
import time

from enforcement import create_app
from enforcement.extensions import db

from . import bench_audit, bench_engine, bench_geo, bench_lists, bench_map, bench_sync, data
from .common import Report, fresh_client

HERE = os.path.dirname(os.path.abspath(__file__))
SCALES = {"full": (1_000_000, 1_000_000, 200_000), "small": (100_000, 100_000, 20_000)}


def _credentials(app):
    """A reviewer's bearer token, and logged-in test clients for the pages."""
    from datetime import datetime, timezone
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


def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "full")
    enterprises, visits, cases = SCALES[scale]
    url = os.environ.get("BENCH_DATABASE_URL") or \
        f"sqlite:///{os.path.join(HERE, 'data', f'bench-{scale}.db')}"
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": os.path.join(HERE, "data"),
                      "SECRET_KEY": "bench", "AS_OF_OVERRIDE": "2026-11-25",
                      "LOGIN_RATE_LIMIT": "100000 per minute"})
    report = Report()
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
            with open(os.path.join(HERE, "data", f"generation-{scale}.json"), "w") as fh:
                json.dump(line, fh)
            report.add("data", *line, "", None)
        else:
            saved = os.path.join(HERE, "data", f"generation-{scale}.json")
            if os.path.exists(saved):
                with open(saved) as fh:
                    name, value = json.load(fh)
                report.add("data", name, value + " (when the reused database was generated)",
                           "", None)
        counts = data.counts()
        report.notes.append("Database contents: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        bench_engine.run(report)
        bench_audit.run(report)
        headers, login = _credentials(app)
        bench_map.run(report, app=app, api_path="/api/v1/enterprises", headers=headers)
        bench_geo.near_me(report, client=fresh_client(app), headers=headers)
        bench_geo.first_payload(report, client=login("reviewer"), headers={})
        bench_geo.phone_shell(report, client=login("zhangwei"))
        with app.test_request_context():
            bench_lists.run(report, rows=1_000_000 if scale == "full" else 100_000)
        db.session.remove()
    bench_sync.run(report)
    report.write(os.path.join(HERE, "results.md"), database=url.split("://")[0] + f" ({scale} scale)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
