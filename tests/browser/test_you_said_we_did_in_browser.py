"""You said, we did, in Chromium: a proposal's journey with the progress of the work it led to, and the author's
answer to "Did this resolve what you raised?" by the link in their email (a refused empty answer keeps what was
typed), then shown on the journey; on a phone, and in Bengali. Every page passes axe (the conftest checks each)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from test_congress_in_browser import fits_the_width
from test_you_said_we_did import congress_with_workshops

from engage.accounts import services as accounts
from engage.extensions import db
from engage.partnership import services as partnership
from engage.programmes import services as programmes
from engage.proposals import resolution
from engage.proposals import services as proposals
from engage.time import utcnow
from engage.triage import services as triage

pytestmark = pytest.mark.browser
HEALTH = "health-and-wellbeing-board"


def done_and_asked(app, author: str, title: str) -> str:
    """A proposal of `author`'s accepted into a published item whose work is done, its author asked (the scan run
    as if the weeks had passed): its reference."""
    with app.app_context():
        writer = accounts.user_by_email(author)
        chair = accounts.user_by_email("chair@example.org")
        board = partnership.board_by_slug(HEALTH)
        proposal = proposals.start_draft(writer)
        proposals.edit(proposal, writer, title=title, problem="A problem", idea="An idea", who_it_helps="Carers")
        proposals.choose_calls_to_action(proposal, writer, [2])
        proposals.submit(proposal, writer)
        triage.start_review(proposal, board, chair, proposal.version, "We are looking at it.")
        item = triage.accept(proposal, board, chair, proposal.version, "Accepted.", new_item_title=f"{title} item")
        programmes.publish(item.programme, chair)
        programmes.post_update(item, chair, status="on_track", body="The pools are booked for carers.")
        programmes.post_update(item, chair, status="done", body="Carers now swim free at every leisure centre.")
        resolution.ask_due(utcnow() + timedelta(weeks=9))
        db.session.commit()
        return proposal.reference


def test_the_journey_shows_the_work_and_the_author_answers_by_the_emailed_link(
    app, page, visit, follow, demo, email_link
):
    reference = done_and_asked(app, demo["resident"], "Free swimming for carers")
    visit(page, f"/proposals/{reference}")
    journey = page.locator(".engage-journey")
    expect(journey).to_contain_text("Progress on “Free swimming for carers item”")
    expect(journey).to_contain_text("Carers now swim free at every leisure centre.")
    expect(journey.locator(".govuk-tag").filter(has_text="Done")).to_be_visible()

    link = email_link(demo["resident"], f"/proposals/{reference}/resolved/")
    visit(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Did this resolve what you raised?")
    page.get_by_label("Why? (optional)").fill("Carers swim free, but only on weekday mornings.")
    follow(page.get_by_role("button", name="Send your answer"))  # no answer chosen: refused, the words kept
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether this resolved what you raised")
    expect(page.get_by_label("Why? (optional)")).to_have_value("Carers swim free, but only on weekday mornings.")
    page.get_by_label("Partly").check()
    page.get_by_label("You may show my words on the proposal's page").check()
    follow(page.get_by_role("button", name="Send your answer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answer")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Partly")

    visit(page, f"/proposals/{reference}")
    expect(journey).to_contain_text("Did this resolve what the author raised? Partly")
    expect(journey).to_contain_text("Carers swim free, but only on weekday mornings.")
    visit(page, link + "x", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not valid")


def test_in_bengali_on_a_phone(app, phone_page, visit, follow, demo, email_link, bengali, misread):
    with app.app_context():
        accounts.register("Amina Rahman", "amina@example.org", "a long enough password", ["lives"], "bn", True)
        db.session.commit()
    reference = done_and_asked(app, "amina@example.org", "Free swimming for carers")
    page = phone_page
    visit(page, f"/proposals/{reference}?lang=bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.locator(".engage-journey")).to_contain_text(bengali("Done"))
    fits_the_width(page)
    assert misread(page) == []

    link = email_link("amina@example.org", f"/proposals/{reference}/resolved/")
    visit(page, link)  # the language chosen above, kept in its cookie
    expect(page.get_by_role("heading", level=1)).to_have_text(bengali("Did this resolve what you raised?"))
    fits_the_width(page)
    assert misread(page) == []
    page.get_by_role("radio", name=bengali("No"), exact=True).check()
    follow(page.get_by_role("button", name=bengali("Send your answer")))
    expect(page.get_by_role("heading", level=1)).to_have_text(bengali("Thank you for your answer"))
    fits_the_width(page)
    assert misread(page) == []


def test_a_congress_reports_back_on_its_workshops_ideas_on_a_phone_in_bengali(
    app, phone_page, visit, demo, bengali, misread
):
    with app.app_context():
        spring = congress_with_workshops("spring-2026", utcnow() - timedelta(days=60))
        congress_with_workshops("autumn-2026", utcnow() + timedelta(days=90))
        writer = accounts.user_by_email(demo["resident"])
        proposal = proposals.start_draft(writer, 2, spring.workshops[0].id)
        proposals.edit(proposal, writer, title="Walking groups", problem="P", idea="I", who_it_helps="All")
        proposals.submit(proposal, writer)
        db.session.commit()
    page = phone_page
    visit(page, "/congress/spring-2026?lang=bn")
    report = page.locator("#report-back")
    expect(report).to_have_text(bengali("What became of the ideas"))
    expect(page.get_by_role("link", name="Walking groups")).to_be_visible()
    expect(page.locator(".govuk-tag").filter(has_text=bengali("Submitted"))).to_be_visible()
    fits_the_width(page)
    assert misread(page) == []
