"""In Chromium: an account that has not confirmed its address is told to, where its congress registration would show,
and registers the way someone without an account does; a partner representative comes to a congress as from their
own organisation, and is told when they do not say which. Every page passes axe (the conftest checks each one)."""

import re

import pytest
from playwright.sync_api import expect
from test_congress_in_browser import PASSWORD, fits_the_width, make_congress

from engage.accounts import services as accounts
from engage.extensions import db

pytestmark = pytest.mark.browser

CONFIRM_FIRST = "Confirm your email address to see here whether you are registered"
CONFIRM_FIRST_IN_FULL = f"{CONFIRM_FIRST}: follow the link in the email we sent you."
NOT_CONFIRMED = "You have not confirmed your email address yet, so we will email you a link"


@pytest.fixture
def congress(app):
    with app.app_context():
        make_congress(capacity=5)
        accounts.register("Amina Rahman", "amina@example.org", PASSWORD, ["lives"], "en")  # not confirmed
        db.session.commit()
    return "/congress/spring-2027"


def test_an_unconfirmed_account_on_a_phone_is_told_to_confirm_and_registers_by_the_emailed_link(
    phone_page, visit, follow, sign_in_as, congress, bengali
):
    page = phone_page
    sign_in_as(page, "amina@example.org", PASSWORD)
    visit(page, congress)
    expect(page.get_by_text(CONFIRM_FIRST)).to_be_visible()
    expect(page.get_by_role("link", name="See your registration")).to_have_count(0)
    fits_the_width(page)
    follow(page.get_by_role("button", name="Send the link again"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have sent you a new link")
    expect(page).to_have_url(re.compile(f"{congress}$"))  # still where they were

    visit(page, f"{congress}/register")
    expect(page.get_by_text(NOT_CONFIRMED)).to_be_visible()
    expect(
        page.get_by_role("group", name="Are you coming as").get_by_label("Someone from a partner organisation")
    ).to_have_count(0)
    expect(page.get_by_label("Which partner organisation? (if you are coming from one)")).to_have_count(0)
    fits_the_width(page)
    page.get_by_role("group", name="Are you coming as").get_by_label("A resident").tap()
    while page.get_by_role("button", name="Continue").count():  # about you, the workshops if any, needs, in touch
        follow(page.get_by_role("button", name="Continue"))
    follow(page.get_by_role("button", name="Register"))
    expect(page).to_have_url(re.compile(f"{congress}/register/check-your-email$"))

    visit(page, f"{congress}?lang=bn")
    expect(page.get_by_text(bengali(CONFIRM_FIRST_IN_FULL))).to_be_visible()
    fits_the_width(page)


def test_a_partner_representative_comes_as_from_their_own_organisation(page, visit, follow, sign_in_as, demo, congress):
    sign_in_as(page, demo["partner_representative"])
    visit(page, f"{congress}/register")
    coming_as = page.get_by_role("group", name="Are you coming as")
    coming_as.get_by_label("Someone from a partner organisation").check()
    organisation = page.get_by_label("Which partner organisation? (if you are coming from one)")
    expect(organisation.locator("option")).to_have_text(["None", "Tower Hamlets Council for Voluntary Service (THCVS)"])
    follow(page.get_by_role("button", name="Continue"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the partner organisation you are coming from")  # on the page that asks
    expect(coming_as.get_by_label("Someone from a partner organisation")).to_be_checked()
    summary.get_by_role("link", name="Choose the partner organisation you are coming from").click()
    expect(organisation).to_be_focused()
    organisation.select_option(label="Tower Hamlets Council for Voluntary Service (THCVS)")
    while page.get_by_label("Dietary needs (optional)").count() == 0:  # about you, and the workshops if any
        follow(page.get_by_role("button", name="Continue"))
    page.get_by_label("Dietary needs (optional)").fill("Halal")
    follow(page.get_by_role("button", name="Continue"))
    follow(page.get_by_role("button", name="Continue"))
    expect(page.locator("main")).to_contain_text("Tower Hamlets Council for Voluntary Service (THCVS)")
    follow(page.get_by_role("button", name="Register"))
    expect(page.locator(".govuk-panel").get_by_role("heading", level=1)).to_have_text("You have a place")
