"""After a congress: the people who came are invited, once, to turn their workshops' ideas into proposals."""

import re
from datetime import timedelta

from test_congress import make_congress, person

from engage.accounts import services as accounts
from engage.congress import follow_up
from engage.congress import services as congresses
from engage.congress.models import Registration
from engage.extensions import db
from engage.proposals.models import Proposal
from engage.time import utcnow
from worker.tasks import invite_congress_proposals

SUBJECTS = (
    "Turn your ideas from the Spring 2027 Partnership Congress into proposals",
    "Spring 2027 Partnership Congress-এর ভাবনাগুলোকে প্রস্তাবে পরিণত করুন",
)
LINK = re.compile(r"http://engage\.test(/proposals/new\S*)")


def attend(congress, number: int, door, workshops=(), consent=True, checked_in=True, **extra) -> Registration:
    registration = congresses.register(
        congress, **{**person(number), **extra}, workshop_ids=[w.id for w in workshops], consent_to_contact=consent
    )
    if checked_in:
        congresses.check_in(registration, door)
    return registration


def door_keeper():
    return accounts.register("Door Keeper", "door@example.org", "x" * 12, ["lives"], "en", True)


def invitations(messages) -> dict[str, list[str]]:
    """Each invitation's recipient and the proposal links in its text."""
    return {
        m["To"]: LINK.findall(m.get_body(("plain",)).get_content())
        for m in messages
        if m["Subject"].strip() in SUBJECTS  # a long subject is folded, and read back with the fold's space
    }


def test_after_the_congress_each_person_checked_in_who_agreed_is_invited_once_with_a_link_per_workshop(ctx, deliver):
    congress = make_congress(capacity=10, workshop_capacity=1)
    safer, work, children = congress.workshops  # calls to action 3, 4 and 5
    door = door_keeper()
    attend(congress, 1, door, [safer, children])
    attend(congress, 2, door, [work], language="bn")
    attend(congress, 3, door, [safer])  # safer streets is full: on its waiting list, so no workshop place
    attend(congress, 4, door, checked_in=False)  # had a place, not seen at the door
    attend(congress, 5, door, [work], consent=False)  # came, did not agree to hear what comes out of it
    db.session.commit()
    deliver()

    assert follow_up.invite_to_propose(congress.ends_at - timedelta(minutes=1)) == 0  # not over yet
    assert follow_up.invite_to_propose(congress.ends_at + timedelta(hours=15)) == 3
    assert follow_up.invite_to_propose(congress.ends_at + timedelta(days=1, hours=15)) == 0  # the job runs again
    db.session.commit()

    sent = deliver()[5:]  # after the five confirmations
    assert invitations(sent) == {
        "p1@example.org": [
            f"/proposals/new?call-to-action=3&workshop={safer.id}",
            f"/proposals/new?call-to-action=5&workshop={children.id}",
        ],
        "p2@example.org": [f"/proposals/new?call-to-action=4&workshop={work.id}"],
        "p3@example.org": ["/proposals/new"],
    }
    subjects = {m["To"]: m["Subject"].strip() for m in sent}
    assert subjects["p2@example.org"] == SUBJECTS[1]  # in the language they registered in
    assert "Safer streets" in next(m for m in sent if m["To"] == "p1@example.org").get_body(("html",)).get_content()
    assert follow_up.invite_to_propose(congress.ends_at + timedelta(days=15)) == 0  # long over: never out of the blue


def test_where_nobody_was_checked_in_everyone_with_a_place_who_agreed_is_invited(ctx, deliver):
    congress = make_congress(capacity=2)
    door = door_keeper()
    attend(congress, 1, door, checked_in=False)
    attend(congress, 2, door, checked_in=False, consent=False)
    attend(congress, 3, door, checked_in=False)  # on the waiting list: had no place
    db.session.commit()
    assert follow_up.invite_to_propose(congress.ends_at + timedelta(hours=1)) == 1
    db.session.commit()
    assert list(invitations(deliver())) == ["p1@example.org"]


def test_someone_who_turned_congress_emails_off_is_not_invited_and_others_can_unsubscribe(ctx, deliver):
    congress = make_congress(capacity=5)
    door = door_keeper()
    quiet = accounts.register("Quiet", "p1@example.org", "x" * 12, ["lives"], "en", True)
    quiet.notice_choices = {"congress": "off"}
    keen = accounts.register("Keen", "p2@example.org", "x" * 12, ["lives"], "en", True)
    attend(congress, 1, door, user=quiet)
    attend(congress, 2, door, user=keen)
    db.session.commit()
    assert follow_up.invite_to_propose(congress.ends_at + timedelta(hours=1)) == 1
    db.session.commit()
    [invitation] = [m for m in deliver() if m["Subject"].strip() in SUBJECTS]
    assert invitation["To"] == "p2@example.org" and invitation["List-Unsubscribe"].startswith("<http://engage.test/")


def test_the_workers_job_invites_after_a_congress_that_has_ended(app, ctx):
    congress = make_congress(capacity=5)
    attend(congress, 1, door_keeper())
    congress.starts_at, congress.ends_at = utcnow() - timedelta(hours=8), utcnow() - timedelta(hours=2)
    db.session.commit()
    assert invite_congress_proposals.run() == 1
    assert invite_congress_proposals.run() == 0


def test_following_the_invitation_signed_in_starts_a_draft_under_the_workshops_call_to_action(app, browser, deliver):
    with app.app_context():
        congress = make_congress(capacity=5)
        safer = congress.workshops[0]
        amina = accounts.register("Amina Rahman", "amina@example.org", "a long password", ["lives"], "en", True)
        attend(congress, 1, door_keeper(), [safer], user=amina, name="Amina Rahman", email="amina@example.org")
        follow_up.invite_to_propose(congress.ends_at + timedelta(hours=1))
        db.session.commit()
    [link] = invitations(deliver())["amina@example.org"]

    # Not signed in: sign in (or create an account) first, then back to the link.
    response = browser.get(link)
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    response = browser.submit(
        response.headers["Location"], {"email": "amina@example.org", "password": "a long password"}
    )
    assert response.headers["Location"] == link

    page = browser.get(link).get_data(as_text=True)
    assert "From the workshop “Safer streets” at the Spring 2027 Partnership Congress." in page
    assert "Your proposal starts under call to action 3:" in page
    response = browser.submit(link, {})
    draft = re.fullmatch(r"/proposals/drafts/(\d+)/title", response.headers["Location"]).group(1)
    page = browser.get(f"/proposals/drafts/{draft}/calls-to-action").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="primary"[^>]*value="3"[^>]*checked', page), "call to action 3 not chosen"

    browser.submit(f"/proposals/drafts/{draft}/calls-to-action", {"primary": "1", "others": ["3"]})
    with app.app_context():
        proposal = db.session.get(Proposal, int(draft))
        assert [p.number for p in proposal.priorities] == [1, 3]  # still the author's to change


def test_a_link_with_a_call_to_action_not_of_the_plan_starts_an_empty_draft(app, browser):
    with app.app_context():
        accounts.register("Amina Rahman", "amina@example.org", "a long password", ["lives"], "en", True)
        db.session.commit()
    browser.submit("/account/sign-in", {"email": "amina@example.org", "password": "a long password"})
    page = browser.get("/proposals/new?call-to-action=99&workshop=99999999999").get_data(as_text=True)
    assert "Your proposal starts under" not in page
    response = browser.submit("/proposals/new?call-to-action=99&workshop=99999999999", {})
    draft = int(response.headers["Location"].split("/")[3])
    with app.app_context():
        assert db.session.get(Proposal, draft).priorities == []
