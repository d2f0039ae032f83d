"""close — ban and dismantle (取缔 / 关停).

ordered → executed ("two cuts, three clears") → verified → monitoring → closed; a site found
operating again is ``rebounded`` and a new close case and a fine case are opened.
"""
from __future__ import annotations

from datetime import date

from .calendar import add_months_plain
from .casework import DAY, Change, Ctx, Reader, deadline, iso, jsonable, new_case, plan_followup, verify_data, visit_target
from .types import CaseSnapshot, Event, InvalidEvent, Outcome

ACTION = "close"
EVENTS = ("execute", "verify", "visit", "rebound", "close", "reopen")
PARAMS = ("illegal_discharge",)
# 两断三清: water and power cut; raw materials, equipment and products cleared.
CHECKLIST = ("water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared")

_ALLOWED = {
    "ordered": ["execute"],
    "executed": ["verify"],
    "verified": ["visit", "rebound"],
    "monitoring": ["visit", "rebound", "close"],
    "closed": ["reopen"],
    "rebounded": [],
}


def open_case(served_on: date, params, ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    r.bool("illegal_discharge")
    r.done()
    change = Change(new_case(ACTION, "ordered", served_on, ctx, jsonable(params)))
    change.set_deadline(deadline("execute_by", ctx.calendar.add_days_rolled(served_on, ctx.rules.execute_days)))
    return change.outcome()


def allowed(case: CaseSnapshot) -> list[str]:
    events = list(_ALLOWED[case.state])
    planned = [f for f in case.followups.values() if f.done_on is None and f.key.startswith("rebound_")]
    if "visit" in events and not planned:
        events.remove("visit")
    if "close" in events and planned:
        events.remove("close")  # anti-rebound checks still planned: they close the case themselves
    return events


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    return {"ordered": ("execute_by",), "executed": ("verify_by",)}.get(case.state, ())


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    return []


def apply(case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome:
    change = Change(case, event)
    on, t = event.on, event.type
    if t == "execute":
        _execute(change, event, ctx)
    elif t == "verify":
        _verify(change, event, ctx)
    elif t == "visit":
        target = visit_target(change, event, purposes=("follow_up",))
        if target is None:
            return Outcome(case)
        followup, visit_id = target
        r = Reader(event.data)
        running = r.bool("running", required=True)
        r.done()
        change.complete(followup.key, on, visit_id)
        if running:
            _rebound(change, on, visit_id)
        else:
            change.state = "monitoring"
            if not change.planned_keys("rebound_"):
                change.state = "closed"
                change.facts["closed_on"] = iso(on)
    elif t == "rebound":
        r = Reader(event.data)
        visit_id = r.int("visit_id")
        r.done()
        _rebound(change, on, visit_id)
    elif t == "close":
        change.state = "closed"
        change.facts["closed_on"] = iso(on)
    elif t == "reopen":
        change.state = "monitoring"
        change.facts["reopened"] = [*case.facts.get("reopened", []), iso(on)]
    return change.outcome()


def _execute(change: Change, event: Event, ctx: Ctx) -> None:
    checklist = event.data.get("checklist")
    if not isinstance(checklist, dict):
        raise InvalidEvent({"checklist": f"is required: an object with {', '.join(CHECKLIST)} all true"})
    missing = {f"checklist.{item}": "must be done (true) before execution is recorded"
               for item in CHECKLIST if checklist.get(item) is not True}
    if missing:
        raise InvalidEvent(missing)
    on = event.on
    change.state = "executed"
    change.facts["executed_on"] = iso(on)
    change.meet("execute_by", on)
    verify_by = ctx.calendar.add_working_days(on, ctx.rules.verify_working_days)
    change.set_deadline(deadline("verify_by", verify_by))
    attempt = len(change.facts.get("failed_verifications", []))
    key = "verify" if attempt == 0 else f"verify_{attempt + 1}"
    change.facts["verify_followup"] = key
    change.add_followup(
        plan_followup(
            ctx, key, "verification", on + DAY, verify_by, unannounced=True,
            note=f"verify the closure within {ctx.rules.verify_working_days} working days after execution",
        )
    )


def _verify(change: Change, event: Event, ctx: Ctx) -> None:
    compliant, visit_id = verify_data(event)
    on = event.on
    change.meet("verify_by", on)
    key = change.facts.get("verify_followup")
    if key in change.followups and change.followups[key].done_on is None:
        change.complete(key, on, visit_id)
    if not compliant:
        # Execution found incomplete: the order is not executed yet, execute_by counts again.
        change.state = "ordered"
        change.unmeet("execute_by")
        change.facts["failed_verifications"] = [
            *change.facts.get("failed_verifications", []), {"on": iso(on), "visit_id": visit_id}
        ]
        return
    change.state = "verified"
    change.facts["verified_on"] = iso(on)
    previous = 0
    for months in ctx.rules.anti_rebound_months:
        change.add_followup(
            plan_followup(
                ctx, f"rebound_{months}m", "follow_up",
                add_months_plain(on, previous) + DAY, add_months_plain(on, months), unannounced=True,
                note=f"unannounced anti-rebound check {months} month(s) after verification",
            )
        )
        previous = months


def _rebound(change: Change, on: date, visit_id: int | None) -> None:
    change.state = "rebounded"
    change.facts["rebounded_on"] = iso(on)
    if visit_id is not None:
        change.facts["rebound_visit_id"] = visit_id
    change.cancel_planned("rebounded: a new close case takes over", on, "rebound_")
    change.escalate("close", "rebound", on, {})
    change.escalate("fine", "rebound", on, {})
