"""A board member triages a proposal in Chromium: from the queue, through review, into a work programme item; then
the queue on a phone. Every page passes axe (the conftest checks each one)."""

import pytest
from playwright.sync_api import expect

from engage.accounts import services as accounts
from engage.extensions import db
from engage.proposals import services as proposals

pytestmark = pytest.mark.browser


def submitted_proposal(app, title: str) -> str:
    with app.app_context():
        author = accounts.user_by_email("resident@example.org")
        proposal = proposals.start_draft(author)
        proposals.edit(
            proposal,
            author,
            title=title,
            problem="Carers never get a break.",
            idea="Free swims.",
            who_it_helps="Unpaid carers",
        )
        proposals.choose_calls_to_action(proposal, author, [2])  # the Health and Wellbeing Board leads it
        proposals.submit(proposal, author)
        db.session.commit()
        return proposal.reference


def heading(page):
    return page.get_by_role("heading", level=1)


def test_a_board_member_triages_a_proposal_from_the_queue_to_a_work_programme_item(
    app, page, phone_page, visit, follow, sign_in_as, demo
):
    reference = submitted_proposal(app, "Free swimming for unpaid carers")
    sign_in_as(page, demo["board_member"])
    follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Workspace"))
    expect(heading(page)).to_have_text("Health and Wellbeing Board")
    queue = page.get_by_role("table")
    expect(queue).to_contain_text("Free swimming for unpaid carers")
    expect(queue).to_contain_text("Submitted")

    follow(queue.get_by_role("link", name="Free swimming for unpaid carers"))
    expect(heading(page)).to_have_text("Free swimming for unpaid carers")
    follow(page.get_by_role("link", name="Start review"))
    expect(page.get_by_label("What the resident is told")).to_contain_text("The board has started to review it")
    follow(page.get_by_role("button", name="Confirm decision"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Under review")

    follow(page.get_by_role("link", name="Accept into the work programme"))
    follow(page.get_by_role("button", name="Confirm decision"))  # no item chosen and no new title: a clear error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose an item of the work programme")
    page.get_by_label("Or a new item's title").fill("Carers swim free at council pools")
    page.get_by_label("Internal note (optional)").fill("Leisure budget line 14")
    follow(page.get_by_role("button", name="Confirm decision"))
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Accepted")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Carers swim free at council pools")

    follow(page.get_by_role("link", name="See its public page"))
    expect(page.locator("main")).to_contain_text("Accepted")
    expect(page.locator("main")).not_to_contain_text("Leisure budget line 14")

    sign_in_as(phone_page, demo["board_chair"])
    visit(phone_page, "/workspace/health-and-wellbeing-board/?status=all")
    expect(phone_page.get_by_role("table")).to_contain_text(reference)
