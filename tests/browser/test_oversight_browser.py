"""Oversight in a real browser at 1366x768, zh_CN (issue 20): the scoreboard ranks the townships;
a township's unit officer lands on his unit's tasks, sees only them, and reports one delivered;
the desk holds a unit to account for an overdue task. Screenshots: docs/screenshots/oversight-*.png."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESK = {"width": 1366, "height": 768}


def login(phone, username: str, password: str) -> None:
    phone.goto("/login")
    phone.page.fill("input[name=username]", username)
    phone.page.fill("input[name=password]", password)
    with phone.page.expect_navigation():
        phone.page.click("form:has(input[name=password]) button[type=submit]")


@pytest.fixture
def desk(phone):
    phone.page.set_viewport_size(DESK)
    phone.login("reviewer")
    return phone


def test_the_scoreboard_ranks_the_townships(desk):
    page = desk.page
    desk.goto("/oversight/scoreboard")
    rows = page.locator("#scoreboard-townships tbody tr")
    assert rows.count() == 6
    ranks = [int(t) for t in page.locator("#scoreboard-townships td.rank").all_inner_texts()]
    assert ranks == [1, 2, 3, 4, 5, 6]
    scores = [float(t) for t in page.locator("#scoreboard-townships td.score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    assert "考核排名" in page.inner_text("h1")
    assert page.locator("#scoreboard-units tbody tr").count() == 9
    desk.shot("oversight-scoreboard.png")


def test_a_unit_officer_sees_his_units_tasks_only_and_reports_one_delivered(phone):
    page = phone.page
    page.set_viewport_size(DESK)
    login(phone, "unit_yanjiao", "Unit-demo-2026")
    assert urlsplit(page.url).path == "/oversight/tasks"
    hosts = set(page.locator("table.oversight-tasks tbody td:nth-child(2)").all_inner_texts())
    assert hosts == {"燕郊高新区管委会"}
    # Nothing else is open to him.
    assert phone.goto("/bureau/cases").status == 403
    assert phone.goto("/oversight/scoreboard").status == 403
    phone.goto("/oversight/tasks")
    phone.shot("oversight-unit-tasks.png")
    assert page.locator("table.oversight-tasks .task-overdue").count() >= 1
    open_task = page.locator("table.oversight-tasks tbody tr:has(.task-assigned) a").first
    with page.expect_navigation():
        open_task.click()
    page.fill("#report", "已全部断电，设备已拆除")
    with page.expect_navigation():
        page.click("#deliver button[type=submit]")
    assert page.locator("h1 .task-delivered").count() == 1
    assert "已报告办结" in page.inner_text("body")


def test_the_desk_holds_a_unit_to_account_for_an_overdue_task(desk):
    page = desk.page
    desk.goto("/oversight/tasks?state=overdue")
    first = page.locator("table.oversight-tasks tbody tr a").first
    with page.expect_navigation():
        first.click()
    with page.expect_navigation():
        page.click("text=对此逾期任务启动问责")
    page.select_option("#decision", "interview")
    page.fill("#respond_by", "2030-01-10")
    with page.expect_navigation():
        page.click("#new button[type=submit]")
    assert "问责记录已保存" in page.inner_text("body")
    assert "约谈" in page.inner_text("h1")
