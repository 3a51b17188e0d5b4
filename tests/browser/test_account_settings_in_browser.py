"""A resident's own account in Chromium: what it shows, which emails they get, changing the password, deleting
the account, confirming the email address again, and unsubscribing by the link in an email."""

import re

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.extensions import db
from engage.notices import kinds
from engage.notices import services as notices

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a fresh passphrase for Rahima"


@pytest.fixture(params=["desktop", "phone"])
def screen(request):
    """The journey on a desktop and on a phone."""
    return request.getfixturevalue("page" if request.param == "desktop" else "phone_page")


def heading(page):
    return page.get_by_role("heading", level=1)


def banner(page):
    return page.locator(".govuk-notification-banner")


def error_summary(page):
    return page.locator(".govuk-error-summary")


def fits_the_width(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_a_resident_chooses_emails_changes_password_and_deletes_the_account(screen, visit, follow, sign_in_as, demo):
    page = screen
    email = demo["resident"]
    sign_in_as(page, email)
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(heading(page)).to_have_text("Your account")
    summary = page.locator(".govuk-summary-list")
    expect(summary.locator(".govuk-summary-list__row").filter(has_text="Name")).to_contain_text("Rahima Begum")
    expect(summary.locator(".govuk-summary-list__row").filter(has_text="Email address")).to_contain_text(email)
    expect(summary.locator(".govuk-summary-list__row").filter(has_text="Roles")).to_contain_text("Resident")
    expect(page.get_by_role("button", name="Send the link again")).to_have_count(0)  # the address is confirmed
    fits_the_width(page)

    # Which emails: "Proposals you follow" from straight away to a weekly summary.
    follow(page.get_by_role("link", name="Choose which emails you get"))
    expect(heading(page)).to_have_text("Notifications")
    followed = page.get_by_role("group", name="Proposals you follow")
    expect(followed.get_by_label("Straight away")).to_be_checked()
    expect(page.get_by_role("group", name="New in your board's queue")).to_have_count(0)  # not on a board
    followed.get_by_label("In a weekly summary").check()
    follow(page.get_by_role("button", name="Save"))
    expect(page).to_have_url(re.compile(r"/account/notifications$"))
    expect(banner(page)).to_contain_text("Your notification choices have been saved.")
    followed = page.get_by_role("group", name="Proposals you follow")
    expect(followed.get_by_label("In a weekly summary")).to_be_checked()
    expect(followed.get_by_label("Straight away")).not_to_be_checked()
    expect(page.get_by_role("group", name="Your proposals").get_by_label("Straight away")).to_be_checked()
    fits_the_width(page)
    follow(page.get_by_role("link", name="Back to your account"))

    # A new password: the wrong current one is pointed out on its field; the right one is accepted.
    follow(page.get_by_role("link", name="Change your password"))
    expect(heading(page)).to_have_text("Change your password")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    follow(page.get_by_role("button", name="Change password"))
    expect(page).to_have_title(re.compile(r"^Error: Change your password"))
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page).get_by_role("link", name="Your current password is not correct")).to_have_attribute(
        "href", "#current_password"
    )
    expect(page.locator("#current_password-error")).to_contain_text("Your current password is not correct")
    expect(page.get_by_label("Current password")).to_have_attribute(
        "aria-describedby", re.compile(r"\bcurrent_password-error\b")
    )
    fits_the_width(page)
    page.get_by_label("Current password").fill(DEMO_PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    follow(page.get_by_role("button", name="Change password"))
    expect(heading(page)).to_have_text("Your account")
    expect(banner(page)).to_contain_text("Your password has been changed. You have been signed out everywhere else.")

    # Deleting the account: warned first, refused with a wrong password, done with the right one.
    follow(page.get_by_role("link", name="Delete your account"))
    expect(heading(page)).to_have_text("Delete your account")
    expect(page.locator(".govuk-warning-text")).to_contain_text("Warning")
    expect(page.locator(".govuk-warning-text")).to_contain_text("This cannot be undone.")
    page.get_by_label("Enter your password to confirm").fill(DEMO_PASSWORD)  # the old one
    follow(page.get_by_role("button", name="Delete my account"))
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page)).to_contain_text("Your password is not correct")
    expect(page.locator("#password-error")).to_contain_text("Your password is not correct")
    fits_the_width(page)
    page.get_by_label("Enter your password to confirm").fill(NEW_PASSWORD)
    follow(page.get_by_role("button", name="Delete my account"))
    expect(page).to_have_url(re.compile(r"/$"))
    expect(banner(page)).to_contain_text("Your account has been deleted.")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account")).to_have_count(0)

    sign_in_as(page, email, NEW_PASSWORD)
    expect(heading(page)).to_have_text("Sign in")
    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")


def test_a_resident_who_has_not_confirmed_their_address_gets_a_new_link(page, app, deliver, sign_in_as, follow):
    with app.app_context():
        accounts.register("Nadia Rahman", "nadia@example.org", "nadia's long password", ["works"], "en")
        db.session.commit()
        db.session.remove()
    first = [m for m in deliver() if m["To"] == "nadia@example.org"]
    assert [m["Subject"] for m in first] == ["Confirm your email address"]

    sign_in_as(page, "nadia@example.org", "nadia's long password")
    expect(heading(page)).to_have_text("Your account")
    expect(page.get_by_text("You have not confirmed your email address yet.")).to_be_visible()
    follow(page.get_by_role("button", name="Send the link again"))
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(banner(page)).to_contain_text("We have sent you a new link to confirm your email address.")

    again = [m for m in deliver() if m["To"] == "nadia@example.org"]
    assert [m["Subject"] for m in again] == ["Confirm your email address"] * 2


def test_unsubscribing_by_the_link_in_an_email_on_a_phone(
    phone_page, app, demo, deliver, monkeypatch, live_server, visit, follow
):
    page = phone_page
    # An optional kind of email: one a person may stop, so it carries an unsubscribe link.
    monkeypatch.setitem(kinds.KINDS, "password_changed", "own_proposals")
    with app.app_context():
        person = accounts.user_by_email(demo["resident"])
        notices.queue("password_changed", person.email, "unsubscribe-me", {"name": person.name}, "en", person)
        db.session.commit()
        db.session.remove()
    [message] = [m for m in deliver() if m["To"] == demo["resident"]]
    link = live_server.local(message["List-Unsubscribe"].strip("<>"), app.config["PUBLIC_URL"])

    visit(page, link)
    expect(heading(page)).to_have_text("Stop these emails?")
    expect(page.get_by_role("main")).to_contain_text("You will no longer get emails about: Your proposals.")
    fits_the_width(page)
    follow(page.get_by_role("button", name="Unsubscribe"))
    expect(heading(page)).to_have_text("You have unsubscribed")
    expect(page.get_by_role("main")).to_contain_text("Your proposals")
    with app.app_context():
        person = accounts.user_by_email(demo["resident"])
        assert notices.choice(person, kinds.CATEGORIES["own_proposals"]) == "off"

    # A link that was tampered with, or never was one, is refused plainly.
    visit(page, link[:-4] + "abcd", status=400)
    expect(heading(page)).to_have_text("This unsubscribe link is not valid")
    visit(page, "/unsubscribe/not-a-link", status=400)
    expect(heading(page)).to_have_text("This unsubscribe link is not valid")
    fits_the_width(page)
