"""A county goes live in a real browser (issue 16): the administrator imports the township code
list, a register without coordinates goes through the import page, the desk pins a site by
clicking the map, and the phone's worklist offers the sites still waiting. Screenshots:
docs/screenshots/admin-townships.png, admin-import-preview.png, desk-locate-list.png,
desk-locate.png, inspector-worklist-locate.png."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DESK = {"width": 1366, "height": 768}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

REGISTER = ("三河市工业企业污染源名录（2026年）\r\n"
            "序号,单位名称,代码,所在乡镇,生产经营场所地址,行业,风险等级\r\n"
            "1,三河市待定位甲厂,`91131082MA0LAC0011,燕郊高新区,迎宾路1号,金属制品业,1\r\n"
            "2,三河市待定位乙厂,-,燕郊高新技术产业开发区,迎宾路2号,化学原料和化学制品制造业,2\r\n"
            "3,三河市待定位丙厂,123456789,,河北省三河市燕郊高新区建设路3号,铸造,3\r\n")


def _code(first17: str) -> str:
    from enforcement.credit_code import make
    return make(first17)


def test_townships_register_pinning_and_the_phone(phone, tmp_path):
    page = phone.page
    page.set_viewport_size(DESK)
    phone.login("admin")

    phone.goto("/admin/townships")
    page.set_input_files("#township-upload input[type=file]", str(FIXTURES / "county_townships.csv"))
    with page.expect_navigation():
        page.click("#township-upload button[type=submit]")
    assert page.locator("table.townships tbody tr").count() >= 12
    assert "131082400000" in page.content()
    phone.shot("admin-townships.png")

    register = tmp_path / "名录.csv"
    register.write_bytes(REGISTER.replace("91131082MA0LAC0011", _code("91131082MA0LAC001"))
                         .encode("gbk"))
    phone.goto("/admin/import")
    page.set_input_files("main input[type=file]", str(register))
    with page.expect_navigation():
        page.click("form[enctype] button.primary")
    with page.expect_navigation():
        page.click("main form button.primary")
    assert "没有坐标" in page.content()
    phone.shot("admin-import-preview.png")
    with page.expect_navigation():
        page.click("form[action$='/apply'] button[type=submit]")
    assert "去定位" in page.content()

    phone.goto("/desk/locate")
    assert int(page.inner_text("#waiting-count")) >= 3
    phone.shot("desk-locate-list.png", full_page=False)
    page.locator(".locate-list a.button").first.click()
    page.wait_for_selector(".locate-map.leaflet-container")
    box = page.locator(".locate-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2 + 10)
    assert page.input_value("#pin-lat") != ""
    phone.shot("desk-locate.png", full_page=False)
    before = page.url
    with page.expect_navigation():
        page.click("#locate-form button[type=submit]")
    assert page.url != before and "已定位" in page.content()

    # Leave the page first: a request still in flight from it (its map) could answer with the
    # admin's refreshed session cookie after the cookies were cleared, and the inspector's login
    # page would then redirect the still logged-in admin home (seen once in ten runs under load).
    page.goto("about:blank")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    phone.login("inspector")
    phone.goto("/m/worklist")
    section = page.locator("#locate")
    assert section.count() == 1 and "待定位" in section.inner_text()
    assert re.search(r"三河市待定位", section.inner_text())
    section.scroll_into_view_if_needed()
    phone.shot("inspector-worklist-locate.png")
