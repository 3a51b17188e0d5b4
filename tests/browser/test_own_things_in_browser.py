"""On a 320-pixel-wide phone in Chromium: a resident finds their proposals, drafts and registration from their
account page, changes their workshops, and is asked before cancelling; the secretariat moves a congress's date,
checking it first. Every page passes axe (the conftest checks each one) and fits without sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect
from test_congress_in_browser import fits_the_width, heading, make_congress

from engage.accounts import services as accounts
from engage.congress import planning
from engage.congress import services as congresses
from engage.extensions import db
from engage.proposals import services as proposals

pytestmark = pytest.mark.browser

NARROWEST = {"width": 320, "height": 720}


@pytest.fixture
def narrow_page(open_page):
    return open_page(NARROWEST, is_mobile=True, has_touch=True)


def banner(page):
    return page.locator(".govuk-notification-banner")


@pytest.fixture
def resident_things(app, demo):
    """The resident's sent proposal, a draft, and a place at the congress with Safer streets."""
    with app.app_context():
        author = accounts.user_by_email(demo["resident"])
        for title, send in (("Free swimming for carers at Mile End Leisure Centre", True), ("Benches", False)):
            proposal = proposals.start_draft(author)
            proposals.edit(proposal, author, title=title, problem="A problem", idea="An idea", who_it_helps="Carers")
            proposals.choose_calls_to_action(proposal, author, [2])
            if send:
                proposals.submit(proposal, author)
        congress = make_congress()
        safer = next(w.id for w in congress.workshops if w.title == "Safer streets")
        congresses.register(congress, name=author.name, email=author.email, user=author, workshop_ids=[safer])
        db.session.commit()


@pytest.mark.usefixtures("resident_things")
def test_a_resident_finds_changes_and_cancels_their_registration_on_a_narrow_phone(
    narrow_page, visit, follow, sign_in_as, demo
):
    page = narrow_page
    sign_in_as(page, demo["resident"])
    visit(page, "/account/")
    fits_the_width(page)
    expect(page.get_by_role("link", name="Free swimming for carers at Mile End Leisure Centre")).to_be_visible()
    expect(page.get_by_role("link", name="Benches", exact=True)).to_have_attribute("href", re.compile("/check$"))
    follow(page.get_by_role("link", name="Spring 2027 Partnership Congress"))
    expect(heading(page)).to_have_text("You have a place")
    fits_the_width(page)

    follow(page.get_by_role("link", name="Change your workshops or what we arrange for you"))
    expect(heading(page)).to_have_text("Change your registration")
    fits_the_width(page)
    page.get_by_label("Good work", exact=True).check()
    page.get_by_label("Dietary needs (optional)").fill("Halal")
    follow(page.get_by_role("button", name="Save the changes"))
    expect(banner(page)).to_contain_text("Your registration is changed.")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Good work: You have a place")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Dietary needs: Halal")

    follow(page.get_by_role("link", name="Cancel my registration"))
    expect(heading(page)).to_have_text("Cancel your registration for the Spring 2027 Partnership Congress?")
    fits_the_width(page)
    follow(page.get_by_role("link", name="No, keep my registration"))
    expect(heading(page)).to_have_text("You have a place")
    follow(page.get_by_role("link", name="Cancel my registration"))
    follow(page.get_by_role("button", name="Yes, cancel my registration"))
    expect(banner(page)).to_contain_text("Your registration is cancelled.")
    expect(heading(page)).to_have_text("Cancelled")


def test_the_secretariat_moves_a_congress_on_a_narrow_phone(app, narrow_page, visit, follow, sign_in_as, demo):
    with app.app_context():
        make_congress()
        db.session.commit()
        later = planning.london_day(congresses.by_slug("spring-2027").starts_at).replace(day=1)
    page = narrow_page
    sign_in_as(page, demo["secretariat"])
    visit(page, "/secretariat/congress/spring-2027")
    follow(page.get_by_role("link", name="Change the date"))
    expect(heading(page)).to_have_text("Change the date of the Spring 2027 Partnership Congress")
    fits_the_width(page)
    page.get_by_label("Start time").fill("25:00")
    follow(page.get_by_role("button", name="Continue"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the start time on the 24-hour clock")
    fits_the_width(page)
    group = page.get_by_role("group", name="Date of the congress")
    group.get_by_label("Day").fill(str(later.day))
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("End time").fill("15:00")
    follow(page.get_by_role("button", name="Continue"))
    expect(heading(page)).to_have_text("Check the new date")
    fits_the_width(page)
    follow(page.get_by_role("button", name="Move the congress and tell everyone registered"))
    expect(banner(page)).to_contain_text("The congress has moved. 0 people are being told by email.")


@pytest.mark.usefixtures("resident_things")
def test_the_residents_pages_in_bengali(app, page, visit, follow, sign_in_as, demo, bengali, english_left):
    with app.app_context():
        resident = accounts.user_by_email(demo["resident"])
        [registration] = congresses.registrations_of(resident)
        [sent] = proposals.submitted_by(resident)
        path, references = congresses.manage_path(registration), (registration.reference, sent.reference)
    data = (
        "Free swimming for carers at Mile End Leisure Centre",
        "Benches",
        "Spring 2027 Partnership Congress",
        "Rahima Begum",
        demo["resident"],
        *references,
        "Safer streets",
        "Good work",
        "Children first",
    )
    sign_in_as(page, demo["resident"])
    asked = bengali("Cancel your registration for the %(congress)s?") % {"congress": "Spring 2027 Partnership Congress"}
    for address, title in (
        ("/account/", bengali("Your account")),
        (path, bengali("You have a place")),
        (f"{path}/change", bengali("Change your registration")),
        (f"{path}/cancel", asked),
    ):
        visit(page, f"{address}?lang=bn")
        expect(heading(page)).to_have_text(title)
        assert english_left(page, data) == [], address
