"""Browser tests of the web demo (Web/), with Playwright driving Debian's chromium.

Run them with `make browser-test` (Tests/browser/run.sh: installs what is missing, brings the native
stack up, runs pytest, brings the stack down again). Settings, all optional:

  LATCHKEY_BASE_URL   the gateway to test (run.sh sets it). When unset, this file starts the native
                      stack itself with `Scripts/stack.sh up` and stops it at the end, but only if
                      it was not running before.
  CHROMIUM            the browser binary (default /usr/bin/chromium; never `playwright install`)
  BROWSER_ARTIFACTS   where screenshots go (default test-artifacts/browser/)
  BROWSER_SCREENSHOTS where the activity and account-deletion states go (test-artifacts/screenshots/)
  BROWSER_HEADED=1    show the browser window (needs a display)
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", REPO / "test-artifacts" / "browser"))
# Screenshots of the states a person should look at (recent activity, account deletion), kept apart
# from the per-run artifacts above (which run.sh empties).
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", REPO / "test-artifacts" / "screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"

# Every wait is bounded: Playwright actions and expectations (ms), and each whole test (pytest-timeout,
# see pytest.ini).
ACTION_TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 20_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


# ------------------------------------------------------------------------------------------------
# The stack
# ------------------------------------------------------------------------------------------------


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def base_url() -> str:
    configured = os.environ.get("LATCHKEY_BASE_URL")
    if configured:
        url = configured.rstrip("/")
        if not _answers(f"{url}/.well-known/jwks.json"):
            pytest.fail(f"LATCHKEY_BASE_URL={url} does not answer (GET /.well-known/jwks.json)")
        yield url
        return

    port = os.environ.get("STACK_GATEWAY_PORT", "8080")
    url = f"http://localhost:{port}"
    was_running = _answers(f"{url}/.well-known/jwks.json")
    env = dict(os.environ, STACK_MODE="native")
    env.setdefault("STACK_ACCESS_TOKEN_TTL_SECONDS", "10")
    try:
        subprocess.run([str(REPO / "Scripts" / "stack.sh"), "up"], cwd=REPO, env=env, check=True, timeout=1800)
        yield url
    finally:
        if not was_running:
            subprocess.run([str(REPO / "Scripts" / "stack.sh"), "down"], cwd=REPO, env=env, timeout=120)


# ------------------------------------------------------------------------------------------------
# The browser
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Playwright:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Browser:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM)")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        headless=os.environ.get("BROWSER_HEADED") != "1",
        timeout=60_000,
        args=["--disable-dev-shm-usage", "--no-first-run", "--disable-gpu"],
    )
    yield browser
    browser.close()


class Watched:
    """Problems the pages reported: script errors, CSP violations, failed requests of our own files."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

        def on_console(message) -> None:
            text = message.text
            if message.type != "error":
                return
            # API error answers (401, 404, 409, 412 ...) are logged by Chromium as failed loads: expected.
            if text.startswith("Failed to load resource"):
                return
            self.problems.append(f"console error: {text}")

        page.on("console", on_console)


@pytest.fixture
def watched() -> Watched:
    return Watched()


@pytest.fixture
def new_context(browser: Browser, base_url: str, watched: Watched, request):
    """Makes browser contexts (separate cookie jars: separate 'devices'); closes them after the test."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(
            base_url=base_url,
            viewport=options.pop("viewport", {"width": 1280, "height": 860}),
            locale="en-US",
            timezone_id="UTC",
            **options,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.on("page", watched.watch)
        contexts.append(context)
        return context

    yield make

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for index, context in enumerate(contexts):
        if failed:
            for page_index, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}-{index}-{page_index}.png"), full_page=True)
                except Exception:  # noqa: BLE001 - a failed screenshot must not hide the test failure
                    pass
        context.close()
    if not failed:
        assert watched.problems == [], "the page reported problems:\n" + "\n".join(watched.problems)


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session", autouse=True)
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# ------------------------------------------------------------------------------------------------
# Helpers for the tests
# ------------------------------------------------------------------------------------------------


def shot(page: Page, name: str, full_page: bool = True, directory: Path | None = None) -> None:
    """Keeps a screenshot of the page as test-artifacts/browser/NAME.png (or in `directory`)."""
    if full_page:
        # A full-page capture of a scrolled page draws the sticky top bar mid-page: start at the top.
        page.evaluate("() => window.scrollTo(0, 0)")
    folder = directory or ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


def unique_email(prefix: str = "browser") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def open_app(page: Page) -> None:
    page.goto("/")
    page.wait_for_function("() => window.latchkey && window.latchkey.view !== 'boot'")


def app_view(page: Page):
    return page.locator("#app-view")


def auth_view(page: Page):
    return page.locator("#auth-view")


def choose_mode(page: Page, mode: str) -> None:
    page.get_by_role("button", name="Sign up" if mode == "signup" else "Log in", exact=True).first.click()


def submit_credentials(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("#auth-submit").click()


def sign_up(page: Page, email: str, password: str = PASSWORD) -> None:
    expect(auth_view(page)).to_be_visible()
    page.locator("#mode-signup").click()
    submit_credentials(page, email, password)
    expect(app_view(page)).to_be_visible()
    wait_loaded(page)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    expect(auth_view(page)).to_be_visible()
    page.locator("#mode-login").click()
    submit_credentials(page, email, password)
    expect(app_view(page)).to_be_visible()
    wait_loaded(page)


def wait_loaded(page: Page) -> None:
    """The app view has finished its first loads (sessions list filled)."""
    expect(page.locator("#session-list > li").first).to_be_visible()


def note_items(page: Page):
    return page.locator("#note-list > li")


def note_titles(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#note-list .note-title").all_inner_texts()]


def note_item(page: Page, title: str):
    return page.locator("#note-list > li").filter(has=page.locator(".note-title", has_text=re.compile(f"^{re.escape(title)}$")))


def api(page: Page, method: str, path: str, json=None, headers=None):
    """One API call through the page's own client (CSRF, refresh and retry included)."""
    return page.evaluate(
        "([method, path, json, headers]) => window.latchkey.request(method, path, json ?? undefined, headers ?? undefined)",
        [method, path, json, headers],
    )


REFRESH_LOCK = "latchkey-refresh"


def pending_refreshes(page: Page) -> int:
    """How many callers wait for the refresh lock (Web Locks are per origin: every tab counts)."""
    return page.evaluate(
        "async (name) => (await navigator.locks.query()).pending.filter((lock) => lock.name === name).length",
        REFRESH_LOCK,
    )


def all_at_once_through_the_refresh_lock(pages: list[Page], function_body: str) -> list:
    """Runs `function_body` (a JS arrow function) in every page so that all of them reach the refresh
    lock before any refresh can start: the test holds the lock (from pages[0]) until every page waits
    for it, then lets go. That is "two tabs refreshing at the same moment", without depending on
    timers (Chromium delays those in background tabs). Returns each page's {value} or {error}."""
    pages[0].evaluate(
        """(name) => new Promise((held) => {
            navigator.locks.request(name, () => {
                held();
                return new Promise((release) => { window.__releaseRefreshLock = release; });
            });
        })""",
        REFRESH_LOCK,
    )
    # The body is part of the evaluated source (compiled by the DevTools protocol): the page's CSP
    # forbids eval, rightly, so it cannot be passed as a string and compiled inside the page.
    start = f"""() => {{
        const fn = {function_body};
        window.__allAtOnce = Promise.resolve()
            .then(() => fn())
            .then((value) => ({{ value }}), (error) => ({{ error: String((error && error.message) || error) }}));
    }}"""
    try:
        for page in pages:
            page.evaluate(start)
        wait_until(
            lambda: pending_refreshes(pages[0]) == len(pages),
            10,
            f"not every page came to wait for the refresh lock ({pending_refreshes(pages[0])} of {len(pages)})",
        )
    finally:
        pages[0].evaluate("() => window.__releaseRefreshLock()")
    return [page.evaluate("() => window.__allAtOnce") for page in pages]


class RequestCounter:
    """Counts requests of a context by method and path."""

    def __init__(self, context: BrowserContext, method: str, path: str) -> None:
        self.count = 0
        self._method = method
        self._path = path
        context.on("request", self._on_request)

    def _on_request(self, request) -> None:
        if request.method == self._method and request.url.split("?", 1)[0].endswith(self._path):
            self.count += 1


def wait_until(predicate, timeout_s: float, message: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(message)
