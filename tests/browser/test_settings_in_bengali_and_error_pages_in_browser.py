"""The signed-in pages in Bengali have no English left in their interface; the error pages pass axe too."""

import pytest
from playwright.sync_api import expect

from engage.extensions import db
from engage.notices import services as notices
from engage.notices.models import Notice

pytestmark = pytest.mark.browser


def heading(page):
    return page.get_by_role("heading", level=1)


def test_the_notifications_page_in_bengali(page, visit, sign_in_as, demo, bengali, english_left):
    sign_in_as(page, demo["resident"])
    visit(page, "/account/notifications?lang=bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(heading(page)).to_have_text(bengali("Notifications"))
    expect(page.get_by_role("group", name=bengali("Proposals you follow"))).to_be_visible()
    assert english_left(page) == []


def test_the_outbox_in_bengali(page, visit, sign_in_as, demo, app, deliver, bengali, english_left):
    with app.app_context():
        notices.queue("password_changed", "amina@example.org", "failed:bn", {"name": "Amina"})
        db.session.commit()
        db.session.remove()
    deliver()
    error = "SMTPRecipientsRefused: 550 5.1.1 No such mailbox"
    with app.app_context():
        db.session.execute(db.update(Notice).values(status="failed", last_error=error))
        db.session.commit()
        db.session.remove()

    sign_in_as(page, demo["secretariat"])
    visit(page, "/secretariat/outbox?lang=bn")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(heading(page)).to_have_text(bengali("Outbox"))
    expect(page.get_by_role("table", name=bengali("Failed"))).to_contain_text("amina@example.org")
    # What the outbox holds (addresses, the mail server's answer) is data, not interface. So, for now, is the
    # Kind column: it shows each notice's internal kind ("password_changed") as stored, in every language.
    assert english_left(page, ("amina@example.org", error, "password_changed")) == []


def test_a_resident_opening_an_admin_page_is_told_they_may_not(page, visit, sign_in_as, demo):
    sign_in_as(page, demo["resident"])
    visit(page, "/admin/users", status=403)
    expect(heading(page)).to_have_text("You do not have permission to see this page")
    expect(page.get_by_role("main")).to_contain_text("If you think you should, ask the partnership secretariat.")
    expect(page.get_by_role("table")).to_have_count(0)


def test_a_page_that_does_not_exist(page, phone_page, visit):
    for screen in (page, phone_page):
        visit(screen, "/no-such-page", status=404)
        expect(heading(screen)).to_have_text("Page not found")
        expect(screen.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")
