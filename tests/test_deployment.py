"""The tested deployment path: gunicorn with the committed gunicorn.conf.py serves the app
(health endpoints answer through it), and exports send their first bytes before reading their
rows, so no worker timeout can fire while a 1,000,000-row XLSX is being written."""
from __future__ import annotations

import os
import runpy
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from enforcement.exports.columns import Column
from enforcement.exports.xlsx import iter_xlsx
from enforcement.exports.csv import iter_csv

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_conf_threads_long_timeouts_and_recycling():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 4
    assert conf["timeout"] >= 60 and conf["graceful_timeout"] >= 30
    assert conf["max_requests"] > 0 and conf["max_requests_jitter"] > 0
    assert conf["forwarded_allow_ips"] == "127.0.0.1"


def _rows(consumed: list):
    for i in range(1, 1_000_001):
        consumed.append(i)
        yield {"case_id": i, "name": f"企业{i}"}


def test_exports_send_their_first_bytes_before_any_row_is_read():
    """XLSX: the package head before the first row; CSV: the first batch (a few thousand rows,
    some 64 KiB), never the whole million."""
    columns = [Column("case_id", "案件编号", "int", 9), Column("name", "企业名称", "text", 30)]
    for make, at_most in ((iter_xlsx, 0), (iter_csv, 20_000)):
        consumed: list = []
        chunks = iter(make(columns, _rows(consumed)))
        first = next(chunks)
        assert first and len(consumed) <= at_most, (make.__name__, len(consumed))
        second = next(chunks)
        assert second and len(consumed) < 100_000, (make.__name__, len(consumed))


def test_gunicorn_serves_the_app_with_the_committed_config(tmp_path):
    from servers import free_port
    port = free_port()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2", "DATABASE_URL": "",
           "SECRET_KEY": "deployment-test-secret"}
    env.pop("DATABASE_URL")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "run", "init-db"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "run:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        answer = None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5)
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                time.sleep(0.3)
        assert answer is not None and answer.status == 200
        assert answer.headers["X-Request-ID"]
        live = urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "deploy-test-0001"}),
            timeout=5)
        assert live.read().strip() == b'{"status":"ok"}'
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Every line on standard error, gunicorn's and the app's, is one JSON object.
    import json
    lines = [json.loads(line) for line in server.stderr.read().decode().splitlines() if line.strip()]
    assert any(entry["logger"].startswith("gunicorn") for entry in lines)
    # One access line per request, the app's (with its request id): gunicorn's own access log
    # stays off unless GUNICORN_ACCESSLOG asks for it.
    assert [entry["logger"] for entry in lines if "healthz" in json.dumps(entry)] == [
        "enforcement.access"]
    assert any(entry.get("request_id") == "deploy-test-0001" and entry.get("path") == "/healthz"
               for entry in lines)


def test_a_worker_takes_its_start_up_objects_out_of_full_garbage_collections():
    import gc
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    try:
        conf["post_worker_init"](None)
        # What the process held when the worker was ready is frozen: a full collection
        # no longer walks it.
        assert gc.get_freeze_count() > 10_000
        assert len(gc.get_objects(generation=2)) < gc.get_freeze_count() / 10
    finally:
        gc.unfreeze()


def test_gunicorn_access_log_goes_where_gunicorn_accesslog_says(monkeypatch, tmp_path):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["accesslog"] is None
    assert conf["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == []
    monkeypatch.setenv("GUNICORN_ACCESSLOG", str(tmp_path / "access.log"))
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    (handler,) = conf["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"]
    assert conf["logconfig_dict"]["handlers"][handler]["filename"] == str(tmp_path / "access.log")
    monkeypatch.setenv("GUNICORN_ACCESSLOG", "-")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    (handler,) = conf["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"]
    assert conf["logconfig_dict"]["handlers"][handler]["stream"] == "ext://sys.stdout"


def test_a_worker_does_not_load_folium_numpy_or_greenlet_at_start(tmp_path):
    """folium (and numpy under it) serve the map builders only; greenlet nothing at all."""
    code = ("import sys; from enforcement import create_app; "
            f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, "
            f"'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db'}}); "
            "print(sorted(m for m in ('folium', 'numpy', 'greenlet') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    assert out == "[]"
    requirements = (ROOT / "requirements.txt").read_text()
    assert "greenlet" not in requirements
