"""fine — administrative penalty (罚款), Administrative Penalty Law 2021 (APL).

filed → notified → (hearing) → decided → paid → closed; after decided: reconsideration or
litigation (the penalty is not suspended, APL Art. 73) and enforcement_requested (court,
Administrative Compulsion Law Art. 53). Amounts are integer fen.
"""
from __future__ import annotations

from datetime import date, timedelta

from .casework import DAY, Change, Ctx, Reader, deadline, iso, jsonable, new_case, plan_followup, visit_target
from .types import CaseSnapshot, Deadline, Event, ImpossibleEvent, InvalidEvent, Outcome

ACTION = "fine"
EVENTS = (
    "notify", "request_hearing", "decide", "pay", "appeal", "appeal_decided",
    "request_enforcement", "publish", "visit", "close", "reopen",
)
PARAMS = ("amount_fen", "max_amount_fen", "maximum_penalty", "daily_penalty", "illegal_discharge", "parent_amount_fen")
APPEALS = ("reconsideration", "litigation")
# Windows the party may use; past them the deadline shows "overdue", meaning "lapsed".
WINDOWS = ("hearing_request_by", "reconsideration_by", "litigation_by")

_ALLOWED = {
    "filed": ["notify"],
    "notified": ["request_hearing", "decide"],
    "hearing": ["decide"],
    "decided": ["pay", "appeal", "request_enforcement"],
    "reconsideration": ["pay", "appeal_decided"],
    "litigation": ["pay", "appeal_decided"],
    "enforcement_requested": ["pay"],
    "paid": ["close"],
    "closed": ["reopen"],
}


def open_case(served_on: date, params, ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    amount = r.int("amount_fen", minimum=1)
    maximum = r.int("max_amount_fen", minimum=1)
    r.bool("maximum_penalty")
    daily = r.bool("daily_penalty", default=False)
    illegal = r.bool("illegal_discharge", default=False)
    r.int("parent_amount_fen", minimum=1)
    if amount is not None and maximum is not None and amount > maximum:
        r.fail("amount_fen", f"must not exceed max_amount_fen ({maximum})")
    if daily and not illegal:
        r.fail("daily_penalty", "applies only to illegal discharge (EPL Art. 59): set illegal_discharge")
    r.done()
    change = Change(new_case(ACTION, "filed", served_on, ctx, jsonable(params)))
    # APL Art. 60: decided within 90 days of filing (立案); served_on is the filing date.
    change.set_deadline(deadline("decide_by", ctx.calendar.add_days_rolled(served_on, ctx.rules.decide_days)))
    return change.outcome()


def allowed(case: CaseSnapshot) -> list[str]:
    events = list(_ALLOWED[case.state])
    if case.state in ("decided", "reconsideration", "litigation", "enforcement_requested", "paid") and any(
        f.done_on is None for f in case.followups.values()
    ):
        events.append("visit")
    if "close" in events and any(f.done_on is None for f in case.followups.values()):
        events.remove("close")  # the correction order's re-inspection is still due (MEP Order No. 31)
    publish = case.deadlines.get("publish_by")
    if publish is not None and publish.met_on is None:
        events.append("publish")
    return events


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    if case.state in ("filed", "notified", "hearing"):
        return ("decide_by",)
    if case.state == "decided":
        return ("pay_by",)
    return ()


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    return []  # unpaid is derived from pay_by; enforcement is a decision of the bureau


def apply(case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome:
    change = Change(case, event)
    on, t = event.on, event.type
    if t == "notify":
        change.state = "notified"
        change.facts["notified_on"] = iso(on)
        # APL Art. 64: a hearing must be requested within 5 days of the notice; Art. 85: working days.
        change.set_deadline(
            deadline("hearing_request_by", ctx.calendar.add_working_days(on, ctx.rules.hearing_request_working_days))
        )
    elif t == "request_hearing":
        window = case.deadlines["hearing_request_by"]
        if on > window.due_on:
            raise InvalidEvent({"on": f"the hearing request window closed on {window.due_on.isoformat()} (APL Art. 64)"})
        change.state = "hearing"
        change.facts["hearing_requested_on"] = iso(on)
        change.meet("hearing_request_by", on)
    elif t == "decide":
        _decide(change, event, ctx)
    elif t == "pay":
        _pay(change, event)
    elif t == "appeal":
        _appeal(change, event, ctx)
    elif t == "appeal_decided":
        _appeal_decided(change, event)
    elif t == "request_enforcement":
        _request_enforcement(change, event, ctx)
    elif t == "publish":
        change.meet("publish_by", on)
        change.facts["published_on"] = iso(on)
    elif t == "visit":
        target = visit_target(change, event, purposes=("follow_up",))
        if target is None:
            return Outcome(case)
        _daily_reinspection(change, event, ctx, *target)
    elif t == "close":
        change.facts["closed_from"] = case.state
        change.state = "closed"
        change.facts["closed_on"] = iso(on)
    elif t == "reopen":
        change.state = case.facts.get("closed_from", "paid")
        change.facts["reopened"] = [*case.facts.get("reopened", []), iso(on)]
    return change.outcome()


def _decide(change: Change, event: Event, ctx: Ctx) -> None:
    case, on = change.case, event.on
    r = Reader(event.data)
    amount = r.int("amount_fen", required=True, minimum=1)
    waived = r.bool("hearing_waived", default=False)
    maximum = case.params.get("max_amount_fen")
    if amount is not None and maximum is not None:
        if amount > maximum:
            r.fail("amount_fen", f"must not exceed the maximum {maximum} fen")
        elif case.params.get("maximum_penalty") and amount != maximum:
            r.fail("amount_fen", f"a maximum penalty (高限处罚) is the maximum, {maximum} fen")
    window = case.deadlines.get("hearing_request_by")
    if case.state == "notified" and window is not None and on <= window.due_on and not waived:
        # APL Art. 62/64: no decision before the party could state a defence and ask for a hearing.
        r.fail("on", f"the party may request a hearing until {window.due_on.isoformat()}; "
                     "decide after that, or record hearing_waived")
    r.done()
    cal, rules = ctx.calendar, ctx.rules
    change.state = "decided"
    change.facts["decided_on"] = iso(on)
    change.facts["amount_fen"] = amount
    change.facts.setdefault("paid_fen", 0)
    change.meet("decide_by", on)
    pay_by = cal.add_days_rolled(on, rules.pay_days)  # APL Art. 67
    publish_by = cal.add_working_days(on, rules.publish_working_days)
    recon = cal.add_days_rolled(on, rules.reconsideration_days)
    litig = cal.add_months(on, rules.litigation_months)
    later = max(recon[0], litig[0])
    enforce = cal.add_months(later, rules.enforce_months)  # Administrative Compulsion Law Art. 53
    change.set_deadline(deadline("pay_by", pay_by))
    change.set_deadline(deadline("publish_by", publish_by))
    change.set_deadline(deadline("reconsideration_by", recon))
    change.set_deadline(deadline("litigation_by", litig))
    change.set_deadline(Deadline("enforce_by", enforce[0], enforce[1] or recon[1] or litig[1]))
    if case.params.get("daily_penalty") and case.params.get("illegal_discharge"):
        # MEP Order No. 31: the correction order is served with the decision; an unannounced
        # re-inspection is due within 30 days of serving it.
        change.facts["correction_served_on"] = iso(on)
        days = rules.daily_penalty_reinspect_days
        change.add_followup(
            plan_followup(
                ctx, "daily_reinspect", "follow_up", on + DAY, on + timedelta(days=days), unannounced=True,
                note=f"unannounced re-inspection within {days} days of the correction order (daily penalty)",
            )
        )


def _outstanding(facts) -> int:
    return int(facts["amount_fen"]) - int(facts.get("paid_fen", 0))


def _pay(change: Change, event: Event) -> None:
    on = event.on
    r = Reader(event.data)
    amount = r.int("amount_fen", required=True, minimum=1)
    ref = event.data.get("payment_ref")
    if ref is not None and not isinstance(ref, str):
        r.fail("payment_ref", "must be a string")
    outstanding = _outstanding(change.facts)
    if amount is not None and amount > outstanding:
        r.fail("amount_fen", f"exceeds the unpaid fine ({outstanding} fen)")
    r.done()
    payments = list(change.facts.get("payments", []))
    record = {"on": iso(on), "amount_fen": amount, "ref": ref}
    if record in payments:
        raise ImpossibleEvent(
            f"payment of {amount} fen on {iso(on)} (ref {ref}) is already recorded; "
            "give each payment its own payment_ref",
            allowed(change.case),
        )
    payments.append(record)
    change.facts["payments"] = payments
    change.facts["paid_fen"] = int(change.facts.get("paid_fen", 0)) + amount
    if _outstanding(change.facts) == 0:
        change.facts["paid_on"] = iso(on)
        change.meet("pay_by", on)
        change.meet("enforce_by", on)  # discharged: nothing left to enforce
        if change.state in ("decided", "enforcement_requested"):
            change.state = "paid"


def _appeal(change: Change, event: Event, ctx: Ctx) -> None:
    on = event.on
    r = Reader(event.data)
    kind = r.str("kind", required=True, choices=APPEALS)
    r.done()
    facts = change.facts
    window = change.deadlines[f"{kind}_by"]
    if kind == "reconsideration" and window.met_on is not None:
        raise InvalidEvent({"kind": "a reconsideration was already applied for"})
    open_until = window.due_on
    decided_on = facts.get("reconsideration_decided_on")
    if kind == "litigation" and decided_on:
        # Administrative Litigation Law Art. 45: suit within 15 days of the reconsideration decision.
        after = date.fromisoformat(decided_on) + timedelta(days=ctx.rules.after_reconsideration_litigation_days)
        open_until = max(open_until, ctx.calendar.next_working_day(after)[0])
    if on > open_until:
        raise InvalidEvent({"on": f"the {kind} window closed on {open_until.isoformat()}"})
    change.state = kind
    change.meet(f"{kind}_by", on)
    facts["appeals"] = [*facts.get("appeals", []), {"kind": kind, "on": iso(on)}]


def _appeal_decided(change: Change, event: Event) -> None:
    on = event.on
    r = Reader(event.data)
    result = r.str("result", required=True, choices=("upheld", "varied", "revoked"))
    amount = r.int("amount_fen", required=result == "varied", minimum=1)
    r.done()
    facts = change.facts
    kind = change.state
    facts["appeals"] = [*facts.get("appeals", [])[:-1], {**facts["appeals"][-1], "result": result, "decided_on": iso(on)}]
    if kind == "reconsideration":
        facts["reconsideration_decided_on"] = iso(on)
    if result == "revoked":
        facts["revoked_on"] = iso(on)
        change.cancel_planned("decision revoked", on)
        facts["closed_from"] = "decided"
        change.state = "closed"
        facts["closed_on"] = iso(on)
        return
    if result == "varied":
        facts["original_amount_fen"] = facts.get("original_amount_fen", facts["amount_fen"])
        facts["amount_fen"] = amount
    if _outstanding(facts) <= 0:
        facts.setdefault("paid_on", iso(on))
        change.meet("pay_by", on)
        change.meet("enforce_by", on)
        change.state = "paid"
    else:
        change.state = "decided"


def _request_enforcement(change: Change, event: Event, ctx: Ctx) -> None:
    on = event.on
    pay_by = change.deadlines["pay_by"].due_on
    r = Reader(event.data)
    if on <= pay_by:
        r.fail("on", f"payment is due until {pay_by.isoformat()}")
    elif ctx.rules.enforce_requires_lapsed_appeal and not any(a.get("result") for a in change.facts.get("appeals", [])):
        # Administrative Compulsion Law Art. 53: a bureau without its own power of compulsion
        # applies to the court once the appeal periods have lapsed unused.
        lapse = max(change.deadlines["reconsideration_by"].due_on, change.deadlines["litigation_by"].due_on)
        if on <= lapse:
            r.fail("on", f"the appeal windows run until {lapse.isoformat()} (Administrative Compulsion Law Art. 53)")
    r.done()
    change.state = "enforcement_requested"
    change.facts["enforcement_requested_on"] = iso(on)
    change.meet("enforce_by", on)


def _daily_reinspection(change: Change, event: Event, ctx: Ctx, followup, visit_id: int) -> None:
    on = event.on
    r = Reader(event.data)
    continues = r.bool("discharge_continues", required=True)
    served = date.fromisoformat(change.facts["correction_served_on"])
    if on <= served:
        r.fail("on", "the re-inspection comes after the day the correction order was served")
    r.done()
    change.complete(followup.key, on, visit_id)
    change.facts["daily_reinspections"] = [
        *change.facts.get("daily_reinspections", []), {"on": iso(on), "continues": continues, "visit_id": visit_id}
    ]
    if not continues:
        return
    # MEP Order No. 31: days counted from the day after service of the correction order up to and
    # including the re-inspection day; the daily amount is the original fine.
    unit = int(change.case.params.get("parent_amount_fen") or change.facts["amount_fen"])
    days = (on - served).days
    change.escalate(
        "fine", "daily_penalty", on,
        {"amount_fen": unit * days, "daily_penalty": True, "illegal_discharge": True, "parent_amount_fen": unit},
    )


def surcharge_fen(case: CaseSnapshot, as_of: date, bp_per_day: int = 300) -> int:
    """Late-payment surcharge (加处罚款), APL Art. 72: bp_per_day/10000 of the unpaid fine for
    each day after pay_by, capped at the fine. Exact integer arithmetic, floored once at the end.
    Appeals do not stop it (APL Art. 73)."""
    facts = case.facts
    if "amount_fen" not in facts or "revoked_on" in facts or "pay_by" not in case.deadlines:
        return 0
    amount = int(facts["amount_fen"])
    start = case.deadlines["pay_by"].due_on + DAY  # first day of delay
    if as_of < start:
        return 0
    # A payment made on a day stops that day's surcharge on the amount paid.
    changes = sorted((date.fromisoformat(p["on"]), int(p["amount_fen"])) for p in facts.get("payments", []))
    unpaid = amount
    total = 0  # fen × basis points
    day = start
    for paid_on, paid in changes:
        if paid_on <= day:
            unpaid -= paid
            continue
        if paid_on > as_of:
            break
        total += max(unpaid, 0) * (paid_on - day).days * bp_per_day
        day = paid_on
        unpaid -= paid
    if day <= as_of:
        total += max(unpaid, 0) * ((as_of - day).days + 1) * bp_per_day
    return min(total // 10000, amount)
