"""Helpers shared by the workflow tests."""
from __future__ import annotations

import os
from datetime import date

from enforcement.workflow import Calendar, Event, Rules, apply, open_case


def examples(n: int) -> int:
    """A property test's number of examples: n, or fewer in a mutation run.

    `make mutants` sets MUTATION_MAX_EXAMPLES (40): a surviving mutant in a hot function runs most
    of the engine suite, and the property tests were half its time. The cap is the same for every
    mutant (with the fixed seed a verdict is still reproducible); docs/mutation.md says which
    survivors were re-checked at the full count.
    """
    cap = os.environ.get("MUTATION_MAX_EXAMPLES")
    return min(n, int(cap)) if cap else n


# FICTIONAL schedule for tests only. It is NOT the State Council's 2027 arrangement (unknown when
# this was written) and must never be imported as official data.
FICTIONAL_2027 = """\
# FICTIONAL test schedule, not the official 2027 notice
year: 2027
holiday 2027-01-01 元旦
holiday 2027-02-06..2027-02-12 春节
workday 2027-02-14 春节调休上班
holiday 2027-04-05 清明节
holiday 2027-05-01..2027-05-05 劳动节
holiday 2027-06-09 端午节
holiday 2027-09-15 中秋节
holiday 2027-10-01..2027-10-07 国庆节
workday 2027-10-09 国庆节调休上班
"""


class Flow:
    """A tiny driver for worked examples: open a case, then apply events in order."""

    def __init__(self, action, served_on, params=None, *, rules=None, calendar=None, township=None):
        self.rules = rules or Rules.default()
        self.calendar = calendar or Calendar()
        out = open_case(action, served_on, params or {}, rules=self.rules, calendar=self.calendar, township=township)
        self.case = out.case
        self.last = out

    def __call__(self, type_, on, **data):
        self.last = apply(self.case, Event(type_, on, data), rules=self.rules, calendar=self.calendar)
        self.case = self.last.case
        return self.last


def d(text: str) -> date:
    return date.fromisoformat(text)


def refusal(f: Flow, event: str, on: date, **data) -> dict:
    """The fields an event is refused with (InvalidEvent), posted on the flow ``f``."""
    from enforcement.workflow import InvalidEvent
    try:
        f(event, on, **data)
    except InvalidEvent as err:
        return err.fields
    raise AssertionError(f"{event} on {on} was not refused")


def decided_fine(amount_fen: int = 10_000 * 100) -> Flow:
    """A fine filed Tuesday 1 September 2026, notified 2 September, decided 16 September."""
    f = Flow("fine", d("2026-09-01"))
    f("notify", d("2026-09-02"))
    f("decide", d("2026-09-16"), amount_fen=amount_fen)
    return f


def stop_verified_without_key() -> Flow:
    """A 停产整治 served Monday 28 September 2026 as a snapshot stored before the
    ``verify_followup`` fact was kept: checked 8 October, plan filed 20 October, completion
    filed Monday 2 November (the planned check stop_check_2 becomes the verification), verified
    10 November; stop_check_2 stays planned beside the check after resumption."""
    from dataclasses import replace
    f = Flow("stop", d("2026-09-28"))
    f("visit", d("2026-10-08"), followup="stop_check_1", visit_id=1, production_running=False)
    f("file_plan", d("2026-10-20"))
    f("report_completed", d("2026-11-02"))
    f.case = replace(f.case, facts={k: v for k, v in f.case.facts.items() if k != "verify_followup"})
    f("verify", d("2026-11-10"), compliant=True, visit_id=2)
    return f
