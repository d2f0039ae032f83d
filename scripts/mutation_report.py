"""Killed and surviving mutants per module from mutmut's results in mutants/ (after `mutmut run`),
as Markdown: `make mutants` writes it to build/mutation.md. Counts only what mutmut recorded;
mutants it has not checked yet are counted as such, never as killed."""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout",
          37: "type check", None: "not checked"}
COLUMNS = ["killed", "survived", "timeout", "no tests", "not checked", "other"]


def results(root: Path, only: list[str] | None = None) -> dict[str, dict[str, int | None]]:
    """Exit codes by mutant name, per module; with ``only`` (mutmut's name globs), just those."""
    out = {}
    for meta in sorted((root / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(root / "mutants"))[:-len(".meta")]
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if only:
            codes = {k: v for k, v in codes.items() if any(fnmatch.fnmatch(k, g) for g in only)}
        out[module] = codes
    return out


def show(name: str, root: Path) -> str:
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "mutmut"), "show", name], cwd=root,
                          capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines()
             if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--started", type=float, help="Unix time the run started")
    parser.add_argument("--no-diffs", action="store_true")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the folder holding mutants/ (build/mutants-guards for the guards)")
    parser.add_argument("--only", nargs="*", help="count only mutants matching these name globs")
    args = parser.parse_args()
    by_module = results(args.root, args.only)
    if not by_module:
        print("no mutmut results in mutants/: run `make mutants` first", file=sys.stderr)
        return 1
    print("| module | mutants | " + " | ".join(COLUMNS) + " | killed of checked |")
    print("|---|---:|" + "---:|" * len(COLUMNS) + "---:|")
    total: Counter = Counter()
    for module, codes in by_module.items():
        if not codes:
            continue
        count = Counter(STATUS.get(c, "other") for c in codes.values())
        count = Counter({k: v for k, v in count.items()})
        for k in list(count):
            if k not in COLUMNS:
                count["other"] += count.pop(k)
        total.update(count)
        total["mutants"] += len(codes)
        checked = len(codes) - count["not checked"]
        share = f"{100 * count['killed'] / checked:.1f}%" if checked else "–"
        print(f"| {module} | {len(codes)} | " + " | ".join(str(count[c]) for c in COLUMNS)
              + f" | {share} |")
    checked = total["mutants"] - total["not checked"]
    share = f"{100 * total['killed'] / checked:.1f}%" if checked else "–"
    print(f"| **all** | {total['mutants']} | " + " | ".join(str(total[c]) for c in COLUMNS)
          + f" | {share} |")
    print()
    if args.started:
        print(f"Run time: {(time.time() - args.started) / 60:.0f} min; load average at the end "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
        print()
    if args.no_diffs:
        return 0
    for module, codes in by_module.items():
        survivors = sorted(k for k, c in codes.items() if STATUS.get(c) == "survived")
        if not survivors:
            continue
        print(f"### Surviving in {module} ({len(survivors)})")
        print()
        for name in survivors:
            print(f"- `{name}`")
            print("  ```diff")
            for line in show(name, args.root).splitlines():
                print("  " + line)
            print("  ```")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
