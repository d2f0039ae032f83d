"""Shared machinery of the action modules: the per-case context, a change builder that turns
one event into a new snapshot, and strict readers for event and case data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Mapping, TypeAlias

from .calendar import Calendar
from .rules import ActionRules
from .types import (
    CaseSnapshot,
    Deadline,
    Escalation,
    Event,
    FollowUp,
    ImpossibleEvent,
    InvalidEvent,
    Outcome,
)

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Ctx:
    rules: ActionRules
    calendar: Calendar
    township: str | None


def iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def from_iso(s: str | date | None) -> date | None:
    if s is None or isinstance(s, date):
        return s
    return date.fromisoformat(s)


def deadline(name: str, counted: tuple[date, bool]) -> Deadline:
    due_on, provisional = counted
    return Deadline(name, due_on, provisional)


def plan_followup(
    ctx: Ctx,
    key: str,
    purpose: str,
    earliest: date | tuple[date, bool],
    due: date | tuple[date, bool],
    *,
    unannounced: bool,
    note: str,
) -> FollowUp:
    """A follow-up whose window never starts or ends on a weekend, holiday or quiet day.

    Both ends move forward over weekends and statutory holidays (a period whose last day is a
    rest day ends on the next working day). A township quiet day (宁静日) is local, not law: it
    may move a routine check forward, but a follow-up with a limit set by law (re-inspections,
    checks and verifications) is moved EARLIER to the last allowed day of its window instead; if
    the window holds no allowed day at all, it keeps its legal last day (a visit on a quiet day
    then needs an approval reference, or is a verification). Never earlier than the earliest day.
    """
    prov = False
    if isinstance(earliest, tuple):
        earliest, p = earliest
        prov |= p
    if isinstance(due, tuple):
        due, p = due
        prov |= p
    cal = ctx.calendar
    if purpose == "routine":
        earliest, p1 = cal.next_followup_day(earliest, ctx.township)
        due, p2 = cal.next_followup_day(max(due, earliest), ctx.township)
        return FollowUp(
            key, purpose, earliest, due, unannounced, provisional=prov or p1 or p2, note=note
        )
    # the legal limit: the last day rolled over weekends and holidays only, never over a quiet day
    limit, p1 = cal.next_working_day(max(due, earliest))
    found = cal.latest_followup_day(earliest, limit, ctx.township)
    if found is None:
        start, p2 = cal.next_working_day(earliest)
        return FollowUp(
            key,
            purpose,
            min(start, limit),
            limit,
            unannounced,
            provisional=prov or p1 or p2,
            note=note,
        )
    due, p2 = found
    start, p3 = cal.next_followup_day(earliest, ctx.township)
    return FollowUp(
        key,
        purpose,
        min(start, due),
        due,
        unannounced,
        provisional=prov or p1 or p2 or p3,
        note=note,
    )


class Change:
    """Collects the effects of one event, then builds the new snapshot and its outcome."""

    def __init__(self, case: CaseSnapshot, event: Event | None = None):
        self.case = case
        self.event = event
        self.state = case.state
        self.facts: dict[str, Any] = dict(case.facts)
        self.deadlines: dict[str, Deadline] = dict(case.deadlines)
        self.followups: dict[str, FollowUp] = dict(case.followups)
        self.escalations: list[Escalation] = []
        self.moved: list[tuple[str, date, date]] = []
        self.cancelled: list[str] = []

    # -- deadlines -------------------------------------------------------------------------
    def set_deadline(self, d: Deadline) -> None:
        self.deadlines[d.name] = d

    def meet(self, name: str, on: date) -> None:
        d = self.deadlines.get(name)
        if d is not None and d.met_on is None:
            self.deadlines[name] = replace(d, met_on=on)

    def unmeet(self, name: str) -> None:
        d = self.deadlines.get(name)
        if d is not None and d.met_on is not None:
            self.deadlines[name] = replace(d, met_on=None)

    def pending(self, name: str) -> Deadline | None:
        d = self.deadlines.get(name)
        return d if d is not None and d.met_on is None else None

    # -- follow-ups ------------------------------------------------------------------------
    def add_followup(self, f: FollowUp) -> None:
        old = self.followups.get(f.key)
        if old is not None and old.done_on is None and old.due_on != f.due_on:
            self.moved.append((f.key, old.due_on, f.due_on))
        self.followups[f.key] = f

    def reschedule(self, key: str, new: FollowUp) -> None:
        """Replace a planned follow-up, keeping its key (and so its assignee), recording the move."""
        old = self.followups[key]
        new = replace(new, key=key)
        if old.due_on != new.due_on:
            self.moved.append((key, old.due_on, new.due_on))
        self.followups[key] = new

    def complete(self, key: str, on: date, visit_id: int | None) -> None:
        self.followups[key] = replace(self.followups[key], done_on=on, visit_id=visit_id)

    def planned_keys(self, prefix: str = "") -> list[str]:
        return sorted(
            (k for k, f in self.followups.items() if f.done_on is None and k.startswith(prefix)),
            key=lambda k: (self.followups[k].due_on, k),
        )

    def cancel_planned(self, reason: str, on: date, prefix: str = "") -> None:
        """Withdraw planned follow-ups explicitly (recorded in facts), never silently."""
        keys = list(self.facts.get("cancelled_followups", []))
        log = list(self.facts.get("cancelled_followup_log", []))
        for key in self.planned_keys(prefix):
            f = self.followups.pop(key)
            keys.append(key)
            log.append({"key": key, "due_on": iso(f.due_on), "on": iso(on), "reason": reason})
            self.cancelled.append(key)
        if log:
            self.facts["cancelled_followups"] = keys
            self.facts["cancelled_followup_log"] = log

    # -- the rest --------------------------------------------------------------------------
    def escalate(self, action: str, reason: str, on: date, params: Mapping[str, Any]) -> None:
        self.escalations.append(Escalation(action, reason, on, dict(params)))
        self.facts["escalations"] = [
            *self.facts.get("escalations", []),
            {"action": action, "reason": reason, "on": iso(on)},
        ]

    def outcome(self) -> Outcome:
        if self.event is not None:
            self.facts["last_event_on"] = iso(self.event.on)
        case = replace(
            self.case,
            state=self.state,
            facts=self.facts,
            deadlines=self.deadlines,
            followups=self.followups,
        )
        return Outcome(case, tuple(self.escalations), tuple(self.moved), tuple(self.cancelled))


# --- strict readers for params and event data -------------------------------------------------


# The reader's methods are named after the types they read; inside its body these names stand for
# the builtins in annotations.
_Bool: TypeAlias = bool
_Str: TypeAlias = str


class Reader:
    """Reads typed values from a mapping, collecting every problem before raising InvalidEvent."""

    def __init__(self, data: Mapping[str, Any] | None, prefix: str = ""):
        self.data = data if isinstance(data, Mapping) else {}
        self.errors: dict[str, str] = {}
        if data is not None and not isinstance(data, Mapping):
            self.errors["data"] = "must be an object"
        self.prefix = prefix

    def _missing(self, key: str, required: bool) -> bool:
        if key in self.data and self.data[key] is not None:
            return False
        if required:
            self.errors[self.prefix + key] = "is required"
        return True

    def bool(
        self, key: _Str, *, required: _Bool = False, default: _Bool | None = None
    ) -> _Bool | None:
        if self._missing(key, required):
            return default
        v = self.data[key]
        if not isinstance(v, bool):
            self.errors[self.prefix + key] = "must be true or false"
            return default
        return v

    def int(
        self,
        key: _Str,
        *,
        required: _Bool = False,
        minimum: int | None = None,
        default: int | None = None,
    ) -> int | None:
        if self._missing(key, required):
            return default
        v = self.data[key]
        if not isinstance(v, int) or isinstance(v, bool):
            self.errors[self.prefix + key] = "must be an integer"
            return default
        if minimum is not None and v < minimum:
            self.errors[self.prefix + key] = f"must be at least {minimum}"
            return default
        return v

    def str(
        self, key: _Str, *, required: _Bool = False, choices: tuple[_Str, ...] | None = None
    ) -> _Str | None:
        if self._missing(key, required):
            return None
        v = self.data[key]
        if not isinstance(v, str) or not v.strip():
            self.errors[self.prefix + key] = "must be a non-empty string"
            return None
        if choices is not None and v not in choices:
            self.errors[self.prefix + key] = f"must be one of {', '.join(choices)}"
            return None
        return v

    def date(self, key: _Str, *, required: _Bool = False) -> date | None:
        if self._missing(key, required):
            return None
        v = self.data[key]
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(v)
        except (TypeError, ValueError):
            self.errors[self.prefix + key] = "must be a date YYYY-MM-DD"
            return None

    def fail(self, key: _Str, why: _Str) -> None:
        self.errors[self.prefix + key] = why

    def only(self, known: tuple[_Str, ...]) -> None:
        for key in self.data:
            if key not in known:
                self.errors[self.prefix + key] = f"unknown parameter (known: {', '.join(known)})"

    def done(self) -> None:
        if self.errors:
            raise InvalidEvent(self.errors)


def visit_target(
    change: Change, event: Event, purposes: tuple[str, ...] | None = None
) -> tuple[FollowUp, int] | None:
    """The planned follow-up a ``visit`` event completes, or None when the event repeats one
    already recorded (same follow-up, same visit id), which then has no effect."""
    r = Reader(event.data)
    key = r.str("followup", required=True)
    visit_id = r.int("visit_id", required=True)
    r.done()
    assert key is not None and visit_id is not None  # required: done() raised otherwise
    f = change.followups.get(key)
    if f is None:
        planned = change.planned_keys()
        raise InvalidEvent(
            {
                "followup": f"no follow-up {key!r} on this case (planned: {', '.join(planned) or 'none'})"
            }
        )
    if f.done_on is not None:
        if f.visit_id == visit_id:
            return None
        raise ImpossibleEvent(
            f"follow-up {key!r} was already completed on {f.done_on.isoformat()} by visit {f.visit_id}",
            ["visit"] if change.planned_keys() else [],
        )
    if purposes is not None and f.purpose not in purposes:
        raise InvalidEvent(
            {"followup": f"{key!r} is a {f.purpose} follow-up; record it with the 'verify' event"}
        )
    return f, visit_id


def verify_data(event: Event) -> tuple[bool, int]:
    r = Reader(event.data)
    compliant = r.bool("compliant", required=True)
    visit_id = r.int("visit_id", required=True)
    r.done()
    return compliant, visit_id  # type: ignore[return-value]


def new_case(
    action: str, state: str, served_on: date, ctx: Ctx, params: Mapping[str, Any]
) -> CaseSnapshot:
    return CaseSnapshot(action, state, served_on, ctx.township, dict(params), {}, {}, {})


def jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    """Params as stored: dates become ISO strings so the snapshot is JSON-serialisable."""
    return {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items() if v is not None
    }


def visit_outcome_fields(action: str, key: str, purpose: str) -> dict[str, bool]:
    """The answers a visit completing this follow-up may carry, each a yes/no, and whether it
    is required: the follow-up's own outcome, never an event type or any other event data."""
    if purpose == "verification":
        return {"compliant": True}
    if action == "stop":
        return {"compliant": False} if key == "post_resumption" else {"production_running": True}
    if action == "close" and key.startswith("rebound"):
        return {"running": True}
    if action == "fine" and key == "daily_reinspect":
        return {"discharge_continues": True}
    if action == "seal" and key.startswith("seal_check_"):
        return {"seals_intact": True}  # EPL Art. 25, MEP Order No. 29: are the seals intact?
    return {}
