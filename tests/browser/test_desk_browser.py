"""The bureau desk in a real browser at 1366x768: the map loads the box, filters and pops up;
a case review action; the conflict queue. Screenshots go to docs/screenshots/desk-*.png."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESK = {"width": 1366, "height": 768}


@pytest.fixture
def desk(phone):
    phone.page.set_viewport_size(DESK)
    phone.login("reviewer")
    return phone


def test_the_map_loads_the_box_filters_it_and_opens_a_popup(desk):
    page = desk.page
    desk.goto("/desk/map")
    page.wait_for_selector("#desk-map[data-loaded]")
    everything = int(page.get_attribute("#desk-map", "data-loaded"))
    assert everything > 0 and page.get_attribute("#desk-map", "data-mode") == "points"
    assert page.locator(".map-legend li").count() >= 5
    desk.shot("desk-map.png", full_page=False)
    page.select_option("select[name=action]", "close")
    page.wait_for_selector(f"#desk-map:not([data-loaded='{everything}']):not([aria-busy])")
    filtered = int(page.get_attribute("#desk-map", "data-loaded"))
    assert 0 < filtered < everything
    assert "action=close" in page.url  # the view is shareable
    # Zoom into a cluster until single enterprises show, then open one.
    for _ in range(8):
        if page.locator("path.leaflet-interactive").count():
            break
        page.locator(".cluster-icon").first.click()
        page.wait_for_timeout(400)
    page.locator("path.leaflet-interactive").first.click(force=True)
    popup = page.locator(".leaflet-popup .map-popup")
    popup.wait_for()
    page.wait_for_selector(".map-popup a.popup-link")
    assert popup.locator("a[href^='/cases/']").count() >= 1


def _stop_case(desk, wanted) -> int:
    page = desk.page
    desk.goto("/cases?action=stop")
    hrefs = [page.locator("a[href^='/cases/']").nth(i).get_attribute("href")
             for i in range(page.locator("a[href^='/cases/']").count())]
    for href in hrefs:
        if re.fullmatch(r"/cases/\d+", href or ""):
            desk.goto(href)
            if wanted(page):
                return int(href.rsplit("/", 1)[1])
    raise AssertionError("no such stop case in the demo city")


def _waiting_for_plan(page) -> bool:
    return page.locator("details[data-event='file_plan']").count() == 1


def _past_the_plan(page) -> bool:
    return page.locator("details[data-event='file_plan'], details[data-event='accept_plan']").count() == 0


def test_a_reviewer_records_an_event_from_the_case_page(desk):
    page = desk.page
    case_id = _stop_case(desk, _waiting_for_plan)
    assert page.url.endswith(f"/cases/{case_id}")
    page.locator("details[data-event='file_plan'] summary").click()
    desk.shot("desk-case-review.png")
    page.locator("details[data-event='file_plan'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").count() == 1
    assert page.locator("details[data-event='file_plan']").count() == 0


def test_the_conflict_queue_shows_both_versions_and_decides(desk):
    page = desk.page
    case_id = _stop_case(desk, _past_the_plan)
    token = page.request.post(desk.base + "/api/v1/auth/token",
                              data={"username": "reviewer", "password": "Review-demo-2026"}).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    for kind in ("file_plan", "accept_plan"):
        refused = page.request.post(f"{desk.base}/api/v1/cases/{case_id}/events", headers=headers,
                                    data={"type": kind, "on": "2026-11-20"})
        assert refused.status == 409
    desk.goto("/desk/conflicts")
    cards = page.locator("section.conflict")
    assert cards.count() >= 2
    first = cards.first
    assert first.locator(".version.kept").is_visible() and first.locator(".version.current").is_visible()
    desk.shot("desk-conflicts.png")
    before = cards.count()
    first.locator("textarea[name$='-reason']").fill("重复提交，现场已核实")
    first.locator("form[action$='/discard'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("section.conflict").count() == before - 1
    desk.goto("/desk/dashboard")
    assert page.locator("figure.chart svg").count() >= 6
    desk.shot("desk-dashboard.png")
