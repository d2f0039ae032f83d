"""A case opened from Python with date objects is stored exactly as one opened from JSON."""
from __future__ import annotations

import json

from enforcement.workflow import Calendar, Rules, open_case

from .support import d


def test_a_permit_expiry_given_as_a_date_is_stored_as_its_iso_text():
    rules, cal = Rules.default(), Calendar()
    as_date = open_case("control", d("2026-09-01"), {"risk_class": "A", "permit_expires": d("2027-03-01")},
                        rules=rules, calendar=cal).case
    as_text = open_case("control", d("2026-09-01"), {"risk_class": "A", "permit_expires": "2027-03-01"},
                        rules=rules, calendar=cal).case
    assert as_date.params["permit_expires"] == "2027-03-01"
    assert as_date == as_text
    json.dumps(as_date.params)  # stored params are JSON as they are
