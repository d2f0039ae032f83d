"""Later events and new sites without signal: the inspector carries out a close order ("two cuts,
three clears") and pins a site that is not on the map yet, records its visit, all offline; when
the network returns the bureau holds exactly one execution event, one new site and its visit."""
from __future__ import annotations

import re
import uuid

import pytest

from .conftest import until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CHECKLIST = ("water_cut", "power_cut", "materials_cleared", "equipment_cleared", "products_cleared")




def api(page, method: str, path: str, body: dict | None = None) -> dict:
    """A request from the logged-in page (session + CSRF), as the phone's own scripts make."""
    return page.evaluate(
        """async ([method, path, body]) => {
             const r = await fetch(path, {method, credentials: 'same-origin', headers: {
               'Content-Type': 'application/json', 'Accept': 'application/json',
               'X-CSRFToken': document.querySelector('meta[name=csrf-token]').content},
               body: body ? JSON.stringify(body) : undefined});
             return {status: r.status, body: await r.json()};
           }""", [method, path, body])


def serve_close_order(phone) -> int:
    """A close order served today on a site of my township (the API, as a colleague would)."""
    page = phone.page
    phone.goto("/m/worklist")
    near = api(page, "GET", "/m/find/near.json?lat=39.9612&lon=116.8305&radius_m=10000")["body"]["items"]
    mine = [e for e in near if e["mine"]]
    today = page.evaluate("new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)")
    for site in mine[-5:]:
        res = api(page, "POST", "/api/v1/cases", {"enterprise_id": site["id"], "action": "close",
                                                  "served_on": today, "violation": "无证经营，偷排废水"})
        if res["status"] in (200, 201):
            return res["body"]["id"]
    raise AssertionError("no site of my township took a close order")


def test_offline_close_checklist_and_pinned_site_with_its_visit_arrive_once(phone):
    phone.login("inspector")
    page = phone.page
    case_id = serve_close_order(phone)
    execute_path = f"/m/cases/{case_id}/execute"
    phone.goto(execute_path)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.goto("/m/find")
    until(page, f"""async () => !!(await caches.match('{execute_path}')) && !!(await caches.match('/m/find'))
                   && !!(await caches.match('/m/pinned/visit')) && !!(await caches.match('/m/outbox'))
                   && !!(await caches.match('/static/js/inspector-pin.js'))""")

    phone.context.set_offline(True)
    # The close order carried out: every item ticked, kept on the phone.
    phone.goto(execute_path)
    assert page.locator("#offline-note").is_visible()
    for name in CHECKLIST[:-1]:
        page.locator(f"label.switch:has(input[name={name}])").tap()
    page.locator("#execute-save").tap()  # one item missing: refused on the phone
    assert page.locator("#checklist-error").is_visible()
    page.locator("label.switch:has(input[name=products_cleared])").tap()
    assert page.locator("#checklist-error").is_hidden()
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-execute.png")
    page.locator("#execute-save").tap()
    page.wait_for_url(re.compile(r"/m/outbox$"))

    # A site not on the map: pinned where I stand, then its visit.
    name = f"无名喷涂作坊{uuid.uuid4().hex[:6]}"
    phone.goto("/m/find")
    until(page, "document.getElementById('pin-lat').value !== ''")
    page.fill("input[name=name]", name)
    page.fill("input[name=address]", "高楼村北口")
    page.select_option("select[name=industry]", "plastics")  # no industry is preselected
    page.locator("#pin-form button[type=submit]").tap()
    page.wait_for_url(re.compile(r"/m/pinned/visit\?enterprise_uuid="))
    assert name in page.locator("#visit-enterprise").inner_text()
    page.locator("#gps.ok, #gps.far").wait_for()
    page.locator("label.chip", has_text="刘洋").tap()
    page.fill("textarea[name=findings]", "无环评手续，喷漆废气直排")
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-pinned-visit.png")
    page.locator("#save-visit").tap()
    page.wait_for_url(re.compile(r"/m/serve\?visit_uuid="))

    phone.goto("/m/outbox")
    page.locator("#outbox-list li").nth(2).wait_for()
    kinds = sorted(page.locator("#outbox-list li").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert kinds == ["enterprise", "event", "visit"]
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-outbox-offline-events.png")

    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(page, "document.querySelectorAll('#outbox-list li').length === 0")
    page.locator("#sync-now").tap()  # a second sync sends nothing twice
    page.evaluate("Outbox.sync().then(() => true)")  # the sync in flight, finished

    case = api(page, "GET", f"/api/v1/cases/{case_id}")["body"]
    assert case["state"] == "executed"
    assert [e["type"] for e in case["history"]] == ["execute"]
    found = api(page, "GET", "/api/v1/enterprises?q=" + name)["body"]["features"]
    assert len(found) == 1
    site = api(page, "GET", f"/api/v1/enterprises/{found[0]['id']}")["body"]
    assert site["township"] and len(site["last_visits"]) == 1
    page.locator("#synced-list a", has_text=name).tap()
    page.wait_for_url(re.compile(r"/m/visits/\d+$"))
    assert "刘洋" in page.locator("main").inner_text()
