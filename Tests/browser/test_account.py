"""The account's own page: recent activity (the security events) and deleting the account.

Screenshots of each state go to test-artifacts/screenshots/ (conftest.SCREENSHOTS)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from conftest import (
    PASSWORD,
    SCREENSHOTS,
    api,
    app_view,
    auth_view,
    note_item,
    open_app,
    shot,
    sign_up,
    submit_credentials,
    unique_email,
    wait_loaded,
)

ACTIVITY_PAGE_SIZE = 10


def activity_items(page: Page):
    return page.locator("#activity-list > li")


def activity_types(page: Page) -> list[str]:
    return activity_items(page).evaluate_all("items => items.map((item) => item.dataset.type)")


def add_note(page: Page, title: str) -> None:
    page.locator("#note-create-title").fill(title)
    page.get_by_role("button", name="Add note").click()
    expect(note_item(page, title)).to_be_visible()


def wait_activity(page: Page, count: int) -> None:
    expect(activity_items(page)).to_have_count(count)


def test_recent_activity_shows_the_sign_up_and_the_login_newest_first(page: Page, new_context) -> None:
    open_app(page)
    email = unique_email("activity")
    sign_up(page, email)

    # The demo signs up, then logs in: two events, the login on top, marked as this session's.
    wait_activity(page, 2)
    assert activity_types(page) == ["login", "signed-up"]
    login, signed_up = activity_items(page).nth(0), activity_items(page).nth(1)
    expect(login.locator(".activity-label")).to_have_text("Logged in")
    expect(login.locator(".badge")).to_be_visible()
    expect(login.locator(".badge")).to_have_text("This session")
    expect(login.locator(".activity-meta")).to_contain_text("127.0.0.1")
    expect(login.locator(".activity-meta")).to_contain_text("on Linux")
    expect(login.locator(".activity-meta time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    expect(login.locator(".activity-ua")).to_contain_text("Mozilla/5.0")
    expect(signed_up.locator(".activity-label")).to_have_text("Account created")
    # The sign-up has no session: it is nobody's "this session".
    expect(signed_up.locator(".badge")).to_be_hidden()
    expect(page.locator("#activity-more")).to_be_hidden()

    # Logins from another device (bearer: tokens in the body; a cookie jar of its own, so its logout
    # clears no cookie of this page), one of them revoked from this page and one logged out by
    # itself: more than a page, so "Show older activity" pages on.
    device = new_context().request
    other_logins = ACTIVITY_PAGE_SIZE
    answers = []
    for _ in range(other_logins):
        answer = device.post("/v1/sessions", data={"email": email, "password": PASSWORD}, headers={"User-Agent": "curl/8.5.0"})
        assert answer.status == 201, answer.text()
        answers.append(answer.json())
    assert api(page, "DELETE", f"/v1/sessions/{answers[0]['session']['id']}")["status"] == 204
    logout = device.delete(
        "/v1/sessions/current",
        headers={"Authorization": f"Bearer {answers[1]['access_token']}", "User-Agent": "curl/8.5.0"},
    )
    assert logout.status == 204, logout.text()
    wrong = device.post("/v1/sessions", data={"email": email, "password": "a wrong guess"}, headers={"User-Agent": "curl/8.5.0"})
    assert wrong.status == 401, wrong.text()
    total = 2 + other_logins + 3

    page.locator("#activity-reload").click()
    wait_activity(page, ACTIVITY_PAGE_SIZE)
    assert activity_types(page)[:3] == ["login-failed", "logout", "session-revoked"], activity_types(page)
    more = page.locator("#activity-more")
    expect(more).to_be_visible()
    newest = activity_items(page).first
    expect(newest.locator(".activity-label")).to_have_text("Wrong password entered")
    expect(newest).to_have_attribute("data-tone", "warn")
    expect(newest.locator(".activity-meta")).to_contain_text("127.0.0.1 · curl")
    expect(newest.locator(".activity-ua")).to_be_hidden()  # "curl/8.5.0" says no more than "curl"
    expect(newest.locator(".badge")).to_be_hidden()
    expect(activity_items(page).nth(1).locator(".activity-label")).to_have_text("Logged out")
    shot(page, "activity-first-page", directory=SCREENSHOTS)

    more.click()
    wait_activity(page, total)
    expect(more).to_be_hidden()
    types = activity_types(page)
    assert types[-2:] == ["login", "signed-up"], types
    assert types.count("login") == 1 + other_logins, types
    # Only this browser's session is marked, however many there are.
    expect(page.locator("#activity-list .badge:visible")).to_have_count(1)
    ids = activity_items(page).evaluate_all("items => items.map((item) => item.dataset.eventId)")
    assert len(set(ids)) == len(ids), ids
    shot(page, "activity-list", directory=SCREENSHOTS)

    # The same list through the API, for comparison: newest first, with a cursor.
    listed = api(page, "GET", "/v1/accounts/me/events?limit=3")
    assert listed["status"] == 200
    assert len(listed["data"]["items"]) == 3
    assert listed["data"]["next_cursor"]


def test_deleting_the_account_takes_the_password_twice_confirmed_and_signs_out(page: Page) -> None:
    open_app(page)
    email = unique_email("delete")
    sign_up(page, email)
    add_note(page, "A note that will go")
    page.get_by_label("Display name").fill("Grace Hopper")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#toast")).to_have_text("Profile saved.")

    dialog = page.locator("#delete-dialog")
    danger = page.locator(".danger-card")
    expect(danger).to_contain_text("cannot be undone")
    danger.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#toast")).to_be_hidden()  # the dialog sends the "Profile saved." toast away

    # --- step 1: the password; nothing is sent --------------------------------------------------
    expect(dialog).to_be_visible()
    expect(dialog.locator("#delete-step-label")).to_have_text("Step 1 of 2")
    expect(page.locator("#delete-password")).to_be_focused()
    dialog.get_by_role("button", name="Continue").click()
    expect(page.locator("#delete-password-error")).to_have_text("Enter your password to continue.")
    page.locator("#delete-password").fill("not my password")
    expect(page.locator("#delete-password-error")).to_be_hidden()
    shot(page, "delete-step-1", full_page=False, directory=SCREENSHOTS)

    # --- step 2: what is lost; the safe button has the focus -------------------------------------
    deletions = []
    page.on("request", lambda request: deletions.append(request) if request.method == "DELETE" and request.url.endswith("/v1/accounts/me") else None)
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog.locator("#delete-step-label")).to_have_text("Step 2 of 2")
    assert deletions == [], "step 1 must not send anything"
    losses = dialog.locator("#delete-losses > li")
    expect(losses).to_have_count(4)
    expect(losses.nth(0)).to_contain_text("Every session")
    expect(losses.nth(1)).to_contain_text("1 note")
    expect(losses.nth(2)).to_contain_text("Grace Hopper")
    expect(dialog.get_by_role("button", name="Back")).to_be_focused()

    # --- a wrong password: the server's detail, back to step 1, nothing deleted -----------------
    dialog.get_by_role("button", name="Delete my account").click()
    error = page.locator("#delete-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("The current password is wrong.")
    expect(error).to_contain_text("Nothing was deleted.")
    expect(dialog.locator("#delete-step-label")).to_have_text("Step 1 of 2")
    expect(page.locator("#delete-password")).to_have_attribute("aria-invalid", "true")
    assert len(deletions) == 1
    assert deletions[0].post_data_json == {"current_password": "not my password"}
    assert deletions[0].headers.get("x-csrf-token"), "a cookie-mode DELETE carries X-CSRF-Token"
    shot(page, "delete-wrong-password", full_page=False, directory=SCREENSHOTS)
    # Still logged in, the note still there; the guess is in the account's activity.
    assert api(page, "GET", "/v1/notes")["data"]["items"][0]["title"] == "A note that will go"
    events = api(page, "GET", "/v1/accounts/me/events")["data"]["items"]
    assert events[0]["type"] == "login-failed", events

    # --- the right password, confirmed ------------------------------------------------------------
    page.locator("#delete-password").fill(PASSWORD)
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog.locator("#delete-step-label")).to_have_text("Step 2 of 2")
    expect(page.locator("#delete-error")).to_be_hidden()
    shot(page, "delete-step-2", full_page=False, directory=SCREENSHOTS)
    dialog.get_by_role("button", name="Delete my account").click()

    expect(auth_view(page)).to_be_visible()
    expect(dialog).to_be_hidden()
    notice = page.locator("#auth-notice")
    expect(notice).to_contain_text(f"The account {email} has been deleted")
    expect(notice).to_contain_text("sign up again")
    expect(page.get_by_label("E-mail")).to_have_value("")
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert not names & {"access_token", "refresh_token", "csrf_token", "__Host-access_token", "__Secure-refresh_token", "__Host-csrf_token"}, names
    shot(page, "account-deleted", directory=SCREENSHOTS)

    # --- the old credentials are refused; the e-mail signs up again, as a new, empty account ------
    page.locator("#mode-login").click()
    submit_credentials(page, email, PASSWORD)
    expect(page.locator("#auth-error")).to_contain_text("wrong")
    expect(app_view(page)).to_be_hidden()

    page.locator("#mode-signup").click()
    submit_credentials(page, email, PASSWORD)
    expect(app_view(page)).to_be_visible()
    wait_loaded(page)
    expect(page.locator("#notes-empty")).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("")
    wait_activity(page, 2)
    assert activity_types(page) == ["login", "signed-up"]


def test_too_many_wrong_passwords_show_when_to_try_again(page: Page) -> None:
    # The real limit is shared by every test from this address: the 429 is played by the page's
    # network layer instead (the shape auth sends: problem+json and Retry-After).
    open_app(page)
    sign_up(page, unique_email("limited"))

    def limited(route: Route) -> None:
        if route.request.method != "DELETE":
            route.continue_()
            return
        route.fulfill(
            status=429,
            headers={"Content-Type": "application/problem+json", "Retry-After": "840"},
            body=json.dumps({
                "type": "urn:latchkey:problem:rate-limited",
                "title": "Too Many Requests",
                "status": 429,
                "detail": "Too many failed attempts; try again later.",
            }),
        )

    page.route("**/v1/accounts/me", limited)
    page.locator("#delete-account-start").click()
    page.locator("#delete-password").fill("guess number six")
    page.locator("#delete-dialog").get_by_role("button", name="Continue").click()
    page.locator("#delete-dialog").get_by_role("button", name="Delete my account").click()
    error = page.locator("#delete-error")
    expect(error).to_contain_text("Try again in 14 minutes.")
    expect(error).to_contain_text("Nothing was deleted.")
    expect(app_view(page)).to_be_visible()
    shot(page, "delete-rate-limited", full_page=False, directory=SCREENSHOTS)
