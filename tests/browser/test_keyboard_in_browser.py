"""Keyboard only: the skip link comes first, every stop shows where focus is, a form can be completed and sent."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# What the focused element looks like, and whether its focus can be seen: GOV.UK Frontend draws focus as an
# outline or a (yellow) box shadow; a checkbox's focus ring is drawn on its label's ::before box.
FOCUSED = r"""() => {
  const el = document.activeElement;
  const clear = colour => colour === 'transparent' || /^rgba\(.*,\s*0\)$/.test(colour);
  const shows = s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !clear(s.outlineColor))
                     || s.boxShadow !== 'none';
  let visible = shows(getComputedStyle(el));
  if (!visible && el.labels && el.labels.length) visible = shows(getComputedStyle(el.labels[0], '::before'));
  const rect = el.getBoundingClientRect();
  return {id: el.id, tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim().slice(0, 60),
          visible, onScreen: rect.width > 0 && rect.height > 0};
}"""


def tab_to(page, element_id: str, limit: int = 40) -> list[str]:
    """Press Tab until the element with this id has focus; every stop on the way must show its focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused["id"] or f"{focused['tag']}:{focused['text']}")
        assert focused["onScreen"] and focused["visible"], f"focus cannot be seen on {focused}"
        if focused["id"] == element_id:
            return stops
    raise AssertionError(f"#{element_id} not reached with {limit} presses of Tab; stops: {stops}")


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page, visit):
    visit(page, "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert page.evaluate(FOCUSED)["visible"]

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.locator("main#main-content")).to_be_focused()
    # The next stop is inside the main content, past the header and its menus.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_registration_completed_and_sent_with_the_keyboard_alone(page, visit, follow):
    visit(page, "/account/register")
    stops = tab_to(page, "name")
    assert stops[0] == "a:Skip to main content"
    page.keyboard.type("Nazrul Islam")

    assert tab_to(page, "email", limit=1)
    page.keyboard.type("nazrul@example.com")
    assert tab_to(page, "password", limit=1)
    page.keyboard.type("a long enough passphrase")

    # The show-password button works from the keyboard, and hides the password again.
    page.keyboard.press("Tab")
    toggle = page.get_by_role("button", name="Show password")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#password")).to_have_attribute("type", "text")
    expect(page.get_by_role("button", name="Hide password")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#password")).to_have_attribute("type", "password")

    assert tab_to(page, "connections", limit=1)
    page.keyboard.press("Space")
    expect(page.get_by_label("I live in Tower Hamlets")).to_be_checked()
    stops = tab_to(page, "submit")
    assert stops == ["connections-2", "connections-3", "connections-4", "connections-5", "submit"]

    follow(page, key="Enter")
    expect(page).to_have_url(re.compile(r"/account/register/check-your-email$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def test_form_errors_can_be_followed_and_fixed_with_the_keyboard(page, visit, follow):
    visit(page, "/account/sign-in")
    tab_to(page, "submit")
    follow(page, key="Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()

    # From the focused summary, Tab reaches its first error; Enter on it puts focus in the field.
    page.keyboard.press("Tab")
    first_error = summary.get_by_role("link", name="Enter your email address")
    expect(first_error).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email address")).to_be_focused()
