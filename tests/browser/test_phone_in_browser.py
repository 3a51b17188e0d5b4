"""A phone-sized screen (375x812): the same pages pass axe, nothing scrolls sideways, the menu folds away."""

import re

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.congress.models import Congress
from engage.extensions import db
from engage.notices.models import Notice
from engage.programmes import services as programmes
from engage.proposals import moderation
from engage.proposals import services as proposals
from engage.proposals.models import Proposal

pytestmark = pytest.mark.browser


def fits_the_width(page) -> None:
    """No sideways scrolling at 375 CSS pixels (WCAG 1.4.10 Reflow asks for 320)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


def test_home_and_registration_on_a_phone(phone_page, visit, follow, axe_check):
    page = phone_page
    visit(page, "/")
    fits_the_width(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Shape the future of Tower Hamlets")

    # The menu folds behind a button, which opens it and says so.
    toggle = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Menu").get_by_role("link")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(links.filter(has_text="Create an account")).to_be_visible()
    axe_check(page)  # the page with its menu open

    follow(links.filter(has_text="Create an account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    fits_the_width(page)

    follow(page.get_by_role("button", name="Create account"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    fits_the_width(page)
    page.get_by_label("Full name").fill("Nusrat Jahan")
    page.get_by_label("Email address").fill("nusrat@example.com")
    page.get_by_label("Create a password").fill("a long enough passphrase")
    page.get_by_label("I work in Tower Hamlets").tap()
    follow(page.get_by_role("button", name="Create account"))
    expect(page).to_have_url(re.compile(r"/account/register/check-your-email$"))
    fits_the_width(page)


def test_bengali_pages_fit_a_phone(phone_page, visit):
    for path in ("/?lang=bn", "/calls-to-action/", "/boards/voluntary-and-community-sector-partnership-board"):
        visit(phone_page, path)
        expect(phone_page.locator("html")).to_have_attribute("lang", "bn")
        fits_the_width(phone_page)


NARROW = {"width": 320, "height": 640}  # a phone held upright, or a 1280-pixel window zoomed to 400 %

# How far the page scrolls sideways, the tables (and the letter to post) wider than the screen, and anything in the
# page that scrolls sideways on its own (a scrolling region is still sideways scrolling).
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const seen = el => el.outerHTML.slice(0, 100);
  const wide = [...document.querySelectorAll('main table, main .govuk-inset-text')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5).map(seen);
  const scrolling = [...document.querySelectorAll('main *')]
    .filter(el => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1
            && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)).map(seen);
  return {page: Math.max(0, document.documentElement.scrollWidth - width), wide, scrolling};
}"""


@pytest.fixture
def table_pages(app, demo, deliver) -> dict[str, list[str]]:
    """The whole demo (meetings, work programmes, proposals in every status, congresses), a proposal recorded for
    someone without an email address (its letter to post), a report waiting for a decision and an email that could
    not be delivered: every table with rows in it. Returns role -> the addresses of the pages with a table."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    deliver()
    with app.app_context():
        secretariat = accounts.user_by_email(demo["secretariat"])
        reviewed = db.session.scalar(
            db.select(Proposal).where(Proposal.status == "under_review").order_by(Proposal.id).limit(1)
        )
        recorded = moderation.record_for_someone(
            secretariat,
            name="Mohammed Abdul Rahman Chowdhury",
            email="",
            source="phone",
            answers={
                field: "Longer evening opening at the Idea Store in Whitechapel" for field in proposals.TEXT_FIELDS
            },
            calls_to_action=[1],
            ward="whitechapel",
        )
        proposals.report(reviewed, accounts.user_by_email(demo["resident"]), "It names a neighbour without asking.")
        first = db.select(db.func.min(Notice.id)).scalar_subquery()
        db.session.execute(
            db.update(Notice).where(Notice.id == first).values(status="failed", attempts=5, last_error="550 5.1.1")
        )
        db.session.commit()
        year = programmes.municipal_year(programmes.today())
        year = f"{year}-{(year + 1) % 100:02d}"  # as addresses write a municipal year
        congress = db.session.scalar(db.select(Congress.slug).order_by(Congress.starts_at).limit(1))
        board, reference, recorded = reviewed.board.slug, reviewed.reference, recorded.reference
        db.session.remove()
    workspace = [
        f"/workspace/{board}/",
        f"/workspace/{board}/proposals/{reference}",
        f"/workspace/{board}/work-programme/",
        f"/workspace/{board}/work-programme/{year}",
    ]
    return {
        "resident": [f"/boards/{board}/work-programme/{year}"],
        "admin": ["/admin/users"],
        "secretariat": [
            "/secretariat/congress/",
            f"/secretariat/congress/{congress}",
            f"/secretariat/congress/{congress}/registrations",
            f"/secretariat/congress/{congress}/planning",
            "/secretariat/outbox?status=failed",
            "/secretariat/outbox?status=sent",
            "/secretariat/reports",
            f"/secretariat/proposals/{recorded}/recorded",
            "/secretariat/work-programmes",
            "/workspace/partnership-executive-group/progress",
            "/workspace/partnership-executive-group/work-programme/",
            *workspace,
        ],
        "board_chair": [
            "/workspace/health-and-wellbeing-board/",
            "/workspace/health-and-wellbeing-board/work-programme/",
        ],
    }


@pytest.mark.parametrize("role", ["resident", "admin", "secretariat", "board_chair"])
def test_every_table_fits_a_phone_and_400_percent_zoom_in_both_languages(
    role, table_pages, open_page, visit, sign_in_as, demo, misread
):
    """And in Bengali, what is written in English on the page is marked English, its numbers written one way."""
    page = open_page(NARROW, is_mobile=True, has_touch=True)
    if role != "resident":
        sign_in_as(page, demo[role])
    problems = []
    for path in table_pages[role]:
        for lang in ("en", "bn"):
            visit(page, f"{path}{'&' if '?' in path else '?'}lang={lang}")
            assert page.locator("main table, main .govuk-inset-text").count(), f"{path}: no table here"
            found = page.evaluate(SIDEWAYS)
            if found != {"page": 0, "wide": [], "scrolling": []}:
                problems.append(f"{page.url} scrolls sideways at 320px: {found}")
            if lang == "bn":
                problems += misread(page)
    assert not problems, "\n".join(problems)
