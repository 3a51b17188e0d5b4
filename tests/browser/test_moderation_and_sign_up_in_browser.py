"""In Chromium, on a desktop, at 320 pixels wide and in Bengali: the house rules, a hidden comment as its author sees
it, a comment refused for posting too often, the list's open data links, and the congress sign-up for someone
without an account (who they are first, and a box saying which other language). Every page passes axe."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_congress_in_browser import make_congress
from test_proposals_in_browser import publish

from engage.accounts import services as accounts
from engage.congress import services as congresses
from engage.extensions import db
from engage.partnership import services as partnership
from engage.proposals import moderation
from engage.proposals import services as proposals

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def fits_the_width(page) -> None:
    """No sideways scrolling at 320 CSS pixels (WCAG 1.4.10 Reflow)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320 pixels"


@pytest.fixture
def narrow_page(open_page):
    return open_page(NARROW, is_mobile=True, has_touch=True)


def test_the_house_rules_from_the_footer_on_a_desktop_a_narrow_screen_and_in_bengali(
    page, narrow_page, visit, follow, bengali, english_left
):
    visit(page, "/")
    follow(page.locator("footer").get_by_role("link", name="House rules"))
    expect(page).to_have_url(re.compile(r"/house-rules$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("House rules")
    expect(page.locator("main ol li")).to_have_count(7)
    visit(narrow_page, "/house-rules?lang=bn")
    expect(narrow_page.get_by_role("heading", level=1)).to_have_text(bengali("House rules"))
    fits_the_width(narrow_page)
    assert english_left(narrow_page, ("Tower Hamlets",)) == []


@pytest.fixture
def hidden_comment(app, demo):
    """A proposal with the partner's comment on it, hidden by the secretariat with a reason."""
    [published] = publish(app, [{"title": "A community garden on the estate"}])
    with app.app_context():
        partner = accounts.user_by_email(demo["partner_representative"])
        proposal = proposals.by_reference(published.reference)
        comment = proposals.comment(proposal, partner, "Buy my garden furniture at a discount!")
        moderation.hide_comment(comment, accounts.user_by_email(demo["secretariat"]), "Rule 4: no advertising")
        db.session.commit()
        db.session.remove()
    return published.reference


def test_the_author_of_a_hidden_comment_sees_it_with_the_reason_on_a_narrow_screen_and_in_bengali(
    open_page, narrow_page, visit, follow, sign_in_as, demo, hidden_comment, bengali
):
    sign_in_as(narrow_page, demo["partner_representative"])
    visit(narrow_page, f"/proposals/{hidden_comment}")
    card = narrow_page.locator(".engage-card").filter(has_text="Buy my garden furniture")
    expect(card).to_contain_text("Hidden by the moderators: Rule 4: no advertising")
    expect(card.get_by_role("link", name="Read the house rules")).to_have_attribute("href", "/house-rules")
    fits_the_width(narrow_page)
    visit(narrow_page, f"/proposals/{hidden_comment}?lang=bn")
    expect(card).to_contain_text(bengali("Hidden by the moderators:"))
    fits_the_width(narrow_page)
    stranger = open_page()
    visit(stranger, f"/proposals/{hidden_comment}")
    expect(stranger.get_by_text("Buy my garden furniture")).to_have_count(0)


def test_a_comment_posted_too_often_is_refused_with_what_was_typed_kept(page, visit, follow, sign_in_as, demo, app):
    [published] = publish(app, [{"title": "Water fountains in the parks"}])
    sign_in_as(page, demo["partner_representative"])
    visit(page, f"/proposals/{published.reference}")
    for n in range(6):
        page.get_by_label("Add a comment").fill(f"Comment number {n}")
        follow(page.get_by_role("button", name="Post comment"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("You have posted many comments in a short time")
    expect(page.get_by_label("Add a comment")).to_have_value("Comment number 5")


def test_the_list_links_to_its_proposals_as_open_data_with_its_filters(
    app, demo, page, narrow_page, visit, follow, bengali
):
    publish(app, [{"title": "Benches on Roman Road", "ward": "bow-west"}, {"title": "Benches by the canal"}])
    visit(page, "/proposals/")
    page.get_by_label("Ward").select_option(label="Bow West")
    follow(page.get_by_role("button", name="Apply filters"))
    csv_link = page.get_by_role("link", name="CSV (for a spreadsheet)")
    expect(csv_link).to_have_attribute("href", re.compile(r"^/proposals\.csv\?.*ward=bow-west"))
    expect(page.get_by_role("link", name="JSON")).to_have_attribute(
        "href", re.compile(r"^/proposals\.json\?.*ward=bow-west")
    )
    with page.expect_download() as download:
        csv_link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Benches on Roman Road" in text and "Benches by the canal" not in text
    visit(narrow_page, "/proposals/?ward=bow-west&lang=bn")
    expect(narrow_page.get_by_role("link", name=f"CSV {bengali('(for a spreadsheet)')}")).to_be_visible()
    fits_the_width(narrow_page)


def test_a_guest_signs_up_page_by_page_who_they_are_first_going_back_and_changing_an_answer(app, page, visit, follow):
    with app.app_context():
        make_congress(capacity=5)
        db.session.commit()
        db.session.remove()
    visit(page, "/congress/spring-2027/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    expect(page.get_by_label("Dietary needs (optional)")).to_have_count(0)  # the needs come later
    follow(page.get_by_role("button", name="Continue"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
    page.get_by_label("Full name").fill("Rokeya Khatun")
    page.get_by_label("Email address").fill("rokeya@example.org")
    page.get_by_role("group", name="Are you coming as").get_by_label("A resident").check()
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Workshops")
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What you need on the day")
    which = page.get_by_label("Which other language?")
    page.get_by_label("Another language").check()
    page.get_by_label("Dietary needs (optional)").fill("Vegan")
    follow(page.get_by_role("button", name="Continue"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say which language you would like an interpreter for")
    expect(page.get_by_label("Dietary needs (optional)")).to_have_value("Vegan")
    which.fill("Tigrinya")
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Staying in touch")
    follow(page.get_by_role("link", name="Back"))  # what was typed is still there
    expect(page.get_by_label("Which other language?")).to_have_value("Tigrinya")
    follow(page.get_by_role("link", name="Back"))
    follow(page.get_by_role("link", name="Back"))
    expect(page.get_by_label("Full name")).to_have_value("Rokeya Khatun")
    for _ in range(4):
        follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("main")).to_contain_text("Tigrinya")
    follow(page.get_by_role("link", name="Change dietary needs (optional)"))
    expect(page.get_by_label("Dietary needs (optional)")).to_have_value("Vegan")
    page.get_by_label("Dietary needs (optional)").fill("Halal")
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("main")).to_contain_text("Halal")
    follow(page.get_by_role("button", name="Register"))
    expect(page).to_have_url(re.compile(r"/register/check-your-email$"))


def test_the_whole_sign_up_in_bengali_at_320_pixels(app, narrow_page, visit, follow, bengali, english_left):
    with app.app_context():
        make_congress(capacity=5)
        db.session.commit()
        names = [o.name for o in partnership.organisations()] + [
            w.title for w in congresses.by_slug("spring-2027").workshops
        ]
        db.session.remove()
    data = ("Spring 2027 Partnership Congress", "Town Hall", "Rokeya Khatun", "rokeya@example.org", *names)
    visit(narrow_page, "/congress/spring-2027/register?lang=bn")
    headings = ["About you", "Workshops", "What you need on the day", "Staying in touch", "Check your answers"]
    for number, title in enumerate(headings):
        expect(narrow_page.get_by_role("heading", level=1)).to_have_text(bengali(title))
        fits_the_width(narrow_page)
        assert english_left(narrow_page, data) == [], title
        if number == 0:
            narrow_page.get_by_label(bengali("Full name")).fill("Rokeya Khatun")
            narrow_page.get_by_label(bengali("Email address")).fill("rokeya@example.org")
            coming_as = narrow_page.get_by_role("group", name=bengali("Are you coming as"))
            coming_as.get_by_label(bengali("A resident")).tap()
        if number == 2:
            expect(narrow_page.get_by_label(bengali("Which other language?"))).to_be_visible()
        if title != "Check your answers":
            follow(narrow_page.get_by_role("button", name=bengali("Continue")))
    follow(narrow_page.get_by_role("button", name=bengali("Register")))
    expect(narrow_page).to_have_url(re.compile(r"/register/check-your-email$"))
