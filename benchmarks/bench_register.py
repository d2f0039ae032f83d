"""A 130,000-row provincial register (issue 16): GBK CSV with a title row, no coordinates for
most rows, township names as clerks write them, mangled codes and several plants per company,
imported into a clean database through the CLI's own steps (read, analyse, apply). Reports the
wall time of each step and the peak memory (tracemalloc peak and the process's maximum RSS).

    .venv/bin/python -m benchmarks.bench_register [ROWS]

Writes nothing into the repository: the file and the database live in a temporary folder.
"""
from __future__ import annotations

import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "fixtures"))


def make_register(rows: int, seed: int = 130) -> bytes:
    from make_county import GBT, HEADERS, RISK, TOWNSHIPS, written
    from enforcement.credit_code import make
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["河北省排污单位名录（2026年）"])
    writer.writerow(HEADERS + ["经度", "纬度"])
    firm = 0
    n = 0
    while n < rows:
        firm += 1
        code = make(f"91130000MA{firm:07d}")
        roll = rnd.random()
        if roll < 0.05:
            code = "\u200b" + code
        elif roll < 0.08:
            code = "-"
        elif roll < 0.10:
            code = f"{rnd.randrange(10**8, 10**9)}"
        plants = 3 if firm % 20 == 0 else 1
        for plant in range(plants):
            t = TOWNSHIPS[(firm + plant * 5) % len(TOWNSHIPS)][1]
            lon = lat = ""
            if rnd.random() < 0.2:  # a fifth carry coordinates (the permit list's firms)
                i = (firm + plant * 5) % len(TOWNSHIPS)
                lon = f"{116.70 + (i % 4) * 0.06 + rnd.random() * 0.05:.6f}"
                lat = f"{39.80 + (i // 4) * 0.06 + rnd.random() * 0.05:.6f}"
            writer.writerow([n + 1, f"河北某{firm:06d}号有限公司", code, written(t, rnd),
                             f"河北省三河市{t}工业路{rnd.randrange(1, 999)}号", rnd.choice(GBT),
                             rnd.choice(RISK), "张某", f"13{rnd.randrange(10**8, 10**9)}",
                             lon, lat])
            n += 1
            if n >= rows:
                break
    return out.getvalue().encode("gb18030")


#: The child reports its own peak: VmHWM, the high-water mark of the address space the command
#: ran in. Not ``wait4``'s ru_maxrss: Linux carries a process's maximum RSS across exec, so a
#: child forked from this (by then large) benchmark process reported the benchmark's size, the
#: same 1,939 MB for every import.
_PEAK = """import atexit, runpy, sys
def _peak(path=sys.argv[1]):
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(path, "w") as out:
        out.write(kb)
atexit.register(_peak)
sys.argv = ["flask"] + sys.argv[2:]
runpy.run_module("flask", run_name="__main__")
"""


def _flask(args: list[str], env: dict) -> tuple[float, int, str]:
    """Run one CLI command in a child process: wall seconds, that command's own peak RSS (MB),
    output."""
    import subprocess
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        child = subprocess.run([sys.executable, "-c", _PEAK, peak.name, "--app", "run", *args],
                               env=env, cwd=HERE.parent, stdout=out, stderr=err, text=True)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
        peak_kb = int(peak.read() or 0)
    if child.returncode:
        raise SystemExit(output + errors)
    return seconds, peak_kb // 1024, output


def main(rows: int = 130_000, database_url: str | None = None) -> dict:
    """The CLI itself on a clean database: init-db, townships import, enterprises import, and
    the same file again (nothing may change)."""
    folder = tempfile.mkdtemp(prefix="bench-register-")
    data = make_register(rows)
    path = os.path.join(folder, "register.csv")
    Path(path).write_bytes(data)
    env = {**os.environ, "INSTANCE_PATH": folder, "SECRET_KEY": "bench",
           "DATABASE_URL": database_url or f"sqlite:///{folder}/b.db"}
    fixtures = HERE.parent / "tests" / "fixtures"
    _flask(["init-db"], env)
    _flask(["townships", "import", str(fixtures / "county_townships.csv")], env)
    _flask(["townships", "import", str(fixtures / "county_boundaries.geojson")], env)
    first_s, first_mb, first_out = _flask(["enterprises", "import", path], env)
    again_s, again_mb, again_out = _flask(["enterprises", "import", path], env)
    return {"rows": rows, "file_mb": round(len(data) / 1e6, 1),
            "database": env["DATABASE_URL"].split(":")[0],
            "first_import_s": round(first_s, 1), "first_import_peak_rss_mb": first_mb,
            "first": first_out.strip().splitlines()[-2:],
            "again_s": round(again_s, 1), "again_peak_rss_mb": again_mb,
            "again": again_out.strip().splitlines()[-1:]}


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 130_000))
