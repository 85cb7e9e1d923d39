"""Sessions across tabs and devices: one refresh for two tabs, expired tokens renewed without a
logout, a revoked session sent back to the login screen."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import (
    RequestCounter,
    api,
    app_view,
    all_at_once_through_the_refresh_lock,
    auth_view,
    log_in,
    note_item,
    open_app,
    shot,
    sign_up,
    unique_email,
    wait_loaded,
    wait_until,
)

# Token lifetimes this long are not waited for (the stack was started without the short one).
LONGEST_TTL_TO_WAIT_FOR = 20
# The verifiers' clock-skew leeway (docs/API.md): a token is refused as expired from exp + 30 s.
LEEWAY_S = 30

WINDOWS_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def access_cookie(context: BrowserContext):
    for cookie in context.cookies():
        if cookie["name"] in ("__Host-access_token", "access_token"):
            return cookie
    return None


def open_second_tab(context: BrowserContext) -> Page:
    tab = context.new_page()
    open_app(tab)
    expect(app_view(tab)).to_be_visible()
    wait_loaded(tab)
    return tab


def add_note(page: Page, title: str) -> None:
    page.locator("#note-create-title").fill(title)
    page.get_by_role("button", name="Add note").click()
    expect(note_item(page, title)).to_be_visible()


def test_two_tabs_refreshing_at_once_make_one_refresh_and_stay_logged_in(new_context) -> None:
    context = new_context()
    first = context.new_page()
    open_app(first)
    sign_up(first, unique_email("tabs"))
    second = open_second_tab(context)
    refreshes = RequestCounter(context, "POST", "/v1/sessions/refresh")

    for attempt in range(5):
        before = refreshes.count
        results = all_at_once_through_the_refresh_lock([first, second], "() => window.latchkey.refreshNow()")
        assert all("value" in result for result in results), results
        assert sorted(result["value"]["refreshed"] for result in results) == [False, True], results
        assert refreshes.count - before == 1, f"attempt {attempt}: {refreshes.count - before} refresh requests"

    for tab, title in ((first, "Written in tab one"), (second, "Written in tab two")):
        expect(app_view(tab)).to_be_visible()
        add_note(tab, title)
    second.get_by_role("button", name="Reload").first.click()
    expect(note_item(second, "Written in tab one")).to_be_visible()
    shot(first, "20-two-tabs-first-after-refresh")
    shot(second, "21-two-tabs-second-after-refresh")


def test_expired_tokens_are_renewed_once_for_two_tabs_without_a_logout(new_context) -> None:
    context = new_context()
    first = context.new_page()
    open_app(first)
    sign_up(first, unique_email("expiry"))
    ttl = first.evaluate("() => window.latchkey.accessTtl")
    if ttl is None or ttl > LONGEST_TTL_TO_WAIT_FOR:
        pytest.skip(
            f"the access-token lifetime is {ttl} s; run with STACK_ACCESS_TOKEN_TTL_SECONDS=10 "
            "(make browser-test does) on a stack it starts"
        )
    login_cookie = access_cookie(context)
    assert login_cookie is not None, "no access cookie after login"
    second = open_second_tab(context)
    refreshes = RequestCounter(context, "POST", "/v1/sessions/refresh")

    # 1. The access cookie lives exactly as long as its token (Max-Age = TTL): once it is gone, both
    #    tabs' next calls get 401 token-missing at the same moment. One refresh for both, no logout.
    wait_until(lambda: access_cookie(context) is None, ttl + 10, "the access cookie did not expire")
    expect(first.locator("#token-indicator")).to_have_attribute("data-state", "expired")
    expect(first.locator("#token-text")).to_contain_text("expired")
    shot(first, "22-token-expired")
    before = refreshes.count
    stats_before = [tab.evaluate("() => structuredClone(window.latchkey.stats)") for tab in (first, second)]
    results = all_at_once_through_the_refresh_lock(
        [first, second], "() => window.latchkey.request('GET', '/v1/notes?limit=5').then((r) => r.status)"
    )
    assert results == [{"value": 200}, {"value": 200}], results
    assert refreshes.count - before == 1, f"{refreshes.count - before} refresh requests for two tabs"
    stats = [tab.evaluate("() => window.latchkey.stats") for tab in (first, second)]
    # One tab refreshed; the other found, inside the lock, that it had been done, and only retried.
    assert sorted(a["refreshRequests"] - b["refreshRequests"] for a, b in zip(stats, stats_before)) == [0, 1], stats
    assert sorted(a["refreshSkips"] - b["refreshSkips"] for a, b in zip(stats, stats_before)) == [0, 1], stats
    for a, b in zip(stats, stats_before):
        assert a["renewedAfter"][len(b["renewedAfter"]) :] == ["urn:latchkey:problem:token-missing"], stats
    for tab, title in ((first, "After renewal, tab one"), (second, "After renewal, tab two")):
        expect(tab.locator("#token-indicator")).to_have_attribute("data-state", "fresh")
        add_note(tab, title)
        expect(auth_view(tab)).to_be_hidden()
    shot(second, "23-renewed-after-expiry")

    # 2. A token sent after exp + leeway is refused as token-expired (the browser would not send it
    #    by itself: the login's cookie is put back). The page refreshes once and retries.
    refuse_after = login_cookie["expires"] + LEEWAY_S + 1.5
    time.sleep(max(0.0, refuse_after - time.time()))
    stale = dict(login_cookie, expires=time.time() + 600)
    context.add_cookies([stale])
    assert access_cookie(context)["value"] == login_cookie["value"]
    before = refreshes.count
    result = api(first, "GET", "/v1/profile")
    assert result["status"] == 200, result
    assert refreshes.count - before == 1
    renewed_after = first.evaluate("() => window.latchkey.stats.renewedAfter")
    assert renewed_after[-1] == "urn:latchkey:problem:token-expired", renewed_after
    assert access_cookie(context)["value"] != login_cookie["value"]
    expect(app_view(first)).to_be_visible()


def test_a_revoked_session_is_sent_back_to_the_login_screen(new_context) -> None:
    email = unique_email("revoke")
    laptop_context = new_context(user_agent=WINDOWS_UA)
    phone_context = new_context(user_agent=IPHONE_UA, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    laptop = laptop_context.new_page()
    open_app(laptop)
    sign_up(laptop, email)
    phone = phone_context.new_page()
    open_app(phone)
    log_in(phone, email)
    shot(phone, "30-phone-layout")

    # The laptop sees both sessions, itself marked "This device".
    laptop.locator("#sessions-reload").click()
    sessions = laptop.locator("#session-list > li")
    expect(sessions).to_have_count(2)
    current = laptop.locator("#session-list > li.session-current")
    expect(current.locator(".session-name")).to_have_text("Chrome on Windows")
    expect(current.locator(".badge")).to_be_visible()
    other = laptop.locator("#session-list > li:not(.session-current)")
    expect(other.locator(".session-name")).to_have_text("Safari on iOS")
    expect(other.locator(".badge")).to_be_hidden()
    shot(laptop, "31-sessions-two-devices")

    # Revoke the phone's session from the laptop.
    other.get_by_role("button", name="Revoke").click()
    confirm = laptop.locator("#confirm-dialog")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Safari on iOS")
    confirm.get_by_role("button", name="Revoke session").click()
    expect(sessions).to_have_count(1)
    expect(laptop.locator("#toast")).to_have_text("Session revoked.")

    # The phone's next action (a write) lands on the login screen, with a message.
    phone.locator("#note-create-title").fill("Should not be saved")
    phone.get_by_role("button", name="Add note").click()
    expect(auth_view(phone)).to_be_visible()
    expect(phone.locator("#auth-notice")).to_contain_text("Your session has ended")
    expect(phone.get_by_label("E-mail")).to_have_value(email)
    shot(phone, "32-revoked-back-to-login")

    # Log in again on the phone (the refused note was not saved); then "log out everywhere" from the laptop.
    log_in(phone, email)
    expect(note_item(phone, "Should not be saved")).to_have_count(0)
    laptop.locator("#sessions-reload").click()
    expect(sessions).to_have_count(2)
    laptop.get_by_role("button", name="Log out everywhere").click()
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Log out everywhere").click()
    expect(auth_view(laptop)).to_be_visible()
    expect(laptop.locator("#auth-notice")).to_have_text("You are logged out on every device.")

    # A read on the phone is refused too once the revocation feed has delivered (contract: within 1 s;
    # a few tries are allowed here), and it also lands on the login screen.
    deadline = time.monotonic() + 6
    while True:
        phone.locator("#notes-reload").click()
        phone.wait_for_function("() => !document.getElementById('notes-reload').disabled || window.latchkey.view !== 'app'")
        if phone.evaluate("() => window.latchkey.view") == "auth" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(auth_view(phone)).to_be_visible()
    expect(phone.locator("#auth-notice")).to_contain_text("Your session has ended")
