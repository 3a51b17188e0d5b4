"""A page in Bengali, read aloud: what is written in English on it (a congress's title, a venue, a board's wording,
a proposal a resident wrote in English) is marked as English, so a screen reader reads it with an English voice
(WCAG 3.1.2), and the page writes its numbers in one style of digits."""

from datetime import date

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.congress import services as congresses
from engage.congress.models import Congress
from engage.extensions import db
from engage.partnership.models import Board
from engage.programmes import services as programmes
from engage.programmes.models import Meeting, WorkProgramme, WorkProgrammeItem
from engage.proposals.models import Proposal
from engage.triage import services as triage

pytestmark = pytest.mark.browser


@pytest.fixture
def bengali_pages(app, deliver) -> list[str]:
    """The demo's pages that residents read, with what staff and residents wrote on them."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        congress = db.session.scalar(db.select(Congress.slug).order_by(Congress.starts_at).limit(1))
        decided = db.session.scalar(db.select(Proposal).where(Proposal.status == "declined").limit(1))
        meeting = db.session.scalar(db.select(Meeting).order_by(Meeting.starts_at).limit(1))
        this_year = WorkProgramme.year == programmes.municipal_year(programmes.today())
        programme = db.session.scalar(db.select(WorkProgramme).where(this_year).limit(1))
        item = programme.items[0]
        pages = [
            "/",
            "/calls-to-action/",
            "/calls-to-action/1",
            "/plans/",
            "/boards/",
            f"/boards/{programme.board.slug}",
            f"/boards/{programme.board.slug}/work-programme/{programme.label}",
            f"/boards/{programme.board.slug}/work-programme/{programme.label}/items/{item.id}",
            f"/boards/{meeting.board.slug}/meetings/{meeting.id}",
            "/congress/",
            f"/congress/{congress}",
            "/proposals/",
            f"/proposals/{decided.reference}",
        ]
        db.session.remove()
    return pages


def read_aloud(page, paths: list[str], visit, misread) -> list[str]:
    """What is misread on each page, in Bengali."""
    visit(page, "/?lang=bn")
    problems = []
    for path in paths:
        visit(page, path)
        problems += misread(page)
    return problems


def test_english_on_bengali_pages_is_marked_english_and_numbers_are_written_one_way(
    bengali_pages, page, visit, misread
):
    problems = read_aloud(page, bengali_pages, visit, misread)
    assert not problems, "\n".join(problems)


def test_a_boards_queue_in_bengali_marks_the_proposals_english_and_writes_numbers_one_way(
    bengali_pages, page, visit, sign_in_as, demo, misread
):
    sign_in_as(page, demo["board_chair"])
    problems = read_aloud(page, ["/workspace/health-and-wellbeing-board/"], visit, misread)
    assert not problems, "\n".join(problems)


def test_the_staffs_forms_and_workspace_in_bengali_mark_what_is_english_and_count_characters_in_latin_digits(
    app, bengali_pages, page, visit, sign_in_as, demo, misread
):
    with app.app_context():
        meeting = db.session.scalar(db.select(Meeting).order_by(Meeting.starts_at).limit(1))
        item = db.session.scalar(db.select(WorkProgrammeItem).order_by(WorkProgrammeItem.id).limit(1))
        board, programme = item.programme.board.slug, item.programme.label
        pages = [
            "/account/",
            "/secretariat/proposals/new",  # its character counts
            f"/workspace/{meeting.board.slug}/meetings/{meeting.id}",
            f"/workspace/{board}/work-programme/{programme}/items/{item.id}",
            f"/workspace/{board}/responses",
        ]
        db.session.remove()
    sign_in_as(page, demo["secretariat"])
    problems = read_aloud(page, pages, visit, misread)
    assert not problems, "\n".join(problems)


def test_a_residents_congress_registration_in_bengali_marks_what_is_english(
    app, bengali_pages, page, visit, sign_in_as, demo, misread
):
    with app.app_context():
        congress = db.session.scalar(db.select(Congress).order_by(Congress.starts_at).limit(1))
        rahima = accounts.user_by_email(demo["resident"])
        mine = congresses.register(
            congress, name=rahima.name, email=rahima.email, user=rahima, workshop_ids=[congress.workshops[0].id]
        )
        db.session.commit()
        register = f"/congress/{congress.slug}/register"
        pages = [register, f"{register}/workshops", f"{register}/needs", congresses.manage_path(mine)]
        db.session.remove()
    sign_in_as(page, demo["resident"])
    problems = read_aloud(page, pages, visit, misread)
    assert not problems, "\n".join(problems)


def test_the_secretariat_writes_a_congress_in_both_languages_and_bengali_pages_show_the_bengali(
    page, visit, follow, sign_in_as, demo, misread
):
    """What has a Bengali version is shown in Bengali on a Bengali page; what has none, in English marked English."""
    year = date.today().year + 1
    sign_in_as(page, demo["secretariat"])
    visit(page, "/secretariat/congress/new")
    page.get_by_label("Title", exact=True).fill("Spring Congress")
    page.get_by_label("Title in Bengali (optional)").fill("বসন্তের কংগ্রেস")
    page.get_by_label("Web address").fill("spring")
    for legend, day in (
        ("Date of the congress", date(year, 4, 18)),
        ("Registration opens on", date.today()),
        ("Registration closes at the end of", date(year, 4, 11)),
    ):
        group = page.get_by_role("group", name=legend)
        for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
            group.get_by_label(part).fill(str(value))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("16:00")
    page.get_by_label("Venue", exact=True).fill("Town Hall, Whitechapel Road")
    page.get_by_label("Venue in Bengali (optional)").fill("টাউন হল, হোয়াইটচ্যাপেল রোড")
    page.get_by_label("Getting in: accessibility information for the venue").fill("Step-free entrance and a lift")
    page.get_by_label("How many places").fill("200")
    follow(page.get_by_role("button", name="Create the congress"))
    follow(page.get_by_role("link", name="Add a workshop"))
    for label, value in (
        ("Title of the workshop", "Safer streets"),
        ("The workshop's title in Bengali (optional)", "নিরাপদ রাস্তা"),
        ("Start time of its time slot", "11:00"),
        ("How many places", "40"),
    ):
        page.get_by_label(label).fill(value)
    follow(page.get_by_role("button", name="Add the workshop"))
    follow(page.get_by_role("button", name="Publish the congress"))

    visit(page, "/congress/spring?lang=bn")
    expect(page.get_by_role("heading", level=1)).to_have_text("বসন্তের কংগ্রেস")
    expect(page.get_by_role("heading", name="নিরাপদ রাস্তা")).to_be_visible()
    expect(page.get_by_text("টাউন হল, হোয়াইটচ্যাপেল রোড")).to_be_visible()
    # No Bengali was written for getting in: the English, marked as English.
    expect(page.locator("[lang=en]", has_text="Step-free entrance and a lift")).to_be_visible()
    assert misread(page) == []

    visit(page, "/congress/spring?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring Congress")
    expect(page.get_by_role("heading", name="Safer streets")).to_be_visible()
    expect(page.get_by_text("Town Hall, Whitechapel Road")).to_be_visible()


def test_a_boards_decision_forms_in_bengali_mark_what_is_english(
    app, bengali_pages, page, visit, follow, sign_in_as, demo, misread
):
    """Each decision a board takes on a proposal (its wording, its proposal's title, the boards and items it is
    offered), read aloud in Bengali."""
    with app.app_context():
        board = db.session.scalar(db.select(Board).where(Board.slug == "health-and-wellbeing-board"))
        open_ = Proposal.status.in_(("submitted", "under_review"))
        reference = db.session.scalar(
            db.select(Proposal.reference).where(Proposal.board_id == board.id, open_).limit(1)
        )
        db.session.remove()
    pages = [f"/workspace/{board.slug}/proposals/{reference}/{decision}" for decision in triage.DECISIONS]
    sign_in_as(page, demo["board_chair"])
    problems = read_aloud(page, [f"/workspace/{board.slug}/proposals/{reference}", *pages], visit, misread)
    visit(page, f"/workspace/{board.slug}/proposals/{reference}/duplicate")  # a reference not found: an example
    page.locator("#kept").fill("TH-1999-99999")
    follow(page.locator("#kept"), key="Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += misread(page)
    assert not problems, "\n".join(problems)


def test_peg_s_escalations_in_bengali_mark_what_is_english(app, bengali_pages, page, visit, sign_in_as, demo, misread):
    with app.app_context():
        escalation = triage.open_escalations()[0].id
        db.session.remove()
    sign_in_as(page, demo["admin"])
    pages = [f"/workspace/{triage.PEG}/escalations", f"/workspace/{triage.PEG}/escalations/{escalation}"]
    problems = read_aloud(page, pages, visit, misread)
    assert not problems, "\n".join(problems)


def test_the_secretariats_congress_pages_in_bengali_mark_the_examples_and_names_that_stay_english(
    app, bengali_pages, page, visit, follow, sign_in_as, demo, misread
):
    """Hints and errors with an example to type (name@example.com, spring-2027, a reference) and the names of
    things (CSV, WCAG) are Bengali words with only the example marked English."""
    with app.app_context():
        slug = db.session.scalar(db.select(Congress.slug).order_by(Congress.starts_at).limit(1))
        db.session.remove()
    base = f"/secretariat/congress/{slug}"
    pages = ["/accessibility", "/secretariat/congress/new", base, f"{base}/planning", f"{base}/check-in"]
    sign_in_as(page, demo["secretariat"])
    problems = read_aloud(page, [*pages, f"{base}/register"], visit, misread)
    page.locator("#name").fill("Rahima Begum")
    page.locator("#email").fill("not an address")
    follow(page.locator("#email"), key="Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += misread(page)
    assert not problems, "\n".join(problems)
