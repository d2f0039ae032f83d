"""The 双随机 draw as a citizen re-running a published seed sees it: the same seed gives the same
list on any machine and in any year (a known answer, recorded once and never to change), no
officer is paired with himself however the rounds fall, and the inputs are checked with the
reason given. Written after the mutation run (docs/mutation.md) found these unpinned."""
from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enforcement.workflow import draw

from .support import examples

TWELVE = [(i, "ABC"[i % 3]) for i in range(1, 13)]  # A: 3 6 9 12, B: 1 4 7 10, C: 2 5 8 11
THREE = ["li", "wang", "zhang"]


def test_a_published_seed_gives_the_recorded_draw_forever():
    # Recorded on 2026-11-30 from random.Random(int(sha256(seed).hexdigest(), 16)). With three
    # officers a pair can straddle two shuffled rounds; this seed does, twice, so the swap that
    # keeps a pair distinct is part of the answer too.
    result = draw(TWELVE, THREE, {"A": 2, "B": 2, "C": 1}, seed="2026-Q3")
    assert result.seed == "2026-Q3"
    assert [(a.enterprise_id, a.risk_class, a.inspectors) for a in result.assignments] == [
        (3, "A", ("li", "wang")), (6, "A", ("wang", "zhang")), (4, "B", ("li", "zhang")),
        (10, "B", ("wang", "zhang")), (11, "C", ("li", "zhang"))]
    assert result.shortfall == {}


def test_enterprise_ids_of_mixed_types_sort_the_same_way_every_time():
    # Inputs are sorted by (class, id as text) before drawing: the input order never matters.
    mixed = [("91130100MA0000000X", "A"), (7, "A"), ("7a", "B"), (12, "B")]
    one = draw(mixed, THREE, {"A": 1, "B": 1}, seed="s")
    assert one == draw(list(reversed(mixed)), THREE, {"A": 1, "B": 1}, seed="s")


@settings(max_examples=examples(200), deadline=None, derandomize=True)
@given(seed=st.text(max_size=12), size=st.integers(min_value=2, max_value=7),
       count=st.integers(min_value=1, max_value=12))
def test_no_officer_is_ever_paired_with_himself_and_loads_stay_level(seed, size, count):
    roster = [f"officer{i}" for i in range(size)]
    result = draw([(i, "A") for i in range(count)], roster, {"A": count}, seed=seed)
    assert len(result.assignments) == count
    assert all(a.inspectors[0] < a.inspectors[1] for a in result.assignments)  # distinct, sorted
    load = Counter(name for a in result.assignments for name in a.inspectors)
    assert sum(load.values()) == 2 * count
    assert max(load.values()) - min(load.get(name, 0) for name in roster) <= 1


def test_a_quota_equal_to_the_class_takes_all_with_no_shortfall():
    result = draw(TWELVE, THREE, {"A": 4, "B": 5}, seed="s")
    assert sorted(a.enterprise_id for a in result.assignments if a.risk_class == "A") == [3, 6, 9, 12]
    assert result.shortfall == {"B": 1}


@pytest.mark.parametrize("quota", [-1, True, False, "3", 2.0, None])
def test_a_quota_must_be_a_non_negative_integer(quota):
    with pytest.raises(ValueError, match=r"^quota for risk class 'A' must be a non-negative integer$"):
        draw(TWELVE, THREE, {"A": quota}, seed="s")


def test_an_enterprise_listed_twice_is_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"^an enterprise appears twice in the draw$"):
        draw([(1, "A"), (1, "B")], THREE, {"A": 1}, seed="s")
