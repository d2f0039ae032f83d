"""Robustness: a server killed mid-sync loses nothing and duplicates nothing; concurrent
conflicting events apply once."""
from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
# The browser tests' group: under `--dist loadgroup` one worker runs that group's tests one after
# another, so the server-killing run (minutes of two busy processes) never takes a core from a
# browser test that waits on a page; the other worker runs the rest of the suite.
pytestmark = pytest.mark.xdist_group("browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env, *args, input=None) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=ROOT,
                            env=env, input=input, capture_output=True, text=True, check=True)
    return result.stdout


class Server:
    def __init__(self, env):
        self.env, self.port, self.proc = env, _free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", f"from run import app; app.run(port={self.port}, threaded=True)"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/login", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def instance(tmp_path):
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "reliability",
           "LOGIN_RATE_LIMIT": "100000 per minute", "AS_OF_OVERRIDE": "2026-11-25"}
    env.pop("DATABASE_URL", None)
    _flask(env, "init-db")
    for name in ("zhangwei", "liuyang"):
        _flask(env, "users", "create", name, "--role", "inspector", "--password-stdin",
               input="Inspect-demo-2026\n")
    token = _flask(env, "users", "token", "zhangwei").strip().splitlines()[-1]
    return env, tmp_path / "enforcement.db", {"Authorization": f"Bearer {token}"}


def test_a_server_killed_50_times_during_a_sync_loses_and_duplicates_nothing(instance):
    env, db_path, headers = instance
    server = Server(env)
    server.start()
    enterprise = requests.post(server.url + "/api/v1/enterprises", headers=headers, json={
        "name": "三河市某塑料制品厂", "lat": 39.96, "lon": 116.83}).json()
    rng = random.Random(5)
    visits = [{"client_uuid": str(uuid.UUID(int=rng.getrandbits(128))),
               "enterprise_id": enterprise["id"], "visited_at": "2026-11-20T10:00:00+08:00",
               "lat": 39.9601, "lon": 116.8301, "accuracy_m": 8, "purpose": "routine",
               "unannounced": True, "inspectors": ["zhangwei", "liuyang"],
               "findings": f"第{i}次检查"} for i in range(1000)]
    # 20% of the sync replays a visit already sent (a phone that never saw the answer).
    queue = visits + [visits[i] for i in rng.sample(range(1000), 200)]
    rng.shuffle(queue)
    acknowledged: set[str] = set()
    position = {"next": 0}

    def sync():
        while position["next"] < len(queue):
            item = queue[position["next"]]
            try:
                response = requests.post(server.url + "/api/v1/visits", json=item,
                                         headers=headers, timeout=10)
            except requests.RequestException:
                return  # the server died: resend this item after the restart
            assert response.status_code in (200, 201), response.text
            acknowledged.add(item["client_uuid"])
            position["next"] += 1

    for _ in range(50):
        worker = threading.Thread(target=sync)
        worker.start()
        time.sleep(rng.uniform(0.02, 0.25))
        server.kill()
        worker.join()
        server.start()
    sync()
    server.kill()

    assert position["next"] == len(queue)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [row[0] for row in conn.execute("SELECT client_uuid FROM visit")]
    assert len(stored) == len(set(stored)) == 1000
    assert acknowledged == set(stored)


def test_50_concurrent_conflicting_events_apply_once_and_the_rest_are_kept(app, make_case,
                                                                          make_user, api_token):
    """Fifty phones report the same plan filing at once: one applies, 49 get 409 and wait in
    the conflict queue (on PostgreSQL the requests really run in parallel)."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import date

    from sqlalchemy import func, select

    from enforcement.extensions import db
    from enforcement.models import CaseEvent, Conflict

    reviewer = make_user("reviewer", "reviewer")
    headers = api_token(reviewer)
    case = make_case(action="stop", served_on=date(2026, 11, 2))
    case_id = case.id
    barrier = threading.Barrier(50)

    def post(i):
        client = app.test_client()
        barrier.wait()
        return client.post(f"/api/v1/cases/{case_id}/events", headers=headers, json={
            "type": "file_plan", "on": "2026-11-20", "client_uuid": str(uuid.uuid4())}).status_code

    with ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(post, range(50)))
    db.session.rollback()
    assert sorted(codes) == [200] + [409] * 49, codes
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)
                             .where(CaseEvent.case_id == case_id)) == 1
    assert db.session.scalar(select(func.count()).select_from(Conflict)
                             .where(Conflict.case_id == case_id)) == 49
