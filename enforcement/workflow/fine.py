"""fine — administrative penalty (罚款), Administrative Penalty Law 2021 (APL).

filed → notified → (hearing) → decided → paid → closed; after decided: reconsideration or
litigation (the penalty is not suspended, APL Art. 73, but the surcharge is not counted while the
appeal is pending, Art. 73(3)) and enforcement_requested (court, Administrative Compulsion Law
Arts. 53, 54: after the periods lapse and a written demand). Periods the party has run from the
day it receives the paper (APL Arts. 61, 67). Amounts are integer fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
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
    visit_target,
)
from .types import (
    CaseSnapshot,
    Deadline,
    Event,
    FollowUp,
    ForbiddenByLaw,
    ImpossibleEvent,
    InvalidEvent,
    Outcome,
)

ACTION = "fine"
EVENTS = (
    "notify",
    "request_hearing",
    "decide",
    "pay",
    "appeal",
    "appeal_decided",
    "request_enforcement",
    "publish",
    "visit",
    "close",
    "reopen",
    # issue #15 (added): receipt, hearing notice, time limit for deciding, the demand (催告)
    "receive",
    "notify_hearing",
    "extend_decision",
    "suspend",
    "resume",
    "demand_served",
)
PARAMS = (
    "amount_fen",
    "max_amount_fen",
    "maximum_penalty",
    "daily_penalty",
    "illegal_discharge",
    "parent_amount_fen",
    "correction_served_on",
    "daily_days",
)
SUSPEND_REASONS = ("hearing", "testing", "service", "announcement", "evaluation", "suspension")
# Citations printed in refusals (docs/workflows.md lists each rule).
ACL_53 = "Administrative Compulsion Law Art. 53"
ACL_54 = "Administrative Compulsion Law Art. 54"
APL_64 = "APL Art. 64"
DECIDE_LIMIT = "生态环境行政处罚办法 (2023) Art. 58 (article to confirm); APL Art. 60"
APPEALS = ("reconsideration", "litigation")
# Windows the party may use; past them the deadline shows "overdue", meaning "lapsed".
WINDOWS = ("hearing_request_by", "reconsideration_by", "litigation_by", "demand_period_end")

_ALLOWED = {
    "filed": ["notify", "extend_decision", "suspend"],
    "notified": ["request_hearing", "decide", "extend_decision", "suspend"],
    "hearing": ["notify_hearing", "decide", "extend_decision", "suspend"],
    "decided": ["pay", "appeal", "demand_served", "request_enforcement"],
    "reconsideration": ["pay", "appeal_decided"],
    "litigation": ["pay", "appeal_decided"],
    "enforcement_requested": ["pay"],
    "paid": ["close"],
    "closed": ["reopen"],
}


def open_case(served_on: date, params: Mapping[str, Any], ctx: Ctx) -> Outcome:
    r = Reader(params)
    r.only(PARAMS)
    amount = r.int("amount_fen", minimum=1)
    maximum = r.int("max_amount_fen", minimum=1)
    r.bool("maximum_penalty")
    daily = r.bool("daily_penalty", default=False)
    illegal = r.bool("illegal_discharge", default=False)
    r.int("parent_amount_fen", minimum=1)
    correction = r.date("correction_served_on")
    r.int("daily_days", minimum=1)
    if amount is not None and maximum is not None and amount > maximum:
        r.fail("amount_fen", f"must not exceed max_amount_fen ({maximum})")
    if daily and not illegal:
        r.fail(
            "daily_penalty",
            "applies only to illegal discharge (EPL Art. 59): set illegal_discharge",
        )
    r.done()
    change = Change(new_case(ACTION, "filed", served_on, ctx, jsonable(params)))
    # APL Art. 60: decided within 90 days of filing (立案); served_on is the filing date.
    change.set_deadline(
        deadline("decide_by", ctx.calendar.add_days_rolled(served_on, ctx.rules.decide_days))
    )
    if daily and illegal:
        # MEP Order No. 28 (2014): the correction order (责令改正违法行为决定书) is served at the on-site
        # investigation; without its date the filing day stands for it. The unannounced
        # re-inspection is due within 30 days of serving THAT order, not of the penalty decision.
        _plan_daily_reinspection(change, ctx, correction or served_on)
    return change.outcome()


def _plan_daily_reinspection(change: Change, ctx: Ctx, served: date) -> None:
    change.facts["correction_served_on"] = iso(served)
    days = ctx.rules.daily_penalty_reinspect_days
    change.add_followup(
        plan_followup(
            ctx,
            "daily_reinspect",
            "follow_up",
            served + DAY,
            served + timedelta(days=days),
            unannounced=True,
            note=f"unannounced re-inspection within {days} days of the correction order (daily penalty, "
            "MEP Order No. 28)",
        )
    )


def allowed(case: CaseSnapshot) -> list[str]:
    events = list(_ALLOWED[case.state])
    if case.facts.get("suspended_since"):
        # the time limit for deciding is suspended: no decision until it resumes
        events = [e for e in events if e not in ("decide", "suspend", "extend_decision")] + [
            "resume"
        ]
    if (
        case.state == "decided"
        and "received_on" not in case.facts
        and not case.facts.get("appeals")
    ):
        events.append("receive")  # the receipt comes before any appeal against the decision
    if "demand_served_on" in case.facts and "demand_served" in events:
        events.remove("demand_served")  # served once
    if case.state != "closed" and any(f.done_on is None for f in case.followups.values()):
        events.append("visit")
    if "close" in events and any(f.done_on is None for f in case.followups.values()):
        events.remove(
            "close"
        )  # the correction order's re-inspection is still due (MEP Order No. 28)
    publish = case.deadlines.get("publish_by")
    if publish is not None and publish.met_on is None:
        events.append("publish")
    return events


def overdue_deadlines(case: CaseSnapshot) -> tuple[str, ...]:
    if case.state in ("filed", "notified", "hearing"):
        # a suspended time limit (中止) does not run out
        return () if case.facts.get("suspended_since") else ("decide_by",)
    if case.state == "decided":
        return ("pay_by",)
    return ()


def due_events(case: CaseSnapshot, as_of: date, ctx: Ctx) -> list[Event]:
    return []  # unpaid is derived from pay_by; enforcement is a decision of the bureau


def apply(case: CaseSnapshot, event: Event, ctx: Ctx) -> Outcome:
    change = Change(case, event)
    on, t = event.on, event.type
    if t == "notify":
        r = Reader(event.data)
        received = r.date("received_on")
        if received is not None and received < on:
            r.fail("received_on", "the party cannot receive the notice before it is sent")
        r.done()
        change.state = "notified"
        change.facts["notified_on"] = iso(on)
        if received is not None:
            change.facts["notice_received_on"] = iso(received)
        # APL Art. 64: a hearing must be requested within 5 days of being told (the notice's
        # receipt); Art. 85: working days.
        change.set_deadline(
            deadline(
                "hearing_request_by",
                ctx.calendar.add_working_days(
                    received or on, ctx.rules.hearing_request_working_days
                ),
            )
        )
    elif t == "request_hearing":
        window = case.deadlines["hearing_request_by"]
        if on > window.due_on:
            raise InvalidEvent(
                {
                    "on": f"the hearing request window closed on {window.due_on.isoformat()} (APL Art. 64)"
                }
            )
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
        _appeal_decided(change, event, ctx)
    elif t == "request_enforcement":
        _request_enforcement(change, event, ctx)
    elif t == "receive":
        _receive(change, on, ctx)
    elif t == "notify_hearing":
        _notify_hearing(change, event, ctx)
    elif t == "extend_decision":
        if not _extend_decision(change, event, ctx):
            return Outcome(case)  # the same approval recorded twice
    elif t == "suspend":
        r = Reader(event.data)
        reason = r.str("reason", required=True, choices=SUSPEND_REASONS)
        r.done()
        change.facts["suspended_since"] = iso(on)
        change.facts["suspensions"] = [
            *case.facts.get("suspensions", []),
            {"from": iso(on), "reason": reason},
        ]
    elif t == "resume":
        since = date.fromisoformat(case.facts["suspended_since"])
        log = list(case.facts.get("suspensions", []))
        log[-1] = {**log[-1], "until": iso(on), "days": (on - since).days}
        change.facts["suspensions"] = log
        change.facts.pop("suspended_since")
        _set_decide_by(change, ctx)
    elif t == "demand_served":
        _demand(change, event, ctx)
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
    received = r.date("received_on")
    if received is not None and received < on:
        r.fail("received_on", "the party cannot receive the decision before it is made")
    maximum = case.params.get("max_amount_fen")
    if amount is not None and maximum is not None:
        if amount > maximum:
            r.fail("amount_fen", f"must not exceed the maximum {maximum} fen")
        elif case.params.get("maximum_penalty") and amount != maximum:
            r.fail("amount_fen", f"a maximum penalty (高限处罚) is the maximum, {maximum} fen")
    window = case.deadlines.get("hearing_request_by")
    if case.state == "notified" and window is not None and on <= window.due_on and not waived:
        # APL Art. 62/64: no decision before the party could state a defence and ask for a hearing.
        r.fail(
            "on",
            f"the party may request a hearing until {window.due_on.isoformat()}; "
            "decide after that, or record hearing_waived",
        )
    r.done()
    hearing_on = case.facts.get("hearing_on")
    if case.state == "hearing" and hearing_on and on < date.fromisoformat(hearing_on):
        # APL Arts. 64, 65: the decision follows the hearing that was notified.
        raise ForbiddenByLaw(
            f"the hearing is held on {hearing_on}; decide after it",
            allowed(case),
            article="APL Arts. 64, 65",
        )
    cal, rules = ctx.calendar, ctx.rules
    change.state = "decided"
    change.facts["decided_on"] = iso(on)
    change.facts["amount_fen"] = amount
    change.facts.setdefault("paid_fen", 0)
    change.meet("decide_by", on)
    # disclosure runs from the decision; the party's periods from its receipt (APL Arts. 61, 67)
    change.set_deadline(
        deadline("publish_by", cal.add_working_days(on, rules.publish_working_days))
    )
    if received is not None:
        change.facts["received_on"] = iso(received)
    _set_periods(change, ctx, received or on)


def _keep_met(change: Change, d: Deadline) -> None:
    old = change.deadlines.get(d.name)
    change.set_deadline(
        Deadline(d.name, d.due_on, d.provisional, old.met_on if old is not None else None)
    )


def _set_periods(change: Change, ctx: Ctx, received: date) -> None:
    """The party's periods, from the day it received the decision (APL Arts. 61, 67). Without a
    recorded receipt the decision is taken as served on the day it was made (当场送达)."""
    cal, rules = ctx.calendar, ctx.rules
    _keep_met(
        change, deadline("pay_by", cal.add_days_rolled(received, rules.pay_days))
    )  # APL Art. 67
    # Administrative Reconsideration Law (2023) Art. 20: 60 days; Administrative Litigation Law Art. 46: 6 months.
    _keep_met(
        change,
        deadline("reconsideration_by", cal.add_days_rolled(received, rules.reconsideration_days)),
    )
    _keep_met(change, deadline("litigation_by", cal.add_months(received, rules.litigation_months)))
    _set_enforce(change, ctx)


def _lapse(change: Change) -> Deadline:
    """The last day the party may still appeal: once it has passed unused, the decision can be
    enforced (Administrative Compulsion Law Art. 53)."""
    d = change.deadlines
    appeals = change.facts.get("appeals", [])
    decided = [a for a in appeals if a.get("decided_on")]
    if decided and decided[-1]["kind"] == "litigation":
        on = date.fromisoformat(decided[-1]["decided_on"])
        return Deadline("lapse", on)
    if decided:  # a reconsideration decided: the 15-day suit window (ALL Art. 45) is what is left
        return d["litigation_by"]
    return max(d["reconsideration_by"], d["litigation_by"], key=lambda x: x.due_on)


def _set_enforce(change: Change, ctx: Ctx) -> None:
    # Administrative Compulsion Law Art. 53: apply to the court within 3 months of the lapse.
    lapse = _lapse(change)
    due, prov = ctx.calendar.add_months(lapse.due_on, ctx.rules.enforce_months)
    _keep_met(change, Deadline("enforce_by", due, prov or lapse.provisional))


def _receive(change: Change, on: date, ctx: Ctx) -> None:
    # APL Arts. 61, 67: payment and appeal periods run from the day the party receives the decision.
    change.facts["received_on"] = iso(on)
    _set_periods(change, ctx, on)


def _notify_hearing(change: Change, event: Event, ctx: Ctx) -> None:
    on = event.on
    r = Reader(event.data)
    hearing_on = r.date("hearing_on", required=True)
    r.done()
    assert hearing_on is not None  # required: done() raised otherwise
    notice = ctx.rules.hearing_notice_days
    if hearing_on < on + timedelta(days=notice):
        # APL Art. 64(2): the party is told the time and place at least 7 days before the hearing.
        raise ForbiddenByLaw(
            f"a hearing on {hearing_on.isoformat()} must be notified by {(hearing_on - timedelta(days=notice)).isoformat()}",
            allowed(change.case),
            article=APL_64,
        )
    change.facts["hearing_notified_on"] = iso(on)
    change.facts["hearing_on"] = iso(hearing_on)


def _set_decide_by(change: Change, ctx: Ctx) -> None:
    """APL Art. 60 and 生态环境行政处罚办法 (2023): 90 days from filing, plus approved extensions,
    plus the days the time limit was suspended (hearing, testing, service, ...)."""
    facts = change.facts
    total = ctx.rules.decide_days
    total += sum(int(e["days"]) for e in facts.get("decide_extensions", []))
    total += sum(int(s.get("days", 0)) for s in facts.get("suspensions", []))
    _keep_met(
        change, deadline("decide_by", ctx.calendar.add_days_rolled(change.case.served_on, total))
    )


def _extend_decision(change: Change, event: Event, ctx: Ctx) -> bool:
    on = event.on
    r = Reader(event.data)
    days = r.int("days", required=True, minimum=1)
    approved_by = r.str("approved_by", required=True)
    collective = r.bool("collective", default=False)
    r.done()
    rules, facts = ctx.rules, change.facts
    done = facts.get("decide_extensions", [])
    record = {"on": iso(on), "days": days, "approved_by": approved_by, "collective": collective}
    if record in done:
        return False
    allowed_now = allowed(change.case)
    if len(done) >= rules.decide_extensions_max:
        raise ForbiddenByLaw(
            f"the time limit for deciding was already extended {len(done)} times",
            allowed_now,
            article=DECIDE_LIMIT,
        )
    if days > rules.decide_extension_days:
        raise ForbiddenByLaw(
            f"an extension is at most {rules.decide_extension_days} days",
            allowed_now,
            article=DECIDE_LIMIT,
        )
    if done and not collective:
        raise ForbiddenByLaw(
            "a second extension needs the collective decision of the bureau's heads (集体讨论)",
            allowed_now,
            article=DECIDE_LIMIT,
        )
    due = change.deadlines["decide_by"].due_on
    if on > due:
        raise ForbiddenByLaw(
            f"the time limit for deciding ran out on {due.isoformat()}",
            allowed_now,
            article=DECIDE_LIMIT,
        )
    facts["decide_extensions"] = [*done, record]
    _set_decide_by(change, ctx)
    return True


def _demand(change: Change, event: Event, ctx: Ctx) -> None:
    on = event.on
    r = Reader(event.data)
    received = r.date("received_on")
    if received is not None and received < on:
        r.fail("received_on", "the party cannot receive the demand before it is sent")
    r.done()
    if "demand_served_on" in change.facts:
        raise InvalidEvent(
            {"type": f"a demand was already served on {change.facts['demand_served_on']}"}
        )
    pay_by = change.deadlines["pay_by"].due_on
    if on <= pay_by:
        raise ForbiddenByLaw(
            f"the party may pay until {pay_by.isoformat()}; the demand (催告) comes after that",
            allowed(change.case),
            article=ACL_54,
        )
    # Administrative Compulsion Law Art. 54: the court may be asked 10 days after the demand is served.
    change.facts["demand_served_on"] = iso(received or on)
    change.set_deadline(
        deadline(
            "demand_period_end", ctx.calendar.add_days_rolled(received or on, ctx.rules.demand_days)
        )
    )


def _outstanding(facts: Mapping[str, Any]) -> int:
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
    assert amount is not None  # required: done() raised otherwise
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
    assert kind is not None  # required: done() raised otherwise
    facts = change.facts
    window = change.deadlines[f"{kind}_by"]
    if kind == "reconsideration" and window.met_on is not None:
        raise InvalidEvent({"kind": "a reconsideration was already applied for"})
    # After a reconsideration decision, litigation_by is the 15-day window of ALL Art. 45.
    if on > window.due_on:
        raise InvalidEvent({"on": f"the {kind} window closed on {window.due_on.isoformat()}"})
    change.state = kind
    change.meet(f"{kind}_by", on)
    facts["appeals"] = [*facts.get("appeals", []), {"kind": kind, "on": iso(on)}]


def _appeal_decided(change: Change, event: Event, ctx: Ctx) -> None:
    on = event.on
    r = Reader(event.data)
    result = r.str("result", required=True, choices=("upheld", "varied", "revoked"))
    amount = r.int("amount_fen", required=result == "varied", minimum=1)
    r.done()
    facts = change.facts
    kind = change.state
    facts["appeals"] = [
        *facts.get("appeals", [])[:-1],
        {**facts["appeals"][-1], "result": result, "decided_on": iso(on)},
    ]
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
    if kind == "reconsideration":
        # Administrative Litigation Law Art. 45: the party may sue within 15 days of receiving the
        # reconsideration decision, and only then; the original six months no longer apply.
        days = ctx.rules.after_reconsideration_litigation_days
        change.set_deadline(deadline("litigation_by", ctx.calendar.add_days_rolled(on, days)))
    _set_enforce(change, ctx)
    if _outstanding(facts) <= 0:
        facts.setdefault("paid_on", iso(on))
        change.meet("pay_by", on)
        change.meet("enforce_by", on)
        change.state = "paid"
    else:
        change.state = "decided"


def _request_enforcement(change: Change, event: Event, ctx: Ctx) -> None:
    on = event.on
    facts, rules = change.facts, ctx.rules
    allowed_now = allowed(change.case)
    pay_by = change.deadlines["pay_by"].due_on
    if on <= pay_by:
        raise ForbiddenByLaw(
            f"payment is due until {pay_by.isoformat()}",
            allowed_now,
            article=f"APL Art. 67; {ACL_53}",
        )
    if rules.enforce_requires_lapsed_appeal:
        # Administrative Compulsion Law Art. 53: a bureau without its own power of compulsion
        # applies to the court once the periods to appeal have lapsed unused.
        lapse = _lapse(change).due_on
        if on <= lapse:
            raise ForbiddenByLaw(
                f"the party may still appeal until {lapse.isoformat()}", allowed_now, article=ACL_53
            )
    if rules.enforce_requires_demand:
        # Administrative Compulsion Law Art. 54: a written demand (催告) first, then 10 days.
        if "demand_served_on" not in facts:
            raise ForbiddenByLaw(
                "no written demand (催告) has been served", allowed_now, article=ACL_54
            )
        end = change.deadlines["demand_period_end"].due_on
        if on <= end:
            raise ForbiddenByLaw(
                f"the demand gives the party until {end.isoformat()}", allowed_now, article=ACL_54
            )
    change.state = "enforcement_requested"
    facts["enforcement_requested_on"] = iso(on)
    change.meet("enforce_by", on)
    change.meet("demand_period_end", on)


def _daily_reinspection(
    change: Change, event: Event, ctx: Ctx, followup: FollowUp, visit_id: int
) -> None:
    on = event.on
    r = Reader(event.data)
    continues = r.bool("discharge_continues", required=True)
    served = date.fromisoformat(change.facts["correction_served_on"])
    if on <= served:
        r.fail("on", "the re-inspection comes after the day the correction order was served")
    r.done()
    change.complete(followup.key, on, visit_id)
    change.facts["daily_reinspections"] = [
        *change.facts.get("daily_reinspections", []),
        {"on": iso(on), "continues": continues, "visit_id": visit_id},
    ]
    if not continues:
        return
    # MEP Order No. 28 (2014): the days run from the day after the correction order was served
    # to the day the re-inspection finds the discharge continuing, both included; each day costs
    # the original fine. The order is served again at this re-inspection, and the next cycle (the
    # new case) counts from it.
    case = change.case
    unit = (
        case.params.get("parent_amount_fen")
        or change.facts.get("amount_fen")
        or case.params.get("amount_fen")
    )
    days = (on - served).days
    params = {
        "daily_penalty": True,
        "illegal_discharge": True,
        "correction_served_on": iso(on),
        "daily_days": days,
    }
    if unit:
        params.update({"amount_fen": int(unit) * days, "parent_amount_fen": int(unit)})
    change.escalate("fine", "daily_penalty", on, params)


def _pauses(facts: Mapping[str, Any]) -> list[tuple[date, date | None]]:
    """APL Art. 73(3): no surcharge is counted while a reconsideration or lawsuit is pending,
    from the day it is brought to the day it is decided (both included)."""
    out = []
    for a in facts.get("appeals", []):
        end = a.get("decided_on")
        out.append((date.fromisoformat(a["on"]), date.fromisoformat(end) if end else None))
    return out


def surcharge_fen(case: CaseSnapshot, as_of: date, bp_per_day: int = 300) -> int:
    """Late-payment surcharge (加处罚款), APL Art. 72: bp_per_day/10000 of the unpaid fine for
    each day after pay_by, capped at the fine. Exact integer arithmetic, floored once at the end.
    A pending appeal stops the count for its time (APL Art. 73(3)); a payment stops it from its
    own day on the amount paid; a payment after as_of does not count yet."""
    facts = case.facts
    if not _surcharged(case):
        return 0
    return surcharge_of(_unpaid_fen_days(case, as_of), bp_per_day, int(facts["amount_fen"]))


def surcharge_of(fen_days: int, bp_per_day: int, amount_fen: int) -> int:
    """The surcharge for ``fen_days`` (unpaid fen × days of delay): bp_per_day/10000 of it,
    floored once, never more than the fine (APL Art. 72)."""
    return min(fen_days * bp_per_day // 10000, amount_fen)


def _surcharged(case: CaseSnapshot) -> bool:
    facts = case.facts
    return "amount_fen" in facts and "revoked_on" not in facts and "pay_by" in case.deadlines


def _unpaid_fen_days(case: CaseSnapshot, as_of: date) -> int:
    """Unpaid fen × days of delay counted up to and including ``as_of`` (the surcharge's base,
    before the daily rate): the days after pay_by, less the days an appeal was pending, each
    day on what was still unpaid that day."""
    facts = case.facts
    amount = int(facts["amount_fen"])
    start = case.deadlines["pay_by"].due_on + DAY  # first day of delay
    if as_of < start:
        return 0
    end = as_of + DAY  # exclusive
    payments = sorted(
        (date.fromisoformat(p["on"]), int(p["amount_fen"])) for p in facts.get("payments", [])
    )
    pauses = _pauses(facts)
    cuts = {start, end}
    cuts.update(p for p, _ in payments if start < p < end)
    for first, last in pauses:
        cuts.update(
            x for x in (first, (last + DAY) if last else None) if x is not None and start < x < end
        )
    points = sorted(cuts)
    total = 0  # fen × days
    for a, b in zip(points, points[1:]):
        if any(first <= a and (last is None or a <= last) for first, last in pauses):
            continue
        unpaid = amount - sum(paid for p, paid in payments if p <= a)
        total += max(unpaid, 0) * (b - a).days
    return total


@dataclass(frozen=True)
class SurchargeLine:
    """The surcharge's base as a straight line from ``since`` on: for any ``as_of >= since``,
    unpaid fen × days = ``base + rate * ((as_of - since).days + 1)``. Independent of the day
    and of the rate per day, so it is stored with the case (written by store_snapshot) and a
    list computes each fine's surcharge in SQL (services/lists) without restating the rule."""

    since: date
    base: int  #: fen × days counted before ``since``
    rate: int  #: fen counted each day from ``since`` on (0 while an open appeal pauses it)
    amount_fen: int  #: the cap (APL Art. 72: never more than the fine)

    def fen_days(self, as_of: date) -> int:
        return self.base + self.rate * ((as_of - self.since).days + 1)


def surcharge_line(case: CaseSnapshot) -> SurchargeLine | None:
    """The case's surcharge as a ``SurchargeLine`` from its last change on (pay_by, a payment,
    an appeal brought or decided), asked of ``_unpaid_fen_days`` itself at two days; None when
    no surcharge runs (no fine decided, revoked, or no pay_by). Before ``since`` only the
    engine's own ``surcharge_fen`` answers."""
    if not _surcharged(case):
        return None
    facts = case.facts
    since = case.deadlines["pay_by"].due_on + DAY
    changes = [date.fromisoformat(p["on"]) for p in facts.get("payments", [])]
    for first, last in _pauses(facts):
        changes.append(first)
        if last is not None:
            changes.append(last + DAY)
    since = max([since, *changes])
    base = _unpaid_fen_days(case, since - DAY)
    rate = _unpaid_fen_days(case, since) - base
    return SurchargeLine(since, base, rate, int(facts["amount_fen"]))
