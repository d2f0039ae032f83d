"""Real-browser fixtures: a live server on a demo city, Debian's chromium driven by Playwright,
and a ``phone`` (390x844, touch, zh-CN, Asia/Shanghai, located in the demo city).

Nothing is downloaded: Playwright's driver ships in the wheel and the browser is /usr/bin/chromium.
Every request that is not to the local server is aborted and remembered; a test fails if any
was attempted (no CDN, no fonts, no tiles from outside).
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, datetime, time as clock_time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
#: Screenshots go to a build folder, so a test run never dirties the committed docs/screenshots/;
#: `make screenshots` runs the browser tests and copies them there on purpose.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "build" / "screenshots"))
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
PHONE = {"width": 390, "height": 844}
#: How long a browser test waits for a state before failing. Generous: the first page load of a
#: fresh server on a shared 2-core machine under load has taken more than 10 s (issue #23).
#: Tests wait on a state (a selector, a page expression), never for a fixed time.
STATE_TIMEOUT_MS = 60_000
#: The demo city's "today", for the server (AS_OF_OVERRIDE) and the phone's clock alike: no
#: browser test reads the wall clock, so a run next year sees the same city as one today.
DEMO_TODAY = date(2026, 11, 25)
SHANGHAI = ZoneInfo("Asia/Shanghai")

ACCOUNTS = {
    "admin": ("admin", "Admin-demo-2026"),
    "reviewer": ("reviewer", "Review-demo-2026"),
    "inspector": ("zhangwei", "Inspect-demo-2026"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(*args: str, env: dict) -> None:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@contextlib.contextmanager
def demo_server(prefix: str = "browser-instance-", setup=None):
    """Serve a fresh demo city whose 'today' is DEMO_TODAY; ``setup(env)`` runs after the demo
    data is loaded and before the server starts (extra commands on the same instance)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as instance:
        env = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "TEST_DATABASE_URL", "FLASK_APP")}
        today = DEMO_TODAY.isoformat()
        env.update(INSTANCE_PATH=instance, LOGIN_RATE_LIMIT="1000 per minute", PYTHONUNBUFFERED="1",
                   AS_OF_OVERRIDE=today)
        _flask("init-db", env=env)
        _flask("demo-data", "--enterprises", "300", "--as-of", today, env=env)
        if setup is not None:
            setup(env)
        port = _free_port()
        log = open(os.path.join(instance, "server.log"), "w")
        server = subprocess.Popen(
            [sys.executable, "-c", f"from run import app; app.run(host='127.0.0.1', port={port})"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STATE_TIMEOUT_MS / 1000
            while True:
                if server.poll() is not None:
                    raise RuntimeError("server exited: " + Path(log.name).read_text())
                try:
                    urllib.request.urlopen(base + "/login", timeout=2).close()
                    break
                except (urllib.error.URLError, ConnectionError, OSError):
                    if time.monotonic() > deadline:
                        raise RuntimeError("server did not answer: " + Path(log.name).read_text()) from None
                    time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()


def until(page, script: str, timeout_ms: int = STATE_TIMEOUT_MS) -> None:
    """Wait until a page expression is true (wait_for_function evaluates strings, which our CSP
    forbids, so it is polled from here). It waits on the page's state; the poll interval only
    spaces the questions, and ``timeout_ms`` is the ceiling before the test fails."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        if page.evaluate(script):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"never became true within {timeout_ms} ms: {script}")
        page.wait_for_timeout(100)


@pytest.fixture(scope="session")
def live_server():
    """Base URL of the app serving a fresh demo city whose 'today' is DEMO_TODAY."""
    with demo_server() as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        # Fails, never skips: .ci/run installs it; `make test-fast` leaves the browser tests out.
        pytest.fail(f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


class Phone:
    """A page in a phone context, with the helpers people-facing tests need."""

    def __init__(self, context, page, base: str, outside: list[str]):
        self.context, self.page, self.base, self.outside = context, page, base, outside

    def goto(self, path: str):
        return self.page.goto(self.base + path)

    def login(self, role: str) -> None:
        username, password = ACCOUNTS[role]
        response = self.goto("/login")
        try:
            self.page.locator("form input[name=password]").wait_for(state="visible")
        except Exception as exc:
            # Once in CI (1 run in many) the login form never showed: say what the page was.
            status = response.status if response is not None else None
            text = self.page.evaluate("document.body ? document.body.innerText.slice(0, 400) : ''")
            raise AssertionError(f"no login form at {self.page.url} (status {status}): {text!r}") from exc
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("form:has(input[name=password]) button[type=submit]")
        # The desk lands on /, an inspector in the phone app's home (/m/, issue #17).
        home = "/m/" if role == "inspector" else "/"
        assert urlsplit(self.page.url).path == home, f"{role} did not land on home: {self.page.url}"

    def set_width(self, width: int) -> None:
        self.page.set_viewport_size({"width": width, "height": PHONE["height"]})

    def no_horizontal_scroll(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def shot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        size = self.page.viewport_size
        if full_page:
            # Grow the viewport to the page so that the fixed bottom bar sits at the bottom of the
            # picture (a plain full-page capture leaves it floating halfway down).
            height = self.page.evaluate("document.documentElement.scrollHeight")
            self.page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        try:
            self.page.screenshot(path=str(path), full_page=full_page)
        finally:
            self.page.set_viewport_size(size)
        return path


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True,
        locale="zh-CN", timezone_id="Asia/Shanghai",
        geolocation={"latitude": 39.9612, "longitude": 116.8305}, permissions=["geolocation"])
    context.set_default_timeout(STATE_TIMEOUT_MS)
    context.set_default_navigation_timeout(STATE_TIMEOUT_MS)
    # The phone's clock starts on the demo city's today (09:30 in Shanghai) and then runs.
    context.clock.install(time=datetime.combine(DEMO_TODAY, clock_time(9, 30), tzinfo=SHANGHAI))
    outside: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    # Requests the router may not see (service workers, preloads) still show up here.
    context.on("request", lambda r: (urlsplit(r.url).scheme in ("http", "https", "ws", "wss")
                                     and (urlsplit(r.url).hostname or "") not in LOCAL_HOSTS
                                     and outside.append(r.url)))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield Phone(context, page, live_server, outside)
    context.close()
    assert not outside, f"requests left the local server: {sorted(set(outside))}"
    assert not errors, f"JavaScript errors on the page: {errors}"
