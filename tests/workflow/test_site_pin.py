"""The map pin's summary of an enterprise's open cases (issue #21), in the engine alone: what is
stored (the worst state, the watched due dates, the actions) and what a pin shows on a day.

Worked example: enterprise with three cases on 25 November 2026 —
  case 1 rectify `ordered` (open, severity 2), rectify_by Wed 18 November 2026;
  case 2 control `active` (under watch, severity 1), no watched date;
  case 3 fine `paid` (clean, severity 0), watched date Mon 30 November 2026;
  case 4 rectify `closed`: terminal, left out whatever its date."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement import workflow as wf
from enforcement.workflow import engine, site

from .support import d, examples

ROWS = [
    (3, "fine", "paid", d("2026-11-30")),
    (1, "rectify", "ordered", d("2026-11-18")),
    (2, "control", "active", None),
    (4, "rectify", "closed", d("2026-11-01")),
]


def test_the_stored_summary_holds_the_worst_open_state_its_dates_and_actions():
    s = site.summarise(ROWS)
    assert s == site.SiteSummary("rectify:ordered", 2, "2026-11-18,2026-11-30", ("control", "fine", "rectify"))
    assert s.dues == (d("2026-11-18"), d("2026-11-30")) and s.due_on == d("2026-11-18")


def test_a_site_with_only_closed_cases_has_no_summary():
    assert site.summarise([(4, "rectify", "closed", d("2026-11-01")), (5, "seal", "released", None)]) == site.EMPTY
    assert site.summarise([]) == site.EMPTY
    assert site.EMPTY == site.SiteSummary(None, None, "", ())
    assert site.EMPTY.due_on is None and site.EMPTY.dues == ()
    assert site.view(site.EMPTY, d("2026-11-25")) == site.SiteView(None, False, None, None)


def test_two_cases_in_equally_bad_states_show_the_oldest():
    # Case 7 (stop `ordered`) and case 9 (rectify `ordered`) are both open (severity 2): the
    # summary names case 7's state, the lower id, whatever order the rows come in.
    rows = [(9, "rectify", "ordered", None), (7, "stop", "ordered", None)]
    assert site.summarise(rows).state == "stop:ordered"
    assert site.summarise(list(reversed(rows))).state == "stop:ordered"
    # A worse state later in the list wins over an older one.
    assert site.summarise([*rows, (12, "close", "rebounded", None), (11, "fine", "enforcement_requested", None)]).state == (
        "fine:enforcement_requested"
    )


def test_one_date_shared_by_two_cases_is_stored_once():
    rows = [(1, "rectify", "ordered", d("2026-12-01")), (2, "stop", "ordered", d("2026-12-01")),
            (3, "seal", "sealed", d("2026-11-20"))]
    assert site.summarise(rows).dues_text == "2026-11-20,2026-12-01"


def test_the_pin_on_the_due_day_and_the_day_after():
    s = site.summarise(ROWS)
    # On Wednesday 18 November the rectification is due, not overdue: the pin is blue (open).
    on = site.view(s, d("2026-11-18"))
    assert on == site.SiteView(wf.state_info("rectify", "ordered"), False, d("2026-11-18"), d("2026-11-18"))
    # Thursday 19 November: overdue (orange); the next date still to come is 30 November.
    after = site.view(s, d("2026-11-19"))
    assert after.overdue and after.worst.value == "overdue" and after.worst.severity == 3
    assert (after.first_due, after.next_due) == (d("2026-11-18"), d("2026-11-30"))
    # 30 November is the last date; on 1 December nothing is still to come.
    assert site.view(s, d("2026-11-30")).next_due == d("2026-11-30")
    assert site.view(s, d("2026-12-01")).next_due is None


def test_an_escalated_site_stays_red_when_its_date_passes():
    # Enforcement requested from the court (severity 4), its date past: still red, not orange.
    s = site.summarise([(1, "fine", "enforcement_requested", d("2026-11-02")), (2, "rectify", "ordered", None)])
    assert s.severity == 4
    pin = site.view(s, d("2026-11-25"))
    assert pin.overdue and pin.worst == wf.state_info("fine", "enforcement_requested")
    assert site.shown("stop:closure_proposed", 4, True).colour == "#c62828"
    assert site.shown("rectify:ordered", 2, True).value == "overdue"
    assert site.shown("rectify:ordered", 2, False) == wf.state_info("rectify", "ordered")
    # Severity 3 is overdue's own: shown as the stored state, as the engine does.
    assert site.shown("control:overdue", 3, True) == wf.state_info("control", "overdue")


def test_the_summary_is_read_back_from_its_columns():
    s = site.summarise(ROWS)
    assert site.from_columns(s.state, s.severity, s.dues_text, ",".join(s.actions)) == s
    assert site.from_columns(None, None, None, None) == site.EMPTY
    assert site.from_columns(None, None, "", "") == site.EMPTY
    assert site.dump_dues([]) == "" and site.load_dues("") == () and site.load_dues(None) == ()
    assert site.load_dues("2026-11-18") == (d("2026-11-18"),)


OPEN_STATES = [(a, s) for a in wf.ACTION_VALUES for s in wf.stored_states(a)]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(OPEN_STATES), st.one_of(st.none(), st.integers(-40, 40))), max_size=5),
       st.integers(-10, 10))
def test_the_pin_answers_as_the_engine_does_over_the_open_cases(cases_, shift):
    as_of = date(2026, 11, 25)
    snaps, rows = [], []
    for cid, ((action, state), days) in enumerate(cases_, start=1):
        bare = wf.CaseSnapshot(action, state, as_of, None, {}, {}, {}, {})
        # A deadline the action watches in this state, as store_snapshot would have stored it.
        names = list(engine._module(action).overdue_deadlines(bare))
        due = as_of + timedelta(days=days) if days is not None and names else None
        deadlines = {names[0]: wf.Deadline(names[0], due)} if due else {}
        snap = wf.CaseSnapshot(action, state, as_of, None, {}, {}, deadlines, {})
        assert (wf.watched_deadline(snap).due_on if due else None) == due
        rows.append((cid, action, state, due))
        if not wf.state_info(action, state).terminal:
            snaps.append(snap)
    # What the enterprise row stores, read back from its columns.
    stored = site.summarise(rows)
    again = site.from_columns(stored.state, stored.severity, stored.dues_text, ",".join(stored.actions))
    assert again == stored
    day = as_of + timedelta(days=shift)
    pin = site.view(again, day)
    # The engine over the open cases, each holding only its watched deadline (what the map
    # read before the summary).
    worst = wf.worst_state(snaps, day)
    assert (pin.worst.severity if pin.worst else None) == (worst.severity if worst else None)
    assert worst is None or worst.value != "overdue" or pin.worst.value == "overdue"
    assert pin.overdue == any(wf.is_overdue(s, day) for s in snaps)
    dues = [x.due_on for s in snaps for x in s.deadlines.values()]
    assert pin.first_due == min(dues, default=None)
    assert pin.next_due == min((x for x in dues if x >= day), default=None)
    assert list(again.actions) == sorted({s.action for s in snaps})
