"""Creating an account, signing in and out, and resetting a password, in Chromium with the real SMTP sink."""

import re

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.extensions import db

pytestmark = pytest.mark.browser

HOSTILE_NAME = "<script>alert(1)</script> Zoë 🙂"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def person(app):
    """Someone who already has an account."""
    with app.app_context():
        accounts.register(
            name="Rahima Begum", email="rahima@example.com", password=PASSWORD, connections=["lives"], language="en"
        )
        db.session.commit()
        db.session.remove()
    return "rahima@example.com"


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def heading(page):
    return page.get_by_role("heading", level=1)


def banner(page):
    return page.locator(".govuk-notification-banner")


def error_summary(page):
    return page.locator(".govuk-error-summary")


def sign_in(page, follow, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    follow(page.get_by_role("button", name="Sign in"))


def test_registration_with_errors_then_confirmed_by_the_emailed_link(page, visit, follow, email_link):
    visit(page, "/account/register")
    expect(page).to_have_title("Create an account – Tower Hamlets Partnership")

    follow(page.get_by_role("button", name="Create account"))
    expect(page).to_have_title(re.compile(r"^Error: Create an account"))
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page).get_by_role("heading")).to_have_text("There is a problem")
    errors = {
        "Enter your full name": "name",
        "Enter your email address": "email",
        "Enter a password": "password",
        "Select how you are connected to Tower Hamlets": "connections",
    }
    links = error_summary(page).get_by_role("link")
    expect(links).to_have_text(list(errors))
    for text, field_id in errors.items():
        expect(links.filter(has_text=text)).to_have_attribute("href", f"#{field_id}")
        expect(page.locator(f"#{field_id}-error")).to_contain_text(text)
    expect(page.get_by_label("Full name")).to_have_attribute("aria-describedby", re.compile(r"\bname-error\b"))
    # Following an error moves focus to the field it is about.
    links.filter(has_text="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    links.filter(has_text="Select how you are connected").click()
    expect(page.get_by_label("I live in Tower Hamlets")).to_be_focused()

    page.get_by_label("Full name").fill(HOSTILE_NAME)
    page.get_by_label("Email address").fill("zoe@example.com")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("I study in Tower Hamlets").check()
    follow(page.get_by_role("button", name="Create account"))
    expect(page).to_have_url(re.compile(r"/account/register/check-your-email$"))
    expect(heading(page)).to_have_text("Check your email")

    visit(page, email_link("zoe@example.com", "/account/verify/", subject="Confirm your email address"))
    expect(heading(page)).to_have_text("Your email address is confirmed")
    # The name is shown exactly as typed: as text, never as markup.
    expect(page.get_by_role("main")).to_contain_text(f"Thank you, {HOSTILE_NAME}. Your account is ready.")
    expect(page.locator("main script")).to_have_count(0)

    follow(page.get_by_role("link", name="Continue"))
    expect(heading(page)).to_have_text("Sign in")
    sign_in(page, follow, "zoe@example.com", PASSWORD)
    expect(heading(page)).to_have_text("Your account")
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text(HOSTILE_NAME)
    expect(summary).to_contain_text("zoe@example.com")
    expect(page.get_by_text("You have not confirmed your email address yet.")).to_have_count(0)


def test_sign_in_with_a_wrong_then_right_password_and_sign_out(page, visit, follow, person):
    visit(page, "/")
    follow(menu(page).get_by_role("link", name="Sign in"))
    expect(heading(page)).to_have_text("Sign in")

    sign_in(page, follow, "Rahima@Example.com", "not the password")
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("Rahima@Example.com")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(heading(page)).to_have_text("Your account")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Rahima Begum")
    expect(menu(page).get_by_role("link", name="Your account")).to_have_attribute("aria-current", "true")

    follow(menu(page).get_by_role("link", name="Sign out"))
    expect(heading(page)).to_have_text("Sign out")
    follow(page.get_by_role("main").get_by_role("button", name="Sign out"))
    expect(page).to_have_url(re.compile(r"/$"))
    expect(banner(page)).to_contain_text("You have signed out.")
    expect(menu(page).get_by_role("link", name="Sign in")).to_be_visible()

    visit(page, "/account/")
    expect(page).to_have_url(re.compile(r"/account/sign-in\?next=%2Faccount%2F$"))
    expect(heading(page)).to_have_text("Sign in")


def test_password_reset_by_the_emailed_link(page, visit, follow, email_link, deliver, person):
    visit(page, "/account/sign-in")
    follow(page.get_by_role("link", name="Forgotten your password?"))
    expect(heading(page)).to_have_text("Reset your password")
    page.get_by_label("Email address").fill(person)
    follow(page.get_by_role("button", name="Send reset link"))
    expect(heading(page)).to_have_text("Check your email")

    link = email_link(person, "/account/reset-password/", subject="Reset your password")
    visit(page, link)
    expect(heading(page)).to_have_text("Choose a new password")
    page.get_by_label("New password").fill("a brand new passphrase")
    follow(page.get_by_role("button", name="Save new password"))
    expect(heading(page)).to_have_text("Sign in")
    expect(banner(page)).to_contain_text("Your password has been changed.")

    sign_in(page, follow, person, PASSWORD)
    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")
    page.get_by_label("Password", exact=True).fill("a brand new passphrase")
    follow(page.get_by_role("button", name="Sign in"))
    expect(heading(page)).to_have_text("Your account")

    # The person is told by email, and the link does not work twice.
    assert "Your password has been changed" in [m["Subject"] for m in deliver() if m["To"] == person]
    visit(page, link, status=400)
    expect(heading(page)).to_have_text("This link has expired or has already been used")
