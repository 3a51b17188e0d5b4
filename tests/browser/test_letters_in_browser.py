"""Letters to print in Chromium: the secretariat prints, on a phone-wide screen or on paper, the letters for residents
recorded with a postal address and no email address, in English and in Bengali, and marks them printed."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADDRESS = "Flat 3, 12 Ben Jonson Road\nLondon E1 3NN"


def fits_the_width(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320 pixels"


def record_for_a_resident_by_post(page, visit, follow) -> str:
    """The secretariat records a paper proposal for a resident with a postal address; returns its reference."""
    visit(page, "/secretariat/proposals/new")
    page.get_by_label("Resident's name").fill("Mrs Rokeya Khatun")
    page.get_by_label("Resident's postal address (optional)").fill(ADDRESS)
    page.get_by_label("A paper form").check()
    page.get_by_label("What is your idea called?").fill("A lift at Stepney Green station")
    page.get_by_label("What is the problem?").fill("I cannot use the stairs.")
    page.get_by_label("What is your idea?").fill("Put in a lift.")
    page.get_by_label("Who would it help?").fill("Older and disabled people.")
    primary = page.get_by_role("group", name="Which call to action does your idea do most for?")
    primary.get_by_role("radio").nth(2).check()
    page.get_by_label("Where in Tower Hamlets is it?").select_option(label="Stepney Green")
    follow(page.get_by_role("button", name="Record proposal"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposal recorded")
    expect(page.get_by_text("waiting with the other letters to print")).to_be_visible()
    fits_the_width(page)
    return page.locator(".govuk-panel__body strong").inner_text()


def test_the_secretariat_prints_the_letters_one_a_page_and_marks_them_printed(
    open_page, visit, follow, sign_in_as, demo, english_left
):
    page = open_page({"width": 320, "height": 800})
    sign_in_as(page, demo["secretariat"])
    recorded = record_for_a_resident_by_post(page, visit, follow)
    follow(page.get_by_role("link", name="Letters to print"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Letters to print")
    letter = page.get_by_role("article", name=f"We have your proposal {recorded}")
    expect(letter).to_contain_text("Mrs Rokeya Khatun")
    expect(letter).to_contain_text("London E1 3NN")
    fits_the_width(page)

    page.emulate_media(media="print")  # on paper: the letters alone, each on a page of its own
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    assert letter.evaluate("el => getComputedStyle(el).breakAfter") == "page"
    page.emulate_media(media="screen")

    visit(page, "/secretariat/letters?lang=bn")
    fits_the_width(page)
    data = ("Mrs Rokeya Khatun", "Flat 3, 12 Ben Jonson Road", "London E1 3NN", "A lift at Stepney Green station")
    data += (recorded, "http://engage.test/proposals/", "Community Safety Partnership")
    assert english_left(page, data) == []

    visit(page, "/secretariat/outbox?status=to_print&lang=en")  # the outbox counts them, and leads here
    expect(page.get_by_role("link", name="Letters to print (1)")).to_have_attribute("aria-current", "page")
    follow(page.get_by_role("link", name="Print the letters waiting"))
    follow(page.get_by_role("button", name="Mark this letter as printed"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 letter marked as printed.")
    expect(page.get_by_text("No letters are waiting to be printed.")).to_be_visible()
