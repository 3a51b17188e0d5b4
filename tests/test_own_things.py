"""A resident finds their own things: the account page lists their proposals, drafts and congress registrations;
registering twice leads to the registration; the registration's page changes workshops and needs until
registration closes (places decided as at sign-up) and asks before it cancels."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from html import unescape

import pytest
from support import sign_up
from test_congress import make_congress

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.congress import services as congresses
from engage.congress.models import Registration, WorkshopPlace
from engage.extensions import db
from engage.proposals import services as proposals
from engage.time import utcnow

RESIDENT = "resident@example.org"
CONGRESS = "/congress/spring-2027"
ANSWERS = {"attending_as": "resident", "interpreter": "none"}


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


@pytest.fixture
def resident(demo, new_browser):
    person = new_browser()
    assert person.submit("/account/sign-in", {"email": RESIDENT, "password": DEMO_PASSWORD}).status_code == 302
    return person


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def write(app, titles: list[str], submitted: bool = True) -> list:
    """Proposals of the resident's, sent or left as drafts: their references (sent) or ids (drafts)."""
    with app.app_context():
        author = accounts.user_by_email(RESIDENT)
        made = []
        for title in titles:
            proposal = proposals.start_draft(author)
            proposals.edit(proposal, author, title=title, problem="A problem", idea="An idea", who_it_helps="All")
            proposals.choose_calls_to_action(proposal, author, [2])
            if submitted:
                proposals.submit(proposal, author)
            made.append(proposal.reference if submitted else proposal.id)
        db.session.commit()
        return made


def congress(app, **kwargs) -> dict[str, int]:
    """The congress, published and open: its workshops' ids by title."""
    with app.app_context():
        made = make_congress(**kwargs)
        db.session.commit()
        return {workshop.title: workshop.id for workshop in made.workshops}


def registration_page(app, email=RESIDENT) -> str:
    with app.app_context():
        found = db.session.scalar(db.select(Registration).filter_by(email=email, status="confirmed"))
        return congresses.manage_path(found)


def test_the_account_page_lists_the_persons_proposals_drafts_and_registrations(app, resident):
    [sent] = write(app, ["Free swimming for carers"])
    [draft] = write(app, ["Benches by the canal"], submitted=False)
    congress(app)
    assert sign_up(resident, CONGRESS, ANSWERS).status_code == 302
    page = text(resident.get("/account/"))
    assert "Free swimming for carers" in page and f"/proposals/{sent}" in page and "Submitted" in page
    assert "Benches by the canal" in page and f"/proposals/drafts/{draft}/check" in page
    assert "Spring 2027 Partnership Congress" in page
    link = registration_page(app)
    assert link in page and resident.get(link).status_code == 200
    assert resident.get(f"/proposals/drafts/{draft}/check").status_code == 200


def test_registering_again_leads_to_the_registration(app, resident, new_browser, deliver):
    congress(app)
    assert sign_up(resident, CONGRESS, ANSWERS).status_code == 302
    again = sign_up(resident, CONGRESS, ANSWERS)
    assert again.status_code == 302 and again.headers["Location"] == registration_page(app)
    assert "You are already registered for this congress." in text(resident.get(again.headers["Location"]))
    # Registered without an account first, then signed in: the link goes by email, to the address.
    with app.app_context():
        congresses.register(congresses.by_slug("spring-2027"), name="Tom Okafor", email="partner@example.org")
        db.session.commit()
    before = len(deliver())
    partner = new_browser()
    partner.submit("/account/sign-in", {"email": "partner@example.org", "password": DEMO_PASSWORD})
    told = partner.get(sign_up(partner, CONGRESS, ANSWERS).headers["Location"])
    assert "We have emailed you the link to your registration." in text(told)
    [message] = deliver()[before:]
    assert message["To"] == "partner@example.org"
    assert re.search(r"http://engage\.test/congress/registration/\S+", message.get_body(("plain",)).get_content())


def test_a_registration_changes_its_workshops_and_needs_as_places_allow(app, resident, new_browser):
    workshops = congress(app, workshop_capacity=1)
    safer, good, children = (str(workshops[t]) for t in ("Safer streets", "Good work", "Children first"))
    assert sign_up(resident, CONGRESS, {**ANSWERS, "slot_1": safer, "dietary": "Halal"}).status_code == 302
    with app.app_context():  # someone else waits for Safer streets, and has Children first
        waiting = congresses.register(
            congresses.by_slug("spring-2027"),
            **{"name": "Person 1", "email": "p1@example.org"},
            workshop_ids=[int(safer), int(children)],
        )
        db.session.commit()
        assert {p.workshop_id: p.status for p in waiting.places} == {
            int(safer): "waitlisted",
            int(children): "confirmed",
        }
    page = registration_page(app)
    change = f"{page}/change"
    assert change in text(resident.get(page))
    form = text(resident.get(change))
    assert f'value="{safer}" checked' in form and 'value="Halal"' in form  # as it is now
    changed = resident.submit(change, {"slot_1": good, "slot_2": children, "interpreter": "bengali", "dietary": ""})
    assert changed.status_code == 302
    shown = text(resident.get(page))
    assert "Your registration is changed." in shown
    assert "Good work: You have a place" in shown
    assert "Children first: You are on the waiting list" in shown  # full: its waiting list
    assert "Safer streets" not in shown and "An interpreter: Bengali" in shown and "Halal" not in shown
    with app.app_context():
        waiting = db.session.get(Registration, waiting.id)
        assert {p.status for p in waiting.places} == {"confirmed"}  # Safer streets passed on to them
        assert congresses.workshop(int(safer)).confirmed == 1 and congresses.workshop(int(good)).confirmed == 1
    # Registration closes: no more changes.
    with app.app_context():
        congresses.by_slug("spring-2027").closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert change not in text(resident.get(page))
    refused = resident.get(change, follow_redirects=True)
    assert "your registration can no longer be changed" in text(refused)


def test_cancelling_a_registration_asks_first(app, resident):
    congress(app)
    sign_up(resident, CONGRESS, ANSWERS)
    page = registration_page(app)
    asked = text(resident.get(f"{page}/cancel"))
    assert "Yes, cancel my registration" in asked and "No, keep my registration" in asked
    with app.app_context():
        assert db.session.scalar(db.select(Registration.status)) == "confirmed"  # nothing done by asking
    assert resident.submit(f"{page}/cancel", {}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Registration.status)) == "cancelled"
    assert "Your registration is cancelled." in text(resident.get(f"{page}/cancel"))


def test_changes_made_at_once_never_oversell_a_workshop(app):
    """Twenty people with a place move to a workshop of five at the same moment: five get it, the rest wait."""
    with app.app_context():
        made = make_congress(capacity=50, workshop_capacity=5)
        safer = made.workshops[0].id
        ids = [congresses.register(made, name=f"P{n}", email=f"p{n}@example.org").id for n in range(20)]
        db.session.commit()

    def move(registration_id: int) -> None:
        with app.app_context():
            congresses.change(db.session.get(Registration, registration_id), [safer], {})
            db.session.commit()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(move, ids))
    with app.app_context():
        places = db.session.scalars(db.select(WorkshopPlace.status).filter_by(workshop_id=safer)).all()
        assert (places.count("confirmed"), places.count("waitlisted")) == (5, 15)
        assert congresses.workshop(safer).confirmed == 5  # its counter agrees with its places
