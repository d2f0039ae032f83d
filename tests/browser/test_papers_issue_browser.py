"""A paper on the phone (issue #17 item 10): opened, it is a draft marked 草稿 / 未编号 with no
number; the officer taps 签发并编号 and the same page shows the number; opened again, the same."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_paper_is_a_draft_until_issued_and_keeps_its_number(phone):
    phone.login("reviewer")
    page = phone.page
    draft_path = None
    for case_id in range(1, 60):
        response = page.request.get(f"{phone.base}/papers/case/{case_id}")
        if response.status != 200:
            continue
        links = re.findall(r'href="(/papers/case/\d+/[a-z_]+)">', response.text())
        for link in links:
            if "草稿 / 未编号" in page.request.get(phone.base + link).text():
                draft_path = link
                break
        if draft_path:
            break
    assert draft_path, "no draft paper in the demo city"
    phone.goto(draft_path)
    assert page.locator(".paper-number-draft").inner_text().startswith("草稿 / 未编号")
    assert page.locator(".paper-draft-mark").is_visible()
    phone.shot("paper-draft.png", full_page=False)
    with page.expect_navigation():
        page.locator("[data-issue]").tap()
    number = page.locator(".paper-number").inner_text()
    assert re.fullmatch(r".+〔2026〕第\d{4}号", number), number
    assert page.locator(".flash").inner_text().find(number) >= 0
    assert page.locator(".paper-draft-mark").count() == 0 and page.locator("[data-issue]").count() == 0
    phone.goto(draft_path)
    assert page.locator(".paper-number").inner_text() == number
    phone.shot("paper-issued.png", full_page=False)
