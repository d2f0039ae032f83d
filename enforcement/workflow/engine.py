"""The single entry points of the workflow engine: open a case, apply an event, replay history,
ask which events are allowed or due, and derive what a list or map shows on a given day."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Mapping, Protocol

from . import close, control, fine, rectify, seal, stop
from .calendar import Calendar
from .casework import Ctx
from .rules import Rules
from .states import StateInfo, state_info
from .types import (
    CaseSnapshot,
    Deadline,
    Event,
    FollowUp,
    ImpossibleEvent,
    InvalidEvent,
    Outcome,
    deadline_status,
)


class ActionModule(Protocol):
    """What each action's module (rectify, stop, close, fine, control, seal) provides."""

    @property
    def ACTION(self) -> str: ...
    @property
    def EVENTS(self) -> tuple[str, ...]: ...
    @property
    def PARAMS(self) -> tuple[str, ...]: ...

    def open_case(self, served_on: date, params: Mapping[str, Any], ctx: Ctx) -> Outcome: ...
    def allowed(self, case: CaseSnapshot) -> list[str]: ...
    def overdue_deadlines(self, case: CaseSnapshot) -> tuple[str, ...]: ...
    def due_events(self, case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]: ...
    def apply(self, case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome: ...


_MODULES: dict[str, ActionModule] = {
    rectify.ACTION: rectify,
    stop.ACTION: stop,
    close.ACTION: close,
    fine.ACTION: fine,
    control.ACTION: control,
    seal.ACTION: seal,
}
WINDOW_DEADLINES = fine.WINDOWS


def _module(action: str) -> ActionModule:
    try:
        return _MODULES[action]
    except KeyError:
        raise InvalidEvent(
            {"action": f"unknown action {action!r} (known: {', '.join(_MODULES)})"}
        ) from None


def _ctx(action: str, township: str | None, rules: Rules, calendar: Calendar) -> Ctx:
    return Ctx(rules.for_action(action, township), calendar, township)


def open_case(
    action: str,
    served_on: date,
    params: Mapping[str, Any] | None,
    *,
    rules: Rules,
    calendar: Calendar,
    township: str | None = None,
) -> Outcome:
    module = _module(action)
    if not isinstance(served_on, date):
        raise InvalidEvent({"served_on": "must be a date"})
    if params is not None and not isinstance(params, Mapping):
        raise InvalidEvent({"params": "must be an object"})
    return module.open_case(served_on, dict(params or {}), _ctx(action, township, rules, calendar))


def open_params(action: str) -> tuple[str, ...]:
    """The parameters a case of this action may be opened with (callers pick these from input)."""
    return tuple(_module(action).PARAMS)


def allowed_events(case: CaseSnapshot) -> list[str]:
    return _module(case.action).allowed(case)


def apply(case: CaseSnapshot, event: Event, *, rules: Rules, calendar: Calendar) -> Outcome:
    module = _module(case.action)
    if not isinstance(event.on, date):
        raise InvalidEvent({"on": "must be a date"})
    if event.type not in module.EVENTS:
        raise InvalidEvent(
            {
                "type": f"unknown event type {event.type!r} for a {case.action} case (known: {', '.join(module.EVENTS)})"
            }
        )
    allowed = module.allowed(case)
    forbidden = getattr(module, "forbidden", None)
    if forbidden is not None and isinstance(event.data, Mapping):
        # What the law forbids is refused with its article, before the generic state check.
        forbidden(case, event, _ctx(case.action, case.township, rules, calendar), allowed)
    if event.type not in allowed:
        raise ImpossibleEvent(
            f"a {case.action} case in state '{case.state}' cannot take '{event.type}'; "
            f"allowed now: {', '.join(allowed) or 'nothing'}",
            allowed,
        )
    if event.on < case.served_on:
        raise InvalidEvent({"on": f"before the case was served ({case.served_on.isoformat()})"})
    last = case.facts.get("last_event_on")
    if last and event.on.isoformat() < last:
        raise InvalidEvent(
            {"on": f"before the last recorded event ({last}); events apply in date order"}
        )
    if event.data is None:
        event = Event(event.type, event.on, {})
    elif not isinstance(event.data, Mapping):
        raise InvalidEvent({"data": "must be an object"})
    return module.apply(case, event, _ctx(case.action, case.township, rules, calendar))


def replay(
    action: str,
    served_on: date,
    params: Mapping[str, Any] | None,
    events: Iterable[Event],
    *,
    rules: Rules,
    calendar: Calendar,
    township: str | None = None,
) -> CaseSnapshot:
    """Rebuild a case from its history, e.g. after a calendar or configuration change."""
    case = open_case(
        action, served_on, params, rules=rules, calendar=calendar, township=township
    ).case
    for event in events:
        case = apply(case, event, rules=rules, calendar=calendar).case
    return case


def due_events(case: CaseSnapshot, as_of: date, *, rules: Rules, calendar: Calendar) -> list[Event]:
    """System events that time has made due (the service applies them when it ticks a case)."""
    module = _module(case.action)
    return module.due_events(case, as_of, _ctx(case.action, case.township, rules, calendar))


# --- derived views ---------------------------------------------------------------------------


def overdue_deadlines(case: CaseSnapshot, as_of: date) -> list[Deadline]:
    """The deadlines that make the case overdue in its current state (windows excluded)."""
    names = _module(case.action).overdue_deadlines(case)
    found = [
        d
        for name in names
        if (d := case.deadlines.get(name)) is not None and deadline_status(d, as_of) == "overdue"
    ]
    return sorted(found, key=lambda d: (d.due_on, d.name))


def is_overdue(case: CaseSnapshot, as_of: date) -> bool:
    return bool(overdue_deadlines(case, as_of))


def watched_deadline(case: CaseSnapshot) -> Deadline | None:
    """The oldest unmet deadline that would make the case overdue in its current state: the case
    is overdue on any day after it falls due. Independent of ``as_of``, so it can be stored and
    indexed (the overdue list is then one range scan)."""
    names = _module(case.action).overdue_deadlines(case)
    unmet = [
        d for name in names if (d := case.deadlines.get(name)) is not None and d.met_on is None
    ]
    return min(unmet, key=lambda d: (d.due_on, d.name), default=None)


def display_state(case: CaseSnapshot, as_of: date) -> str:
    """The stored state, or ``overdue`` when a deadline of the current state has passed."""
    if state_info(case.action, case.state).severity >= state_info(case.action, "overdue").severity:
        return case.state  # escalated/rebounded/enforcement requested already says more
    return "overdue" if is_overdue(case, as_of) else case.state


def display_info(case: CaseSnapshot, as_of: date) -> StateInfo:
    return state_info(case.action, display_state(case, as_of))


def current_deadline(case: CaseSnapshot, as_of: date) -> Deadline | None:
    """The deadline a list row shows: the oldest overdue one, else the next pending obligation."""
    overdue = overdue_deadlines(case, as_of)
    if overdue:
        return overdue[0]
    relevant = set(_module(case.action).overdue_deadlines(case))
    pending = [d for d in case.deadlines.values() if d.met_on is None and d.name in relevant]
    return min(pending, key=lambda d: (d.due_on, d.name), default=None)


def next_followup(case: CaseSnapshot) -> FollowUp | None:
    planned = [f for f in case.followups.values() if f.done_on is None]
    return min(planned, key=lambda f: (f.due_on, f.key), default=None)


def worst_state(cases: Iterable[CaseSnapshot], as_of: date) -> StateInfo | None:
    """The most severe display state among an enterprise's cases (for map colours)."""
    infos = [display_info(c, as_of) for c in cases]
    return max(infos, key=lambda i: i.severity, default=None)


def worst_severity(cases: Iterable[CaseSnapshot], as_of: date) -> int | None:
    info = worst_state(cases, as_of)
    return info.severity if info else None


def surcharge_fen(case: CaseSnapshot, as_of: date, *, rules: Rules | None = None) -> int:
    """Accrued late-payment surcharge of a fine case in fen (0 for other actions)."""
    if case.action != "fine":
        return 0
    return fine.surcharge_fen(case, as_of, surcharge_bp(rules, case.township))


def surcharge_bp(rules: Rules | None, township: str | None) -> int:
    """The surcharge's rate per day in basis points (APL Art. 72: 3 %) where ``township`` is."""
    bp: int = (rules or Rules.default()).for_action("fine", township).surcharge_bp_per_day
    return bp


def surcharge_line(case: CaseSnapshot) -> fine.SurchargeLine | None:
    """A fine's surcharge as a stored straight line (workflow.fine.SurchargeLine); None for
    other actions and for fines that run none."""
    return fine.surcharge_line(case) if case.action == "fine" else None


# --- storage ---------------------------------------------------------------------------------


def cancelled_keys(facts: Mapping[str, Any] | None) -> frozenset[str]:
    """Keys of the follow-ups the engine withdrew (kept in the case's facts, never dropped)."""
    return frozenset((facts or {}).get("cancelled_followups", ()))


def snapshot_to_dict(case: CaseSnapshot) -> dict[str, Any]:
    """A JSON-ready form of a snapshot (dates as ISO strings)."""

    def d(x: date | None) -> str | None:
        return x.isoformat() if x else None

    return {
        "action": case.action,
        "state": case.state,
        "served_on": d(case.served_on),
        "township": case.township,
        "params": dict(case.params),
        "facts": dict(case.facts),
        "deadlines": [
            {
                "name": x.name,
                "due_on": d(x.due_on),
                "provisional": x.provisional,
                "met_on": d(x.met_on),
            }
            for x in case.deadlines.values()
        ],
        "followups": [
            {
                "key": f.key,
                "purpose": f.purpose,
                "earliest_on": d(f.earliest_on),
                "due_on": d(f.due_on),
                "unannounced": f.unannounced,
                "done_on": d(f.done_on),
                "visit_id": f.visit_id,
                "provisional": f.provisional,
                "note": f.note,
            }
            for f in case.followups.values()
        ],
    }


def snapshot_from_dict(data: Mapping[str, Any]) -> CaseSnapshot:
    def d(x: str | None) -> date | None:
        return date.fromisoformat(x) if x else None

    def day(x: str) -> date:  # a date every stored deadline and follow-up has
        return date.fromisoformat(x)

    return CaseSnapshot(
        action=data["action"],
        state=data["state"],
        served_on=date.fromisoformat(data["served_on"]),
        township=data.get("township"),
        params=dict(data.get("params", {})),
        facts=dict(data.get("facts", {})),
        deadlines={
            x["name"]: Deadline(
                x["name"], day(x["due_on"]), bool(x.get("provisional")), d(x.get("met_on"))
            )
            for x in data.get("deadlines", [])
        },
        followups={
            f["key"]: FollowUp(
                f["key"],
                f["purpose"],
                day(f["earliest_on"]),
                day(f["due_on"]),
                bool(f["unannounced"]),
                d(f.get("done_on")),
                f.get("visit_id"),
                bool(f.get("provisional")),
                f.get("note", ""),
            )
            for f in data.get("followups", [])
        },
    )
