"""The phone's "near me" list survives a failed fetch: the server busy (503) or a moment without
signal makes the page retry with back-off instead of leaving the list empty. (A phone test once
waited 10 s for the list while a server-killing test shared the cores, and the page had dropped
the one failed fetch.)"""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_near_list_appears_after_the_server_failed_twice(phone):
    phone.login("inspector")
    page = phone.page
    asked: list[int] = []

    def flaky(route):
        asked.append(len(asked) + 1)
        if len(asked) <= 2:
            route.fulfill(status=503, body="busy")
        else:
            route.fallback()  # to the fixture's guard, which lets local requests through

    # On the context: the page's fetches go through the service worker, which page.route misses.
    phone.context.route(re.compile(r"/m/find/near\.json\?.*radius_m=3000"), flaky)
    phone.goto("/m/find")
    page.locator("#near-list li").first.wait_for()  # the first radius's list, not intercepted
    page.evaluate("document.getElementById('near-list').textContent = ''")
    page.locator(".seg.radius button[data-radius='3000']").tap()
    # The list comes back only from the third request: two 503s, then the answer.
    page.locator("#near-list li.task").first.wait_for(timeout=30_000)
    assert len(asked) == 3  # no request more than needed

