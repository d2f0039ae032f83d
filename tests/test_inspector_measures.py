"""The phone's serve form asks what the law needs before the preview (issue #15): a stop's measure
and approver, a seal-up's items and approver, the legal basis of every order; the forced
execution of a closure at night or on a holiday needs an urgency reason."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from enforcement.extensions import db
from enforcement.models import Case, Conflict
from test_inspector_pages import count, csrf, officers  # noqa: F401  (fixture)
from support_app import new_uuid


def test_a_stop_needs_its_measure_approver_and_legal_basis_before_the_preview(
        client, auth, officers, make_enterprise):  # noqa: F811
    site = make_enterprise()
    auth.login("zhangwei")
    base = {"csrf_token": csrf(client, "/m/serve"), "client_uuid": new_uuid(), "enterprise_id": str(site.id),
            "action": "stop", "served_on": "2026-03-02", "violation": "超标排放"}
    page = client.post("/m/serve", data=base).get_data(as_text=True)
    assert 'id="preview"' not in page and page.count('class="field-error"') == 3
    data = {**base, "measure": "limit", "approved_by": "局长 王", "legal_basis": "《环境保护法》第六十条"}
    page = client.post("/m/serve", data=data).get_data(as_text=True)
    # 限制生产 served 2 March 2026: period_end 2 June (3 months); hearing right shown.
    assert 'id="preview"' in page and 'class="due">2026-06-02' in page and 'id="preview-hearing"' in page
    client.post("/m/serve", data={**data, "confirm": "1"})
    case = db.session.scalar(select(Case))
    assert case.params["measure"] == "limit" and case.params["approved_by"] == "局长 王"


def test_a_seal_up_lists_its_items_and_shows_its_30_days(client, auth, officers, make_enterprise):  # noqa: F811
    site = make_enterprise()
    auth.login("zhangwei")
    base = {"csrf_token": csrf(client, "/m/serve"), "client_uuid": new_uuid(), "enterprise_id": str(site.id),
            "action": "seal", "served_on": "2026-03-02", "violation": "暗管排放",
            "legal_basis": "《环境保护法》第二十五条", "approved_by": "局长 王", "seal_kind": "seal"}
    page = client.post("/m/serve", data=base).get_data(as_text=True)
    assert 'id="preview"' not in page and 'class="field-error"' in page
    data = {**base, "items": "电镀槽 2 个\n废水泵 1 台\n"}
    page = client.post("/m/serve", data=data).get_data(as_text=True)
    assert 'class="due">2026-04-01' in page  # 2 March + 30 days
    client.post("/m/serve", data={**data, "confirm": "1"})
    case = db.session.scalar(select(Case))
    assert case.action == "seal" and case.params["items"] == ["电镀槽 2 个", "废水泵 1 台"]


def test_a_night_execution_without_urgency_is_refused_on_the_phone(
        client, auth, officers, make_enterprise, make_case):  # noqa: F811
    zhang, _ = officers
    site = make_enterprise()
    case = make_case(action="close", served_on=date(2026, 9, 21), enterprise=site, assignee_id=zhang.id)
    auth.login("zhangwei")
    path = f"/m/cases/{case.id}/execute"
    ticks = {k: "y" for k in ("water_cut", "power_cut", "materials_cleared", "equipment_cleared",
                              "products_cleared")}
    data = {"csrf_token": csrf(client, path), "client_uuid": new_uuid(), "on": "2026-09-24",
            "started_at": "23:10", **ticks}
    refused = client.post(path, data=data)
    assert refused.status_code == 409 and "行政强制法》第四十三条" in refused.get_data(as_text=True)
    done = client.post(path, data={**data, "urgency": "废水正在外排"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).facts["execution_urgency"] == "废水正在外排"
    assert count(Conflict) == 0
