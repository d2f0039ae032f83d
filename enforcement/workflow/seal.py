"""seal — seal-up and seizure of facilities and equipment (查封、扣押).

Sources: Environmental Protection Law Art. 25; Administrative Compulsion Law (ACL) Arts. 18, 24-28;
MEP Order No. 29 (2014), Measures on Seal-up and Seizure.

sealed → released (解除, ACL Art. 28) or handled (a handling decision, ACL Art. 27). The decision
lists the items (ACL Art. 24: 查封、扣押决定书和清单); it lasts at most 30 days, extendable once by
at most 30 days with the approval of the bureau's head (ACL Art. 25). Follow-ups check that the
seals are intact.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping

from . import hearing
from .casework import (
    DAY,
    Change,
    Ctx,
    Reader,
    deadline,
    iso,
    jsonable,
    new_case,
    plan_followup,
    visit_target,
)
from .types import CaseSnapshot, Event, ForbiddenByLaw, InvalidEvent, Outcome

ACTION = "seal"
EVENTS = ("extend", "visit", "release", "handle", "hearing")
# items: the list of what is sealed or seized (ACL Art. 24); approved_by: the head who approved
# the measure before it was taken (ACL Art. 18(1)); kind: seal (查封), seize (扣押) or both.
PARAMS = ("items", "approved_by", "kind", "illegal_discharge")
KINDS = ("seal", "seize", "both")
ART_PERIOD = "Administrative Compulsion Law Art. 25"

_ALLOWED = {
    "sealed": ["extend", "visit", "release", "handle", "hearing"],
    "released": [],
    "handled": [],
}


def _items(r: Reader) -> list[str] | None:
    items = r.data.get("items")
    if items is None:
        r.fail(
            "items",
            "is required: the list of facilities or equipment sealed or seized (ACL Art. 24)",
        )
        return None
    if isinstance(items, str):
        items = [line.strip() for line in items.splitlines()]
        items = [x for x in items if x]
    if (
        not isinstance(items, list)
        or not items
        or not all(isinstance(x, str) and x.strip() for x in items)
    ):
        r.fail("items", "must be a non-empty list of item descriptions (ACL Art. 24)")
        return None
    if len(items) > 200 or any(len(x) > 500 for x in items):
        r.fail("items", "at most 200 items of 500 characters")
        return None
    return [x.strip() for x in items]


def open_case(served_on: date, params: Mapping[str, Any], ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    items = _items(r)
    r.str("approved_by", required=True)
    kind = r.str("kind", choices=KINDS) or "seal"
    illegal = r.bool("illegal_discharge", default=False)
    r.done()
    change = Change(
        new_case(
            ACTION,
            "sealed",
            served_on,
            ctx,
            jsonable({**params, "items": items, "kind": kind, "illegal_discharge": illegal}),
        )
    )
    # ACL Art. 25: at most 30 days (calendar days, the period ends on the next working day when
    # its last day is a rest day). ACL Art. 69 makes only periods of up to 10 days working days.
    change.set_deadline(
        deadline("seal_end", ctx.calendar.add_days_rolled(served_on, ctx.rules.max_days))
    )
    _schedule_check(change, ctx, served_on)
    return change.outcome()


def allowed(case: CaseSnapshot) -> list[str]:
    events = list(_ALLOWED[case.state])
    if "extend" in events and "extension" in case.facts:
        events.remove("extend")  # once only (ACL Art. 25)
    if "visit" in events and not any(f.done_on is None for f in case.followups.values()):
        events.remove("visit")
    return events


def forbidden(case: CaseSnapshot, event: Event, ctx: Ctx, allowed_now: list[str]) -> None:
    hearing.check(event, allowed_now)
    if event.type != "extend" or case.state != "sealed":
        return
    if "extension" in case.facts:
        raise ForbiddenByLaw(
            "a seal-up or seizure may be extended once only", allowed_now, article=ART_PERIOD
        )
    days = event.data.get("days")
    if isinstance(days, int) and not isinstance(days, bool) and days > ctx.rules.max_extension_days:
        raise ForbiddenByLaw(
            f"the extension may not exceed {ctx.rules.max_extension_days} days",
            allowed_now,
            article=ART_PERIOD,
        )
    end = case.deadlines["seal_end"].due_on
    if event.on > end:
        raise ForbiddenByLaw(
            f"the seal-up ended on {end.isoformat()}; it can no longer be extended",
            allowed_now,
            article=ART_PERIOD,
        )


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    return ("seal_end",) if case.state == "sealed" else ()


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    # Nothing happens by itself: the bureau must release or decide (ACL Arts. 27, 28); a seal-up
    # past seal_end shows overdue until it does.
    return []


def apply(case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome:
    change = Change(case, event)
    on, t = event.on, event.type
    if t == "extend":
        r = Reader(event.data)
        days = r.int("days", required=True, minimum=1)
        approved_by = r.str("approved_by", required=True)
        r.done()
        change.facts["extension"] = {"days": days, "approved_by": approved_by, "on": iso(on)}
        # Counted from service over the whole period (30 + days), then rolled once.
        total = ctx.rules.max_days + days
        change.set_deadline(
            deadline("seal_end", ctx.calendar.add_days_rolled(case.served_on, total))
        )
        if not change.planned_keys("seal_check_"):
            _schedule_check(change, ctx, _last_check_on(change))
    elif t == "visit":
        target = visit_target(change, event)
        if target is None:
            return Outcome(case)
        followup, visit_id = target
        r = Reader(event.data)
        intact = r.bool("seals_intact", required=True)
        r.done()
        change.complete(followup.key, on, visit_id)
        if not intact:
            change.facts["seals_broken"] = [
                *change.facts.get("seals_broken", []),
                {"on": iso(on), "visit_id": visit_id},
            ]
        _schedule_check(change, ctx, on)
    elif t in ("release", "handle"):
        r = Reader(event.data)
        if t == "handle":
            decision = r.str("decision", required=True)
        else:
            reason = r.str("reason")
        r.done()
        change.meet("seal_end", on)
        if t == "release":
            # ACL Art. 28: released (facilities returned) when no longer needed or the period ends.
            change.state = "released"
            change.facts["released_on"] = iso(on)
            if reason:
                change.facts["release_reason"] = reason
        else:
            # ACL Art. 27: a handling decision within the period (e.g. confiscation by law).
            change.state = "handled"
            change.facts["handled_on"] = iso(on)
            change.facts["decision"] = decision
        change.cancel_planned(f"{change.state}", on, "seal_check_")
    elif t == "hearing":
        hearing.record_hearing(change, event)
    else:  # pragma: no cover - engine checks the type
        raise InvalidEvent({"type": t})
    return change.outcome()


def _last_check_on(change: Change) -> date:
    done = [
        f.done_on for k, f in change.followups.items() if k.startswith("seal_check_") and f.done_on
    ]
    return max(done, default=change.case.served_on)


def _schedule_check(change: Change, ctx: Ctx, after: date) -> None:
    """The next seal check, ``check_days`` after the last one, never past seal_end (the seals are
    checked while they stand)."""
    if change.planned_keys("seal_check_"):
        return
    end = change.deadlines["seal_end"].due_on
    natural = min(after + timedelta(days=ctx.rules.check_days), end)
    if natural <= after:
        return
    n = int(change.facts.get("check_count", 0)) + 1
    change.facts["check_count"] = n
    change.add_followup(
        plan_followup(
            ctx,
            f"seal_check_{n}",
            "follow_up",
            after + DAY,
            natural,
            unannounced=True,
            note="check that the seals are intact",
        )
    )
