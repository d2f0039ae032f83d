"""Offline sync: 1,000 visits with 20% replays posted to gunicorn (2 workers), against a bare
endpoint inserting the same row, on SQLite and PostgreSQL; and the same insert served by the app's
own stack (``floor_app``), which says how much of the gap is the stack and how much the visit.

Both servers are timed in their steady state: once the socket is open, gunicorn's workers are
still importing their application (about 1.7 s of CPU each for the app here, a fraction of that
for the bare endpoint), and each worker's first requests fill its caches. Timing from the open
socket measured that start-up, which a worker pays once for its 2,000 requests, inside 1,000
posts. So each server is first left to finish booting (its workers' CPU time stops growing),
then warmed with 40 posts of another enterprise; only the 1,000 posts after are timed and
counted."""
from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
WARM_UP = 40


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env, *args, input=None) -> str:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=ROOT,
                          env=env, input=input, capture_output=True, text=True, check=True).stdout


def _workers_cpu(pid: int) -> float | None:
    """CPU seconds of gunicorn's arbiter ``pid`` and its workers (Linux's /proc); None elsewhere."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    ticks = 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(entry) == pid or int(fields[1]) == pid:
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _booted(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the workers have finished starting: their CPU time stops growing."""
    last = _workers_cpu(proc.pid)
    if last is None:
        time.sleep(5)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _workers_cpu(proc.pid)
        if now is not None and now - last < 0.02:
            return
        last = now


def _gunicorn(app: str, env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                             f"127.0.0.1:{port}", app], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            time.sleep(0.1)
            continue
        _booted(proc)
        return proc
    proc.kill()
    raise RuntimeError(f"gunicorn {app} did not start")


def _post_all(url: str, payloads: list[dict], headers: dict) -> tuple[float, dict[int, int]]:
    session_per_thread = {}

    def post(item):
        import threading
        s = session_per_thread.setdefault(threading.get_ident(), requests.Session())
        return s.post(url, json=item, headers=headers, timeout=30).status_code

    t0 = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        codes = list(pool.map(post, payloads))
    elapsed = time.perf_counter() - t0
    tally: dict[int, int] = {}
    for code in codes:
        tally[code] = tally.get(code, 0) + 1
    return elapsed, tally


def _scenario(database_url: str | None, label: str, report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench",
               "LOGIN_RATE_LIMIT": "100000 per minute", "AS_OF_OVERRIDE": "2026-11-25"}
        if database_url:
            env["DATABASE_URL"] = database_url
        else:
            env.pop("DATABASE_URL", None)
        if database_url:  # a clean schema of its own for this run
            admin = create_engine(database_url)
            with admin.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS bench_sync CASCADE"))
                conn.execute(text("CREATE SCHEMA bench_sync"))
            admin.dispose()
            database_url += ("&" if "?" in database_url else "?") + "options=-csearch_path%3Dbench_sync"
            env["DATABASE_URL"] = database_url
        url = database_url or f"sqlite:///{tmp}/enforcement.db"
        engine = create_engine(url)
        _flask(env, "init-db")
        for name in ("zhangwei", "liuyang"):
            _flask(env, "users", "create", name, "--role", "inspector", "--password-stdin",
                   input="Inspect-demo-2026\n")
        token = _flask(env, "users", "token", "zhangwei").strip().splitlines()[-1]
        headers = {"Authorization": f"Bearer {token}"}
        rng = random.Random(3)

        def visit(enterprise_id):
            return {"client_uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                    "enterprise_id": enterprise_id, "visited_at": "2026-11-20T10:00:00+08:00",
                    "lat": 39.9601, "lon": 116.8301, "accuracy_m": 8, "purpose": "routine",
                    "unannounced": True, "inspectors": ["zhangwei", "liuyang"],
                    "findings": "现场检查"}

        def payloads():
            items = [visit(1) for _ in range(800)]
            replays = [items[i] for i in rng.sample(range(800), 200)]
            queue = items + replays
            rng.shuffle(queue)
            return items, queue

        def audited() -> int:
            with engine.connect() as conn:
                return conn.execute(text(
                    "SELECT count(*) FROM audit_event WHERE action = 'visit.record'")).scalar()

        port = _port()
        app = _gunicorn("run:app", env, port)
        try:
            for name in ("三河市某塑料制品厂", "三河市某家具厂"):  # timed, warm-up
                requests.post(f"http://127.0.0.1:{port}/api/v1/enterprises", headers=headers,
                              json={"name": name, "lat": 39.96, "lon": 116.83}).raise_for_status()
            warm = [visit(2) for _ in range(WARM_UP)]
            _post_all(f"http://127.0.0.1:{port}/api/v1/visits", warm, headers)
            items, queue = payloads()
            audited_before = audited()
            ours, tally, ours_cpu = _timed(app, f"http://127.0.0.1:{port}/api/v1/visits", queue,
                                           headers)
            audit_rows = audited() - audited_before
        finally:
            app.terminate()
            app.wait()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*), count(DISTINCT client_uuid) FROM visit "
                                     "WHERE enterprise_id = 1")).one()
        # The two baselines insert the same rows under new UUIDs (they have no idempotency: a
        # replay would be a duplicate key), each into an emptied table.
        bare_env = {**env, "BARE_DATABASE_URL": url}

        def baseline(target: str, path: str, auth: dict) -> tuple[float, float | None]:
            with engine.connect() as conn:
                conn.execute(text("DELETE FROM visit"))
                conn.commit()
            port = _port()
            server = _gunicorn(target, bare_env, port)
            try:
                _post_all(f"http://127.0.0.1:{port}{path}", [visit(2) for _ in range(WARM_UP)],
                          auth)
                fresh = [{**item, "client_uuid": str(uuid.uuid4())} for item in queue]
                elapsed, answers, cpu = _timed(server, f"http://127.0.0.1:{port}{path}", fresh,
                                               auth)
            finally:
                server.terminate()
                server.wait()
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*) FROM visit WHERE enterprise_id = 1")
                                      ).scalar()
            if answers != {201: len(fresh)} or stored != len(fresh):
                # A baseline that answered errors (a refused token, a duplicate key) would look
                # fast and make every ratio a lie.
                raise RuntimeError(f"{target}: answers {answers}, stored {stored}")
            return elapsed, cpu

        floor, floor_cpu = baseline("benchmarks.floor_app:app", "/bench/floor", headers)
        bare, bare_cpu = baseline("benchmarks.bare_app:app", "/", {})
        with engine.connect() as conn:
            conn.execute(text("DELETE FROM visit"))
            conn.commit()
        engine.dispose()
        n = len(queue)
        ratio = bare / ours
        report.add("sync", f"{n:,} visit posts ({len(items)} new + 200 replays), "
                   f"gunicorn 2 workers, {CLIENTS} clients, after start-up and {WARM_UP} warm-up "
                   "posts",
                   f"{n / ours:,.0f} req/s{_cpu(ours_cpu)}; answers {tally}; stored {rows[0]} "
                   f"({rows[1]} distinct), audit events {audit_rows}",
                   f"bare endpoint inserting the same row: {n / bare:,.0f} req/s{_cpu(bare_cpu)}",
                   ratio, goal=">= 0.5x", met=ratio >= 0.5 and rows[0] == rows[1] == len(items),
                   note="replays answered 200 with no write (stored rows and audit events equal "
                        "the new visits); zero duplicates." if rows[0] == len(items) == audit_rows
                   else "duplicates or missing rows: see the counts")
        report.add("sync", "the bare endpoint's insert served by the app's own stack (Flask, "
                   "every request hook, the token check, the transaction boundary), same posts",
                   f"{n / floor:,.0f} req/s{_cpu(floor_cpu)}",
                   f"bare endpoint: {n / bare:,.0f} req/s", bare / floor,
                   note="the ceiling of the sync ratio above: a visit post is this request plus "
                        "the visit's own work (validation, idempotency, the enterprise and the "
                        "officers, the geofence, the audit chain, the answer).")


def _timed(server: subprocess.Popen, url: str, payloads: list[dict],
           headers: dict) -> tuple[float, dict[int, int], float | None]:
    """Post and time them; also the server's CPU milliseconds per post (None off Linux)."""
    before = _workers_cpu(server.pid)
    elapsed, tally = _post_all(url, payloads, headers)
    after = _workers_cpu(server.pid)
    cpu = None if before is None or after is None else 1000 * (after - before) / len(payloads)
    return elapsed, tally, cpu


def _cpu(ms: float | None) -> str:
    return "" if ms is None else f" ({ms:.1f} ms of the workers' CPU per post)"


def run_one(report, database_url: str | None, label: str) -> None:
    """One database: SQLite in a temporary folder (None), or a schema of its own in the
    PostgreSQL database given."""
    _scenario(database_url, label, report)


def run(report) -> None:
    _scenario(None, "SQLite", report)
    pg = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        create_engine(pg).connect().close()
    except Exception as exc:  # no PostgreSQL here: say so in the results
        report.notes.append(f"sync on PostgreSQL skipped: {pg} not reachable ({type(exc).__name__})")
        return
    _scenario(pg, "PostgreSQL", report)
