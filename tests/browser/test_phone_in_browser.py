"""A phone-sized screen (375x812): the same pages pass axe, nothing scrolls sideways, the menu folds away."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def fits_the_width(page) -> None:
    """No sideways scrolling at 375 CSS pixels (WCAG 1.4.10 Reflow asks for 320)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


def test_home_and_registration_on_a_phone(phone_page, visit, follow, axe_check):
    page = phone_page
    visit(page, "/")
    fits_the_width(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Shape the future of Tower Hamlets")

    # The menu folds behind a button, which opens it and says so.
    toggle = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Menu").get_by_role("link")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(links.filter(has_text="Create an account")).to_be_visible()
    axe_check(page)  # the page with its menu open

    follow(links.filter(has_text="Create an account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    fits_the_width(page)

    follow(page.get_by_role("button", name="Create account"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    fits_the_width(page)
    page.get_by_label("Full name").fill("Nusrat Jahan")
    page.get_by_label("Email address").fill("nusrat@example.com")
    page.get_by_label("Create a password").fill("a long enough passphrase")
    page.get_by_label("I work in Tower Hamlets").tap()
    follow(page.get_by_role("button", name="Create account"))
    expect(page).to_have_url(re.compile(r"/account/register/check-your-email$"))
    fits_the_width(page)


def test_bengali_pages_fit_a_phone(phone_page, visit):
    for path in ("/?lang=bn", "/calls-to-action/", "/boards/voluntary-and-community-sector-partnership-board"):
        visit(phone_page, path)
        expect(phone_page.locator("html")).to_have_attribute("lang", "bn")
        fits_the_width(phone_page)
