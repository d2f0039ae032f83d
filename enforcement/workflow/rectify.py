"""rectify — order to correct within a deadline (责令改正 / 限期整改).

ordered → reported → verified → closed; a re-inspection that finds it not rectified after the
deadline escalates to a fine (and a stop when the violation is illegal discharge).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

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
)
from .types import CaseSnapshot, Event, FollowUp, InvalidEvent, Outcome

ACTION = "rectify"
EVENTS = ("report_rectified", "verify", "close", "reopen")
PARAMS = ("rectify_days", "illegal_discharge", "gate")

_ALLOWED = {
    "ordered": ["report_rectified", "verify"],
    "reported": ["verify"],
    "verified": ["close"],
    "closed": ["reopen"],
    "escalated": [],
}


def open_case(served_on: date, params: Mapping[str, Any], ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    days = r.int("rectify_days", default=ctx.rules.default_days)
    illegal = r.bool("illegal_discharge", default=False)
    r.str("gate")
    if days is not None and days not in ctx.rules.allowed_days:
        r.fail(
            "rectify_days",
            f"must be one of {', '.join(map(str, ctx.rules.allowed_days))} (0 = on the spot)",
        )
    r.done()
    assert days is not None  # the rules always give a default
    stored = jsonable({**params, "rectify_days": days, "illegal_discharge": illegal})
    change = Change(new_case(ACTION, "ordered", served_on, ctx, stored))
    if days == 0:
        # Corrected on the spot: the deadline is the visit day itself.
        due = (served_on, not ctx.calendar.has_official_data(served_on.year))
    else:
        # A calendar-day period; a last day on a holiday rolls to the next working day.
        due = ctx.calendar.add_days_rolled(served_on, days)
    change.set_deadline(deadline("rectify_by", due))
    change.add_followup(_reinspection(ctx, due[0]))
    return change.outcome()


def _reinspection(ctx: Ctx, after: date) -> FollowUp:
    return plan_followup(
        ctx,
        "reinspect",
        "verification",
        after + DAY,
        ctx.calendar.add_working_days(after, ctx.rules.reinspect_working_days),
        unannounced=True,
        note=f"unannounced re-inspection within {ctx.rules.reinspect_working_days} working days after {after.isoformat()}",
    )


def allowed(case: CaseSnapshot) -> list[str]:
    return list(_ALLOWED[case.state])


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    return ("rectify_by",) if case.state in ("ordered", "reported") else ()


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    return []  # overdue is derived; nothing happens by itself


def apply(case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome:
    change = Change(case, event)
    on = event.on
    if event.type == "report_rectified":
        change.state = "reported"
        change.facts["reported_on"] = iso(on)
        # The re-inspection is due 5 working days after the deadline, or after the report if that
        # comes first: an early report brings the visit forward.
        reinspect = case.followups.get("reinspect")
        if reinspect is not None and reinspect.done_on is None:
            earlier = _reinspection(ctx, on)
            if earlier.due_on < reinspect.due_on:
                change.reschedule("reinspect", earlier)
    elif event.type == "verify":
        _verify(change, event, ctx)
    elif event.type == "close":
        change.state = "closed"
        change.facts["closed_on"] = iso(on)
    elif event.type == "reopen":
        change.state = "verified"
        change.facts["reopened"] = [*case.facts.get("reopened", []), iso(on)]
    return change.outcome()


def _verify(change: Change, event: Event, ctx: Ctx) -> None:
    compliant, visit_id = verify_data(event)
    case, on = change.case, event.on
    rectify_by = case.deadlines["rectify_by"]
    reinspect = case.followups.get("reinspect")
    if compliant:
        change.state = "verified"
        change.facts["verified_on"] = iso(on)
        reported = case.facts.get("reported_on") if case.state == "reported" else None
        # The obligation was met when the enterprise fixed it; the visit confirms the report.
        change.meet("rectify_by", date.fromisoformat(reported) if reported else on)
        if reinspect is not None and reinspect.done_on is None:
            change.complete("reinspect", on, visit_id)
        return
    if on <= rectify_by.due_on:
        if case.state == "ordered":
            raise InvalidEvent(
                {
                    "compliant": f"the deadline {rectify_by.due_on.isoformat()} has not passed; "
                    "the enterprise cannot yet be found not to have rectified"
                }
            )
        # A report found false before the deadline: back to ordered, re-inspection after the deadline.
        change.state = "ordered"
        change.facts["rejected_reports"] = [
            *case.facts.get("rejected_reports", []),
            {"on": iso(on), "visit_id": visit_id},
        ]
        if reinspect is not None and reinspect.done_on is None:
            change.reschedule("reinspect", _reinspection(ctx, rectify_by.due_on))
        return
    change.state = "escalated"
    if reinspect is not None and reinspect.done_on is None:
        change.complete("reinspect", on, visit_id)
    illegal = bool(case.params.get("illegal_discharge"))
    # Not rectified at re-inspection: a penalty case follows (EPL Art. 59/60 and the campaign rule).
    change.escalate("fine", "not_rectified", on, {"illegal_discharge": illegal})
    if illegal:
        # Illegal discharge not corrected: limit or stop production (EPL Art. 60; MEP Order No. 30).
        change.escalate("stop", "not_rectified", on, {"illegal_discharge": True})
