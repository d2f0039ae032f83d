"""Issue #17, finding 5: a walk through the phone app and the desk in zh_CN, failing on any
English sentence a person would read (three or more English words in a row). Codes in the
markup (attributes, JSON) are not text and are not read here; neither are the names people
typed in (enterprise names are Chinese in the demo city)."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,:;'’()-]+[A-Za-z][a-z]+){2,}\b")
DESK = {"width": 1366, "height": 768}


def english_on(page) -> list[str]:
    text = page.evaluate("document.body.innerText")
    return sorted(set(ENGLISH.findall(text)))


def walk(phone, paths: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        phone.goto(path)
        page = phone.page
        page.wait_for_load_state("networkidle")
        hits = english_on(page)
        if hits:
            found[path] = hits
    return found


def first_href(phone, path: str, selector: str) -> str:
    phone.goto(path)
    return phone.page.locator(selector).first.get_attribute("href")


def test_the_phone_app_in_zh_cn_has_no_english_sentence(phone):
    phone.page.goto(phone.base + "/m/worklist")  # to the login page, with its message
    assert not english_on(phone.page), english_on(phone.page)
    phone.login("inspector")
    visit = first_href(phone, "/m/worklist", "a.start[href*='/visit']")
    paths = ["/m/", "/m/worklist", "/m/find", "/m/find?q=塑料", "/m/outbox", visit,
             "/m/serve", "/desk/", "/no-such-page"]
    assert walk(phone, paths) == {}


def test_the_desk_in_zh_cn_has_no_english_sentence(phone):
    phone.page.set_viewport_size(DESK)
    phone.login("reviewer")
    case = first_href(phone, "/cases", "a[href^='/cases/']")
    enterprise = first_href(phone, "/enterprises", "a[href^='/enterprises/']")
    paths = ["/", "/desk/", "/cases", case, enterprise, "/lists", "/lists/overdue",
             "/lists/weekly", "/lists/monthly", "/desk/conflicts", "/desk/dashboard",
             "/desk/draws", "/desk/complaints", "/desk/quiet-days", "/admin/users"]
    assert walk(phone, paths) == {}
