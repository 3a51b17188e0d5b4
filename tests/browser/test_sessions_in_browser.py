"""A session's end in Chromium: the timeout warning, staying signed in, the signed-out page, and what was typed kept."""

import re

import pytest
from playwright.sync_api import expect

from engage.cli import DEMO_PASSWORD

pytestmark = pytest.mark.browser

TITLE = "Shade and water at the Roman Road market"


@pytest.fixture
def short_sessions(app, monkeypatch):
    """Sessions that end after 10 idle seconds, with the warning 5 seconds before; every request counts as use."""
    for name, value in (("SESSION_IDLE_SECONDS", 10), ("SESSION_WARNING_SECONDS", 5), ("SESSION_TOUCH_SECONDS", 0)):
        monkeypatch.setitem(app.config, name, value)


def warning(page):
    return page.get_by_role("dialog", name="You are about to be signed out")


def test_the_warning_lets_a_person_stay_signed_in_and_what_they_typed_outlives_the_session(
    page, visit, follow, sign_in_as, demo, short_sessions, axe_check
):
    sign_in_as(page, demo["resident"])
    visit(page, "/proposals/new")
    follow(page.get_by_role("button", name="Start a new proposal"))
    draft = page.url
    page.get_by_label("What is your idea called?").fill(TITLE)

    # The warning: a modal dialog, named and described for screen readers, focus on "Stay signed in".
    expect(warning(page)).to_be_visible(timeout=10_000)
    expect(warning(page)).to_have_accessible_description(
        "You have not done anything for a while. For your security, we will sign you out in 5 seconds."
    )
    stay = warning(page).get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("() => document.documentElement.scrollWidth <= 320"), "the warning scrolls sideways"
    page.keyboard.press("Enter")
    expect(warning(page)).to_be_hidden()

    # Staying put the end off: the warning comes again, and this time the person is away.
    expect(warning(page)).to_be_visible(timeout=10_000)
    page.wait_for_url(re.compile(r"/account/signed-out\?next="), timeout=12_000)
    axe_check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")

    follow(page.get_by_role("button", name="Sign in again"))
    page.get_by_label("Email address").fill(demo["resident"])
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    assert page.url == draft
    expect(page.get_by_label("What is your idea called?")).to_have_value(TITLE)
