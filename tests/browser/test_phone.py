"""What people do on a phone, in a real browser, against a demo city.

Screenshots for docs/screenshots/ are taken along the way (390x844, full page where useful).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def path_of(phone) -> str:
    return urlsplit(phone.page.url).path


# -- logging in and out -------------------------------------------------------------------------

@pytest.mark.parametrize("role, home_marker", [
    ("inspector", "a.stat[href*='/m/worklist']"),
    ("reviewer", "a.stat[href*='/cases']"),
    ("admin", "a.stat[href*='/cases']"),
])
def test_each_demo_role_logs_in_on_a_phone_and_lands_on_its_home(phone, role, home_marker):
    phone.login(role)
    page = phone.page
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(home_marker).first.is_visible()
    assert page.locator(".bottomnav").is_visible()
    # Only inspectors get the worklist tab.
    worklist_tabs = page.locator(".bottomnav a[href$='/m/worklist']").count()
    assert worklist_tabs == (1 if role == "inspector" else 0)
    assert phone.no_horizontal_scroll()
    if role == "inspector":
        phone.shot("home-inspector.png")
    elif role == "reviewer":
        phone.shot("home-reviewer.png")


def test_login_page_and_a_wrong_password_shows_the_error_in_the_page(phone):
    page = phone.page
    phone.goto("/login")
    assert page.locator("h1").inner_text() == "登录"
    assert phone.no_horizontal_scroll()
    phone.shot("login.png", full_page=False)

    page.fill("input[name=username]", "zhangwei")
    page.fill("input[name=password]", "not-the-password")
    page.click("form:has(input[name=password]) button[type=submit]")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "用户名或密码错误" in alert.inner_text()
    assert path_of(phone) == "/login"
    assert page.locator(".bottomnav").count() == 0  # still logged out
    # The username is kept, the password is not.
    assert page.input_value("input[name=username]") == "zhangwei"
    assert page.input_value("input[name=password]") == ""


def test_logout_returns_to_the_login_page(phone):
    phone.login("reviewer")
    page = phone.page
    with page.expect_navigation():
        page.locator(".topbar form[action$='/logout'] button").click()
    assert path_of(phone) == "/login"
    assert "您已退出登录" in page.locator(".flash").inner_text()
    # The session is really gone: a member page sends us back to the login page.
    phone.goto("/cases")
    assert path_of(phone) == "/login"


# -- the inspector's phone --------------------------------------------------------------------

INSPECTOR_PAGES = ["/", "/m/worklist", "/cases", "/enterprises", "/public/disclosure"]


def test_inspector_bottom_navigation_is_tappable_and_nothing_scrolls_sideways(phone):
    phone.login("inspector")
    page = phone.page
    tabs = page.locator(".bottomnav a")
    assert tabs.count() == 5
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, f"tab {i} too small: {box}"
        assert box["y"] + box["height"] <= 844 + 0.5  # on screen, at the bottom
    # Tap through the tabs, as a thumb would.
    page.locator(".bottomnav a[href$='/m/worklist']").tap()
    page.wait_for_url(re.compile(r"/m/worklist$"))
    assert page.locator(".bottomnav a.active").get_attribute("href").endswith("/m/worklist")
    phone.shot("worklist.png")
    page.locator(".bottomnav a[href$='/cases']").tap()
    page.wait_for_url(re.compile(r"/cases$"))
    case_path = urlsplit(page.locator("main a[href*='/cases/']").first.get_attribute("href")).path

    for width in (390, 360):
        phone.set_width(width)
        for path in INSPECTOR_PAGES + [case_path]:
            response = phone.goto(path)
            assert response.status == 200, f"{path} answered {response.status}"
            assert phone.no_horizontal_scroll(), f"{path} scrolls sideways at {width} px"
            assert page.locator(".bottomnav").is_visible()


def test_inspector_home_counts_match_the_worklist_and_items_open_their_case(phone):
    phone.login("inspector")
    page = phone.page
    counts = {}
    for key in ("overdue", "today", "week", "complaints"):
        counts[key] = int(page.locator(f"a.stat[href$='#{key}'] .num").inner_text())
    page.locator("a.stat[href$='#complaints']").tap()
    page.wait_for_url(re.compile(r"/m/worklist#complaints$"))
    for key, n in counts.items():
        section = page.locator(f"section#{key}")
        assert int(section.locator("h2 .badge").inner_text()) == n
        assert section.locator(".list > li").count() == n
    items = page.locator("main .list a.title-line[href*='/cases/']")
    assert items.count() >= 1  # the demo city on DEMO_TODAY gives the inspector cases
    name = items.first.inner_text().strip()
    items.first.tap()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    assert name in page.locator("main").inner_text()


# -- language ---------------------------------------------------------------------------------

def test_language_switch_turns_the_ui_to_english_and_it_persists(phone):
    page = phone.page
    phone.goto("/login")
    switch = page.locator(".topbar form[action*='/lang/'] button")
    assert switch.inner_text().strip() == "EN"
    with page.expect_navigation():
        switch.click()
    assert path_of(phone) == "/login"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Log in"
    assert phone.no_horizontal_scroll()
    phone.shot("login-en.png", full_page=False)

    phone.login("reviewer")  # the next pages, after logging in, stay in English
    assert page.locator("h1").inner_text() == "Campaign overview"
    phone.goto("/public/disclosure")
    assert page.locator("html").get_attribute("lang") == "en"
    assert phone.no_horizontal_scroll()
    # And back to Chinese.
    with page.expect_navigation():
        page.locator(".topbar form[action*='/lang/'] button").click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"


# -- the public -------------------------------------------------------------------------------

def test_public_disclosure_opens_without_login(phone):
    page = phone.page
    response = phone.goto("/public/disclosure")
    assert response.status == 200
    assert path_of(phone) == "/public/disclosure"
    assert page.locator(".bottomnav").count() == 0
    rows = page.locator("main .list li")
    assert rows.count() > 0 and not rows.first.locator(".muted").first.inner_text() == ""
    assert "¥" in page.locator("main").inner_text()
    assert phone.no_horizontal_scroll()
    phone.shot("disclosure.png")


# -- the reviewer -----------------------------------------------------------------------------

def test_reviewer_opens_a_case_from_the_home_page_and_sees_its_deadlines(phone):
    phone.login("reviewer")
    page = phone.page
    recent = page.locator("main a.title-line[href*='/cases/']")
    assert recent.count() > 0
    hrefs = [recent.nth(i).get_attribute("href") for i in range(recent.count())]
    with page.expect_navigation() as nav:
        recent.first.tap()
    assert nav.value.status == 200, f"case page answered {nav.value.status}"
    assert re.search(r"/cases/\d+$", path_of(phone))
    deadlines = page.locator("section.card", has=page.locator("h2", has_text="期限"))
    assert deadlines.locator("tbody tr").count() >= 1
    assert re.search(r"\d{4}-\d{2}-\d{2}", deadlines.inner_text())
    assert phone.no_horizontal_scroll()

    # For the screenshot: a case with both deadlines and follow-up visits.
    def followups():
        section = page.locator("section.card", has=page.locator("h2", has_text="跟踪检查"))
        return section.locator("tbody tr td .small").count()

    best = None
    for href in hrefs:
        phone.goto(urlsplit(href).path)
        if followups():
            best = href
            break
    if best is None:  # fall back to the case list
        phone.goto("/cases")
        links = page.locator("main a[href*='/cases/']")
        for h in [links.nth(i).get_attribute("href") for i in range(min(links.count(), 15))]:
            phone.goto(urlsplit(h).path)
            if followups():
                best = h
                break
    assert best, "no demo case with follow-up visits"
    phone.shot("case.png")
