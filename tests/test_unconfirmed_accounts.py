"""An account reaches nothing that an email address links it to until it has confirmed the address: anyone can
register an account with someone else's address and sign in at once. Once confirmed, what the address links to is
the account's."""

import re
from datetime import timedelta

import pytest
from support import sign_up
from test_accounts import link_in, register, sign_in
from test_congress import make_congress
from test_moderation import ASSISTED

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.congress import services as congresses
from engage.congress.models import Congress, Registration
from engage.extensions import db
from engage.proposals.models import Proposal
from engage.time import utcnow

VICTIM = "rokeya@example.org"
CONGRESS = "/congress/spring-2027"
CONFIRM_FIRST = "Confirm your email address to see here whether you are registered"


@pytest.fixture
def congress(app):
    with app.app_context():
        make_congress(capacity=5)
        db.session.commit()


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def impostor(new_browser, deliver):
    """Someone who registers an account with the victim's address and signs in, without the victim's mailbox; and
    the link the victim's mailbox was sent to confirm it."""
    person = new_browser()
    assert register(person, email=VICTIM, name="Not Rokeya").status_code == 302
    assert sign_in(person, email=VICTIM).status_code == 302
    [link] = [link_in(m) for m in deliver() if m["To"] == VICTIM and m["Subject"] == "Confirm your email address"]
    return person, link


def registered_as_guest(app, new_browser, deliver) -> None:
    """The victim registers for the congress without an account and confirms by the emailed link."""
    guest = new_browser()
    answers = {"name": "Rokeya Khatun", "email": VICTIM, "attending_as": "resident", "interpreter": "none"}
    assert sign_up(guest, CONGRESS, answers).status_code == 302
    [message] = [m for m in deliver() if m["To"] == VICTIM]
    link = link_in(message)
    guest.submit(f"{link}/confirm", {}, page=link)
    with app.app_context():
        assert db.session.scalar(db.select(Registration.status)) == "confirmed"


def test_an_account_with_an_unconfirmed_address_does_not_see_that_addresss_congress_registration(
    app, congress, new_browser, deliver
):
    registered_as_guest(app, new_browser, deliver)
    person, confirm = impostor(new_browser, deliver)
    page = person.get(CONGRESS).get_data(as_text=True)
    assert "See your registration" not in page and "/congress/registration/" not in page
    assert CONFIRM_FIRST in page and "Send the link again" in page
    # The mailbox's owner confirms the address: now the account is theirs, and so is the registration.
    person.get(confirm)
    page = person.get(CONGRESS).get_data(as_text=True)
    assert "See your registration" in page and CONFIRM_FIRST not in page


def test_an_unconfirmed_account_registering_for_a_congress_holds_nothing_until_the_emailed_link(
    app, congress, new_browser, deliver
):
    person, _ = impostor(new_browser, deliver)
    form = person.get(f"{CONGRESS}/register").get_data(as_text=True)
    assert "You have not confirmed your email address yet, so we will email you a link" in form
    response = sign_up(person, CONGRESS, {"attending_as": "resident", "interpreter": "none"})
    assert response.headers["Location"] == f"{CONGRESS}/register/check-your-email"
    with app.app_context():
        registration = db.session.scalar(db.select(Registration))
        assert (registration.status, registration.user_id) == ("unconfirmed", None)
        assert db.session.scalar(db.select(Congress.confirmed)) == 0
    # The link goes to the mailbox, not to the page.
    assert [m["To"] for m in deliver() if m["Subject"].startswith("Your registration for")] == [VICTIM]
    # Registering again tells the page nothing either way: the mailbox is sent its registration's link again.
    again = sign_up(person, CONGRESS, {"attending_as": "resident", "interpreter": "none"})
    assert again.headers["Location"] == f"{CONGRESS}/register/check-your-email"


def test_a_registration_the_secretariat_makes_is_an_accounts_only_once_the_account_confirms_the_address(
    app, demo, congress, new_browser, deliver
):
    person, confirm = impostor(new_browser, deliver)
    # The impostor turns off congress emails, hoping the address's owner misses the reminders.
    assert (
        person.submit(
            "/account/notifications",
            {"congress": "off", "own_proposals": "immediate", "followed_proposals": "immediate"},
        ).status_code
        == 302
    )
    secretariat = new_browser()
    secretariat.submit("/account/sign-in", {"email": "secretariat@example.org", "password": DEMO_PASSWORD})
    form = {"name": "Rokeya Khatun", "email": VICTIM, "language": "en", "interpreter": "none"}
    assert secretariat.submit("/secretariat/congress/spring-2027/register", form).status_code == 302
    with app.app_context():
        registration = db.session.scalar(db.select(Registration))
        assert registration.user_id is None
        congresses.send_reminders(registration.congress.starts_at - timedelta(days=6))
        db.session.commit()
    subjects = [m["Subject"] for m in deliver() if m["To"] == VICTIM]
    assert any(s.startswith("Reminder") for s in subjects), subjects
    assert CONFIRM_FIRST in person.get(CONGRESS).get_data(as_text=True)
    person.get(confirm)
    with app.app_context():
        account = accounts.user_by_email(VICTIM)
        assert db.session.scalar(db.select(Registration.user_id)) == account.id
    assert "See your registration" in person.get(CONGRESS).get_data(as_text=True)


def test_a_proposal_recorded_for_an_address_is_an_accounts_only_once_the_account_confirms_it(
    app, demo, new_browser, deliver
):
    person, confirm = impostor(new_browser, deliver)
    secretariat = new_browser()
    secretariat.submit("/account/sign-in", {"email": "secretariat@example.org", "password": DEMO_PASSWORD})
    recorded = secretariat.submit("/secretariat/proposals/new", {**ASSISTED, "source": "phone", "email": VICTIM})
    assert recorded.status_code == 302
    with app.app_context():
        reference = db.session.scalar(db.select(Proposal.reference))
    page = person.get(f"/proposals/{reference}").get_data(as_text=True)
    assert "Withdraw your proposal" not in page and "Stop following" not in page
    assert person.get(f"/proposals/{reference}/withdraw").status_code == 403
    assert VICTIM in [m["To"] for m in deliver()]  # the address is still told, as someone without an account
    person.get(confirm)
    page = person.get(f"/proposals/{reference}").get_data(as_text=True)
    assert "Withdraw your proposal" in page and "Stop following" in page  # as if recorded for them confirmed
    assert person.get(f"/proposals/{reference}/withdraw").status_code == 200


def test_an_unconfirmed_account_may_still_propose_in_its_own_name(app, new_browser, deliver):
    """What it does by its own id and in no one else's name stays open to it: drafting and submitting a proposal."""
    person, _ = impostor(new_browser, deliver)
    response = person.submit("/proposals/new", {})
    assert response.status_code == 302 and re.search(r"/proposals/drafts/\d+/title$", response.headers["Location"])


def test_a_password_reset_confirms_the_address_and_what_it_links_to_too(app, congress, new_browser, deliver):
    registered_as_guest(app, new_browser, deliver)
    person, _ = impostor(new_browser, deliver)
    owner = new_browser()
    owner.submit("/account/reset-password", {"email": VICTIM})
    [reset] = [link_in(m) for m in deliver() if m["To"] == VICTIM and m["Subject"].startswith("Reset")]
    assert owner.submit(reset, {"password": "the owner's own password"}).status_code == 302
    assert sign_in(owner, email=VICTIM, password="the owner's own password").status_code == 302
    assert "See your registration" in owner.get(CONGRESS).get_data(as_text=True)
    assert person.get("/account/").status_code == 302  # the impostor's session ended with the reset
    with app.app_context():
        assert accounts.user_by_email(VICTIM).email_verified_at <= utcnow()
