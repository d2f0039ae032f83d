"""In a real browser: the pages and maps work under a CSP that allows no inline style (issue #14:
Leaflet positions its layers through element.style, which the CSP does not govern; no style
attribute or <style> element of ours is refused), and the phone's pin-a-new-site form is usable
at 390x844 (issue #17 item 12): the map above the form, not overlapping it, the submit button
right after the fields."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, Phone

pytestmark = pytest.mark.browser

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || ''));
});
"""


def _watch(context) -> list[str]:
    """Console lines about the CSP, from every page of the context."""
    refused: list[str] = []
    context.add_init_script(WATCH_CSP)

    def on_page(page):
        page.on("console", lambda m: ("Content Security Policy" in m.text
                                      or "Refused to apply inline style" in m.text)
                and refused.append(f"{page.url}: {m.text}"))
    context.on("page", on_page)
    return refused


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def _until(page, script: str, timeout_ms: int = 20_000) -> None:
    for _ in range(timeout_ms // 200):
        if page.evaluate(script):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never became true: {script}")


def test_the_desk_pages_and_map_render_with_no_inline_style_refused(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    refused = _watch(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    desk = Phone(context, page, live_server, [])
    try:
        desk.login("reviewer")
        seen = []
        for path in ("/", "/desk/", "/desk/dashboard", "/cases/1", "/desk/conflicts"):
            response = desk.goto(path)
            assert response.status < 400, path
            assert "'unsafe-inline'" not in response.headers["content-security-policy"], path
            seen += _violations(page)
        desk.goto("/desk/map")
        # the map draws its pins, clusters or cells (Leaflet's element.style is allowed)
        _until(page, "document.querySelectorAll('#desk-map .leaflet-marker-icon, "
                     "#desk-map path.leaflet-interactive').length > 0")
        _until(page, "document.querySelectorAll('#desk-map .leaflet-pane').length > 3")
        legend = page.locator(".dot.sev-4, .dot.sev-3, .dot.sev-2").first
        assert legend.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
        seen += _violations(page)
        desk.shot("desk-map-csp.png", full_page=False)
        assert not seen and not refused, (seen, refused)
        assert not errors, errors
    finally:
        context.close()


def test_the_phone_map_renders_with_no_inline_style_refused(phone):
    refused = _watch(phone.context)
    phone.login("inspector")
    page = phone.page
    phone.goto("/m/find")
    page.locator("#map.leaflet-container").wait_for()
    _until(page, "document.querySelectorAll('#map .pin-icon, #map path.leaflet-interactive, "
                 "#map .leaflet-marker-icon').length > 0")
    phone.goto("/m/")
    assert not _violations(page) and not refused, refused
    # the watch bites: a style attribute in markup is refused and seen
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<i style=\"color: red\">x</i>')")
    _until(page, "window.__csp.length > 0", 5_000)
    assert "style-src" in _violations(page)[0]


def test_the_pin_form_fits_a_phone_with_the_map_above_the_fields(phone):
    phone.login("inspector")
    page = phone.page
    assert page.viewport_size == PHONE
    phone.goto("/m/find?q=塑料")
    # the way into pinning is at the top, above the results
    entry = page.locator("#pin-entry")
    assert entry.bounding_box()["y"] < page.locator("#results").bounding_box()["y"]
    entry.tap()
    page.wait_for_url("**/m/find?*pin=1*")
    page.locator("#map.leaflet-container").wait_for()
    page.locator("#map .pin-icon").wait_for()
    _until(page, "!document.querySelector('#map .leaflet-zoom-anim, #map .leaflet-fade-anim .leaflet-tile:not(.leaflet-tile-loaded)')")
    phone.shot("inspector-pin-form.png", full_page=False)

    def box(sel):
        return page.locator(sel).first.bounding_box()

    map_box, name, submit = box("#map"), box("#pin-form input[name=name]"), box("#pin-form button[type=submit]")
    # the map is above the form and does not overlap it; the fields come before anything else
    assert map_box["y"] + map_box["height"] <= name["y"]
    assert submit["y"] < box("#near")["y"] and submit["y"] < box("#results")["y"]
    # the submit button is reached by scrolling over the form, never over the map: at most one
    # screen below the map's bottom edge
    assert submit["y"] + submit["height"] - (map_box["y"] + map_box["height"]) < PHONE["height"] - 120
    # nothing fixed (the bottom bar, the outbox pill) covers the button once scrolled to it
    page.locator("#pin-form button[type=submit]").scroll_into_view_if_needed()
    covered = page.evaluate("""() => { const b = document.querySelector('#pin-form button[type=submit]')
        .getBoundingClientRect(); const e = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
        return !(e && e.closest('#pin-form')); }""")
    assert not covered
    phone.shot("inspector-pin-form-full.png")
    # an error keeps the officer on the form, its message at the top of the page
    page.fill("#pin-form input[name=name]", "")
    with page.expect_navigation():  # the form posts, and the page comes back with its message
        page.locator("#pin-form button[type=submit]").tap()
    expect(page.locator("#pin-form")).to_be_visible(timeout=60_000)
