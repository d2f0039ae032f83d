"""Run every benchmark and write benchmarks/results.md.

Environment: BENCH_DATABASE_URL (default: a SQLite file under benchmarks/data/), BENCH_SCALE
(`full` = 1,000,000 enterprises, 1,000,000 visits, 200,000 open cases; `small` = a tenth, for
trying the harness), BENCH_REUSE=1 to keep an already generated database.
"""
from __future__ import annotations

import os
import sys
import time

from enforcement import create_app
from enforcement.extensions import db

from . import bench_audit, bench_engine, bench_lists, bench_map, bench_sync, data
from .common import Report

HERE = os.path.dirname(os.path.abspath(__file__))
SCALES = {"full": (1_000_000, 1_000_000, 200_000), "small": (100_000, 100_000, 20_000)}


def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "full")
    enterprises, visits, cases = SCALES[scale]
    url = os.environ.get("BENCH_DATABASE_URL") or \
        f"sqlite:///{os.path.join(HERE, 'data', f'bench-{scale}.db')}"
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": os.path.join(HERE, "data"),
                      "SECRET_KEY": "bench", "AS_OF_OVERRIDE": "2026-11-25"})
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
            report.add("data", f"generate {enterprises:,} enterprises (with their audit events), "
                       f"{visits:,} visits, {cases:,} open cases",
                       f"{total:.0f} s (enterprises {timings['enterprises']:.0f} s, visits "
                       f"{timings['visits']:.0f} s, cases {timings['cases']:.0f} s)",
                       "", None)
        counts = data.counts()
        report.notes.append("Database contents: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        bench_engine.run(report)
        bench_audit.run(report)
        bench_map.run(report, app=app)
        with app.test_request_context():
            bench_lists.run(report, rows=1_000_000 if scale == "full" else 100_000)
        db.session.remove()
    bench_sync.run(report)
    report.write(os.path.join(HERE, "results.md"), database=url.split("://")[0] + f" ({scale} scale)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
