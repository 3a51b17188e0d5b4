"""The public pages in Chromium, in English and in Bengali, reached the way a person reaches them: by links."""

import re

import pytest
from playwright.sync_api import expect

from engage.partnership import services as partnership

pytestmark = pytest.mark.browser


def languages(page, label: str = "Language"):
    return page.get_by_role("navigation", name=label)


def menu(page, label: str = "Menu"):
    return page.get_by_role("navigation", name=label)


def test_home_page_in_english_then_in_bengali_by_the_language_switcher(page, visit, follow, bengali, app):
    with app.app_context():
        plan_bn = partnership.current_plan().title_bn
        board_bn = partnership.board_by_slug("partnership-board").name_bn

    visit(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title("Home – Tower Hamlets Partnership")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shape the future of Tower Hamlets")
    expect(page.get_by_role("heading", name="A Tower Hamlets for All")).to_be_visible()
    expect(page.locator("main ol").get_by_role("link")).to_have_count(5)
    expect(languages(page).get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    # The Bengali link is marked as Bengali, so a screen reader pronounces it as Bengali.
    expect(languages(page).get_by_role("link", name="বাংলা")).to_have_attribute("lang", "bn")

    follow(languages(page).get_by_role("link", name="বাংলা"))
    expect(page).to_have_url(re.compile(r"/\?lang=bn$"))
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    switcher = languages(page, bengali("Language"))
    expect(switcher.get_by_role("link", name="বাংলা")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text(bengali("Shape the future of Tower Hamlets"))
    expect(page.get_by_role("heading", name=plan_bn)).to_be_visible()

    # The choice is remembered on the next page, which has no ?lang= of its own.
    follow(menu(page, bengali("Menu")).get_by_role("link", name=bengali("Boards")))
    expect(page).to_have_url(re.compile(r"/boards/$"))
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    follow(page.get_by_role("main").get_by_role("link", name=board_bn, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(board_bn)

    follow(switcher.get_by_role("link", name="English"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership Board")


def test_home_page_asked_for_in_bengali_by_address(page, visit, bengali):
    visit(page, "/?lang=bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page).to_have_title(f"{bengali('Home')} – {bengali('Tower Hamlets Partnership')}")
    expect(page.get_by_role("heading", level=1)).to_have_text(bengali("Shape the future of Tower Hamlets"))
    expect(languages(page, bengali("Language")).get_by_role("link", name="English")).to_have_attribute("lang", "en")


def test_calls_to_action_lead_boards_and_the_archived_plan(page, visit, follow):
    visit(page, "/")
    follow(menu(page).get_by_role("link", name="Calls to action"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Calls to action")
    expect(menu(page).get_by_role("link", name="Calls to action")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_count(5)

    follow(page.get_by_role("link", name="Call to action 2", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Everyone in Tower Hamlets should be able to enjoy good mental health and wellbeing."
    )
    follow(page.get_by_role("main").get_by_role("link", name="Health and Wellbeing Board").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Health and Wellbeing Board")
    expect(page.get_by_role("heading", name="Remit")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="London Borough of Tower Hamlets")).not_to_have_count(0)

    follow(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Boards"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The partnership's boards")
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        ["Strategic discussion", "Strategic coordination", "Thematic partnerships"]
    )

    follow(page.get_by_role("contentinfo").get_by_role("link", name="Partnership plans"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership plans")
    follow(page.get_by_role("link", name="Tower Hamlets Plan 2018–2023"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tower Hamlets Plan 2018–2023")
    expect(
        page.get_by_text("This plan is archived. It has been replaced by the current partnership plan.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Areas of focus")).to_be_visible()
    # An archived plan's areas of focus are history: listed, not linked to today's calls to action.
    expect(page.get_by_role("main").locator("ol li")).to_have_count(4)
    expect(page.get_by_role("main").locator("ol a")).to_have_count(0)


def test_footer_pages_and_a_missing_page(page, visit, follow, bengali):
    visit(page, "/")
    follow(page.get_by_role("contentinfo").get_by_role("link", name="Accessibility"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(page.get_by_text("zoom in up to 400% without text spilling off the screen")).to_be_visible()
    visit(page, "/accessibility?lang=bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.get_by_role("heading", level=1)).to_have_text(bengali("Accessibility statement"))
    expect(page.get_by_role("main")).not_to_contain_text("%%")
    visit(page, "/accessibility?lang=en")
    follow(page.get_by_role("contentinfo").get_by_role("link", name="Privacy"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")

    visit(page, "/calls-to-action/9", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    follow(page.get_by_role("link", name="Go to the home page"))
    expect(page).to_have_url(re.compile(r"/$"))


def test_the_sites_scripts_run_under_its_own_content_security_policy(open_page, visit):
    """With the policy enforced (no bypass), the page scripts still run: the nonce'd inline script marks the page
    as JavaScript-enabled and GOV.UK Frontend starts its components. A refused script fails the test."""
    page = open_page(bypass_csp=False)
    visit(page, "/account/register")
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    visit(page, "/?lang=bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
