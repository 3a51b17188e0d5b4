"""People's notification choices, and the secretariat's outbox."""

import pytest
from support import csrf_token

from engage.accounts import services as accounts
from engage.cli import DEMO_ACCOUNTS, DEMO_PASSWORD
from engage.extensions import db
from engage.notices import kinds
from engage.notices import services as notices
from engage.notices.models import Notice

ROLE_ACCOUNTS = {role or "resident": email for email, _, role, _, _ in DEMO_ACCOUNTS}


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def signed_in_as(new_browser, role):
    person = new_browser()
    if role != "anonymous":
        person.submit("/account/sign-in", {"email": ROLE_ACCOUNTS[role], "password": DEMO_PASSWORD})
    return person


def test_a_resident_chooses_which_emails_they_get(app, demo, new_browser):
    resident = signed_in_as(new_browser, "resident")
    page = resident.get("/account/notifications").get_data(as_text=True)
    assert "Your account" in page and "Always sent" in page
    assert "New in your board" not in page  # not a board member
    response = resident.submit(
        "/account/notifications",
        {"own_proposals": "immediate", "followed_proposals": "weekly", "congress": "off"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = accounts.user_by_email(ROLE_ACCOUNTS["resident"])
        assert user.notice_choices == {"own_proposals": "immediate", "followed_proposals": "weekly", "congress": "off"}
    page = resident.get("/account/notifications").get_data(as_text=True)
    assert 'value="weekly" checked' in page


def test_board_members_can_have_their_queue_weekly(app, demo, new_browser):
    member = signed_in_as(new_browser, "board_member")
    assert "New in your board" in member.get("/account/notifications").get_data(as_text=True)


def test_a_forged_choice_is_refused_with_a_clear_error(app, demo, new_browser):
    resident = signed_in_as(new_browser, "resident")
    page = resident.submit("/account/notifications", {"own_proposals": "weekly", "followed_proposals": "<b>"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "There is a problem" in text
    with app.app_context():
        assert accounts.user_by_email(ROLE_ACCOUNTS["resident"]).notice_choices == {}


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "resident",
        "partner_representative",
        "board_member",
        "board_chair",
        "board_officer",
        "secretariat",
        "admin",
    ],
)
def test_the_outbox_and_the_letters_to_print_are_for_the_secretariat_and_admins(app, demo, new_browser, role):
    person = signed_in_as(new_browser, role)
    expected = {"anonymous": 302, "secretariat": 200, "admin": 200}.get(role, 403)
    assert person.get("/secretariat/outbox").status_code == expected
    assert person.get("/secretariat/letters").status_code == expected
    token = csrf_token(person.get("/account/sign-out").get_data(as_text=True)) if role != "anonymous" else "x"
    marked = person.client.post("/secretariat/letters/printed", data={"csrf_token": token, "letter": ["1"]})
    assert marked.status_code == {"anonymous": 400, "secretariat": 302, "admin": 302}.get(role, 403)


@pytest.mark.parametrize("role", ["resident", "board_chair"])
def test_only_the_secretariat_may_retry_a_notice(app, demo, new_browser, role):
    with app.app_context():
        notice = notices.queue("password_changed", "x@example.org", "r1", {"name": "X"})
        notice.status = "failed"
        db.session.commit()
        notice_id = notice.id
    person = signed_in_as(new_browser, role)
    token = csrf_token(person.get("/account/sign-out").get_data(as_text=True))
    response = person.client.post(f"/secretariat/outbox/{notice_id}/retry", data={"csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Notice, notice_id).status == "failed"


def test_the_secretariat_finds_a_failed_notice_by_recipient_and_sends_it_again(app, demo, new_browser, smtp, deliver):
    with app.app_context():
        for number, address in enumerate(["amina@example.org", "other@example.org"]):
            notices.queue("password_changed", address, f"fail:{number}", {"name": "A"})
        db.session.commit()
    deliver()  # the demo's and these
    smtp[1].messages.clear()
    with app.app_context():
        db.session.execute(
            db.update(Notice)
            .where(Notice.recipient.in_(["amina@example.org", "other@example.org"]))
            .values(status="failed", last_error="SMTPDataError: (550, b'No such mailbox')")
        )
        db.session.commit()
        failed_id = db.session.scalar(db.select(Notice.id).filter_by(recipient="amina@example.org"))
    secretariat = signed_in_as(new_browser, "secretariat")
    page = secretariat.get("/secretariat/outbox?status=failed&recipient=AMINA@example.org").get_data(as_text=True)
    assert "amina@example.org" in page and "other@example.org" not in page
    assert "No such mailbox" in page
    assert 'Your account<br><code class="govuk-body-s">password_changed</code>' in page  # its category, in words
    assert "Failed (2)" in page
    secretariat.submit(f"/secretariat/outbox/{failed_id}/retry", {}, page="/secretariat/outbox?status=failed")
    [message] = deliver()
    assert message["To"] == "amina@example.org"
    with app.app_context():
        assert db.session.get(Notice, failed_id).status == "sent"


def test_an_unknown_outbox_status_is_a_404(app, demo, new_browser):
    assert signed_in_as(new_browser, "secretariat").get("/secretariat/outbox?status=lost").status_code == 404


def test_unsubscribing_from_a_notice_that_cannot_be_turned_off_is_refused(app, ctx, browser):
    user = accounts.register("A", "a@example.org", "a long enough password", ["lives"], "en", True)
    db.session.commit()
    url = notices.unsubscribe_url(user, kinds.CATEGORIES["account"]).removeprefix("http://engage.test")
    assert browser.get(url).status_code == 400
    assert app.test_client().post(url).status_code == 400
