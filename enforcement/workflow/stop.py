"""stop — limit or stop production for rectification (限制生产 / 停产整治).

Source: Measures on Limiting and Stopping Production (MEP Order No. 30, 2014).
ordered → plan_filed → rectifying → completed → lifted; a check finding production running, or
the period (with any extension) ending without completion, escalates to a close case.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from .casework import DAY, Change, Ctx, Reader, deadline, iso, jsonable, new_case, plan_followup, verify_data, visit_target
from .types import CaseSnapshot, Event, InvalidEvent, Outcome

ACTION = "stop"
EVENTS = ("file_plan", "accept_plan", "extend", "report_completed", "verify", "visit", "expire")
# approved_by: the bureau head who approved the order (MEP Order No. 30 requires the approval
# of the competent department's head before a stop order is served); recorded, not counted.
PARAMS = ("illegal_discharge", "approved_by")
IN_PERIOD = ("ordered", "plan_filed", "rectifying")

_ALLOWED = {
    "ordered": ["file_plan", "extend", "visit", "expire"],
    "plan_filed": ["accept_plan", "report_completed", "extend", "visit", "expire"],
    "rectifying": ["report_completed", "extend", "visit", "expire"],
    "completed": ["verify", "visit"],
    "lifted": ["visit"],
    "escalated": [],
}


def open_case(served_on: date, params, ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    illegal = r.bool("illegal_discharge", default=False)
    r.str("approved_by", required=False)
    r.done()
    change = Change(new_case(ACTION, "ordered", served_on, ctx, jsonable({**params, "illegal_discharge": illegal})))
    cal, rules = ctx.calendar, ctx.rules
    # MEP Order No. 30: the rectification plan is filed within 15 working days of service.
    change.set_deadline(deadline("plan_due", cal.add_working_days(served_on, rules.plan_due_working_days)))
    change.set_deadline(deadline("period_end", cal.add_months(served_on, rules.period_months)))
    # An unannounced check that production has really stopped, within 7 days of service.
    change.add_followup(
        plan_followup(
            ctx, "stop_check_1", "follow_up", served_on + DAY, served_on + timedelta(days=rules.first_check_days),
            unannounced=True, note=f"unannounced check that production stopped, within {rules.first_check_days} days of service",
        )
    )
    change.facts["check_count"] = 1
    return change.outcome()


def allowed(case: CaseSnapshot) -> list[str]:
    events = list(_ALLOWED[case.state])
    if "extend" in events and "extension" in case.facts:
        events.remove("extend")  # one extension only (MEP Order No. 30)
    if "visit" in events and not _visitable(case):
        events.remove("visit")
    return events


def _visitable(case: CaseSnapshot) -> bool:
    return any(f.done_on is None and f.purpose != "verification" for f in case.followups.values())


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    if case.state in (*IN_PERIOD, "completed"):
        return ("plan_due", "period_end", "verify_by")
    return ()


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    end = case.deadlines["period_end"]
    if case.state in IN_PERIOD and as_of > end.due_on:
        last = case.facts.get("last_event_on")
        on = max(end.due_on + DAY, date.fromisoformat(last)) if last else end.due_on + DAY
        return [Event("expire", on, {})]
    return []


def apply(case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome:
    change = Change(case, event)
    on = event.on
    t = event.type
    if t == "file_plan":
        change.state = "plan_filed"
        change.facts["plan_filed_on"] = iso(on)
        change.meet("plan_due", on)
    elif t == "accept_plan":
        # The plan is filed for the record (备案), not approved; accepting it marks the file complete
        # and the rectification under way.
        change.state = "rectifying"
        change.facts["plan_accepted_on"] = iso(on)
    elif t == "extend":
        _extend(change, event, ctx)
    elif t == "report_completed":
        _report_completed(change, event, ctx)
    elif t == "verify":
        _verify(change, event, ctx)
    elif t == "visit":
        target = visit_target(change, event, purposes=("follow_up",))
        if target is None:
            return Outcome(case)
        _visit(change, event, ctx, *target)
    elif t == "expire":
        end = case.deadlines["period_end"].due_on
        if on <= end:
            raise InvalidEvent({"on": f"the stop period runs until {end.isoformat()}"})
        _escalate(change, "period_expired", on)
    return change.outcome()


def _escalate(change: Change, reason: str, on: date) -> None:
    # Campaign rule (WORKFLOWS.md): a firm that fails to rectify within the period is closed.
    change.state = "escalated"
    change.facts["escalated_on"] = iso(on)
    change.cancel_planned(f"escalated: {reason}", on)
    change.escalate("close", reason, on, {})


def _schedule_next_check(change: Change, ctx: Ctx, after: date) -> None:
    """The next periodic check, 30 days after the last one, while it still falls in the period."""
    if change.planned_keys("stop_check_"):
        return
    natural = after + timedelta(days=ctx.rules.check_interval_days)
    if natural > change.deadlines["period_end"].due_on:
        return
    n = int(change.facts.get("check_count", 0)) + 1
    change.facts["check_count"] = n
    change.add_followup(
        plan_followup(
            ctx, f"stop_check_{n}", "follow_up", after + DAY, natural, unannounced=True,
            note=f"periodic check every {ctx.rules.check_interval_days} days during the stop period",
        )
    )


def _last_check_on(change: Change) -> date:
    done = [f.done_on for k, f in change.followups.items() if k.startswith("stop_check_") and f.done_on]
    return max(done, default=change.case.served_on)


def _extend(change: Change, event: Event, ctx: Ctx) -> None:
    r = Reader(event.data)
    months = r.int("months", required=True, minimum=1)
    approved_by = r.str("approved_by", required=True)
    if months is not None and months > ctx.rules.max_extension_months:
        r.fail("months", f"must not exceed {ctx.rules.max_extension_months} (MEP Order No. 30)")
    end = change.deadlines["period_end"].due_on
    if event.on > end:
        r.fail("on", f"the stop period already ended on {end.isoformat()}")
    r.done()
    change.facts["extension"] = {"months": months, "approved_by": approved_by, "on": iso(event.on)}
    total = ctx.rules.period_months + months
    # Counted from service over the whole period, then rolled: the extension adds months to the
    # period, not to a rolled end date.
    change.set_deadline(deadline("period_end", ctx.calendar.add_months(change.case.served_on, total)))
    if change.state in IN_PERIOD:
        _schedule_next_check(change, ctx, _last_check_on(change))


def _report_completed(change: Change, event: Event, ctx: Ctx) -> None:
    on = event.on
    end = change.deadlines["period_end"].due_on
    if on > end:
        raise InvalidEvent({"on": f"the stop period ended on {end.isoformat()}; record 'expire'"})
    change.state = "completed"
    change.facts["completed_on"] = iso(on)
    change.meet("period_end", on)
    verify_by = ctx.calendar.add_working_days(on, ctx.rules.verify_working_days)
    change.set_deadline(deadline("verify_by", verify_by))
    visit = plan_followup(
        ctx, "verify", "verification", on + DAY, verify_by, unannounced=True,
        note="verification of the completion report before verify_by",
    )
    planned = change.planned_keys("stop_check_")
    if planned:
        # The pending periodic check becomes the verification visit (same key, same assignee).
        key = planned[0]
        change.reschedule(key, replace(visit, note=f"{visit.note} (was periodic check {key})"))
        for other in planned[1:]:
            change.cancel_planned("completion reported", on, other)
    else:
        key = "verify" if "verify" not in change.followups else f"verify_{len(change.facts.get('rejected_completions', [])) + 1}"
        change.add_followup(replace(visit, key=key))
    change.facts["verify_followup"] = key


def _verify(change: Change, event: Event, ctx: Ctx) -> None:
    compliant, visit_id = verify_data(event)
    on = event.on
    change.meet("verify_by", on)
    key = change.facts.get("verify_followup")
    if key in change.followups and change.followups[key].done_on is None:
        change.complete(key, on, visit_id)
    if compliant:
        change.state = "lifted"
        change.facts["lifted_on"] = iso(on)
        days = ctx.rules.post_resumption_days
        change.add_followup(
            plan_followup(
                ctx, "post_resumption", "follow_up", on + DAY, on + timedelta(days=days), unannounced=True,
                note=f"check {days} days after production resumed",
            )
        )
        return
    change.facts["rejected_completions"] = [
        *change.facts.get("rejected_completions", []),
        {"on": iso(on), "visit_id": visit_id, "reported_on": change.facts.get("completed_on")},
    ]
    change.facts.pop("completed_on", None)
    change.unmeet("period_end")
    if on > change.deadlines["period_end"].due_on:
        _escalate(change, "period_expired", on)
        return
    change.state = "rectifying"
    _schedule_next_check(change, ctx, on)


def _visit(change: Change, event: Event, ctx: Ctx, followup, visit_id: int) -> None:
    on = event.on
    if followup.key == "post_resumption":
        r = Reader(event.data)
        compliant = r.bool("compliant")
        r.done()
        change.complete(followup.key, on, visit_id)
        if compliant is not None:
            change.facts["post_resumption_compliant"] = compliant
        return
    r = Reader(event.data)
    running = r.bool("production_running", required=True)
    r.done()
    change.complete(followup.key, on, visit_id)
    if running:
        change.facts["production_running_on"] = iso(on)
        _escalate(change, "production_running", on)
        return
    if change.state in IN_PERIOD:
        _schedule_next_check(change, ctx, on)
