"""control — permit supervision of lawful emitters (排污许可 and the "four gates").

active → released. Each gate (declaration, acceptance, monitoring, tax) is ok, missing or
expired; a gate not ok gets a deadline, and one still not ok past it opens a linked rectify case.
Periodic duties (permit renewal, monitoring reports, tax declaration) are deadlines that roll on
to the next period when met.
"""

from __future__ import annotations

import calendar as _stdcal
from datetime import date, timedelta
from typing import Any, Mapping

from .calendar import Calendar, add_months_plain
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
from .types import CaseSnapshot, Deadline, Event, InvalidEvent, Outcome

ACTION = "control"
EVENTS = (
    "gate",
    "gate_overdue",
    "report_monitoring",
    "declare_tax",
    "apply_permit_renewal",
    "renew_permit",
    "visit",
    "release",
    "reopen",
)
PARAMS = ("risk_class", "permit_expires", "gates")
GATES = ("declaration", "acceptance", "monitoring", "tax")
GATE_STATUSES = ("ok", "missing", "expired")


def open_case(served_on: date, params: Mapping[str, Any], ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    r.str("risk_class", required=True, choices=("A", "B", "C"))  # checked here, read by the draw
    expires = r.date("permit_expires")
    gates = {g: "ok" for g in GATES}
    given = params.get("gates") if isinstance(params, dict) else None
    if given is not None:
        if not isinstance(given, dict):
            r.fail("gates", f"must map {', '.join(GATES)} to one of {', '.join(GATE_STATUSES)}")
        else:
            for g, status in given.items():
                if g not in GATES:
                    r.fail(f"gates.{g}", f"unknown gate (known: {', '.join(GATES)})")
                elif status not in GATE_STATUSES:
                    r.fail(f"gates.{g}", f"must be one of {', '.join(GATE_STATUSES)}")
                else:
                    gates[g] = status
    r.done()
    stored = jsonable({**params, "gates": dict(gates)})
    change = Change(new_case(ACTION, "active", served_on, ctx, stored))
    change.facts["gates"] = gates
    for g, status in gates.items():
        if status != "ok":
            _set_gate_deadline(change, ctx, g, served_on)
    if expires is not None:
        _set_permit(change, ctx, expires)
    change.facts["monitoring_period_end"] = iso(
        _period_end(served_on, ctx.rules.monitoring_interval_months)
    )
    _set_monitoring(change, ctx)
    change.facts["tax_quarter_end"] = iso(_period_end(served_on, 3))
    _set_tax(change, ctx)
    change.facts["routine_count"] = 0
    _schedule_routine(change, ctx, served_on)
    return change.outcome()


def _period_end(d: date, months: int) -> date:
    """Last day of the calendar period of ``months`` months containing d (quarters for 3)."""
    last_month = ((d.month - 1) // months + 1) * months
    return date(d.year, last_month, _stdcal.monthrange(d.year, last_month)[1])


def _next_period_end(end: date, months: int) -> date:
    nxt = add_months_plain(end.replace(day=1), months)
    return date(nxt.year, nxt.month, _stdcal.monthrange(nxt.year, nxt.month)[1])


def _set_gate_deadline(change: Change, ctx: Ctx, gate: str, since: date) -> None:
    change.set_deadline(
        deadline(f"gate_{gate}_by", ctx.calendar.add_days_rolled(since, ctx.rules.gate_fix_days))
    )


def _set_permit(change: Change, ctx: Ctx, expires: date) -> None:
    # Regulation on Pollutant Discharge Permits Art. 14: apply for renewal 60 days before expiry.
    # A date counted backwards is not rolled: rolling forward would leave less than 60 days.
    change.facts["permit_expires"] = iso(expires)
    change.set_deadline(
        Deadline(
            "permit_renewal_by", expires - timedelta(days=ctx.rules.permit_renewal_days_before)
        )
    )


def _set_monitoring(change: Change, ctx: Ctx) -> None:
    end = date.fromisoformat(change.facts["monitoring_period_end"])
    change.set_deadline(
        deadline(
            "monitoring_report_by",
            ctx.calendar.add_days_rolled(end, ctx.rules.monitoring_report_days),
        )
    )


def _set_tax(change: Change, ctx: Ctx) -> None:
    # Environmental Protection Tax Law Art. 18: declared within 15 days after each quarter ends.
    end = date.fromisoformat(change.facts["tax_quarter_end"])
    change.set_deadline(
        deadline("tax_declare_by", tax_period_end(ctx.calendar, end, ctx.rules.tax_declare_days))
    )


def tax_period_end(cal: Calendar, end: date, days: int) -> tuple[date, bool]:
    """The last day of a tax period of ``days`` days after ``end`` (Tax Collection Law Implementing
    Rules Art. 109): a period holding 3 or more consecutive statutory rest days is extended by
    their number; a last day that is a rest day moves to the day after the rest ends."""
    last = end + timedelta(days=days)
    prov = False
    extra, run = 0, 0
    day = end + DAY
    while day <= last:
        rest = not cal.is_working_day(day)
        prov |= not cal.is_official(day.year)
        run = run + 1 if rest else 0
        if run == 3:
            extra += 3  # the run now counts: its first three days at once
        elif run > 3:
            extra += 1
        day += DAY
    rolled, p = cal.next_working_day(last + timedelta(days=extra))
    return rolled, prov or p


def _schedule_routine(change: Change, ctx: Ctx, after: date) -> None:
    risk = change.case.params["risk_class"]
    months = ctx.rules.inspection_months[risk]
    n = int(change.facts.get("routine_count", 0)) + 1
    change.facts["routine_count"] = n
    change.add_followup(
        plan_followup(
            ctx,
            f"routine_{n}",
            "routine",
            after + DAY,
            add_months_plain(after, months),
            unannounced=ctx.rules.routine_unannounced,
            note=f"routine random inspection (双随机), risk class {risk}: every {months} months",
        )
    )


def _gate_overdue_candidates(case: CaseSnapshot) -> list[tuple[str, Deadline]]:
    out = []
    escalated = case.facts.get("gate_escalated", {})
    for g in GATES:
        d = case.deadlines.get(f"gate_{g}_by")
        if d is not None and d.met_on is None and escalated.get(g) != iso(d.due_on):
            out.append((g, d))
    return out


def allowed(case: CaseSnapshot) -> list[str]:
    if case.state == "released":
        return ["reopen"]
    events = ["gate"]
    if _gate_overdue_candidates(case):
        events.append("gate_overdue")
    events += ["report_monitoring", "declare_tax"]
    renewal = case.deadlines.get("permit_renewal_by")
    if renewal is not None and renewal.met_on is None:
        events.append("apply_permit_renewal")
    events.append("renew_permit")
    if any(f.done_on is None for f in case.followups.values()):
        events.append("visit")
    events.append("release")
    return events


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    return tuple(case.deadlines) if case.state == "active" else ()


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    if case.state != "active":
        return []
    last = case.facts.get("last_event_on")
    out = []
    for g, d in _gate_overdue_candidates(case):
        if as_of > d.due_on:
            on = max(d.due_on + DAY, date.fromisoformat(last)) if last else d.due_on + DAY
            out.append(Event("gate_overdue", on, {"gate": g}))
    return out


def apply(case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome:
    change = Change(case, event)
    on, t = event.on, event.type
    if t == "gate":
        r = Reader(event.data)
        g = r.str("gate", required=True, choices=GATES)
        status = r.str("status", required=True, choices=GATE_STATUSES)
        r.done()
        assert g is not None and status is not None  # required: done() raised otherwise
        current = case.facts["gates"].get(g)
        if current == status:
            return Outcome(case)  # repeating the known status changes nothing (and keeps the clock)
        change.facts["gates"] = {**case.facts["gates"], g: status}
        name = f"gate_{g}_by"
        if status == "ok":
            change.meet(name, on)
        elif change.pending(name) is None:
            # A gate newly found not ok: its fix deadline starts today. missing ↔ expired keeps it.
            _set_gate_deadline(change, ctx, g, on)
    elif t == "gate_overdue":
        r = Reader(event.data)
        g = r.str("gate", required=True, choices=GATES)
        r.done()
        assert g is not None  # required: done() raised otherwise
        candidates = dict(_gate_overdue_candidates(case))
        if g not in candidates:
            raise InvalidEvent({"gate": f"gate {g} has no open fix deadline left to escalate"})
        due = candidates[g].due_on
        if on <= due:
            raise InvalidEvent({"on": f"the {g} gate may be fixed until {due.isoformat()}"})
        change.facts["gate_escalated"] = {**case.facts.get("gate_escalated", {}), g: iso(due)}
        change.escalate("rectify", "gate_overdue", on, {"gate": g})
    elif t == "report_monitoring":
        done = _periodic(
            change, event, "monitoring_period_end", "monitoring_reports", "monitoring_report_by"
        )
        if done is None:
            return Outcome(case)
        change.facts["monitoring_period_end"] = iso(
            _next_period_end(done, ctx.rules.monitoring_interval_months)
        )
        _set_monitoring(change, ctx)
    elif t == "declare_tax":
        done = _periodic(change, event, "tax_quarter_end", "tax_declarations", "tax_declare_by")
        if done is None:
            return Outcome(case)
        change.facts["tax_quarter_end"] = iso(_next_period_end(done, 3))
        _set_tax(change, ctx)
    elif t == "apply_permit_renewal":
        change.meet("permit_renewal_by", on)
        change.facts["permit_renewal_applied_on"] = iso(on)
    elif t == "renew_permit":
        r = Reader(event.data)
        expires = r.date("permit_expires", required=True)
        r.done()
        assert expires is not None  # required: done() raised otherwise
        if iso(expires) == case.facts.get("permit_expires"):
            return Outcome(case)  # this permit is already on record
        change.meet("permit_renewal_by", on)
        if "permit_expires" in case.facts:
            change.facts["permits"] = [
                *case.facts.get("permits", []),
                {"expires": case.facts["permit_expires"], "replaced_on": iso(on)},
            ]
        _set_permit(change, ctx, expires)
    elif t == "visit":
        target = visit_target(change, event)
        if target is None:
            return Outcome(case)
        followup, visit_id = target
        change.complete(followup.key, on, visit_id)
        _schedule_routine(change, ctx, on)
    elif t == "release":
        change.state = "released"
        change.facts["released_on"] = iso(on)
        change.cancel_planned("released from control", on)
    elif t == "reopen":
        change.state = "active"
        change.facts["reopened"] = [*case.facts.get("reopened", []), iso(on)]
        _schedule_routine(change, ctx, on)
    return change.outcome()


def _periodic(
    change: Change, event: Event, period_key: str, log_key: str, deadline_name: str
) -> date | None:
    """Record a periodic report for the current period; None when it repeats the last one."""
    r = Reader(event.data)
    named = r.date("period_end")
    r.done()
    current = date.fromisoformat(change.facts[period_key])
    log = change.facts.get(log_key, [])
    if named is not None and any(e["period_end"] == iso(named) for e in log):
        return None
    if named is not None and named != current:
        raise InvalidEvent(
            {"period_end": f"the report due now is for the period ending {current.isoformat()}"}
        )
    if named is None and log and log[-1]["on"] == iso(event.on):
        return None  # the same report recorded twice on one day
    due = change.deadlines[deadline_name].due_on
    change.facts[log_key] = [
        *log,
        {"period_end": iso(current), "due_on": iso(due), "on": iso(event.on)},
    ]
    change.meet(deadline_name, event.on)
    return current
