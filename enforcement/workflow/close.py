"""close — ban and dismantle (取缔 / 关停).

ordered → executed ("two cuts, three clears") → verified → monitoring → closed; a site found
operating again is ``rebounded`` and a new close case and a fine case are opened.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from .calendar import add_months_plain
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
    verify_data,
    visit_target,
)
from .types import CaseSnapshot, Event, ForbiddenByLaw, InvalidEvent, Outcome

ACTION = "close"
EVENTS = ("execute", "verify", "visit", "rebound", "close", "reopen", "hearing")
# A closure for a firm that resumed production under a stop order needs the approval of the
# people's government (EPL Art. 60; MEP Order No. 30 Art. 18): who approved and when, on or
# before service.
PARAMS = (
    "illegal_discharge",
    "resumed_production",
    "government_approved_by",
    "government_approved_on",
)
ART_NIGHT = "Administrative Compulsion Law Art. 43"
# 两断三清: water and power cut; raw materials, equipment and products cleared.
CHECKLIST = ("water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared")

_ALLOWED = {
    "ordered": ["execute", "hearing"],
    "executed": ["verify"],
    "verified": ["visit", "rebound"],
    "monitoring": ["visit", "rebound", "close"],
    "closed": ["reopen"],
    "rebounded": [],
}


def open_case(served_on: date, params: Mapping[str, Any], ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    r.bool("illegal_discharge")
    resumed = r.bool("resumed_production", default=False)
    by = r.str("government_approved_by", required=bool(resumed))
    approved_on = r.date("government_approved_on", required=resumed or by is not None)
    if approved_on is not None and approved_on > served_on:
        r.fail(
            "government_approved_on",
            "the government's approval must come before the order is served (EPL Art. 60)",
        )
    r.done()
    change = Change(new_case(ACTION, "ordered", served_on, ctx, jsonable(params)))
    change.set_deadline(
        deadline("execute_by", ctx.calendar.add_days_rolled(served_on, ctx.rules.execute_days))
    )
    return change.outcome()


def allowed(case: CaseSnapshot) -> list[str]:
    events = list(_ALLOWED[case.state])
    planned = [
        f for f in case.followups.values() if f.done_on is None and f.key.startswith("rebound_")
    ]
    if "visit" in events and not planned:
        events.remove("visit")
    if "close" in events and planned:
        events.remove("close")  # anti-rebound checks still planned: they close the case themselves
    return events


def forbidden(case: CaseSnapshot, event: Event, ctx: Ctx, allowed_now: list[str]) -> None:
    """Forced execution (cutting water and power, clearing equipment) may not happen on statutory
    holidays or at night unless urgent (Administrative Compulsion Law Art. 43)."""
    hearing.check(event, allowed_now)
    if event.type != "execute" or case.state != "ordered":
        return
    urgency = event.data.get("urgency")
    if isinstance(urgency, str) and urgency.strip():
        return
    if not ctx.calendar.is_working_day(event.on):
        # 法定节假日 read with the statutory rest days (weekends), as the NPC commentary does;
        # an officially adjusted working Saturday is a working day.
        raise ForbiddenByLaw(
            f"no forced execution on a holiday or rest day ({event.on.isoformat()}) without an urgency reason",
            allowed_now,
            article=ART_NIGHT,
        )
    hour = _hour(event.data.get("started_at"))
    if hour is not None and (
        hour >= ctx.rules.night_from_hour or hour < ctx.rules.night_until_hour
    ):
        raise ForbiddenByLaw(
            f"no forced execution at night ({ctx.rules.night_from_hour}:00-{ctx.rules.night_until_hour}:00) "
            "without an urgency reason",
            allowed_now,
            article=ART_NIGHT,
        )


def _hour(value: object) -> int | None:
    """The hour of ``started_at`` (HH:MM, or an ISO time or datetime); None when absent or unreadable
    (the reader then reports it)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if "T" in text:
        text = text.split("T", 1)[1]
    try:
        hour = int(text.split(":", 1)[0])
    except ValueError:
        return None
    return hour if 0 <= hour < 24 else None


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
        rebound_visit = r.int("visit_id")
        r.done()
        _rebound(change, on, rebound_visit)
    elif t == "close":
        change.state = "closed"
        change.facts["closed_on"] = iso(on)
    elif t == "hearing":
        hearing.record_hearing(change, event)
    elif t == "reopen":
        change.state = "monitoring"
        change.facts["reopened"] = [*case.facts.get("reopened", []), iso(on)]
    return change.outcome()


def _execute(change: Change, event: Event, ctx: Ctx) -> None:
    r = Reader(event.data)
    started_at = r.str("started_at")
    urgency = r.str("urgency")
    if started_at is not None and _hour(started_at) is None:
        r.fail("started_at", "must be a time HH:MM")
    if r.errors:
        r.done()
    if started_at:
        change.facts["executed_at"] = started_at
    if urgency:
        change.facts["execution_urgency"] = urgency  # ACL Art. 43: why it could not wait
    checklist = event.data.get("checklist")
    if not isinstance(checklist, dict):
        raise InvalidEvent(
            {"checklist": f"is required: an object with {', '.join(CHECKLIST)} all true"}
        )
    missing = {
        f"checklist.{item}": "must be done (true) before execution is recorded"
        for item in CHECKLIST
        if checklist.get(item) is not True
    }
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
            ctx,
            key,
            "verification",
            on + DAY,
            verify_by,
            unannounced=True,
            note=f"verify the closure within {ctx.rules.verify_working_days} working days after execution",
        )
    )


def _verify(change: Change, event: Event, ctx: Ctx) -> None:
    compliant, visit_id = verify_data(event)
    on = event.on
    change.meet("verify_by", on)
    # A case stored before the key was kept planned its one verification visit as "verify":
    # completed here too, or it would show as missed for ever.
    key = change.facts.get("verify_followup", "verify")
    if key in change.followups and change.followups[key].done_on is None:
        change.complete(key, on, visit_id)
    if not compliant:
        # Execution found incomplete: the order is not executed yet, execute_by counts again.
        change.state = "ordered"
        change.unmeet("execute_by")
        change.facts["failed_verifications"] = [
            *change.facts.get("failed_verifications", []),
            {"on": iso(on), "visit_id": visit_id},
        ]
        return
    change.state = "verified"
    change.facts["verified_on"] = iso(on)
    previous = 0
    for months in ctx.rules.anti_rebound_months:
        change.add_followup(
            plan_followup(
                ctx,
                f"rebound_{months}m",
                "follow_up",
                add_months_plain(on, previous) + DAY,
                add_months_plain(on, months),
                unannounced=True,
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
