"""The secretariat's congress pages in Chromium: setting up a congress on a desktop, then checking someone in at the
door on a phone by searching their name. Every page passes axe (the conftest checks each one)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.congress import services as congresses
from engage.extensions import db
from engage.time import utcnow

pytestmark = pytest.mark.browser


def heading(page):
    return page.get_by_role("heading", level=1)


def banner(page):
    return page.locator(".govuk-notification-banner")


def fill_date(page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def fits_the_width(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


def test_the_secretariat_sets_up_a_congress_then_checks_someone_in_on_a_phone(
    app, page, phone_page, visit, follow, sign_in_as, demo
):
    year = utcnow().year + 1
    sign_in_as(page, demo["secretariat"])
    follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Congress admin"))
    expect(heading(page)).to_have_text("Congress admin")
    follow(page.get_by_role("button", name="Create a congress"))
    expect(heading(page)).to_have_text("Create a congress")

    follow(page.get_by_role("button", name="Create the congress"))  # nothing filled in: the problems, listed
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the title of the congress")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the congress")

    page.get_by_label("Title", exact=True).fill("Spring 2027 Congress")
    page.get_by_label("Web address").fill("spring-2027")
    fill_date(page, "Date of the congress", date(year, 4, 18))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("16:00")
    page.get_by_label("Venue", exact=True).fill("Town Hall, 160 Whitechapel Road, E1 1BJ")
    page.get_by_label("Getting in: accessibility information for the venue").fill(
        "Step-free entrance on Whitechapel Road; lifts to every floor; hearing loop in the main hall"
    )
    page.get_by_label("How many places").fill("200")
    fill_date(page, "Registration opens on", utcnow().date())
    fill_date(page, "Registration closes at the end of", date(year, 4, 11))
    follow(page.get_by_role("button", name="Create the congress"))
    expect(heading(page)).to_have_text("Spring 2027 Congress")
    expect(banner(page)).to_contain_text("The congress is created as a draft.")
    expect(page.locator(".govuk-tag").filter(has_text="Draft")).to_be_visible()

    follow(page.get_by_role("link", name="Add a workshop"))
    page.get_by_label("Title of the workshop").fill("Safer streets for everyone")
    page.get_by_label("Call to action").select_option("3")
    page.get_by_label("Start time of its time slot").fill("11:00")
    page.get_by_label("How many places").fill("40")
    follow(page.get_by_role("button", name="Add the workshop"))
    expect(banner(page)).to_contain_text("The workshop is added.")
    workshops = page.get_by_role("table", name="Workshops")
    expect(workshops).to_contain_text("Safer streets for everyone")
    expect(workshops).to_contain_text("0 of 40")

    follow(page.get_by_role("button", name="Publish the congress"))
    expect(banner(page)).to_contain_text("The congress is published.")
    expect(page.locator(".govuk-tag").filter(has_text="Published")).to_be_visible()

    with app.app_context():
        congress = congresses.by_slug("spring-2027")
        amina = congresses.register(
            congress, name="Amina Rahman", email="amina@example.org", workshop_ids=[congress.workshops[0].id]
        )
        congresses.set_capacity(congress, 1, accounts.user_by_email(demo["secretariat"]))  # the next one waits
        kwame = congresses.register(
            congress, name="Kwame Mensah", email="kwame@example.org", needs={"access": ["bsl"], "dietary": "Halal"}
        )
        db.session.commit()
        reference, kwame = amina.reference, kwame.reference

    # The other pages pass axe too, with people registered.
    for path in ("registrations", "planning", "capacity", "register", "cancel", f"check-in/{kwame}"):
        visit(page, f"/secretariat/congress/spring-2027/{path}")
    expect(page.locator(".engage-card")).to_contain_text("On the waiting list")

    phone = phone_page
    sign_in_as(phone, demo["secretariat"])
    visit(phone, "/secretariat/congress/spring-2027/check-in")
    expect(heading(phone)).to_have_text("Check in")
    fits_the_width(phone)
    phone.get_by_label("Name or reference").fill("amina")
    follow(phone.get_by_role("button", name="Search"))
    expect(phone.get_by_role("heading", name="1 registration found")).to_be_visible()
    card = phone.locator(".engage-card")
    expect(card).to_contain_text("Amina Rahman")
    expect(card).to_contain_text(reference)
    expect(card).to_contain_text("Safer streets for everyone")
    expect(card).not_to_contain_text("Kwame")
    fits_the_width(phone)

    follow(phone.get_by_role("button", name="Check in Amina Rahman"))
    expect(banner(phone)).to_contain_text("Amina Rahman is checked in.")
    expect(phone.locator(".engage-card")).to_contain_text("Checked in at ")
    expect(phone.get_by_role("button", name="Check in Amina Rahman")).to_have_count(0)
    expect(phone.get_by_label("Name or reference")).to_have_value("amina")
    fits_the_width(phone)
