"""stop — limit production (限制生产) or stop production for rectification (停产整治).

Source: Measures on Limiting and Stopping Production (MEP Order No. 30, 2014), second edition of
this workflow (issue #15). Two measures, a sub-kind in ``params["measure"]``:

- ``limit`` 限制生产: at most 3 months from service, extended once by at most 3 months with the
  bureau head's approval (Art. 14).
- ``stop`` 停产整治: no fixed length; it runs from service until lifted (Art. 14).

ordered → plan_filed → rectifying → lifted. Both are lifted on the day the firm files (备案) its
completion report with the public-disclosure record (Art. 17); the bureau then checks by
``verify_by`` and may reopen. Production found running, or (local campaign rule) a 限制生产 period
ending unrectified, only *proposes* closure (``closure_proposed``); the closure needs the approval
of the people's government (EPL Art. 60; Order No. 30 Art. 18), recorded by ``approve_close``
before the linked close case is served.

Cases opened under the first edition carry ``first_edition``: their 3-month ``period_end`` and
``extend``/``expire`` events are kept so that their stored history replays unchanged.
"""

from __future__ import annotations

from dataclasses import replace
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
    verify_data,
    visit_target,
)
from .types import CaseSnapshot, Event, FollowUp, ForbiddenByLaw, InvalidEvent, Outcome

ACTION = "stop"
EVENTS = (
    "file_plan",
    "accept_plan",
    "extend",
    "report_completed",
    "verify",
    "visit",
    "expire",
    "approve_close",
    "decline_close",
    "hearing",
)
# approved_by: the bureau head who approved the order before it was served (Order No. 30 Art. 10);
# measure: limit (限制生产) or stop (停产整治); first_edition: set by the migration on older cases.
PARAMS = ("illegal_discharge", "approved_by", "measure", "first_edition")
MEASURES = ("limit", "stop")
IN_PERIOD = ("ordered", "plan_filed", "rectifying")
ART_PERIOD = "MEP Order No. 30 (2014) Art. 14"
ART_CLOSE = "EPL Art. 60; MEP Order No. 30 (2014) Art. 18"
LEGACY_END = "first_edition_period_end"

_ALLOWED = {
    "ordered": ["file_plan", "extend", "visit", "expire", "hearing"],
    "plan_filed": ["accept_plan", "report_completed", "extend", "visit", "expire", "hearing"],
    "rectifying": ["report_completed", "extend", "visit", "expire", "hearing"],
    "lifted": ["verify", "visit"],
    "closure_proposed": ["approve_close", "decline_close", "report_completed", "visit"],
    "escalated": [],
}


def measure(case: CaseSnapshot) -> str:
    return case.params.get("measure") or "stop"


def _has_period(case: CaseSnapshot) -> bool:
    """限制生产 has a period; 停产整治 runs until lifted, except first-edition history."""
    return measure(case) == "limit" or bool(case.params.get("first_edition"))


def open_case(served_on: date, params: Mapping[str, Any], ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    illegal = r.bool("illegal_discharge", default=False)
    kind = r.str("measure", choices=MEASURES) or "stop"
    # The head's approval before service (Order No. 30 Art. 10). Required for 限制生产; for
    # 停产整治 the API keeps it optional for first-edition clients (the serve form requires it).
    r.str("approved_by", required=kind == "limit")
    first = r.bool("first_edition", default=False)
    r.done()
    stored = {**params, "illegal_discharge": illegal, "measure": kind}
    if not first:
        stored.pop("first_edition", None)
    change = Change(new_case(ACTION, "ordered", served_on, ctx, jsonable(stored)))
    cal, rules = ctx.calendar, ctx.rules
    # Order No. 30 Art. 15: the rectification plan is filed within 15 working days of service.
    change.set_deadline(
        deadline("plan_due", cal.add_working_days(served_on, rules.plan_due_working_days))
    )
    if kind == "limit":
        # Art. 14: 限制生产 lasts at most 3 months (calendar months from service, rolled).
        change.set_deadline(deadline("period_end", cal.add_months(served_on, rules.period_months)))
    elif first:
        # First-edition history only: the 3-month period it had is kept as a fact (for its
        # extend/expire events to replay), not as a deadline: 停产整治 has none (Art. 14).
        change.facts[LEGACY_END] = iso(cal.add_months(served_on, rules.period_months)[0])
    # An unannounced check that production has really stopped, within 7 days of service.
    change.add_followup(
        plan_followup(
            ctx,
            "stop_check_1",
            "follow_up",
            served_on + DAY,
            served_on + timedelta(days=rules.first_check_days),
            unannounced=True,
            note=f"unannounced check that production stopped, within {rules.first_check_days} days of service",
        )
    )
    change.facts["check_count"] = 1
    return change.outcome()


def allowed(case: CaseSnapshot) -> list[str]:
    events = list(_ALLOWED[case.state])
    if not _has_period(case):
        events = [e for e in events if e not in ("extend", "expire")]
    if "extend" in events and "extension" in case.facts:
        events.remove("extend")  # one extension only (Order No. 30 Art. 14)
    if "visit" in events and not _visitable(case):
        events.remove("visit")
    if case.state == "lifted" and "verify" in events:
        v = case.deadlines.get("verify_by")
        if v is None or v.met_on is not None:
            events.remove("verify")
    return events


def forbidden(case: CaseSnapshot, event: Event, ctx: Ctx, allowed_now: list[str]) -> None:
    """Events the law forbids, refused with their article (409, kept for a reviewer)."""
    hearing.check(event, allowed_now)
    if event.type != "extend" or case.state not in IN_PERIOD:
        return
    if not _has_period(case):
        raise ForbiddenByLaw(
            "停产整治 runs until it is lifted; it has no period to extend",
            allowed_now,
            article=ART_PERIOD,
        )
    if "extension" in case.facts:
        raise ForbiddenByLaw("限制生产 may be extended once only", allowed_now, article=ART_PERIOD)
    months = event.data.get("months")
    if (
        isinstance(months, int)
        and not isinstance(months, bool)
        and months > ctx.rules.max_extension_months
    ):
        raise ForbiddenByLaw(
            f"the extension of 限制生产 may not exceed {ctx.rules.max_extension_months} months",
            allowed_now,
            article=ART_PERIOD,
        )


def _visitable(case: CaseSnapshot) -> bool:
    return any(f.done_on is None and f.purpose != "verification" for f in case.followups.values())


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    if case.state in IN_PERIOD:
        return ("plan_due", "period_end")  # only 限制生产 has a period_end
    if case.state == "lifted":
        return ("verify_by",)
    return ()


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    # Only 限制生产 has a period that can run out, and only the local rule proposes anything then.
    # First-edition cases no longer escalate by themselves: no national ground (issue #15).
    if measure(case) != "limit" or not ctx.rules.propose_close_on_expiry:
        return []
    end = case.deadlines.get("period_end")
    if end is not None and case.state in IN_PERIOD and as_of > end.due_on and end.met_on is None:
        last = case.facts.get("last_event_on")
        on = max(end.due_on + DAY, date.fromisoformat(last)) if last else end.due_on + DAY
        return [Event("expire", on)]
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
        end = _period_end(case)
        if on <= end:
            raise InvalidEvent({"on": f"the period runs until {end.isoformat()}"})
        if case.params.get("first_edition") and measure(case) == "stop":
            # First-edition history: the period ran out and the case escalated then; replayed as it was.
            _escalate(change, "period_expired", on, {})
        else:
            # Local campaign rule (WORKFLOWS.md): a firm that fails to rectify within the period is
            # proposed for closure; the closure itself needs the government's approval (EPL Art. 60).
            _propose_close(change, "period_expired", on, local_rule=True)
    elif t == "approve_close":
        _approve_close(change, event)
    elif t == "decline_close":
        r = Reader(event.data)
        note = r.str("note")
        r.done()
        proposal = dict(change.facts.pop("closure_proposal"))
        change.state = proposal.get("from", "rectifying")
        change.facts["declined_closures"] = [
            *change.facts.get("declined_closures", []),
            {**proposal, "declined_on": iso(on), "note": note},
        ]
        if change.state in IN_PERIOD:
            _schedule_next_check(change, ctx, on)
    elif t == "hearing":
        hearing.record_hearing(change, event)
    return change.outcome()


def _period_end(case: CaseSnapshot | Change) -> date:
    if "period_end" in case.deadlines:
        return case.deadlines["period_end"].due_on
    return date.fromisoformat(case.facts[LEGACY_END])


def _propose_close(change: Change, reason: str, on: date, *, local_rule: bool) -> None:
    """Closure proposed, never ordered: the people's government decides (EPL Art. 60)."""
    change.facts["closure_proposal"] = {
        "reason": reason,
        "on": iso(on),
        "from": change.state,
        "local_rule": local_rule,
    }
    change.state = "closure_proposed"


def _approve_close(change: Change, event: Event) -> None:
    # EPL Art. 60; Order No. 30 Art. 18: the bureau reports to the people's government with the
    # power to approve; its approval (who, when) is recorded before the close case is served.
    r = Reader(event.data)
    approved_by = r.str("approved_by", required=True)
    approved_on = r.date("approved_on") or event.on
    if approved_on is not None and approved_on > event.on:
        r.fail("approved_on", "the approval must come before the closure order is served")
    r.done()
    # Allowed only in closure_proposed, which _propose_close enters with its reason (as decline_close).
    reason = change.facts["closure_proposal"]["reason"]
    approval = {"approved_by": approved_by, "approved_on": iso(approved_on)}
    change.facts["government_approval"] = approval
    _escalate(
        change,
        reason,
        event.on,
        {
            "government_approved_by": approved_by,
            "government_approved_on": iso(approved_on),
            "resumed_production": reason == "production_running",
        },
    )


def _escalate(change: Change, reason: str, on: date, params: Mapping[str, Any]) -> None:
    change.state = "escalated"
    change.facts["escalated_on"] = iso(on)
    change.cancel_planned(f"escalated: {reason}", on)
    change.escalate("close", reason, on, params)


def _schedule_next_check(change: Change, ctx: Ctx, after: date) -> None:
    """The next periodic check, 30 days after the last one (within the period, if it has one)."""
    if change.planned_keys("stop_check_"):
        return
    natural = after + timedelta(days=ctx.rules.check_interval_days)
    end = change.deadlines.get("period_end")
    if end is not None and natural > end.due_on:
        return
    n = int(change.facts.get("check_count", 0)) + 1
    change.facts["check_count"] = n
    change.add_followup(
        plan_followup(
            ctx,
            f"stop_check_{n}",
            "follow_up",
            after + DAY,
            natural,
            unannounced=True,
            note=f"periodic check every {ctx.rules.check_interval_days} days while the measure runs",
        )
    )


def _last_check_on(change: Change) -> date:
    done = [
        f.done_on for k, f in change.followups.items() if k.startswith("stop_check_") and f.done_on
    ]
    return max(done, default=change.case.served_on)


def _extend(change: Change, event: Event, ctx: Ctx) -> None:
    # Order No. 30 Art. 14: once, by at most 3 months, with the bureau head's approval.
    r = Reader(event.data)
    months = r.int("months", required=True, minimum=1)
    approved_by = r.str("approved_by", required=True)
    end = _period_end(change)
    if event.on > end:
        r.fail("on", f"the period already ended on {end.isoformat()}")
    r.done()
    change.facts["extension"] = {"months": months, "approved_by": approved_by, "on": iso(event.on)}
    total = ctx.rules.period_months + months
    # Counted from service over the whole period, then rolled: the extension adds months to the
    # period, not to a rolled end date.
    counted = ctx.calendar.add_months(change.case.served_on, total)
    if LEGACY_END in change.facts:
        change.facts[LEGACY_END] = iso(counted[0])
    else:
        change.set_deadline(deadline("period_end", counted))
    if change.state in IN_PERIOD:
        _schedule_next_check(change, ctx, _last_check_on(change))


def _report_completed(change: Change, event: Event, ctx: Ctx) -> None:
    # Order No. 30 Art. 17: the firm files (备案) the completion report with its public-disclosure
    # record and monitoring data; the measure is lifted from the day of that filing. The bureau
    # checks afterwards (verify_by = 15 working days after the filing, WORKFLOWS.md).
    r = Reader(event.data)
    disclosure = r.str("disclosure_ref")
    monitoring = r.str("monitoring_ref")
    r.done()
    on = event.on
    change.facts.pop("closure_proposal", None)
    change.state = "lifted"
    change.facts["completed_on"] = iso(on)
    change.facts["lifted_on"] = iso(on)
    if disclosure:
        change.facts["disclosure_ref"] = disclosure
    if monitoring:
        change.facts["monitoring_ref"] = monitoring
    change.meet("period_end", on)
    verify_by = ctx.calendar.add_working_days(on, ctx.rules.verify_working_days)
    change.set_deadline(deadline("verify_by", verify_by))
    visit = plan_followup(
        ctx,
        "verify",
        "verification",
        on + DAY,
        verify_by,
        unannounced=True,
        note="check after the completion filing, before verify_by",
    )
    planned = change.planned_keys("stop_check_")
    if planned:
        # The pending periodic check becomes the verification visit (same key, same assignee).
        key = planned[0]
        change.reschedule(key, replace(visit, note=f"{visit.note} (was periodic check {key})"))
        for other in planned[1:]:
            change.cancel_planned("completion filed", on, other)
    else:
        key = (
            "verify"
            if "verify" not in change.followups
            else f"verify_{len(change.facts.get('rejected_completions', [])) + 1}"
        )
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
        change.facts["verified_on"] = iso(on)
        change.facts.setdefault("lifted_on", change.facts.get("completed_on") or iso(on))
        days = ctx.rules.post_resumption_days
        change.add_followup(
            plan_followup(
                ctx,
                "post_resumption",
                "follow_up",
                on + DAY,
                on + timedelta(days=days),
                unannounced=True,
                note=f"check {days} days after production resumed",
            )
        )
        return
    # The check finds the rectification not done: the measure is reopened (the filing is rejected).
    change.facts["rejected_completions"] = [
        *change.facts.get("rejected_completions", []),
        {"on": iso(on), "visit_id": visit_id, "reported_on": change.facts.get("completed_on")},
    ]
    change.facts.pop("completed_on", None)
    change.facts.pop("lifted_on", None)
    change.unmeet("period_end")
    change.state = "rectifying"
    _schedule_next_check(change, ctx, on)


def _visit(change: Change, event: Event, ctx: Ctx, followup: FollowUp, visit_id: int) -> None:
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
        # Production against the order (Order No. 30 Art. 18(2)): closure is proposed to the
        # people's government, never ordered by the bureau alone (EPL Art. 60).
        change.facts["production_running_on"] = iso(on)
        if change.state != "closure_proposed":
            _propose_close(change, "production_running", on, local_rule=False)
        return
    if change.state in IN_PERIOD:
        _schedule_next_check(change, ctx, on)
