"""The app's own basemap in a real browser (issue 19): a demo city whose basemap is an MBTiles
file drawn with Pillow (`flask basemap demo`) and whose townships have boundaries. The desk map
and the phone show the tiles and the boundaries; the phone downloads its worklist area and,
with the network cut, still shows those tiles, and says so where the area is not downloaded.

Its own server (not the shared live_server): the shared demo city has no basemap, and the other
tests' screenshots must not change."""
from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from .conftest import (LOCAL_HOSTS, PHONE, ROOT, SCREENSHOTS, STATE_TIMEOUT_MS, Phone, _flask, demo_server,
                       until)

pytestmark = pytest.mark.browser

# Illustrative boundaries for the demo townships: the Voronoi cells of their centres inside the
# bureau's box (the township importer fills real ones).
BOUNDARIES_SCRIPT = r"""
import json
from run import app
from enforcement.extensions import db
from enforcement.models import Township

def clip(poly, a, b, c):  # keep the side a*x + b*y <= c (Sutherland-Hodgman)
    out = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        pin, qin = a * p[0] + b * p[1] <= c, a * q[0] + b * q[1] <= c
        if pin:
            out.append(p)
        if pin != qin:
            t = (c - a * p[0] - b * p[1]) / (a * (q[0] - p[0]) + b * (q[1] - p[1]))
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out

with app.app_context():
    towns = db.session.query(Township).all()
    west, south, east, north = 116.62, 39.80, 117.10, 40.16
    for t in towns:
        poly = [(west, south), (east, south), (east, north), (west, north)]
        for o in towns:
            if o is t:
                continue
            a, b = o.center_lon - t.center_lon, o.center_lat - t.center_lat
            mx, my = (o.center_lon + t.center_lon) / 2, (o.center_lat + t.center_lat) / 2
            poly = clip(poly, a, b, a * mx + b * my)
        ring = [[round(x, 6), round(y, 6)] for x, y in poly] + [[round(poly[0][0], 6), round(poly[0][1], 6)]]
        t.boundary = json.dumps({"type": "Polygon", "coordinates": [ring]})
    db.session.commit()
"""


def _boundaries_and_basemap(env: dict) -> None:
    subprocess.run([sys.executable, "-c", BOUNDARIES_SCRIPT], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=60)
    _flask("basemap", "demo", "--max-zoom", "14", env=env)
    # Two branches (issue 20) share the townships; the reviewer stays city staff.
    _flask("branches", "add", "east", "东区分局", env=env)
    _flask("branches", "add", "west", "西区分局", env=env)
    for township, branch in (("yanjiao", "east"), ("juyang", "east"), ("liqizhuang", "west"),
                             ("yangzhuang", "west"), ("huangzhuang", "west"), ("xinji", "west")):
        _flask("branches", "township", township, branch, env=env)


@pytest.fixture(scope="module")
def map_server():
    """The demo city with illustrative township boundaries and the demo basemap."""
    with demo_server("browser-maps-", setup=_boundaries_and_basemap) as base:
        yield base


def _context(browser, base, viewport, mobile):
    context = browser.new_context(
        viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="zh-CN",
        timezone_id="Asia/Shanghai", geolocation={"latitude": 39.9352, "longitude": 116.7748},
        permissions=["geolocation"])
    context.set_default_timeout(STATE_TIMEOUT_MS)
    context.set_default_navigation_timeout(STATE_TIMEOUT_MS)
    outside: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return Phone(context, page, base, outside), errors




#: The map has finished moving: no zoom animation running, every tile faded in.
SETTLED = """(() => !document.querySelector('.leaflet-zoom-anim') && Array.from(document.querySelectorAll('img.leaflet-tile'))
    .every(i => getComputedStyle(i).opacity === '1'))()"""

LOADED_TILES = """() => Array.from(document.querySelectorAll('{sel} img.leaflet-tile'))
    .filter(i => i.complete && i.naturalWidth === 256 && i.src.indexOf('/tiles/demo/') > 0).length"""


def test_the_desk_map_shows_the_basemap_and_the_township_boundaries(browser, map_server):
    desk, errors = _context(browser, map_server, {"width": 1366, "height": 768}, False)
    try:
        desk.login("reviewer")
        desk.goto("/desk/map")
        page = desk.page
        until(page, "(" + LOADED_TILES.replace("{sel}", "#desk-map") + ")() >= 4")
        until(page, "document.getElementById('desk-map').dataset.townships === '6'")
        page.locator("#desk-map .township-label", has_text="泃阳镇").wait_for()
        assert "演示底图" in page.locator(".leaflet-control-attribution").inner_text()
        until(page, SETTLED)
        desk.shot("desk-map-basemap.png", full_page=False)
        assert not desk.outside and not errors, (desk.outside, errors)
    finally:
        desk.context.close()


def test_the_phone_downloads_its_area_and_shows_it_with_the_network_cut(browser, map_server):
    phone, errors = _context(browser, map_server, PHONE, True)
    page = phone.page
    try:
        phone.login("inspector")
        phone.goto("/m/find")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        box = page.locator("#basemap-download")
        until(page, "!document.querySelector('#basemap-download button').disabled")
        status = box.locator(".basemap-download-status").inner_text()
        assert "MB" in status, status  # the size is shown before the download
        box.locator("button").tap()
        until(page, "document.getElementById('basemap-download').dataset.state === 'done'")
        assert "已" in box.inner_text() or "MB" in box.inner_text()
        until(page, "(async () => !!(await caches.match(location.pathname)))()")
        page.reload()  # the service worker now controls the page and holds the shell
        until(page, "!!navigator.serviceWorker.controller")
        until(page, "(async () => !!(await caches.match('/maps/townships.json')))()")

        phone.context.set_offline(True)
        page.reload()
        until(page, "(" + LOADED_TILES.replace("{sel}", "#map") + ")() >= 4")
        broken = page.evaluate("""() => Array.from(document.images)
            .filter(i => i.complete && i.naturalWidth === 0 && !i.src.startsWith('data:')).length""")
        assert broken == 0
        until(page, "document.getElementById('map').dataset.townships === '6'")
        until(page, SETTLED)
        phone.shot("inspector-map-offline.png", full_page=False)
        # Far from the worklist area nothing was downloaded: the map says so.
        assert page.locator("#map .basemap-notice").is_hidden()
        page.evaluate("() => Basemap.maps[0].setView([40.17, 117.15], 14)")
        page.locator("#map .basemap-notice").wait_for(state="visible")
        assert "未下载" in page.locator("#map .basemap-notice").inner_text()
    finally:
        phone.context.set_offline(False)
        phone.context.close()
    assert not phone.outside and not errors, (phone.outside, errors)


def test_the_evidence_pack_opens_its_case_map_from_the_zip_with_no_network(browser, map_server,
                                                                          tmp_path):
    import io
    import zipfile

    desk, errors = _context(browser, map_server, {"width": 1366, "height": 768}, False)
    try:
        desk.login("reviewer")
        best = None
        for case_id in range(1, 40):  # the demo case with the most visits
            r = desk.page.request.get(f"{map_server}/papers/case/{case_id}/evidence.zip")
            if r.status != 200:
                continue
            pack = zipfile.ZipFile(io.BytesIO(r.body()))
            n = sum(1 for name in pack.namelist() if name.endswith("visit.json"))
            if best is None or n > best[0]:
                best = (n, pack)
            if n >= 2:
                break
        assert best is not None
        best[1].extractall(tmp_path)
    finally:
        desk.context.close()
    context = browser.new_context(viewport={"width": 1000, "height": 700}, locale="zh-CN")
    context.set_offline(True)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    try:
        page.goto((tmp_path / "map" / "case-map.html").as_uri())
        page.locator(".leaflet-container").wait_for()
        page.locator(".exhibit-legend").wait_for()
        # the site pin, the geofence, the township boundary, and each fix with its circle
        assert page.locator("path.leaflet-interactive").count() >= 3
        until(page, SETTLED)
        page.screenshot(path=str(SCREENSHOTS / "evidence-case-map.png"))
    finally:
        context.close()
    assert all(u.startswith("file://") for u in requests), requests
    assert not page_errors and not errors, (page_errors, errors)


def test_city_staff_switching_the_branch_see_that_branchs_townships_at_once(browser, map_server):
    """Once the township choices kept every branch's townships until the page was reloaded."""
    desk, errors = _context(browser, map_server, {"width": 1366, "height": 768}, False)
    try:
        desk.login("reviewer")
        desk.goto("/desk/map?township=liqizhuang")
        page = desk.page
        offered = "Array.from(document.querySelectorAll('#map-filters select[name=township] option'))" \
            ".filter(o => o.value && !o.hidden).map(o => o.value).sort().join(',')"
        assert page.evaluate(offered) == "huangzhuang,juyang,liqizhuang,xinji,yangzhuang,yanjiao"
        page.select_option("#map-filters select[name=branch]", "east")
        assert page.evaluate(offered) == "juyang,yanjiao"
        # 李旗庄镇 is the west's: it is dropped, not sent with the east branch.
        assert page.input_value("#map-filters select[name=township]") == ""
        until(page, "new URLSearchParams(location.search).get('branch') === 'east'"
                    " && !new URLSearchParams(location.search).has('township')")
        page.select_option("#map-filters select[name=branch]", "")
        assert page.evaluate(offered) == "huangzhuang,juyang,liqizhuang,xinji,yangzhuang,yanjiao"
        assert not desk.outside and not errors, (desk.outside, errors)
    finally:
        desk.context.close()
