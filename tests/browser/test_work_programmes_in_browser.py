"""A board officer's work programme in Chromium: adding an item (after a refused empty form), publishing the
programme, posting a progress update, and the public page showing it. Every page passes axe (the conftest checks
each one)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from engage.programmes import services as programmes

pytestmark = pytest.mark.browser
BOARD = "community-safety-partnership"  # the demo officer's board


def heading(page):
    return page.get_by_role("heading", level=1)


def banner(page):
    return page.locator(".govuk-notification-banner")


def test_a_board_officer_adds_an_item_publishes_and_reports_progress_for_the_public(
    app, page, visit, follow, sign_in_as, demo
):
    year = programmes.municipal_year(programmes.today())
    label = programmes.year_label(year)
    sign_in_as(page, demo["board_officer"])
    visit(page, f"/workspace/{BOARD}/work-programme/")
    expect(heading(page)).to_have_text("Work programmes")
    follow(page.get_by_role("link", name=label, exact=True))
    expect(heading(page)).to_have_text(f"Work programme {label}")
    expect(page.get_by_role("button", name="Publish the work programme")).to_have_count(0)  # nothing to publish yet

    follow(page.get_by_role("link", name="Add an item"))
    page.get_by_label("What it is (optional)").fill("Safe routes home from school, mapped with young people.")
    follow(page.get_by_role("button", name="Save the item"))  # no title: the problem, listed, the text kept
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the item's title")
    expect(page.get_by_label("What it is (optional)")).to_have_value(
        "Safe routes home from school, mapped with young people."
    )

    page.get_by_label("Title").fill("Safer routes home from school")
    calls = page.get_by_role("group", name="Calls to action it serves (optional)")
    calls.get_by_role("checkbox", name=re.compile(r"^3\. ")).check()
    page.get_by_label("Lead partner organisation (optional)").select_option(index=1)
    page.get_by_label("Target or measure (optional)").fill("Routes agreed for five schools")
    due = page.get_by_role("group", name="Due date (optional)")
    day = date(year + 1, 3, 31)
    due.get_by_label("Day").fill(str(day.day))
    due.get_by_label("Month").fill(str(day.month))
    due.get_by_label("Year").fill(str(day.year))
    follow(page.get_by_role("button", name="Save the item"))
    expect(banner(page)).to_contain_text("The item is added to the work programme.")
    expect(heading(page)).to_have_text("Safer routes home from school")
    expect(page.locator(".govuk-tag").filter(has_text="Not started")).to_be_visible()

    follow(page.get_by_role("link", name="Post a progress update"))
    page.get_by_label("On track").check()
    page.get_by_label("What has happened").fill("Two schools have walked their routes with the police.")
    follow(page.get_by_role("button", name="Post the update"))
    expect(banner(page)).to_contain_text("Your update is posted.")
    expect(page.get_by_text("Two schools have walked their routes with the police.")).to_be_visible()

    follow(page.get_by_role("link", name=f"Work programme {label}"))
    follow(page.get_by_role("button", name="Publish the work programme"))
    expect(banner(page)).to_contain_text("The work programme is published.")

    follow(page.get_by_role("link", name="See the public page"))
    expect(heading(page)).to_have_text(f"Work programme {label}")
    items = page.get_by_role("table", name="Items")
    expect(items).to_contain_text("Safer routes home from school")
    expect(items).to_contain_text("On track")
    follow(items.get_by_role("link", name="Safer routes home from school"))
    expect(page.get_by_text("Two schools have walked their routes with the police.")).to_be_visible()
    visit(page, f"/boards/{BOARD}")
    expect(page.get_by_role("link", name=f"Work programme {label}")).to_be_visible()


def test_the_secretariats_overview_and_pegs_roll_up_pass_axe(app, page, visit, sign_in_as, demo):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    sign_in_as(page, demo["secretariat"])
    visit(page, "/secretariat/work-programmes")
    expect(page.locator(".govuk-tag").filter(has_text="Not published").first).to_be_visible()
    visit(page, "/workspace/partnership-executive-group/progress")
    expect(page.get_by_role("table", name="By call to action")).to_contain_text("On track")
    expect(page.get_by_role("table", name="By board")).to_contain_text("Climate Partnership")
