"""Issue #15 on a phone (390x844, zh-CN): the serve form asks a stop's measure, approver and legal
basis before any date is shown, then previews 限制生产's period and the hearing right; a seal-up
asks its items. Screenshots: docs/screenshots/inspector-serve-stop.png, inspector-serve-seal.png."""
from __future__ import annotations

import re

import pytest

from .test_inspector_phone import start_visit_near_me

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_serve_form_asks_what_the_law_needs_for_a_stop_and_a_seal_up(phone):
    phone.login("inspector")
    page = phone.page
    start_visit_near_me(phone, 1)
    page.locator("#gps.ok, #gps.far").wait_for()
    page.locator("label.chip", has_text="刘洋").tap()  # two officers
    page.fill("textarea[name=findings]", "电镀废水超标排放，暗管通向河道")
    if page.locator("#geofence-warning").is_visible():
        page.fill("input[name=geofence_reason]", "大门锁闭，在门口记录")
    page.locator("#save-visit").tap()
    page.wait_for_url(re.compile(r"/m/serve\?visit=\d+"))

    page.locator("label.seg-opt:has(input[name=action][value=stop])").tap()
    assert page.locator("#measure-field").is_visible()
    assert page.locator(".per-action[data-for=seal]").is_hidden()
    with page.expect_navigation():
        page.locator("#preview-serve").tap()
    # Nothing is previewed before the measure, the approver and the legal basis are given.
    assert page.locator("#preview").count() == 0
    assert page.locator(".field-error").count() >= 3
    page.locator("label.seg-opt:has(input[name=measure][value=limit])").tap()
    page.fill("input[name=approved_by]", "局长 王建国")
    page.fill("input[name=legal_basis]", "《环境保护法》第六十条")
    page.locator("#preview-serve").tap()
    page.locator("#preview").wait_for()
    assert page.locator("#preview-hearing").is_visible()
    assert "限制生产期满" in page.locator("#preview").inner_text() or \
        page.locator("#preview .due").count() >= 2
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-serve-stop.png")

    page.locator("label.seg-opt:has(input[name=action][value=seal])").tap()
    assert page.locator("#preview").is_hidden()  # changed after the preview: dates withdrawn
    page.fill("textarea[name=items]", "电镀槽 2 个\n废水提升泵 1 台\n暗管阀门 1 个")
    with page.expect_navigation():
        page.locator(".actionbar button").tap()  # the dates were withdrawn: this asks again
    page.locator("#preview").wait_for()
    assert page.locator("#preview .due").count() >= 1
    phone.shot("inspector-serve-seal.png")
    page.locator("#confirm-serve").tap()
    page.wait_for_url(re.compile(r"/m/visits/\d+$"))
    assert "查封扣押" in page.locator("#cases").inner_text()
