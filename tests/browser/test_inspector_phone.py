"""The inspector on a phone, in a real browser: find a site near where they stand, record a visit
with a second officer and a photo, serve a rectification order and see its due date — once with
signal, and once with the network cut mid-way (the outbox sends everything, exactly once, when
the network comes back)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def jpeg(tmp_path):
    path = tmp_path / "site.jpg"
    Image.new("RGB", (3000, 2000), (120, 140, 90)).save(path, "JPEG", quality=80)
    return path


def start_visit_near_me(phone, index: int) -> str:
    page = phone.page
    phone.goto("/m/find")
    page.locator(".seg.radius button[data-radius='3000']").tap()
    page.locator("#near-list li.task").first.wait_for()
    assert page.locator("#map .leaflet-interactive").count() >= 1  # the sites are on the map
    # Sites in my own township: an inspector serves orders there only.
    mine = page.locator("#near-list li.task[data-mine='1']")
    start = mine.nth(index).locator("a.start")
    name = mine.nth(index).locator(".title-line").inner_text()
    start.tap()
    page.wait_for_url(re.compile(r"/m/enterprises/\d+/visit"))
    return name


def fill_visit(phone, jpeg) -> None:
    page = phone.page
    page.locator("#gps.ok, #gps.far").wait_for()
    page.locator("label.chip", has_text="刘洋").tap()
    page.fill("textarea[name=findings]", "废气未经处理直排，现场有明显异味")
    if page.locator("#geofence-warning").is_visible():
        page.fill("input[name=geofence_reason]", "大门锁闭，在门口记录")
    page.set_input_files("#photo-input", str(jpeg))
    page.locator("#photo-grid .thumb img").wait_for()


def until(page, script: str, timeout_ms: int = 15_000) -> None:
    """Poll a page expression (wait_for_function evaluates strings, which our CSP forbids)."""
    for _ in range(timeout_ms // 200):
        if page.evaluate(script):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never became true: {script}")


def earlier_visits(phone, visit_path: str) -> int:
    phone.goto(visit_path)
    badge = phone.page.locator("#earlier-visits h2 .badge")
    return int(badge.inner_text()) if badge.count() else 0


def test_inspector_records_a_visit_with_a_photo_and_serves_a_rectify_order_online(phone, jpeg):
    phone.login("inspector")
    page = phone.page
    phone.goto("/m/worklist")
    page.locator("#sort-note").wait_for()
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-worklist.png")

    name = start_visit_near_me(phone, 0)
    assert name in page.locator("h1").inner_text()
    fill_visit(phone, jpeg)
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-visit.png")
    page.locator("#save-visit").tap()
    page.wait_for_url(re.compile(r"/m/serve\?visit=\d+"))

    page.locator(".seg-opt", has_text="限期整改").tap()
    page.select_option("select[name=rectify_days]", "15")
    assert page.locator(".per-action[data-for=fine]").is_hidden()  # only what rectify needs
    page.fill("input[name=legal_basis]", "大气污染防治法 第九十九条")
    page.locator("#preview-serve").tap()
    page.locator("#preview").wait_for()
    due = page.locator("#preview .due").first.inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", due)
    phone.shot("inspector-action.png")
    page.locator("#confirm-serve").tap()
    page.wait_for_url(re.compile(r"/m/visits/\d+$"))
    assert due in page.locator("#cases").inner_text()

    # The photo follows the visit in the background, with no duplicate on a reload: wait on the
    # outbox emptying (the phone's state), then on the server's count.
    until(page, "Outbox.all().then(items => items.length === 0)", 60_000)
    page.reload()
    assert page.locator("#photo-count").get_attribute("data-count") == "1"
    assert "刘洋" in page.locator("main").inner_text()
    phone.shot("inspector-synced.png")
    phone.goto("/m/find")
    page.locator(".seg.radius button[data-radius='3000']").tap()
    page.locator("#near-list li.task").first.wait_for()
    page.locator("#map .leaflet-interactive").first.wait_for()  # the sites are drawn
    phone.shot("inspector-map.png", full_page=False)


def test_without_signal_the_visit_photo_and_order_wait_in_the_outbox_and_arrive_once(phone, jpeg):
    phone.login("inspector")
    page = phone.page
    start_visit_near_me(phone, 1)
    visit_path = urlsplit(page.url).path
    before = earlier_visits(phone, visit_path)
    # The service worker has cached the app shell (this page, the order form, the outbox).
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    until(page, """async () => !!(await caches.match('/m/serve')) && !!(await caches.match('/m/outbox'))
                   && !!(await caches.match(location.pathname))""")

    phone.context.set_offline(True)
    page.reload()  # no signal: the form still opens, from the phone
    assert page.locator("#offline-bar").is_visible()
    fill_visit(phone, jpeg)
    page.locator("#save-visit").tap()
    page.wait_for_url(re.compile(r"/m/serve\?visit_uuid="))
    assert page.locator("#offline-note").is_visible()
    page.locator(".seg-opt", has_text="限期整改").tap()
    page.select_option("select[name=rectify_days]", "30")
    page.locator("#preview-serve").tap()
    # Every order names its legal basis, asked before it is queued (issue #17, finding 4).
    page.locator(".field.has-error .field-error", has_text="法律依据").wait_for()
    page.fill("input[name=legal_basis]", "大气污染防治法 第九十九条")
    page.locator("#preview-serve").tap()
    page.wait_for_url(re.compile(r"/m/outbox$"))
    page.locator("#outbox-list li").nth(2).wait_for()
    kinds = sorted(page.locator("#outbox-list li").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert kinds == ["case", "photo", "visit"]
    page.reload()  # still there after a reload without signal
    page.locator("#outbox-list li").nth(2).wait_for()
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-outbox.png")

    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(page, "document.querySelectorAll('#outbox-list li').length === 0", 20_000)
    page.locator("#synced-list a").first.wait_for()
    page.locator("#outbox-sync, #sync-now").first.tap()  # a second sync sends nothing twice
    page.evaluate("Outbox.sync().then(() => true)")  # the sync in flight, finished
    page.locator("#synced-list a").first.tap()
    page.wait_for_url(re.compile(r"/m/visits/\d+$"))
    assert page.locator("#photo-count").get_attribute("data-count") == "1"
    assert page.locator("#cases .served").count() == 1
    assert re.search(r"\d{4}-\d{2}-\d{2}", page.locator("#cases .due").first.inner_text())
    assert earlier_visits(phone, visit_path) == before + 1
