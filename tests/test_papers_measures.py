"""The papers of the new measures (issue #15) carry the right deadlines, the approvals, the items
and the right to a hearing."""
from __future__ import annotations

from datetime import date

from enforcement.extensions import db
from enforcement.services.casework import cases
from enforcement.services.core.actor import SYSTEM
from test_papers import NOW, cn, reviewer  # noqa: F401  (fixture)


def test_a_limit_decision_shows_its_period_and_extension_and_the_hearing_right(make_case, reviewer, client):  # noqa: F811
    case = make_case(action="stop", served_on=date(2026, 3, 2), measure="limit", approved_by="局长 王")
    index = client.get(f"/papers/case/{case.id}").get_data(as_text=True)
    assert "责令限制生产决定书" in index and "责令停产整治决定书" not in index
    assert client.get(f"/papers/case/{case.id}/stop_decision").status_code == 404
    cases.apply_event(SYSTEM, case, {"type": "extend", "on": "2026-05-20", "months": 3,
                                     "approved_by": "局长 王"}, now=NOW)
    db.session.commit()
    page = client.get(f"/papers/case/{case.id}/limit_decision").get_data(as_text=True)
    # 3 + 3 months from 2 March 2026 = 2 September 2026; the plan within 15 working days, 23 March.
    assert cn(date(2026, 9, 2)) in page and cn(date(2026, 3, 23)) in page
    assert "延长3个月" in page and "经本局负责人局长 王批准" in page
    assert "第六十三条" in page and "七日前" in page


def test_a_stop_decision_runs_until_lifted_by_the_filing(make_case, reviewer, client):  # noqa: F811
    case = make_case(action="stop", served_on=date(2026, 9, 28), approved_by="局长 王")
    page = client.get(f"/papers/case/{case.id}/stop_decision").get_data(as_text=True)
    assert "至停产整治决定解除之日止" in page and "报本局备案之日起解除" in page
    assert "经本局核查后方可恢复生产" not in page  # the first edition's wording, without legal ground
    assert "第六十三条" in page and cn(date(2026, 10, 23)) in page


def test_a_seal_decision_lists_the_items_and_its_30_days(make_case, reviewer, client):  # noqa: F811
    case = make_case(action="seal", served_on=date(2026, 3, 2), approved_by="局长 王",
                     items=["电镀槽 2 个", "废水泵 1 台"])
    page = client.get(f"/papers/case/{case.id}/seal_decision").get_data(as_text=True)
    assert "查封（扣押）决定书" in page and "电镀槽 2 个" in page and "废水泵 1 台" in page
    assert cn(date(2026, 4, 1)) in page and "第二十五条" in page  # 2 March + 30 days


def test_a_closure_after_resumed_production_names_the_governments_approval(make_case, reviewer, client):  # noqa: F811
    case = make_case(action="close", served_on=date(2026, 10, 20), resumed_production=True,
                     government_approved_by="三河市人民政府", government_approved_on="2026-10-16")
    page = client.get(f"/papers/case/{case.id}/closure_decision").get_data(as_text=True)
    assert "报经三河市人民政府于2026年10月16日批准" in page
    assert "第四十三条" in page and "第六十三条" in page
