"""Where a follow-up's window lies (casework.plan_followup): weekends, statutory holidays and a
township's quiet day (宁静日), and which planned dates are provisional (暂定).

The rules (docs/workflows.md, "Counting days"; WORKFLOWS.md, 企业宁静日): both ends of a window move
forward over weekends and holidays (Civil Code Art. 203; Civil Procedure Law Art. 85). A quiet day
is local, not law: a routine check (双随机) moves forward past it, a check with a legal limit is due
earlier, on the last allowed day of its window; a window holding no allowed day at all keeps its
legal dates. A date counted in a year without the State Council's notice is provisional
(放假办法, 2024 revision, Arts. 2 and 6).
"""
from __future__ import annotations

from enforcement.workflow import Calendar, QuietDay, parse_schedule

from .support import d

# FICTIONAL schedule for tests only. It is NOT the State Council's 2028 arrangement (unknown when
# this was written) and must never be imported as official data. Sat 1 Jan 2028 is 元旦; this
# fiction gives Sat 1 to Mon 3 off, so Tue 4 January is the first working day.
FICTIONAL_2028 = """\
# FICTIONAL test schedule, not the official 2028 notice
year: 2028
holiday 2028-01-01..2028-01-03 元旦
"""


def with_2028(quiet=()):
    """2026 official (chinese_calendar), 2027 without a notice, 2028 'imported' (fictional)."""
    return Calendar(extra_years={2028: parse_schedule(FICTIONAL_2028)}, quiet_days=quiet)


# --- a township's own quiet day ----------------------------------------------------------------

def test_a_routine_check_moves_forward_past_its_townships_quiet_days_at_both_ends(flow):
    # control served Tue 2026-09-01, risk class A: routine_1 may start Wed 09-02 and is due three
    # months after service, Tue 12-01. Both are Xinzhuang's quiet days: the window becomes
    # Thu 09-03 .. Wed 12-02 (a routine check is not a legal limit, it may move forward).
    quiet = Calendar(quiet_days=[QuietDay(d("2026-09-02"), "Xinzhuang"), QuietDay(d("2026-12-01"), "Xinzhuang")])
    f = flow("control", d("2026-09-01"), {"risk_class": "A"}, calendar=quiet, township="Xinzhuang")
    r = f.case.followups["routine_1"]
    assert (r.earliest_on, r.due_on) == (d("2026-09-03"), d("2026-12-02"))
    # Xinzhuang's quiet days are nothing to a firm in Hengli.
    g = flow("control", d("2026-09-01"), {"risk_class": "A"}, calendar=quiet, township="Hengli")
    r = g.case.followups["routine_1"]
    assert (r.earliest_on, r.due_on) == (d("2026-09-02"), d("2026-12-01"))


def test_a_re_inspection_does_not_start_on_its_townships_quiet_day(flow):
    # rectify served Mon 2026-10-12, 7 days: rectify_by Mon 10-19. The re-inspection may start
    # Tue 10-20 and is due 5 working days after 10-19: Tue 20, Wed 21, Thu 22, Fri 23, Mon 26.
    # Tue 10-20 is Xinzhuang's quiet day: the window starts Wed 10-21; its last day stays Mon 10-26.
    quiet = Calendar(quiet_days=[QuietDay(d("2026-10-20"), "Xinzhuang")])
    f = flow("rectify", d("2026-10-12"), {"rectify_days": 7}, calendar=quiet, township="Xinzhuang")
    r = f.case.followups["reinspect"]
    assert (r.earliest_on, r.due_on) == (d("2026-10-21"), d("2026-10-26"))


# --- a window made only of quiet days keeps its legal dates -------------------------------------

def test_a_re_inspection_window_that_is_all_quiet_days_keeps_its_legal_dates(flow):
    # As above: window Tue 10-20 .. Mon 10-26, its working days 20, 21, 22, 23 and 26 (24–25 are the
    # weekend). Xinzhuang declares all five quiet (e.g. an exam week): no allowed day is left, so the
    # re-inspection keeps its legal window (a visit then needs an approval reference); the quiet
    # days change nothing at all in the plan.
    week = ["2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23", "2026-10-26"]
    quiet = Calendar(quiet_days=[QuietDay(d(x), "Xinzhuang") for x in week])
    plain = flow("rectify", d("2026-10-12"), {"rectify_days": 7}, township="Xinzhuang").case.followups["reinspect"]
    r = flow("rectify", d("2026-10-12"), {"rectify_days": 7}, calendar=quiet, township="Xinzhuang").case.followups["reinspect"]
    assert (r.key, r.purpose, r.earliest_on, r.due_on) == ("reinspect", "verification", d("2026-10-20"), d("2026-10-26"))
    assert r.unannounced is True and r.provisional is False
    assert r == plain


def test_an_all_quiet_stop_check_window_ending_in_2027_is_provisional(flow):
    # stop served Mon 2026-12-28: the check that production stopped is due within 7 days, window
    # Tue 12-29 .. Mon 2027-01-04 (Fri 01-01 元旦, 02–03 the weekend). Xinzhuang's quiet days cover
    # every working day of it (Tue 29, Wed 30, Thu 31, Mon 4): it keeps its legal window. Its start
    # is counted in 2026 (official), its last day in 2027, a year without the State Council's
    # notice: the last day is provisional, so the follow-up is.
    days = ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-04"]
    quiet = Calendar(quiet_days=[QuietDay(d(x), "Xinzhuang") for x in days])
    r = flow("stop", d("2026-12-28"), calendar=quiet, township="Xinzhuang").case.followups["stop_check_1"]
    assert (r.earliest_on, r.due_on, r.provisional) == (d("2026-12-29"), d("2027-01-04"), True)


# --- provisional dates: a year without the notice ---------------------------------------------

def test_a_stop_check_starting_in_a_year_without_the_notice_is_provisional(flow):
    # stop served Tue 2027-12-28: window Wed 12-29 .. Tue 2028-01-04 (served + 7 days). 2028's
    # schedule is imported, 2027's is not: the last day is certain, the first is counted in 2027
    # and is provisional, so the follow-up is.
    r = flow("stop", d("2027-12-28"), calendar=with_2028()).case.followups["stop_check_1"]
    assert (r.earliest_on, r.due_on, r.provisional) == (d("2027-12-29"), d("2028-01-04"), True)


def test_a_routine_check_is_provisional_when_either_end_is_counted_without_the_notice(flow):
    # control served Mon 2026-11-02, class A: window Tue 11-03 (2026, official) .. Tue 2027-02-02
    # (three months; 2027 has no notice): provisional.
    r = flow("control", d("2026-11-02"), {"risk_class": "A"}).case.followups["routine_1"]
    assert (r.earliest_on, r.due_on, r.provisional) == (d("2026-11-03"), d("2027-02-02"), True)
    # control served Tue 2027-10-12, class A: window Wed 10-13 (2027, no notice) .. Wed 2028-01-12
    # (2028 imported): the start is provisional, so the follow-up is.
    r = flow("control", d("2027-10-12"), {"risk_class": "A"}, calendar=with_2028()).case.followups["routine_1"]
    assert (r.earliest_on, r.due_on, r.provisional) == (d("2027-10-13"), d("2028-01-12"), True)
    # Both ends in 2026: certain.
    r = flow("control", d("2026-03-02"), {"risk_class": "A"}).case.followups["routine_1"]
    assert (r.earliest_on, r.due_on, r.provisional) == (d("2026-03-03"), d("2026-06-02"), False)


def test_a_closure_verification_visit_is_provisional_exactly_when_verify_by_is(flow):
    # close served Mon 2027-12-20, executed Fri 2027-12-31. verify_by: 5 working days after it, in
    # (fictional, imported) 2028: Sat 1 – Mon 3 off; Tue 4, Wed 5, Thu 6, Fri 7, Mon 10 → 2028-01-10.
    # The count starts in 2027, a year without the notice, so verify_by is flagged provisional; the
    # visit whose last day IS verify_by (window Tue 01-04 .. Mon 01-10) carries the same flag, or
    # the paper would print one date certain and the other 暂定.
    from .test_close import ALL_DONE

    f = flow("close", d("2027-12-20"), calendar=with_2028())
    f("execute", d("2027-12-31"), checklist=ALL_DONE)
    verify_by = f.case.deadlines["verify_by"]
    v = f.case.followups["verify"]
    assert (v.earliest_on, v.due_on) == (d("2028-01-04"), verify_by.due_on) == (d("2028-01-04"), d("2028-01-10"))
    assert verify_by.provisional is True
    assert v.provisional is True


def test_a_last_day_on_a_sunday_without_the_notice_is_provisional_though_it_rolls_into_a_year_with_one(flow):
    # A bureau whose rules plan one anti-rebound check, 24 months after verification. Verified Thu
    # 2026-12-31: the window runs from Fri 2027-01-01 to Sun 2028-12-31, which rolls to the next
    # working day: Mon 2029-01-01 is 元旦, so Tue 2029-01-02. 2027 and 2029 are imported here
    # (fictional schedules), 2028 is not: its notice could make Sun 12-31 an adjusted working day
    # (as 2026's notice did for Sun 2026-01-04), and the check would be due that day. The window's
    # first day (Mon 2027-01-04) and its last are certain, the roll is not: provisional.
    from enforcement.workflow import Rules

    from .support import FICTIONAL_2027
    from .test_close import ALL_DONE

    fictional_2029 = "# FICTIONAL test schedule, not the official 2029 notice\nyear: 2029\nholiday 2029-01-01 元旦\n"
    cal = Calendar(extra_years={2027: parse_schedule(FICTIONAL_2027), 2029: parse_schedule(fictional_2029)})
    f = flow("close", d("2026-12-01"), rules=Rules.from_mapping({"close": {"anti_rebound_months": [24]}}), calendar=cal)
    f("execute", d("2026-12-10"), checklist=ALL_DONE)
    f("verify", d("2026-12-31"), compliant=True, visit_id=1)
    r = f.case.followups["rebound_24m"]
    assert (r.earliest_on, r.due_on, r.provisional) == (d("2027-01-04"), d("2029-01-02"), True)
