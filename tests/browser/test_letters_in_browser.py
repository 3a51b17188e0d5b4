"""Letters to print in Chromium: the secretariat prints, on a phone-wide screen or on paper, the letters for residents
recorded with a postal address and no email address, in English and in Bengali, and marks them printed."""

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.extensions import db
from engage.proposals import moderation

pytestmark = pytest.mark.browser

ADDRESS = "Flat 3, 12 Ben Jonson Road\nLondon E1 3NN"


@pytest.fixture
def recorded(app, demo):
    """A proposal recorded for a resident with only a postal address: its confirmation is a letter to print."""
    with app.app_context():
        secretariat = accounts.user_by_email(demo["secretariat"])
        answers = {
            "title": "A lift at Stepney Green station",
            "problem": "I cannot use the stairs.",
            "idea": "Put in a lift.",
            "who_it_helps": "Older and disabled people.",
        }
        proposal = moderation.record_for_someone(
            secretariat,
            name="Mrs Rokeya Khatun",
            email="",
            address=ADDRESS,
            source="paper",
            answers=answers,
            calls_to_action=[3],
            ward="stepney-green",
        )
        db.session.commit()
        reference = proposal.reference
        db.session.remove()
    return reference


def fits_the_width(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320 pixels"


def test_the_secretariat_prints_the_letters_one_a_page_and_marks_them_printed(
    open_page, visit, follow, sign_in_as, demo, recorded, english_left
):
    page = open_page({"width": 320, "height": 800})
    sign_in_as(page, demo["secretariat"])
    visit(page, "/secretariat/letters")
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

    visit(page, "/secretariat/letters?lang=en")
    follow(page.get_by_role("button", name="Mark this letter as printed"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 letter marked as printed.")
    expect(page.get_by_text("No letters are waiting to be printed.")).to_be_visible()
