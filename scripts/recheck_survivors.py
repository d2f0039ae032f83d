"""Re-check surviving mutants against chosen test files, one mutant at a time, the way mutmut
checks them (its mutated copy in mutants/, the mutant switched on with MUTANT_UNDER_TEST), but
with a small test selection: on a loaded 2-core machine a plain `mutmut run NAME` re-runs every
test that calls the function, which for the engine's hot functions is most of the engine suite.

A mutant that fails a test here is killed (any failing test kills it; mutmut would run that test
too, since it calls the function). With --record, such kills are written to mutmut's results
(stop `mutmut run` first: it rewrites those files from memory). A mutant that passes the chosen
tests is left as mutmut recorded it: that is no proof it survives the whole selection.

    python scripts/recheck_survivors.py 'enforcement.workflow.fine.x__appeal_decided*' \
        --tests tests/workflow/test_appeal_decided.py --record
"""
from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("globs", nargs="+", help="mutant name globs")
    parser.add_argument("--tests", nargs="+", required=True, help="test files or node ids")
    parser.add_argument("--root", type=Path, default=ROOT, help="the folder holding mutants/")
    parser.add_argument("--record", action="store_true", help="write kills to mutmut's results")
    parser.add_argument("--no-tests-too", action="store_true",
                        help="also the mutants mutmut found no test for (a new test may call them now)")
    parser.add_argument("--timeouts-too", action="store_true",
                        help="also the mutants mutmut timed out on (a test that fails fast kills them)")
    parser.add_argument("--database-url",
                        help="also run the tests on this PostgreSQL database (TEST_DATABASE_URL): "
                             "a mutant only PostgreSQL can tell apart (a sequence, row order, the "
                             "driver's parameter style) is killed there")
    args = parser.parse_args()
    args.root = args.root.resolve()
    mutants = args.root / "mutants"
    for test in args.tests:  # the tests as they are now, not as the last mutmut run copied them
        path = test.split("::")[0]
        if os.path.isabs(path):  # a test file outside the checkout (another worktree): run in place
            continue
        target = mutants / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(args.root / path, target)
    # One process for every mutant (as mutmut forks its workers from a warmed process): pytest and
    # the code are imported once, and the trampolines read MUTANT_UNDER_TEST at each call.
    import pytest
    os.chdir(mutants)
    sys.path.insert(0, str(mutants))
    if args.database_url:
        os.environ["TEST_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("TEST_DATABASE_URL", None)
    killed = survived = 0
    for meta in sorted(mutants.rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        codes = data["exit_code_by_key"]
        wanted = [0] + ([33] if args.no_tests_too else [])  # 33: mutmut's "no tests"
        if args.timeouts_too:
            wanted += [36, 24, -24, 152, 255]  # mutmut's timeout exit codes
        names = [k for k, c in codes.items() if c in wanted and any(fnmatch.fnmatch(k, g) for g in args.globs)]
        changed = False
        for name in names:
            os.environ["MUTANT_UNDER_TEST"] = name
            with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
                code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                                        "--hypothesis-seed=0", *args.tests]))
            os.environ["MUTANT_UNDER_TEST"] = ""
            if code == 1:
                killed += 1
                print(f"killed   {name}")
                if args.record:
                    codes[name] = 1
                    changed = True
            else:
                survived += 1
                print(f"survived {name} (exit {code})")
        if changed:
            meta.write_text(json.dumps(data, indent=4))
    print(f"{killed} killed, {survived} still passing the chosen tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
