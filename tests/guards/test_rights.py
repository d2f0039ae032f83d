"""Who may serve an order at which firm, and who may see and answer in oversight: every branch of
the two rights modules, with the reason the page shows (mutation scope of `make mutants-guards`)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from enforcement.errors import Forbidden
from enforcement.extensions import db
from enforcement.models import Draw, Enterprise
from enforcement.services.casework import authority
from enforcement.services.casework.authority import (DRAWN, NO_TOWNSHIP, OUTSIDE, OWN_TOWNSHIP,
                                                     REVIEWER, SiteRights, drawn_for, site_rights)
from enforcement.services.core.actor import Actor
from enforcement.services.oversight import access

AS_OF = date(2026, 11, 25)
ZHANG = Actor(7, "zhangwei", "inspector", township_id=1)


def firm(township_id, id_=10):
    return Enterprise(id=id_, name="某厂", township_id=township_id)


def draw(id_, created_on, *inspectors, enterprise_id=10, period="2026-Q4"):
    return Draw(id=id_, seed="s", period=period, quotas={"A": 1}, created_on=created_on,
                result={"assignments": [{"enterprise_id": enterprise_id, "risk_class": "A",
                                         "inspectors": list(inspectors)}]})


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_the_desk_may_serve_anywhere(role):
    desk = Actor(1, "li", role, township_id=1)
    assert site_rights(desk, firm(2), as_of=AS_OF, drawn={}) == SiteRights(True, REVIEWER)


@pytest.mark.parametrize("role", ["unit", "viewer"])
def test_other_roles_may_serve_nowhere_even_in_their_township(role):
    other = Actor(2, "wang", role, township_id=1)
    assert site_rights(other, firm(1), as_of=AS_OF, drawn={}) == SiteRights(False, OUTSIDE)


def test_an_inspector_serves_in_his_own_township():
    assert site_rights(ZHANG, firm(1), as_of=AS_OF, drawn={}) == SiteRights(True, OWN_TOWNSHIP)


def test_without_a_township_on_either_side_nothing_limits_the_inspector():
    free = Actor(8, "zhao", "inspector", township_id=None)
    assert site_rights(free, firm(2), as_of=AS_OF, drawn={}) == SiteRights(True, NO_TOWNSHIP)
    assert site_rights(ZHANG, firm(None), as_of=AS_OF, drawn={}) == SiteRights(True, NO_TOWNSHIP)


def test_another_township_is_refused_unless_a_draw_sent_him_there():
    assert site_rights(ZHANG, firm(2), as_of=AS_OF, drawn={}) == SiteRights(False, OUTSIDE)
    sent = draw(5, AS_OF, "zhangwei", "liuyang")
    assert site_rights(ZHANG, firm(2), as_of=AS_OF, drawn={10: sent}) == \
        SiteRights(True, DRAWN, 5, "2026-Q4")
    # A draw for another firm gives no right at this one.
    assert site_rights(ZHANG, firm(2, id_=11), as_of=AS_OF, drawn={10: sent}) == \
        SiteRights(False, OUTSIDE)


def test_draws_give_rights_for_a_year_to_the_officers_they_named(app):
    # DRAW_ASSIGNMENT_DAYS = 366 by default: a draw made 366 days before still counts (2025-11-24
    # to 2026-11-25 is 366 days, 2026 not being a leap year), one made 367 days before does not,
    # nor one dated after the day asked about.
    db.session.add_all([
        draw(1, AS_OF - timedelta(days=366), "zhangwei", enterprise_id=20),
        draw(2, AS_OF - timedelta(days=367), "zhangwei", enterprise_id=21),
        draw(3, AS_OF + timedelta(days=1), "zhangwei", enterprise_id=22),
        draw(4, AS_OF, "liuyang", "wangfang", enterprise_id=23),   # others were sent
        draw(5, AS_OF, "zhangwei", enterprise_id=24),              # made that very day
        Draw(id=6, seed="s", period="p", quotas={}, created_on=AS_OF, result=None),  # none yet
    ])
    db.session.flush()
    assert {k: d.id for k, d in drawn_for(ZHANG, as_of=AS_OF).items()} == {20: 1, 24: 5}
    assert date(2025, 11, 24) == AS_OF - timedelta(days=366)
    # Without a name (a token of the system) no draw names him.
    assert drawn_for(Actor(None, "", "inspector", 1), as_of=AS_OF) == {}


def test_a_shorter_assignment_period_is_the_bureaus_choice(app):
    app.config["DRAW_ASSIGNMENT_DAYS"] = 30
    db.session.add_all([draw(1, AS_OF - timedelta(days=30), "zhangwei", enterprise_id=20),
                        draw(2, AS_OF - timedelta(days=31), "zhangwei", enterprise_id=21)])
    db.session.flush()
    assert set(drawn_for(ZHANG, as_of=AS_OF)) == {20}
    assert authority._draw_days() == 30


def test_the_newest_draw_that_names_him_is_the_one_shown(app):
    db.session.add_all([draw(2, AS_OF - timedelta(days=40), "zhangwei", period="2026-Q3"),
                        draw(1, AS_OF - timedelta(days=5), "zhangwei", period="2026-Q4"),
                        draw(3, AS_OF - timedelta(days=5), "zhangwei", period="2026-Q4b")])
    db.session.flush()
    found = drawn_for(ZHANG, as_of=AS_OF)
    assert list(found) == [10] and found[10].id == 3  # same day: the later draw (higher id)
    # And site_rights asks the database itself when not given the officer's draws.
    assert site_rights(ZHANG, firm(2), as_of=AS_OF) == SiteRights(True, DRAWN, 3, "2026-Q4b")


def test_an_enterprise_id_stored_as_text_in_a_draw_still_matches(app):
    db.session.add(Draw(id=1, seed="s", period="p", quotas={}, created_on=AS_OF,
                        result={"assignments": [{"enterprise_id": "10", "inspectors": ["zhangwei"]}]}))
    db.session.flush()
    assert list(drawn_for(ZHANG, as_of=AS_OF)) == [10]


# ---------------------------------------------------------------- oversight

DESK = [Actor(1, "li", "reviewer"), Actor(2, "admin", "admin")]
UNIT = Actor(3, "chen", "unit", unit_id=4)


def refused(call) -> Forbidden:
    with pytest.raises(Forbidden) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("actor", DESK)
def test_the_desk_manages_everything_in_oversight(actor):
    access.require_desk(actor)
    access.require_reader(actor)
    assert access.unit_scope(actor) is None
    access.require_own_unit(actor, [99], "unit_id")


@pytest.mark.parametrize("actor", [UNIT, Actor(5, "zhangwei", "inspector", township_id=1)])
def test_only_the_desk_manages(actor):
    error = refused(lambda: access.require_desk(actor))
    assert (error.message, error.fields) == ("Only the bureau desk may do this.",
                                             {"role": "reviewer or administrator"})


def test_a_unit_officer_reads_his_own_unit_only_and_an_inspector_nothing():
    access.require_reader(UNIT)
    assert access.unit_scope(UNIT) == 4
    assert access.unit_scope(Actor(6, "he", "unit", unit_id=None)) == -1  # matches no row
    inspector = Actor(5, "zhangwei", "inspector", township_id=1, unit_id=4)
    for call in (lambda: access.require_reader(inspector), lambda: access.unit_scope(inspector)):
        error = refused(call)
        assert (error.message, error.fields) == ("Your role may not see this.",
                                                 {"role": "reviewer, administrator or unit"})


def test_a_unit_officer_may_not_act_on_another_units_record():
    access.require_own_unit(UNIT, [3, 4], "host_unit_id")
    access.require_own_unit(UNIT, (u for u in [4]), "host_unit_id")  # any iterable of ids
    error = refused(lambda: access.require_own_unit(UNIT, [3, 5], "host_unit_id"))
    assert (error.message, error.fields) == ("This belongs to another unit.",
                                             {"host_unit_id": "not your unit's"})
    # An inspector is not confined to a unit here (require_reader keeps him out elsewhere).
    access.require_own_unit(Actor(5, "zhangwei", "inspector", unit_id=4), [3], "host_unit_id")


def test_a_branch_officer_serves_only_at_his_own_branchs_firms(app):
    # Issue 20: a branch (分局) reviewer may serve anywhere in his branch, nowhere else; an
    # inspector of the branch is refused at another branch's firm before his township is asked.
    from enforcement.models import Branch, Township
    db.session.add_all([Branch(id=901, code="b901", name="东分局"), Branch(id=902, code="b902", name="西分局"),
                        Township(id=901, code="t901", name="东镇", branch_id=901),
                        Township(id=902, code="t902", name="西镇", branch_id=902)])
    db.session.flush()
    east_desk = Actor(1, "li", "reviewer", branch_id=901)
    assert site_rights(east_desk, firm(901), as_of=AS_OF, drawn={}) == SiteRights(True, REVIEWER)
    assert site_rights(east_desk, firm(902), as_of=AS_OF, drawn={}) == SiteRights(False, OUTSIDE)
    east = Actor(7, "zhangwei", "inspector", township_id=901, branch_id=901)
    sent = draw(5, AS_OF, "zhangwei")
    assert site_rights(east, firm(902), as_of=AS_OF, drawn={10: sent}) == SiteRights(False, OUTSIDE)
    assert site_rights(east, firm(None), as_of=AS_OF, drawn={}) == SiteRights(False, OUTSIDE)


def test_a_draw_entered_later_for_an_earlier_day_does_not_outrank_a_newer_draw(app):
    # Draw 5 was recorded after draw 4 but is dated 40 days back (a late entry): the right comes
    # from the newest draw by its day, draw 4, not from the last one entered.
    db.session.add_all([draw(4, AS_OF - timedelta(days=5), "zhangwei", period="2026-Q4"),
                        draw(5, AS_OF - timedelta(days=40), "zhangwei", period="2026-Q3")])
    db.session.flush()
    assert drawn_for(ZHANG, as_of=AS_OF)[10].id == 4


def test_of_two_draws_on_one_day_the_later_one_counts_whatever_order_the_rows_are_found_in(app):
    # Draws 1 and 3 are both dated five days back; draw 3 was made later (higher id) and counts.
    # Its row is written first here, as a restored backup or a re-entered draw would be:
    # PostgreSQL then finds it first, and only the id decides between the two.
    db.session.add(draw(3, AS_OF - timedelta(days=5), "zhangwei", period="2026-Q4b"))
    db.session.flush()
    db.session.add(draw(1, AS_OF - timedelta(days=5), "zhangwei", period="2026-Q4"))
    db.session.flush()
    found = drawn_for(ZHANG, as_of=AS_OF)
    assert list(found) == [10] and found[10].id == 3
