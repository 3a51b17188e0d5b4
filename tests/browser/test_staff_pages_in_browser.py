"""The staff's pages in Chromium: an admin manages people's roles and accounts, the secretariat sends a failed
email again from the outbox."""

import re

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.extensions import db
from engage.notices import services as notices
from engage.notices.models import Notice

pytestmark = pytest.mark.browser

SMTP_ERROR = "SMTPRecipientsRefused: 550 5.1.1 No such mailbox"


def heading(page):
    return page.get_by_role("heading", level=1)


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def banner(page):
    return page.locator(".govuk-notification-banner")


def roles(page):
    return page.locator(".govuk-summary-list")


def test_an_admin_finds_a_person_grants_and_removes_a_role_and_disables_the_account(
    page, open_page, visit, follow, sign_in_as, demo
):
    sign_in_as(page, demo["admin"])
    follow(menu(page).get_by_role("link", name="Manage people"))
    expect(heading(page)).to_have_text("Manage people")
    expect(menu(page).get_by_role("link", name="Manage people")).to_have_attribute("aria-current", "true")

    page.get_by_label("Search by name or email").fill("Rahima")
    follow(page.get_by_role("button", name="Search"))
    people = page.get_by_role("table", name="People")
    expect(people.get_by_role("row")).to_have_count(2)  # the header and Rahima
    expect(people.get_by_role("row").nth(1)).to_contain_text(demo["resident"])
    expect(people).not_to_contain_text("Alex Morgan")

    follow(people.get_by_role("link", name="Rahima Begum"))
    expect(heading(page)).to_have_text("Rahima Begum")
    expect(page.locator(".govuk-caption-l")).to_have_text(demo["resident"])
    expect(roles(page)).to_contain_text("No other roles")

    page.get_by_label("Role", exact=True).select_option(label="Board chair")
    page.get_by_label("Board (for board roles)").select_option(label="Climate Partnership")
    follow(page.get_by_role("button", name="Grant role"))
    expect(banner(page)).to_contain_text("Role granted.")
    chair = roles(page).locator(".govuk-summary-list__row").filter(has_text="Board chair")
    expect(chair).to_contain_text("Climate Partnership")

    follow(chair.get_by_role("button", name="Remove Board chair"))
    expect(banner(page)).to_contain_text("Role removed.")
    expect(roles(page)).not_to_contain_text("Board chair")
    expect(roles(page)).to_contain_text("No other roles")

    follow(page.get_by_role("button", name="Disable account"))
    expect(banner(page)).to_contain_text("Account disabled. The person has been signed out everywhere.")
    expect(page.locator(".govuk-tag").filter(has_text="Disabled")).to_be_visible()
    # Rahima, on her own device, cannot sign in while her account is disabled.
    hers = open_page()
    sign_in_as(hers, demo["resident"])
    expect(heading(hers)).to_have_text("Sign in")
    expect(hers.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")

    follow(page.get_by_role("button", name="Enable account"))
    expect(banner(page)).to_contain_text("Account enabled.")
    expect(page.locator(".govuk-tag").filter(has_text="Disabled")).to_have_count(0)
    expect(page.get_by_role("button", name="Disable account")).to_be_visible()
    sign_in_as(hers, demo["resident"])
    expect(heading(hers)).to_have_text("Your account")


def test_a_board_role_without_its_board_is_refused_with_the_error_on_the_board_field(
    page, visit, follow, sign_in_as, demo, app
):
    with app.app_context():
        rahima = accounts.user_by_email(demo["resident"]).id
    sign_in_as(page, demo["admin"])
    visit(page, f"/admin/users/{rahima}")
    page.get_by_label("Role", exact=True).select_option(label="Board chair")
    follow(page.get_by_role("button", name="Grant role"))
    expect(page).to_have_title(re.compile(r"^Error: Rahima Begum"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Choose the board this role is for")).to_have_attribute("href", "#board")
    expect(page.locator("#board-error")).to_contain_text("Choose the board this role is for")
    expect(page.get_by_label("Board (for board roles)")).to_have_attribute(
        "aria-describedby", re.compile("board-error")
    )
    summary.get_by_role("link", name="Choose the board this role is for").click()
    expect(page.get_by_label("Board (for board roles)")).to_be_focused()
    expect(roles(page)).to_contain_text("No other roles")


@pytest.fixture
def failed_notices(app, deliver):
    """Two emails that could not be delivered, as the outbox keeps them."""
    addresses = ["amina@example.org", "bilal@example.org"]
    with app.app_context():
        for number, address in enumerate(addresses):
            notices.queue("password_changed", address, f"failed:{number}", {"name": "A"})
        db.session.commit()
        db.session.remove()
    deliver()
    with app.app_context():
        db.session.execute(
            db.update(Notice)
            .where(Notice.recipient.in_(addresses))
            .values(status="failed", attempts=5, last_error=SMTP_ERROR)
        )
        db.session.commit()
        db.session.remove()
    return addresses


def test_the_secretariat_finds_a_failed_email_in_the_outbox_and_sends_it_again(
    page, visit, follow, sign_in_as, demo, failed_notices, deliver, smtp
):
    amina, bilal = failed_notices
    smtp[1].messages.clear()
    sign_in_as(page, demo["secretariat"])
    follow(menu(page).get_by_role("link", name="Outbox"))
    expect(heading(page)).to_have_text("Outbox")
    expect(menu(page).get_by_role("link", name="Outbox")).to_have_attribute("aria-current", "true")
    tabs = page.get_by_role("navigation", name="Notices by status")
    expect(tabs.get_by_role("link", name="Failed (2)")).to_have_attribute("aria-current", "page")
    failed = page.get_by_role("table", name="Failed")
    expect(failed.get_by_role("row").filter(has_text=amina)).to_contain_text(SMTP_ERROR)
    expect(failed.get_by_role("row").filter(has_text=bilal)).to_contain_text(SMTP_ERROR)

    page.get_by_label("Recipient's email address").fill(amina.upper())
    follow(page.get_by_role("button", name="Search"))
    failed = page.get_by_role("table", name="Failed")
    expect(failed.get_by_role("row")).to_have_count(2)  # the header and Amina's
    expect(failed).to_contain_text(amina)
    expect(failed).not_to_contain_text(bilal)

    follow(failed.get_by_role("button", name=f"Retry {amina}"))
    expect(banner(page)).to_contain_text("The notice will be sent again.")
    expect(tabs.get_by_role("link", name="Failed (1)")).to_have_attribute("aria-current", "page")
    failed = page.get_by_role("table", name="Failed")
    expect(failed).not_to_contain_text(amina)
    expect(failed).to_contain_text(bilal)
    assert [m["To"] for m in deliver()] == [amina]
