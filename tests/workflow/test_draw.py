from __future__ import annotations

from collections import Counter

import pytest

from enforcement.workflow import draw

ENTERPRISES = [(i, "ABC"[i % 3]) for i in range(1, 31)]
ROSTER = ["li", "wang", "zhang", "zhao", "chen"]


def test_a_draw_takes_each_quota_and_pairs_two_distinct_inspectors():
    result = draw(ENTERPRISES, ROSTER, {"A": 4, "B": 3, "C": 2}, seed="2026-W40")
    assert Counter(a.risk_class for a in result.assignments) == {"A": 4, "B": 3, "C": 2}
    assert all(len(set(a.inspectors)) == 2 for a in result.assignments)
    assert len({a.enterprise_id for a in result.assignments}) == 9
    assert result.shortfall == {}


def test_a_quota_larger_than_the_class_takes_all_and_reports_the_shortfall():
    result = draw(ENTERPRISES, ROSTER, {"A": 15, "D": 1}, seed="s")
    assert sum(a.risk_class == "A" for a in result.assignments) == 10
    assert result.shortfall == {"A": 5, "D": 1}


def test_the_same_seed_gives_the_same_draw_whatever_the_input_order():
    one = draw(ENTERPRISES, ROSTER, {"A": 4, "B": 4}, seed="2026-10")
    two = draw(list(reversed(ENTERPRISES)), list(reversed(ROSTER)), {"B": 4, "A": 4}, seed="2026-10")
    assert one == two
    assert draw(ENTERPRISES, ROSTER, {"A": 4, "B": 4}, seed="2026-11") != one


def test_loads_are_spread_evenly():
    result = draw(ENTERPRISES, ROSTER, {"A": 10, "B": 10, "C": 10}, seed="x")
    load = Counter(name for a in result.assignments for name in a.inspectors)
    assert max(load.values()) - min(load.values()) <= 1


def test_a_draw_needs_two_inspectors():
    with pytest.raises(ValueError, match="at least 2"):
        draw(ENTERPRISES, ["li", "li"], {"A": 1}, seed="x")
