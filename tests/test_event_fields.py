"""Issue #14 (smaller): a case event stores only the payload fields its type uses. A field the
type does not read is refused with 422 naming it (and the refused submission is kept for a
reviewer like every refused one); an empty (null) one is dropped."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from support_app import NOW
from enforcement.errors import ValidationError
from enforcement.extensions import db
from enforcement.models import CaseEvent
from enforcement.services.casework import cases, event_fields
from enforcement.services.core.actor import SYSTEM


def test_every_event_type_of_every_action_has_its_row():
    from enforcement.workflow import engine
    assert set(event_fields.EVENT_FIELDS) == set(engine._MODULES)
    for action, module in engine._MODULES.items():
        assert set(event_fields.EVENT_FIELDS[action]) == set(module.EVENTS), action


def test_the_api_refuses_a_field_the_type_does_not_use_and_names_it(app, client, make_case,
                                                                    make_user, api_token):
    case = make_case(action="rectify", served_on=date(2026, 11, 2))
    headers = api_token(make_user("rev", "reviewer"))
    response = client.post(f"/api/v1/cases/{case.id}/events", headers=headers, json={
        "type": "report_rectified", "on": "2026-11-20", "amount_fen": 500})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "amount_fen" in error["fields"] and "report_rectified" in error["fields"]["amount_fen"]
    assert db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all() == []
    ok = client.post(f"/api/v1/cases/{case.id}/events", headers=headers, json={
        "type": "report_rectified", "on": "2026-11-20"})
    assert ok.status_code == 200


@pytest.mark.parametrize("extra", [{"checklist": {"water_cut": True}}, {"months": 3},
                                   {"type_hint": "release"}])
def test_a_fine_decision_stores_only_its_own_fields(app, make_case, writing, extra):
    case = make_case(action="fine", served_on=date(2026, 9, 1), amount_fen=5_000_000)
    cases.apply_event(SYSTEM, case, {"type": "notify", "on": "2026-09-03"}, now=NOW)
    with pytest.raises(ValidationError) as refused:
        cases.apply_event(SYSTEM, case, {"type": "decide", "on": "2026-09-16",
                                         "amount_fen": 5_000_000, **extra}, now=NOW)
    assert set(refused.value.fields) == set(extra)


def test_an_empty_field_is_dropped_not_stored(app, make_case, writing):
    case = make_case(action="rectify", served_on=date(2026, 11, 2))
    cases.apply_event(SYSTEM, case, {"type": "report_rectified", "on": "2026-11-20",
                                     "visit_id": None, "note": None}, now=NOW)
    db.session.commit()
    stored = db.session.scalar(select(CaseEvent.data).where(CaseEvent.case_id == case.id))
    assert stored == {}
