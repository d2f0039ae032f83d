"""An extension of a seal-up states how many days it adds (ACL Art. 25: at most 30): approved by
the head but with no number of days, it is refused and nothing changes.

Served Monday 2 March 2026: seal_end Wednesday 1 April 2026 (2 March + 30 days)."""
from __future__ import annotations

import pytest

from enforcement.workflow import InvalidEvent, allowed_events

from .support import Flow, d
from .test_measures import SEAL


def test_an_extension_without_its_days_is_refused_and_the_period_is_unchanged():
    f = Flow("seal", d("2026-03-02"), SEAL)
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-03-20"), approved_by="局长 王")
    assert err.value.fields == {"days": "is required"}
    with pytest.raises(InvalidEvent) as err:
        f("extend", d("2026-03-20"), days=None, approved_by="局长 王")
    assert err.value.fields == {"days": "is required"}
    assert f.case.deadlines["seal_end"].due_on == d("2026-04-01")
    assert "extension" not in f.case.facts and "extend" in allowed_events(f.case)
