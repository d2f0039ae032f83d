"""The bureau desk in a real browser at 1366x768: the map loads the box, filters and pops up;
a case review action; the conflict queue. Screenshots go to docs/screenshots/desk-*.png."""
from __future__ import annotations

import re

import pytest

from .conftest import until

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESK = {"width": 1366, "height": 768}


def zoom_into_a_cluster(page) -> None:
    """Click a cluster and wait until the map has zoomed in (the clicked cluster is gone, or it
    spread its sites out) and stopped moving."""
    page.evaluate("() => document.querySelector('.cluster-icon').setAttribute('data-clicked', '1')")
    page.locator(".cluster-icon[data-clicked]").click()
    until(page, "(!document.querySelector('.cluster-icon[data-clicked]')"
                " || !!document.querySelector('path.leaflet-interactive'))"
                " && !document.querySelector('.leaflet-zoom-anim')")


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
        zoom_into_a_cluster(page)
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


def test_a_reviewer_pins_a_complaint_on_the_map_and_records_it(desk):
    page = desk.page
    desk.goto("/desk/complaints")
    page.wait_for_selector(".complaint-map[data-ready]")
    assert page.input_value("#lat") == "" and page.input_value("#lon") == ""
    page.locator(".complaint-map").click(position={"x": 160, "y": 110})
    lat, lon = float(page.input_value("#lat")), float(page.input_value("#lon"))
    assert 30 < lat < 50 and 100 < lon < 130
    assert page.locator(".complaint-map .leaflet-marker-icon").count() == 1
    page.select_option("select[name=channel]", "hotline")
    page.select_option("select[name=category]", "noise")
    page.fill("textarea[name=text]", "夜间施工噪声扰民，浏览器测试")
    desk.shot("desk-complaints.png", full_page=False)
    page.locator("#record button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").count() == 1
    row = page.locator(".complaint-list li", has_text="夜间施工噪声扰民，浏览器测试")
    assert row.count() == 1 and "暗访期限" in row.inner_text()
    # The pin can be taken off again (the address alone is enough).
    page.wait_for_selector(".complaint-map[data-ready]")
    page.locator(".complaint-map").click(position={"x": 100, "y": 100})
    page.locator("#complaint-unpin").click()
    assert page.input_value("#lat") == "" and page.locator(".complaint-map .leaflet-marker-icon").count() == 0
    desk.set_width(360)
    assert desk.no_horizontal_scroll()


def test_the_enterprise_page_shows_its_pin_and_each_case_timeline(desk):
    page = desk.page
    _stop_case(desk, _past_the_plan)
    page.locator("a[href^='/enterprises/']").first.click()
    page.wait_for_selector(".enterprise-map[data-ready]")
    assert page.locator(".enterprise-map .leaflet-marker-icon").count() == 1
    steps = page.locator(".case-timeline").first.locator("li")
    assert steps.count() >= 2  # served, then at least the plan
    dates = [steps.nth(i).locator("strong").inner_text() for i in range(steps.count())]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    desk.shot("desk-enterprise.png")
    desk.set_width(360)
    assert desk.no_horizontal_scroll()


def test_on_gcj02_tiles_the_map_still_asks_and_shares_in_wgs84(desk):
    page = desk.page

    def gcj_tiles(route):
        response = route.fetch()
        route.fulfill(response=response,
                      body=response.text().replace('data-gcj02="0"', 'data-gcj02="1"'))

    page.route("**/desk/map", gcj_tiles)
    asked = []
    page.on("request", lambda r: "/desk/map/points.json" in r.url and asked.append(r.url))
    desk.goto("/desk/map")
    page.wait_for_selector("#desk-map[data-loaded]")
    assert page.get_attribute("#desk-map", "data-gcj02") == "1"
    lat0 = float(page.get_attribute("#desk-map", "data-lat"))
    lon0 = float(page.get_attribute("#desk-map", "data-lon"))
    from urllib.parse import parse_qs, urlsplit
    shared = parse_qs(urlsplit(page.url).query)
    # The view drawn on GCJ-02 tiles is shifted ~600 m; what is shared and asked is not.
    assert abs(float(shared["lat"][0]) - lat0) < 1e-4 and abs(float(shared["lon"][0]) - lon0) < 1e-4
    west, south, east, north = map(float, parse_qs(urlsplit(asked[-1]).query)["bbox"][0].split(","))
    assert abs((south + north) / 2 - lat0) < 3e-4 and abs((west + east) / 2 - lon0) < 3e-4
    assert int(page.get_attribute("#desk-map", "data-loaded")) > 0


def test_an_enterprise_name_with_markup_shows_as_text_in_the_map_tooltip(desk):
    """Issue #14 (6): the tooltip took the name as HTML. Every name the map receives is
    replaced by markup; hovering a pin must show it as text and insert no element."""
    import json
    page = desk.page
    probe = '<img src=x id=injected-tip><b id=injected-b>x</b>'

    def rename(value):
        if isinstance(value, dict):
            return {k: (probe if k == "name" and isinstance(v, str) else rename(v))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    def hostile(route):
        response = route.fetch()
        route.fulfill(response=response, body=json.dumps(rename(response.json())))

    page.route("**/desk/map/points.json*", hostile)
    desk.goto("/desk/map")
    page.wait_for_selector("#desk-map[data-loaded]")
    for _ in range(8):
        if page.locator("path.leaflet-interactive").count():
            break
        zoom_into_a_cluster(page)
    page.locator("path.leaflet-interactive").first.hover(force=True)
    tip = page.locator(".leaflet-tooltip")
    tip.first.wait_for()
    assert probe in tip.first.inner_text()
    assert page.locator("#injected-tip, #injected-b").count() == 0
