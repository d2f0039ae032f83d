"""Refusals an officer reads on the case page, word for word: an action the bureau does not have,
and a hearing notified too late (APL Art. 64)."""
from __future__ import annotations

import pytest

from enforcement.workflow import ForbiddenByLaw, InvalidEvent, open_case

from .support import d


def test_an_action_the_bureau_does_not_have_is_refused_with_the_six_it_has(rules, cal):
    with pytest.raises(InvalidEvent) as err:
        open_case("demolish", d("2026-09-28"), {}, rules=rules, calendar=cal)
    assert err.value.fields == {
        "action": "unknown action 'demolish' (known: rectify, stop, close, fine, control, seal)"}


def test_a_hearing_held_six_days_after_its_notice_is_refused_with_the_rule(flow):
    # Notified Tuesday 1 September, held Monday 7 September: 6 days, one short of the 7 that
    # APL Art. 64 requires between the notice and the hearing.
    f = flow("close", d("2026-09-21"))
    with pytest.raises(ForbiddenByLaw) as err:
        f("hearing", d("2026-09-21"), requested_on="2026-08-31", notified_on="2026-09-01",
          held_on="2026-09-07")
    assert str(err.value) == "a hearing is notified at least 7 days before it is held (APL Art. 64)"
    assert err.value.allowed == ["execute", "hearing"]
