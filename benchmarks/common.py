"""Timing, machine description and the results file."""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone


def machine() -> str:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    sqlite = __import__("sqlite3").sqlite_version
    return (f"{platform.node()} · {cpu or platform.processor()} · {os.cpu_count()} cores · {mem} · "
            f"Python {platform.python_version()} · SQLite {sqlite} · {platform.system()} "
            f"{platform.release()}")


def timed(fn, *args, repeat: int = 1, **kwargs) -> tuple[float, object]:
    """Best wall time of `repeat` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best, result


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return p50, p95


@dataclass
class Figure:
    area: str
    name: str
    value: str          # the absolute numbers
    baseline: str       # what it is compared against, with its numbers
    ratio: float | None  # value relative to the baseline (see `better`)
    goal: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Report:
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def save(self, path: str) -> None:
        import json
        from dataclasses import asdict
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"started": self.started.isoformat(), "notes": self.notes,
                       "figures": [asdict(f) for f in self.figures]}, fh, ensure_ascii=False)

    @classmethod
    def load(cls, path: str) -> "Report":
        import json
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
        return cls(datetime.fromisoformat(raw["started"]), [Figure(**f) for f in raw["figures"]],
                   raw["notes"])

    def add(self, *args, **kwargs) -> Figure:
        fig = Figure(*args, **kwargs)
        self.figures.append(fig)
        print(f"[{fig.area}] {fig.name}: {fig.value} | baseline {fig.baseline} | "
              f"ratio {fig.ratio if fig.ratio is None else round(fig.ratio, 2)} {fig.goal} "
              f"{'' if fig.met is None else ('MET' if fig.met else 'NOT MET')}", flush=True)
        return fig

    def write(self, path: str, database: str) -> None:
        try:
            commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True, check=False).stdout.strip()
        except OSError:
            commit = ""
        lines = [
            "# Benchmark results",
            "",
            f"Written by `make bench` on {self.started:%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, "
            f"in {(datetime.now(timezone.utc) - self.started).total_seconds() / 60:.1f} minutes.",
            "",
            f"- Machine: {machine()}",
            f"- Database: {database}",
            "",
            "Every figure is measured in the same run as its baseline; the ratio is the figure "
            "divided by the baseline (time ratios: lower is better unless the goal says "
            "otherwise; throughput ratios: higher is better).",
            "",
            "| area | figure | measured | baseline | ratio | goal | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in self.figures:
            ratio = "" if f.ratio is None else f"{f.ratio:.2f}"
            met = "" if f.met is None else ("yes" if f.met else "**no**")
            lines.append(f"| {f.area} | {f.name} | {f.value} | {f.baseline} | {ratio} | {f.goal} | {met} |")
        notes = [f"- **{f.area} / {f.name}**: {f.note}" for f in self.figures if f.note] + \
            [f"- {n}" for n in self.notes]
        if notes:
            lines += ["", "## Notes", ""] + notes
        analysis = os.path.join(os.path.dirname(path), "analysis.md")
        if os.path.exists(analysis):  # the reasoning behind the figures, kept by hand
            with open(analysis, encoding="utf-8") as fh:
                lines += ["", fh.read().rstrip()]
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


def fresh_client(app):
    """A test client whose every request runs in its own context (its own `g`, session and
    login), as in production, even when called inside an app context."""
    import contextvars

    from flask.testing import FlaskClient

    class Client(FlaskClient):
        def open(self, *args, **kwargs):
            return contextvars.Context().run(super().open, *args, **kwargs)

    app.test_client_class = Client
    return app.test_client()


def _postgres_versions(url: str) -> str:
    from sqlalchemy import create_engine, text
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            server = conn.execute(text("SHOW server_version")).scalar()
            postgis = conn.execute(text(
                "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'")).scalar()
        engine.dispose()
    except Exception as exc:  # the column then says why it is empty
        return f"PostgreSQL not reachable ({type(exc).__name__})"
    return f"PostgreSQL {server}" + (f", PostGIS {postgis} available" if postgis else ", no PostGIS")


def _cell(f: Figure | None) -> list[str]:
    if f is None:
        return ["", "", ""]
    return [f.value, f.baseline, "" if f.ratio is None else f"{f.ratio:.2f}"]


def write_side_by_side(path: str, reports: dict[str, Report], *, scale: str) -> None:
    """One table, one row per figure, a column group per database; each ratio comes from its
    own database's run, measured in that run with its baseline."""
    import os
    labels = list(reports)
    started = min(r.started for r in reports.values())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    order: list[tuple[str, str]] = []
    by_key: dict[str, dict[tuple[str, str], Figure]] = {}
    for label, report in reports.items():
        by_key[label] = {}
        for f in report.figures:
            key = (f.area, f.name)
            if key not in order:
                order.append(key)
            by_key[label][key] = f
    pg_url = os.environ.get("BENCH_DATABASE_URL", "")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` on {started:%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, in "
        f"{(datetime.now(timezone.utc) - started).total_seconds() / 60:.1f} minutes, "
        f"{scale} scale.",
        "",
        f"- Machine: {machine()}",
        f"- Databases: {', '.join(labels)}" + (f" ({_postgres_versions(pg_url)})" if pg_url else ""),
        "",
        "Every ratio is measured in the same run as its baseline, on the same database; the ratio "
        "is the figure divided by the baseline (time ratios: lower is better unless the goal says "
        "otherwise; throughput ratios: higher is better).",
        "",
        "| area | figure | " + " | ".join(f"{lab}: measured | {lab}: baseline | {lab}: ratio"
                                           for lab in labels) + " | goal | met |",
        "|---|---|" + "---|---|---|" * len(labels) + "---|---|",
    ]
    for key in order:
        figs = [by_key[lab].get(key) for lab in labels]
        goal = next((f.goal for f in figs if f is not None and f.goal), "")
        met = " / ".join("" if f is None or f.met is None else
                         (f"{lab}: yes" if f.met else f"{lab}: **no**")
                         for lab, f in zip(labels, figs) if f is not None and f.met is not None)
        cells = [c for f in figs for c in _cell(f)]
        lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + f" | {goal} | {met} |")
    notes = []
    for label in labels:
        notes += [f"- **{label}, {f.area} / {f.name}**: {f.note}" for f in reports[label].figures
                  if f.note]
        notes += [f"- {n}" for n in reports[label].notes]
    if notes:
        lines += ["", "## Notes", ""] + notes
    analysis = os.path.join(os.path.dirname(path), "analysis.md")
    if os.path.exists(analysis):  # the reasoning behind the figures, kept by hand
        with open(analysis, encoding="utf-8") as fh:
            lines += ["", fh.read().rstrip()]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
