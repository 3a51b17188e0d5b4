"""A board's meetings in Chromium: an officer adds a meeting, puts items on its agenda, records a member's
apologies with a proxy and publishes the agenda; the board's public page and the meeting's page then show it.
Every page passes axe (the conftest checks each one)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from engage.time import utcnow

pytestmark = pytest.mark.browser

BOARD = "community-safety-partnership"


def heading(page):
    return page.get_by_role("heading", level=1)


def banner(page):
    return page.locator(".govuk-notification-banner")


def test_an_officer_prepares_a_meeting_and_the_public_sees_its_agenda(
    app, page, visit, follow, sign_in_as, demo, english_left
):
    day = (utcnow() + timedelta(days=30)).date()
    sign_in_as(page, demo["board_officer"])
    visit(page, f"/workspace/{BOARD}/meetings/")
    expect(heading(page)).to_have_text("Meetings")
    follow(page.get_by_role("link", name="Add a meeting"))
    follow(page.get_by_role("button", name="Save the meeting"))  # nothing filled in: the problems, listed
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the meeting")

    group = page.get_by_role("group", name="Date of the meeting")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("End time").fill("19:30")
    page.get_by_label("Where").fill("Room 2, Town Hall, 160 Whitechapel Road")
    follow(page.get_by_role("button", name="Save the meeting"))
    expect(banner(page)).to_contain_text("The meeting is added.")
    expect(heading(page)).to_contain_text("18:00 – 19:30")

    for title, paper in (("Safer streets at night", "Lighting on the canal paths."), ("Any other business", "")):
        follow(page.get_by_role("link", name="Add an item to the agenda"))
        page.get_by_label("Title of the item").fill(title)
        page.get_by_label("Paper (optional)").fill(paper)
        follow(page.get_by_role("button", name="Add the item"))
        expect(banner(page)).to_contain_text("The item is on the agenda.")
    follow(page.get_by_role("button", name=re.compile(r"Move up\W+Any other business")))
    agenda = page.locator("ol.govuk-list--number > li")
    expect(agenda.first).to_contain_text("Any other business")

    follow(page.get_by_role("link", name=re.compile(r"Take off the agenda\W+Any other business")))
    expect(heading(page)).to_contain_text("Any other business")
    follow(page.get_by_role("link", name="Back"))

    follow(page.get_by_role("link", name="Record attendance"))
    page.get_by_label("Member").select_option(label="Priya Shah")
    page.get_by_label("Sent apologies").check()
    page.get_by_label("Proxy's name (optional)").fill("Imran Hussain")
    page.get_by_label("The proxy's experience, knowledge and delegated authority").fill("Deputy Director")
    follow(page.get_by_role("button", name="Record attendance"))
    expect(banner(page)).to_contain_text("Attendance is recorded for Priya Shah.")

    follow(page.get_by_role("button", name="Publish the agenda"))
    expect(banner(page)).to_contain_text("The agenda is published.")
    expect(page.locator(".govuk-tag").filter(has_text="Agenda published")).to_be_visible()

    follow(page.get_by_role("link", name="See the public page of this meeting"))
    expect(heading(page)).to_contain_text("18:00 – 19:30")
    expect(page.locator("main")).to_contain_text("Lighting on the canal paths.")
    expect(page.locator("main")).to_contain_text("Imran Hussain (Deputy Director)")
    follow(page.get_by_role("link", name="Community Safety Partnership"))
    meetings = page.locator("main")
    expect(meetings.get_by_role("heading", name="Upcoming meetings")).to_be_visible()
    follow(meetings.get_by_role("link", name=f"{day.day} {day:%B %Y}, 18:00"))
    expect(page.locator("main")).to_contain_text("Safer streets at night")

    data = ("Safer streets at night", "Lighting on the canal paths.", "Any other business", "Priya Shah")
    data += ("Imran Hussain", "Deputy Director", "Room 2, Town Hall, 160 Whitechapel Road", "18:00", "19:30")
    public = page.url
    for url in (public, public.replace("/boards/", "/workspace/")):  # the page for everyone, then the board's own
        visit(page, f"{url}?lang=bn")
        expect(page.locator("html")).to_have_attribute("lang", "bn")
        assert english_left(page, data) == []
