"""An enterprise's map summary: what a pin shows about its open cases, kept on the enterprise row
so a map box is one indexed scan with no case query (issue #21).

The stored part is independent of ``as_of`` (like a case's watched deadline); ``view`` derives
what depends on the day (overdue, the worst display state, the next due date) from it alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .states import OVERDUE, STATES, StateInfo, state_info


@dataclass(frozen=True)
class SiteSummary:
    #: The worst stored state of the open cases as "action:state" (ties: the oldest case), and
    #: its severity; None when the site has no open case.
    state: str | None
    severity: int | None
    #: Every open case's watched due date (workflow.watched_deadline), sorted, distinct, in
    #: their stored form (ISO, comma-separated): the first decides "overdue", the first on or
    #: after ``as_of`` is the next due date. Parsed only as far as a pin needs (most need one).
    dues_text: str
    #: The open cases' actions, sorted.
    actions: tuple[str, ...]

    @property
    def dues(self) -> tuple[date, ...]:
        return load_dues(self.dues_text)

    @property
    def due_on(self) -> date | None:
        return date.fromisoformat(self.dues_text[:10]) if self.dues_text else None


EMPTY = SiteSummary(None, None, "", ())


def summarise(cases: Iterable[tuple[int, str, str, date | None]]) -> SiteSummary:
    """From ``(case id, action, state, watched due date)`` of a site's cases (closed ones are
    skipped here, from the state table, so callers need not filter)."""
    worst: tuple[int, int, str] | None = None
    dues: set[date] = set()
    actions: set[str] = set()
    for cid, action, state, due_on in sorted(cases, key=lambda c: c[0]):
        info = state_info(action, state)
        if info.terminal:
            continue
        actions.add(action)
        if due_on is not None:
            dues.add(due_on)
        if worst is None or info.severity > worst[0]:
            worst = (info.severity, cid, f"{action}:{state}")
    if worst is None:
        return EMPTY
    return SiteSummary(worst[2], worst[0], dump_dues(sorted(dues)), tuple(sorted(actions)))


@dataclass(frozen=True)
class SiteView:
    worst: StateInfo | None
    overdue: bool
    #: The earliest watched due date (overdue or not): what a case row calls its current
    #: deadline, and what the API's ``next_due`` has always said.
    first_due: date | None
    #: The first watched due date on or after ``as_of`` (the desk map's "next due").
    next_due: date | None


_OVERDUE_INFO = next(iter(STATES.values()))["overdue"]


def view(summary: SiteSummary, as_of: date) -> SiteView:
    """What the pin shows on ``as_of``: the same answer as engine.worst_state / is_overdue over
    the open cases, because a case is overdue exactly when its watched deadline has passed and
    overdue outranks every stored state below it."""
    if summary.state is None or summary.severity is None:
        return SiteView(None, False, None, None)
    first = summary.due_on
    overdue = first is not None and first < as_of
    worst = shown(summary.state, summary.severity, overdue)
    upcoming = first if not overdue else next((d for d in summary.dues if d >= as_of), None)
    return SiteView(worst, overdue, first, upcoming)


def shown(state: str, severity: int, overdue: bool) -> StateInfo:
    """The worst display state of a summary's stored worst ``state`` ("action:state") and its
    ``severity``, when its earliest watched date has (``overdue``) or has not passed: overdue
    outranks every stored state below it."""
    if overdue and severity < OVERDUE:
        return _OVERDUE_INFO
    action, _, name = state.partition(":")
    return state_info(action, name)


def dump_dues(dues: Iterable[date]) -> str:
    """The stored form of the due dates: ISO dates joined by commas (parsed per pin, so plain)."""
    return ",".join(d.isoformat() for d in dues)


def load_dues(text: str | None) -> tuple[date, ...]:
    return tuple(date.fromisoformat(t) for t in text.split(",")) if text else ()


def from_columns(
    state: str | None, severity: int | None, dues: str | None, actions: str | None
) -> SiteSummary:
    return SiteSummary(state, severity, dues or "", tuple(actions.split(",")) if actions else ())


__all__ = [
    "EMPTY",
    "SiteSummary",
    "SiteView",
    "dump_dues",
    "from_columns",
    "load_dues",
    "shown",
    "state_info",
    "summarise",
    "view",
]
