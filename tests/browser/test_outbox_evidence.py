"""Issue #17, finding 1: the outbox owns every piece of evidence until the bureau has it.

- A photo of a visit saved online reaches the bureau from whatever page comes next (the serve
  page, the outbox), not only when that visit's own page is opened.
- Deleting unsent evidence asks first.
- A refused submission (403: not this officer's township) shows the server's reason, is not sent
  again, and is kept on the server for a reviewer."""
from __future__ import annotations

import re

import pytest
from PIL import Image

from .conftest import until
from .test_inspector_phone import fill_visit, start_visit_near_me

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def jpeg(tmp_path):
    path = tmp_path / "site.jpg"
    Image.new("RGB", (1600, 1200), (90, 120, 150)).save(path, "JPEG", quality=80)
    return path


def api(page, path: str):
    return page.evaluate("""async (path) => {
        const r = await fetch(path, {credentials: 'same-origin', headers: {Accept: 'application/json'}});
        return {status: r.status, body: await r.json().catch(() => null)};
    }""", path)


def test_a_photo_of_a_visit_saved_online_is_sent_from_the_next_page(phone, jpeg):
    phone.login("inspector")
    page = phone.page
    start_visit_near_me(phone, 2)
    fill_visit(phone, jpeg)
    page.locator("#save-visit").tap()
    page.wait_for_url(re.compile(r"/m/serve\?visit=\d+"))
    visit_id = re.search(r"visit=(\d+)", page.url).group(1)
    # Straight to the outbox, without ever opening the visit's page.
    phone.goto("/m/outbox")
    page.locator("#sync-now").tap()
    until(page, "document.querySelectorAll('#outbox-list li').length === 0")
    got = api(page, f"/api/v1/visits/{visit_id}")
    assert got["status"] == 200 and len(got["body"]["photos"]) == 1
    phone.goto(f"/m/visits/{visit_id}")
    assert page.locator("#photo-count").get_attribute("data-count") == "1"
    assert "已收到 1 张" in page.locator("#photo-count").inner_text()

    # Finding 6: the order served from this visit shows the evidence on the case page.
    page.locator("#cases a.button.primary").tap()
    page.wait_for_url(re.compile(r"/m/serve\?visit=\d+"))
    page.locator(".seg-opt", has_text="限期整改").tap()
    page.fill("input[name=legal_basis]", "《大气污染防治法》第一百零八条")
    page.locator("#preview-serve").tap()
    page.locator("#preview").wait_for()
    # Finding 12: the dates are on screen after 查看期限, not below the fold (the page scrolls to them).
    until(page, "document.getElementById('preview').getBoundingClientRect().top < window.innerHeight")
    page.locator("#confirm-serve").tap()
    page.wait_for_url(re.compile(r"/m/visits/\d+$"))
    phone.goto(page.locator("#cases a.title-line").first.get_attribute("href"))
    evidence = page.locator("#evidence")
    thumb = evidence.locator("a.evidence-photo img")
    thumb.first.wait_for()
    # The thumbnail loads lazily and, on a busy machine, after the page: wait for it to arrive
    # (it once was checked while still loading, one run in five under load).
    thumb.first.scroll_into_view_if_needed()
    until(page, "(() => { const i = document.querySelector('#evidence a.evidence-photo img');"
                " return !!i && i.complete && i.naturalWidth > 0; })()")
    full = evidence.locator("a.evidence-photo").first.get_attribute("href")
    assert api(page, full)["status"] == 200  # full size on tap
    text = evidence.inner_text()
    assert "发现违法行为" in text and "刘洋" in text and "±" in text and "米" in text
    page.set_viewport_size({"width": 1366, "height": 768})
    evidence.scroll_into_view_if_needed()
    phone.shot("case-evidence.png")


def test_deleting_an_unsent_photo_asks_first(phone, jpeg):
    phone.login("inspector")
    page = phone.page
    start_visit_near_me(phone, 3)
    page.set_input_files("#photo-input", str(jpeg))
    page.locator("#photo-grid .thumb img").wait_for()
    asked: list[str] = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.locator("#photo-grid .thumb button").tap()
    # "no": the photo stays in the phone's outbox. Read after the answer, so a removal the click
    # had started would be seen (IndexedDB runs the read after an earlier write).
    photos = "() => Outbox.all().then(items => items.filter(i => i.kind === 'photo').length)"
    assert page.evaluate(photos) == 1
    assert len(asked) == 1
    assert page.locator("#photo-grid .thumb").count() == 1
    page.once("dialog", lambda d: answer(d, True))
    page.locator("#photo-grid .thumb button").tap()
    until(page, "document.querySelectorAll('#photo-grid .thumb').length === 0")
    assert len(asked) == 2 and all("照片" in m for m in asked)


def test_a_refused_order_shows_the_reason_stops_retrying_and_is_kept_for_a_reviewer(phone):
    phone.login("inspector")
    page = phone.page
    phone.goto("/m/outbox")
    near = api(page, "/m/find/near.json?lat=39.9612&lon=116.8305&radius_m=20000")["body"]["items"]
    other = next(e for e in near if not e["mine"] and e["township"])
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/api/v1/cases") else None)
    page.evaluate("""(eid) => Outbox.put({id: Outbox.uuid(), kind: 'case', status: 'waiting', label: '越界的命令',
        payload: {enterprise_id: eid, action: 'rectify', served_on: '2026-11-20', violation: '未批先建',
                  legal_basis: '《环境影响评价法》第三十一条', rectify_days: 30}})
        .then(() => Outbox.sync(true))""", other["id"])
    page.locator("#outbox-list li[data-status=conflict]").wait_for()
    # A minute later on the phone's clock (every retry timer due by then has fired), and after the
    # officer taps 立即同步 (the evaluate waits for that sync to finish), it was still sent once.
    page.clock.run_for(60_000)
    page.locator("#sync-now").tap()
    page.evaluate("() => Outbox.sync(true)")
    assert len(posts) == 1, posts  # refused for good: never sent again
    error = page.locator("#outbox-list .ob-error").inner_text()
    assert error and not re.search(r"[A-Za-z]{4,}", error), error  # the server's reason, in Chinese
    assert "网络恢复后" not in page.locator("#outbox-summary").inner_text()  # we are online
    phone.shot("inspector-outbox-refused.png", full_page=False)


def test_the_landing_page_after_login_is_the_installable_app_home_and_opens_offline(phone):
    """Finding 11: the inspector lands on /m/, inside the manifest's scope, cached by the service
    worker; without signal it still opens."""
    phone.login("inspector")
    page = phone.page
    assert page.url.endswith("/m/")
    manifest = api(page, page.locator("link[rel=manifest]").get_attribute("href"))["body"]
    assert manifest["scope"] == "/m/" and manifest["start_url"] == "/m/" and manifest["icons"]
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # The page and every script and style it loads: the worker caches them one by one, and a
    # reload offline before the outbox's script is in would show the page without its bar (a
    # race a slow machine lost).
    until(page, """async () => {
        const urls = ['/m/'].concat(
            [...document.querySelectorAll('script[src]')].map(s => s.getAttribute('src')),
            [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.getAttribute('href')));
        for (const url of urls) if (!(await caches.match(url))) return false;
        return true;
    }""")
    phone.context.set_offline(True)
    page.reload()
    assert page.locator("a.stat[href*='/m/worklist']").first.is_visible()
    assert page.locator("#offline-bar").is_visible()
    phone.context.set_offline(False)


def test_the_order_form_says_at_the_top_when_the_officer_cannot_serve_here(phone):
    """Finding 3: known before anything is filled in, not at the last tap."""
    phone.login("inspector")
    page = phone.page
    near = api(page, "/m/find/near.json?lat=39.9612&lon=116.8305&radius_m=20000")["body"]["items"]
    other = next(e for e in near if not e["may_serve"])
    phone.goto(other["visit_url"])
    assert page.locator("#rights.rights-no").is_visible()
    phone.goto(f"/m/serve?enterprise_id={other['id']}")
    rights = page.locator("#rights")
    assert rights.is_visible() and "您不能在此作出决定" in rights.inner_text()
    assert page.locator("#serve-form").count() == 0
    assert phone.no_horizontal_scroll()
    phone.shot("inspector-serve-outside.png", full_page=False)
    mine = next(e for e in near if e["mine"])
    phone.goto(f"/m/serve?enterprise_id={mine['id']}")
    assert "本乡镇企业" in page.locator("#rights").inner_text()
    # Search: a page of results, nearest first with the distance, and more on request.
    phone.goto("/m/find?q=厂&lat=39.9612&lon=116.8305")
    assert page.locator("#results .dist").count() >= 1 and page.locator("#more-results").count() == 1
    phone.shot("inspector-search.png", full_page=False)
