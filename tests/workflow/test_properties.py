"""Property tests: invariants that hold for any service date, configuration and event sequence."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enforcement.workflow import (
    overdue_deadlines,
    watched_deadline,
    Calendar,
    Event,
    ForbiddenByLaw,
    ImpossibleEvent,
    InvalidEvent,
    QuietDay,
    Rules,
    allowed_events,
    apply,
    draw,
    followup_status,
    open_case,
    snapshot_from_dict,
    snapshot_to_dict,
    stored_states,
    surcharge_fen,
)

from .support import examples

RULES = Rules.default()
TOWNSHIPS = ("Hengli", "Xinzhuang", None)
SETTINGS = settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])

dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 6, 30))


@st.composite
def quiet_days(draw_):
    days = draw_(st.lists(st.tuples(dates, st.sampled_from(TOWNSHIPS)), max_size=40))
    return [QuietDay(d, t) for d, t in days]


@st.composite
def opening(draw_):
    action = draw_(st.sampled_from(["rectify", "stop", "close", "fine", "control", "seal"]))
    if action == "rectify":
        params = {"rectify_days": draw_(st.sampled_from([0, 7, 15, 30, 60, 90])), "illegal_discharge": draw_(st.booleans())}
    elif action == "fine":
        daily = draw_(st.booleans())
        params = {"daily_penalty": daily, "illegal_discharge": daily or draw_(st.booleans())}
    elif action == "control":
        params = {
            "risk_class": draw_(st.sampled_from("ABC")),
            "gates": {g: draw_(st.sampled_from(["ok", "missing", "expired"])) for g in ("declaration", "acceptance", "monitoring", "tax")},
        }
        if draw_(st.booleans()):
            params["permit_expires"] = draw_(dates).isoformat()
    elif action == "stop":
        params = {"measure": draw_(st.sampled_from(["limit", "stop"])), "approved_by": "Director Wang",
                  "first_edition": draw_(st.booleans())}
    elif action == "seal":
        params = {"items": ["mixer", "pump"], "approved_by": "Director Wang"}
    else:
        params = {}
    return action, params


def allowed_day(cal, d, township):
    return cal.is_working_day(d) and not cal.is_quiet_day(d, township)


def check_followups(case, cal):
    for f in case.followups.values():
        assert cal.is_working_day(f.earliest_on) and cal.is_working_day(f.due_on), f
        # A window made only of quiet days keeps its legal last day (a quiet day never extends a
        # legal limit); otherwise both ends are allowed days.
        window = [f.earliest_on + timedelta(days=i) for i in range((f.due_on - f.earliest_on).days + 1)]
        if any(allowed_day(cal, x, case.township) for x in window):
            assert allowed_day(cal, f.earliest_on, case.township), f
            assert allowed_day(cal, f.due_on, case.township), f
        assert f.earliest_on <= f.due_on


@SETTINGS
@given(opening(), dates, quiet_days(), st.sampled_from(TOWNSHIPS))
def test_no_follow_up_is_ever_planned_on_a_closed_or_quiet_day(opened, served, quiet, township):
    action, params = opened
    cal = Calendar(quiet_days=quiet)
    case = open_case(action, served, params, rules=RULES, calendar=cal, township=township).case
    check_followups(case, cal)


@SETTINGS
@given(opening(), dates, st.integers(min_value=1, max_value=400), quiet_days())
def test_due_dates_are_never_earlier_for_a_later_service_date(opened, served, later_by, quiet):
    action, params = opened
    cal = Calendar(quiet_days=quiet)
    early = open_case(action, served, params, rules=RULES, calendar=cal, township="Hengli").case
    late = open_case(action, served + timedelta(days=later_by), params, rules=RULES, calendar=cal, township="Hengli").case
    for name, d in early.deadlines.items():
        assert late.deadlines[name].due_on >= d.due_on, name
    for key, f in early.followups.items():
        assert late.followups[key].due_on >= f.due_on, key


@SETTINGS
@given(
    st.integers(min_value=1, max_value=10**9),
    st.lists(st.tuples(st.integers(0, 120), st.integers(1, 10**8)), max_size=6),
    st.integers(0, 200),
    st.integers(1, 30),
)
def test_the_surcharge_never_exceeds_the_fine_and_never_decreases_over_time(amount, payments, as_of_offset, step):
    cal = Calendar()
    case = open_case("fine", date(2026, 3, 2), {}, rules=RULES, calendar=cal).case
    case = apply(case, Event("notify", date(2026, 3, 3)), rules=RULES, calendar=cal).case
    case = apply(case, Event("decide", date(2026, 3, 20), {"amount_fen": amount}), rules=RULES, calendar=cal).case
    on = date(2026, 3, 20)
    for offset, paid in sorted(payments):
        outstanding = case.facts["amount_fen"] - case.facts["paid_fen"]
        if outstanding <= 0 or case.state != "decided":
            break
        on = max(on, date(2026, 3, 20) + timedelta(days=offset))
        try:
            case = apply(case, Event("pay", on, {"amount_fen": min(paid, outstanding), "payment_ref": str(offset)}), rules=RULES, calendar=cal).case
        except ImpossibleEvent:
            pass
    first = date(2026, 3, 20) + timedelta(days=as_of_offset)
    a, b = surcharge_fen(case, first), surcharge_fen(case, first + timedelta(days=step))
    assert 0 <= a <= b <= amount


def event_data(draw_, case, type_):
    on_choice = st.integers(min_value=0, max_value=70)
    if type_ == "verify":
        return {"compliant": draw_(st.booleans()), "visit_id": draw_(st.integers(1, 10**6))}
    if type_ == "visit":
        planned = sorted(k for k, f in case.followups.items() if f.done_on is None)
        if case.action != "control":
            planned = [k for k in planned if case.followups[k].purpose != "verification"] or planned
        return {
            "followup": draw_(st.sampled_from(planned)),
            "visit_id": draw_(st.integers(1, 10**6)),
            "production_running": draw_(st.booleans()),
            "running": draw_(st.booleans()),
            "discharge_continues": draw_(st.booleans()),
        }
    if type_ == "extend":
        return {"months": draw_(st.integers(1, 4)), "approved_by": draw_(st.sampled_from(["Director Wang", ""]))}
    if type_ == "extend" and case.action == "seal":
        return {"days": draw_(st.integers(1, 31)), "approved_by": draw_(st.sampled_from(["Director Wang", ""]))}
    if type_ == "visit" and case.action == "seal":
        planned = sorted(k for k, f in case.followups.items() if f.done_on is None)
        return {"followup": draw_(st.sampled_from(planned)), "visit_id": draw_(st.integers(1, 10**6)),
                "seals_intact": draw_(st.booleans())}
    if type_ == "handle":
        return {"decision": "confiscated"}
    if type_ == "approve_close":
        return {"approved_by": "County government"}
    if type_ == "hearing":
        return {"requested_on": case.served_on.isoformat(), "notified_on": case.served_on.isoformat(),
                "held_on": (case.served_on + timedelta(days=draw_(st.integers(0, 10)))).isoformat()}
    if type_ == "execute":
        items = ("water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared")
        return {"checklist": {i: draw_(st.sampled_from([True, True, True, False])) for i in items},
                "started_at": draw_(st.sampled_from(["09:30", "23:10", None])),
                "urgency": draw_(st.sampled_from([None, None, "toxic leak"]))}
    if type_ == "decide":
        return {"amount_fen": draw_(st.integers(1, 10**7)), "hearing_waived": draw_(st.booleans())}
    if type_ == "pay":
        outstanding = case.facts["amount_fen"] - case.facts.get("paid_fen", 0)
        return {"amount_fen": draw_(st.integers(1, max(outstanding, 1))), "payment_ref": draw_(st.sampled_from(["a", "b", None]))}
    if type_ == "appeal":
        return {"kind": draw_(st.sampled_from(["reconsideration", "litigation"]))}
    if type_ == "appeal_decided":
        return {"result": draw_(st.sampled_from(["upheld", "varied", "revoked"])), "amount_fen": draw_(st.integers(1, 10**7))}
    if type_ in ("gate", "gate_overdue"):
        return {"gate": draw_(st.sampled_from(["declaration", "acceptance", "monitoring", "tax"])),
                "status": draw_(st.sampled_from(["ok", "missing", "expired"]))}
    if type_ in ("receive", "demand_served", "notify"):
        return {"received_on": None} if draw_(st.booleans()) else {}
    if type_ == "notify_hearing":
        return {"hearing_on": (case.served_on + timedelta(days=draw_(st.integers(0, 200)))).isoformat()}
    if type_ == "extend_decision":
        return {"days": draw_(st.integers(1, 40)), "approved_by": "Director Wang", "collective": draw_(st.booleans())}
    if type_ == "suspend":
        return {"reason": draw_(st.sampled_from(["hearing", "testing", "service"]))}
    if type_ == "renew_permit":
        return {"permit_expires": draw_(dates).isoformat()}
    del on_choice
    return {}


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(opening(), st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30)), quiet_days(), st.data())
def test_any_sequence_of_allowed_events_keeps_the_case_valid_and_repeats_change_nothing(opened, served, quiet, data):
    action, params = opened
    cal = Calendar(quiet_days=quiet)
    case = open_case(action, served, params, rules=RULES, calendar=cal, township="Hengli").case
    on = served
    for _ in range(data.draw(st.integers(1, 14))):
        allowed = allowed_events(case)
        if not allowed:
            break
        type_ = data.draw(st.sampled_from(allowed))
        on = on + timedelta(days=data.draw(st.integers(0, 70)))
        event = Event(type_, on, event_data(data.draw, case, type_))
        try:
            outcome = apply(case, event, rules=RULES, calendar=cal)
        except InvalidEvent:
            continue
        except ForbiddenByLaw as exc:
            assert exc.article  # refused by law: names its article
            continue
        except ImpossibleEvent:
            assert type_ == "pay"  # the same payment recorded twice
            continue
        case = outcome.case
        for esc in outcome.escalations:  # every escalation opens its linked case as given
            open_case(esc.action, esc.served_on, esc.params, rules=RULES, calendar=cal, township=case.township)
        assert case.state in stored_states(action)
        for f in case.followups.values():
            assert followup_status(f, on) in ("planned", "done", "missed")
        check_followups(case, cal)
        assert snapshot_from_dict(snapshot_to_dict(case)) == case
        # The stored watched deadline answers "overdue on day X?" exactly as the engine does.
        watched = watched_deadline(case)
        for day in (on, on + timedelta(days=data.draw(st.integers(0, 400)))):
            overdue = overdue_deadlines(case, day)
            assert bool(overdue) == (watched is not None and day > watched.due_on)
            if overdue:
                assert overdue[0] == watched
        try:
            again = apply(case, event, rules=RULES, calendar=cal).case
        except (ImpossibleEvent, InvalidEvent):
            continue
        assert again == case, f"{type_} applied twice changed the case"


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 500), st.sampled_from("ABC")), unique_by=lambda e: e[0], max_size=60),
    st.lists(st.sampled_from(["li", "wang", "zhang", "zhao", "chen", "sun", "zhou"]), min_size=2, max_size=7),
    st.dictionaries(st.sampled_from("ABC"), st.integers(0, 25)),
    st.text(max_size=10),
)
def test_a_draw_always_pairs_two_distinct_inspectors_and_is_reproducible(enterprises, roster, quotas, seed):
    if len(set(roster)) < 2:
        roster = roster + ["backup"]
    one = draw(enterprises, roster, quotas, seed)
    assert one == draw(list(reversed(enterprises)), list(reversed(roster)), quotas, seed)
    for a in one.assignments:
        assert a.inspectors[0] != a.inspectors[1]
    load = {}
    for a in one.assignments:
        for name in a.inspectors:
            load[name] = load.get(name, 0) + 1
    if one.assignments:
        counts = [load.get(name, 0) for name in set(roster)]
        assert max(counts) - min(counts) <= 1
