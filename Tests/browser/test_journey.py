"""The whole journey of one person: sign up, notes, profile, sessions, log out, log in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from conftest import (
    PASSWORD,
    api,
    app_view,
    auth_view,
    note_item,
    note_items,
    note_titles,
    open_app,
    shot,
    submit_credentials,
    unique_email,
    wait_loaded,
)


def add_note(page: Page, title: str, body: str = "") -> None:
    page.locator("#note-create-title").fill(title)
    page.locator("#note-create-body").fill(body)
    page.get_by_role("button", name="Add note").click()
    expect(note_item(page, title)).to_be_visible()
    expect(page.locator("#note-create-title")).to_have_value("")


def test_journey_sign_up_notes_profile_sessions_log_out_and_in(page: Page) -> None:
    # --- the login card, and the toggle to sign up --------------------------------------------
    open_app(page)
    expect(auth_view(page)).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_be_focused()
    shot(page, "01-login")

    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.locator("#mode-signup")).to_have_attribute("aria-pressed", "true")
    submit_credentials(page, "not-an-address", "short")
    expect(page.locator("#auth-email-error")).to_contain_text("valid e-mail address")
    expect(page.locator("#auth-password-error")).to_contain_text("8 to 128 characters")
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    shot(page, "02-signup-field-errors")

    email = unique_email("journey")
    submit_credentials(page, email, PASSWORD)
    expect(app_view(page)).to_be_visible()
    expect(page.locator("#toast")).to_have_text("Account created. Welcome!")
    wait_loaded(page)
    expect(page.locator("#notes-empty")).to_be_visible()
    expect(page.locator("#whoami")).to_have_text(email)
    expect(page.locator("#token-text")).to_contain_text("Access token expires in")
    shot(page, "03-app-empty")

    # --- notes: create (newest first, user content escaped) -----------------------------------
    add_note(page, "First note", "Hello from the browser.")
    hostile = '<b>not bold</b> & <img src=x onerror="alert(1)"> <script>alert(2)</script>'
    add_note(page, "Second note", hostile)
    assert note_titles(page) == ["Second note", "First note"]
    expect(note_item(page, "Second note").locator(".note-body")).to_have_text(hostile)
    expect(page.locator("#note-list b, #note-list img, #note-list script")).to_have_count(0)
    expect(page.locator("#notes-empty")).to_be_hidden()

    # A title the server refuses (the page's own maxlength removed): its message sits by the field.
    page.locator("#note-create-title").evaluate("input => input.removeAttribute('maxlength')")
    page.locator("#note-create-title").fill("x" * 201)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#note-create-title-error")).to_be_visible()
    expect(page.locator("#note-create-title-error")).not_to_be_empty()
    expect(page.locator("#note-create-error")).to_contain_text("invalid")
    expect(page.locator("#note-create-title")).to_have_attribute("aria-invalid", "true")
    shot(page, "04-note-server-field-error")
    page.locator("#note-create-title").fill("")

    # --- edit with If-Match --------------------------------------------------------------------
    note_item(page, "First note").get_by_role("button", name="Edit").click()
    dialog = page.locator("#note-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#note-edit-title")).to_be_focused()
    expect(page.locator("#note-edit-title")).to_have_value("First note")
    page.locator("#note-edit-title").fill("First note, edited")
    page.locator("#note-edit-body").fill("Edited in the dialog.")
    shot(page, "05-edit-note")
    page.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    edited = note_item(page, "First note, edited")
    expect(edited.locator(".note-body")).to_have_text("Edited in the dialog.")
    expect(edited.locator(".note-meta")).to_contain_text("version 2")

    # --- edit conflict: the note changes elsewhere while the dialog is open: 412, reloaded ----
    second = note_item(page, "Second note")
    second_id = second.get_attribute("data-note-id")
    second.get_by_role("button", name="Edit").click()
    expect(dialog).to_be_visible()
    changed = api(page, "PATCH", f"/v1/notes/{second_id}", {"body": "Changed in another tab."})
    assert changed["status"] == 200 and changed["data"]["version"] == 2, changed
    page.locator("#note-edit-title").fill("Second note, my version")
    page.get_by_role("button", name="Save changes").click()
    notice = page.locator("#note-edit-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("changed elsewhere")
    expect(page.locator("#note-edit-title")).to_have_value("Second note")
    expect(page.locator("#note-edit-body")).to_have_value("Changed in another tab.")
    expect(dialog).to_be_visible()
    shot(page, "06-edit-conflict")
    page.locator("#note-edit-title").fill("Second note, my version")
    page.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    expect(note_item(page, "Second note, my version").locator(".note-meta")).to_contain_text("version 3")

    # --- delete, with a confirmation (cancel first, then confirm) ----------------------------
    note_item(page, "First note, edited").get_by_role("button", name="Delete").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("First note, edited")
    page.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    expect(note_items(page)).to_have_count(2)
    note_item(page, "First note, edited").get_by_role("button", name="Delete").click()
    expect(confirm).to_be_visible()
    shot(page, "07-confirm-delete")
    confirm.get_by_role("button", name="Delete note").click()
    expect(confirm).to_be_hidden()
    expect(note_items(page)).to_have_count(1)
    expect(page.locator("#toast")).to_have_text("Note deleted.")

    # --- pages: 10 at a time, "Load more" follows next_cursor -------------------------------
    for number in range(1, 12):
        created = api(page, "POST", "/v1/notes", {"title": f"Bulk {number:02d}", "body": ""})
        assert created["status"] == 201, created
    page.get_by_role("button", name="Reload").first.click()
    expect(note_items(page)).to_have_count(10)
    assert note_titles(page)[:2] == ["Bulk 11", "Bulk 10"]
    more = page.get_by_role("button", name="Load more")
    expect(more).to_be_visible()
    more.click()
    expect(note_items(page)).to_have_count(12)
    expect(more).to_be_hidden()
    assert note_titles(page)[-1] == "Second note, my version"

    # --- profile --------------------------------------------------------------------------------
    expect(page.locator("#profile-updated")).to_have_text("Not set up yet")
    page.get_by_label("Display name").fill("Ada Lovelace")
    page.get_by_label("Bio").fill("Writes notes about engines.")
    expect(page.locator("#profile-bio-count")).to_have_text("27")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#toast")).to_have_text("Profile saved.")
    expect(page.locator("#whoami")).to_have_text("Ada Lovelace")
    expect(page.locator("#profile-updated")).to_contain_text("Saved")

    page.get_by_label("Display name").evaluate("input => input.removeAttribute('maxlength')")
    page.get_by_label("Display name").fill("n" * 65)
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#profile-display-name-error")).to_be_visible()
    expect(page.locator("#profile-error")).to_be_visible()
    shot(page, "08-profile-field-error")

    page.reload()
    expect(app_view(page)).to_be_visible()
    wait_loaded(page)
    expect(page.get_by_label("Display name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Bio")).to_have_value("Writes notes about engines.")
    expect(note_items(page)).to_have_count(10)

    # --- sessions -------------------------------------------------------------------------------
    sessions = page.locator("#session-list > li")
    expect(sessions).to_have_count(1)
    expect(sessions.first.locator(".badge")).to_have_text("This device")
    expect(sessions.first.locator(".badge")).to_be_visible()
    expect(sessions.first.locator(".session-meta")).to_contain_text("127.0.0.1")
    expect(sessions.first.locator(".session-meta")).to_contain_text("last used")
    page.locator("#profile-display-name-error").wait_for(state="hidden")
    shot(page, "09-app-full")

    # --- log out; wrong password; taken e-mail; log in again -------------------------------------
    page.get_by_role("button", name="Log out", exact=True).first.click()
    expect(auth_view(page)).to_be_visible()
    expect(page.locator("#auth-notice")).to_have_text("You are logged out.")
    expect(page.get_by_label("E-mail")).to_have_value(email)
    shot(page, "10-logged-out")

    submit_credentials(page, email, "not the password")
    expect(page.locator("#auth-error")).to_be_visible()
    expect(page.locator("#auth-error")).not_to_be_empty()
    expect(app_view(page)).to_be_hidden()
    shot(page, "11-wrong-password")

    page.get_by_role("button", name="Sign up", exact=True).click()
    submit_credentials(page, email, PASSWORD)
    expect(page.locator("#auth-email-error")).to_be_visible()
    expect(page.locator("#auth-email-error")).to_contain_text("Log in instead?")
    shot(page, "12-signup-email-taken")

    page.get_by_role("button", name="Log in", exact=True).click()
    submit_credentials(page, email, PASSWORD)
    expect(app_view(page)).to_be_visible()
    wait_loaded(page)
    expect(page.locator("#whoami")).to_have_text("Ada Lovelace")
    expect(note_items(page)).to_have_count(10)
