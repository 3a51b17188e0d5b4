"""Registering for a congress in Chromium: a place for the first resident, the waiting list for the second, then
the first cancels and the second is offered the place and accepts it. Every page passes axe (the conftest checks
each one)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.congress import services as congresses
from engage.extensions import db
from engage.proposals import services as proposals
from engage.time import utcnow

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple 2027"
OFFER = "A place is free for you at the Spring 2027 Partnership Congress"


def make_congress(capacity=3, workshop_capacity=2):
    """The congress tests/test_congress.py makes: spring-2027, three workshops in two slots, registration open."""
    starts = utcnow() + timedelta(days=60)
    calls = list(proposals.current_calls_to_action().values())
    workshops = [
        ("Safer streets", calls[2], 1),
        ("Good work", calls[3], 1),
        ("Children first", calls[4], 3),
    ]
    return congresses.create(
        slug="spring-2027",
        title="Spring 2027 Partnership Congress",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue="Town Hall",
        venue_access="Step-free",
        capacity=capacity,
        opens_at=utcnow() - timedelta(days=1),
        closes_at=starts - timedelta(days=3),
        workshops=[
            {"title": title, "priority": call, "capacity": workshop_capacity, "starts_at": starts + timedelta(hours=h)}
            for title, call, h in workshops
        ],
    )


def heading(page):
    return page.get_by_role("heading", level=1)


def fits_the_width(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


@pytest.fixture
def residents(app):
    people = {"amina": ("Amina Rahman", "amina@example.org"), "kwame": ("Kwame Mensah", "kwame@example.org")}
    with app.app_context():
        for name, email in people.values():
            accounts.register(name, email, PASSWORD, ["lives"], "en", True)
        db.session.commit()
    return {key: email for key, (_, email) in people.items()}


@pytest.fixture
def congress(app):
    with app.app_context():
        make_congress(capacity=1)
        db.session.commit()
    return "spring-2027"


def register_through_the_pages(page, visit, follow, sign_in_as, email, workshop=None):
    sign_in_as(page, email, PASSWORD)
    visit(page, "/congress/")
    follow(page.get_by_role("link", name="Spring 2027 Partnership Congress"))
    expect(heading(page)).to_have_text("Spring 2027 Partnership Congress")
    follow(page.get_by_role("button", name="Register"))
    expect(heading(page)).to_have_text("About you")
    page.get_by_role("group", name="Are you coming as").get_by_label("A resident").check()
    follow(page.get_by_role("button", name="Continue"))
    expect(heading(page)).to_have_text("Workshops")
    if workshop:
        page.get_by_label(workshop, exact=True).check()
    follow(page.get_by_role("button", name="Continue"))
    page.get_by_label("Step-free access").check()
    page.get_by_role("group", name="Would you like a spoken-language interpreter?").get_by_label("Bengali").check()
    follow(page.get_by_role("button", name="Continue"))
    page.get_by_label("You may contact me about what comes out of the congress").check()
    follow(page.get_by_role("button", name="Continue"))
    expect(heading(page)).to_have_text("Check your answers")
    expect(page.locator("main")).to_contain_text("Step-free access")
    follow(page.get_by_role("button", name="Register"))


def test_a_place_then_the_waiting_list_then_an_offer_accepted(
    page, open_page, visit, follow, axe_check, sign_in_as, residents, congress, deliver
):
    amina = page
    register_through_the_pages(amina, visit, follow, sign_in_as, residents["amina"], workshop="Safer streets")
    panel = amina.locator(".govuk-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text("You have a place")
    reference = panel.locator("strong").inner_text().strip()
    assert reference
    expect(amina.locator(".govuk-summary-list")).to_contain_text("Safer streets")
    amina_url = amina.url

    kwame = open_page()
    register_through_the_pages(kwame, visit, follow, sign_in_as, residents["kwame"])
    expect(heading(kwame)).to_have_text("You are on the waiting list")
    expect(kwame.get_by_text("You are number 1 on the waiting list.")).to_be_visible()
    expect(kwame.get_by_role("button", name="Accept the place")).to_have_count(0)
    assert kwame.url != amina_url
    deliver()  # the confirmation and waiting-list emails: out of the way

    visit(amina, amina_url)
    follow(amina.get_by_role("link", name="Cancel my registration"))
    follow(amina.get_by_role("button", name="Yes, cancel my registration"))
    expect(amina.locator(".govuk-notification-banner")).to_contain_text("Your registration is cancelled.")
    expect(heading(amina)).to_have_text("Cancelled")
    expect(amina.get_by_role("link", name="Cancel my registration")).to_have_count(0)

    response = kwame.reload()  # Kwame comes back to his page
    assert response is not None and response.status == 200
    axe_check(kwame)
    expect(heading(kwame)).to_have_text("A place is offered to you")
    offers = [m for m in deliver() if m["To"] == residents["kwame"] and m["Subject"] == OFFER]
    assert len(offers) == 1, "Kwame was not emailed the offer"

    follow(kwame.get_by_role("button", name="Accept the place"))
    expect(kwame.locator(".govuk-notification-banner")).to_contain_text("The place is yours.")
    expect(kwame.locator(".govuk-panel").get_by_role("heading", level=1)).to_have_text("You have a place")
    expect(kwame.locator(".govuk-panel")).not_to_contain_text(reference)


def test_an_offer_whose_time_has_ended_says_so_and_cannot_be_accepted(phone_page, visit, app, congress):
    """The expiry job runs every few minutes: until it passes the place on, the page already says the offer ended,
    and offers no button to accept it."""
    with app.app_context():
        spring = congresses.by_slug(congress)
        holder, waiting = (
            congresses.register(spring, name=name, email=f"{name.lower()}@example.org") for name in ("Amina", "Kwame")
        )
        congresses.cancel(holder)
        waiting.offer_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        path = congresses.manage_path(waiting)
    for language in ("en", "bn"):
        visit(phone_page, f"{path}?lang={language}")
        fits_the_width(phone_page)
        expect(phone_page.get_by_role("button", name="Accept the place")).to_have_count(0)
    visit(phone_page, f"{path}?lang=en")
    expect(heading(phone_page)).to_have_text("The time to accept the place has ended")
    expect(phone_page.get_by_text("The time to accept this offer ended on")).to_be_visible()


def test_the_register_page_fits_a_phone(phone_page, visit, sign_in_as, residents, congress):
    sign_in_as(phone_page, residents["amina"], PASSWORD)
    visit(phone_page, "/congress/spring-2027/register")
    expect(heading(phone_page)).to_have_text("About you")
    fits_the_width(phone_page)
    expect(phone_page.get_by_role("button", name="Continue")).to_be_visible()
