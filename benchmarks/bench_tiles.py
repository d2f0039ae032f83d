"""Basemap tiles per second from one process (issue 19).

``python -m benchmarks.bench_tiles`` builds a temporary instance (SQLite), draws an MBTiles
basemap of the bureau's box with Pillow (zoom 10-15, the demo painter), imports it, logs in, and
measures random tile requests three ways:

1. the file alone: ``TileSet.get`` (SQLite lookup by primary key), the floor;
2. in process through the app (Flask test client: session, login check, ETag, headers);
3. over HTTP from gunicorn with ONE worker process (gthread, 4 threads), 4 client threads.

It prints the rows written to benchmarks/results.md by hand (this benchmark is not part of
``make bench``, which takes minutes at full scale)."""
from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOX = (116.5, 39.7, 117.2, 40.2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    from enforcement.geo.tilegen import demo_painter, write_mbtiles
    from enforcement.geo.tiles import open_tileset, tiles_for_bbox

    instance = tempfile.mkdtemp(prefix="bench-tiles-")
    env = {**os.environ, "INSTANCE_PATH": instance, "LOGIN_RATE_LIMIT": "1000 per minute"}
    env.pop("DATABASE_URL", None)
    source = os.path.join(instance, "city.mbtiles")
    t0 = time.perf_counter()
    n_tiles = write_mbtiles(source, BOX, range(10, 16), demo_painter([]), name="bench")
    drawn = time.perf_counter() - t0
    flask = [sys.executable, "-m", "flask", "--app", "run"]
    for args in (["init-db"], ["demo-data", "--enterprises", "50"],
                 ["basemap", "import", source, "--name", "streets"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True)

    ts = open_tileset(source)
    all_tiles = [t for z in range(12, 16) for t in tiles_for_bbox(BOX, z)]
    rng = random.Random(19)
    sample = [rng.choice(all_tiles) for _ in range(3000)]
    size = sum(len(ts.get(*t) or b"") for t in sample[:300]) / 300

    t0 = time.perf_counter()
    for t in sample:
        ts.get(*t)
    raw = len(sample) / (time.perf_counter() - t0)

    os.environ.update(INSTANCE_PATH=instance)
    sys.path.insert(0, str(ROOT))
    from enforcement import create_app
    app = create_app({"LOGIN_RATE_LIMIT": "1000 per minute"})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "reviewer", "password": "Review-demo-2026",
                                "csrf_token": token})
    assert client.get("/tiles/streets/%d/%d/%d" % sample[0]).status_code == 200
    t0 = time.perf_counter()
    for z, x, y in sample:
        client.get(f"/tiles/streets/{z}/{x}/{y}")
    in_process = len(sample) / (time.perf_counter() - t0)

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", "4",
         "-b", f"127.0.0.1:{port}", "run:app"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": "reviewer", "password": "Review-demo-2026",
                                       "csrf_token": token}).encode()
        opener.open(base + "/login", data=data).read()
        chunks = [sample[i::4] for i in range(4)]
        statuses: list[int] = []

        def worker(part):
            for z, x, y in part:
                with opener.open(f"{base}/tiles/streets/{z}/{x}/{y}") as r:
                    r.read()
                    statuses.append(r.status)

        threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        http = len(sample) / (time.perf_counter() - t0)
    finally:
        server.terminate()
        server.wait(timeout=10)
    codes = {c: statuses.count(c) for c in sorted(set(statuses))}
    print(f"tiles in the file: {n_tiles} (zoom 10-15, drawn in {drawn:.0f} s), "
          f"mean tile {size / 1024:.1f} KB, {len(sample)} random requests at zoom 12-15")
    print(f"| tiles | file alone: TileSet.get | {raw:,.0f} tiles/s | itself | 1.00 | | |")
    print(f"| tiles | in process through the app (session, login, ETag) | {in_process:,.0f} "
          f"tiles/s | file alone {raw:,.0f} tiles/s | {in_process / raw:.2f} | | |")
    print(f"| tiles | HTTP, gunicorn 1 worker process (4 threads), 4 clients | {http:,.0f} "
          f"tiles/s; answers {codes} | in process {in_process:,.0f} tiles/s | "
          f"{http / in_process:.2f} | >= 100 tiles/s (a phone screen is ~20 tiles) | "
          f"{'yes' if http >= 100 else '**no**'} |")


if __name__ == "__main__":
    main()
