"""Sessions: what a browser or a proxy may keep of a signed-in person's pages, and when a session ends on the server."""

import re
from datetime import timedelta

import pytest
from flask import url_for
from support import QueryCounter, csrf_token

from engage.accounts import services as accounts
from engage.accounts.models import UserSession
from engage.cli import DEMO_PASSWORD
from engage.congress import services as congresses
from engage.congress.models import Registration
from engage.extensions import db
from engage.notices import services as notices
from engage.notices.kinds import CATEGORIES
from engage.partnership.models import Board, Plan
from engage.programmes.models import Meeting, WorkProgramme, WorkProgrammeItem
from engage.proposals.models import Proposal, Report
from engage.time import utcnow
from engage.triage.models import Escalation


@pytest.fixture
def living_site(app):
    """The demo's site, with a resident registered for the congress whose registration is open."""
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        open_one = next(c for c in congresses.upcoming() if congresses.is_open(c))
        congresses.register(open_one, name="Rahima Begum", email="resident@example.org")
        db.session.commit()


def _get_addresses(app) -> dict[str, str]:
    """An address for every page a GET reaches (static files aside), its values taken from the demo's data: the
    board of a meeting for every board page, the first of everything else."""
    with app.app_context(), app.test_request_context():
        first = lambda model: db.session.scalar(db.select(model).order_by(model.id).limit(1))  # noqa: E731
        meeting = first(Meeting)
        board = db.session.get(Board, meeting.board_id)
        item = db.session.scalar(
            db.select(WorkProgrammeItem).join(WorkProgramme).filter(WorkProgramme.board_id == board.id).limit(1)
        )
        proposal = first(Proposal)
        resident = accounts.user_by_email("resident@example.org")
        slugs = {"site.plan": first(Plan).slug, "congress": first(Registration).congress.slug}
        values = {
            "number": 1,
            "board": board.slug,
            "reference": proposal.reference,
            "user_id": resident.id,
            "proposal_id": proposal.id,
            "step": "about",
            "report_id": getattr(first(Report), "id", 1),
            "decision": "accept",
            "escalation_id": getattr(first(Escalation), "id", 1),
            "meeting_id": meeting.id,
            "item_id": item.id,
            "year": item.programme.year,
            "name": "none",
        }
        tokens = {
            "congress.registration": congresses.manage_path(first(Registration)).rsplit("/", 1)[1],
            "notices.unsubscribe_page": notices.unsubscribe_url(resident, CATEGORIES["own_proposals"]).rsplit("/", 1)[
                1
            ],
        }
        addresses = {}
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            slug = (
                slugs.get(rule.endpoint) or slugs.get(rule.endpoint.split(".")[0].removesuffix("_staff")) or board.slug
            )
            arguments = {name: values.get(name) for name in rule.arguments}
            arguments.update({"slug": slug} if "slug" in rule.arguments else {})
            arguments.update({"token": tokens.get(rule.endpoint, "x")} if "token" in rule.arguments else {})
            addresses[rule.endpoint] = url_for(rule.endpoint, **arguments)
        return addresses


def test_no_page_a_signed_in_person_gets_is_stored_by_a_browser_or_proxy(app, living_site, new_browser):
    """Every page of every kind, asked for by an admin (who sees the secretariat's pages and every board's
    workspace too) and by a resident: none may be kept, whatever it shows."""
    addresses = _get_addresses(app)
    for email in ("admin@example.org", "resident@example.org"):
        person = new_browser()
        assert person.submit("/account/sign-in", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
        shown = set()
        for endpoint, address in addresses.items():
            response = person.get(address)
            assert "no-store" in response.headers.get("Cache-Control", ""), (email, address, response.status_code)
            if response.status_code == 200:
                shown.add(endpoint)
        # A page that does not exist, seen signed in, shows the person's menu too.
        assert person.get("/no-such-page").headers.get("Cache-Control") == "no-store"
        if email == "admin@example.org":
            for page in (
                "workspace.queue_page",
                "meetings.show",
                "work_programmes.item",
                "notices.outbox",
                "proposals.show",
                "congress_staff.registrations",
                "site.home",
                "proposals.index",
            ):
                assert page in shown, page


def test_a_page_reached_by_its_emailed_link_is_never_stored_and_public_pages_vary_by_cookie(
    app, living_site, new_browser
):
    addresses = _get_addresses(app)
    stranger = new_browser()
    registration = stranger.get(addresses["congress.registration"])
    assert registration.status_code == 200
    assert registration.headers["Cache-Control"] == "no-store"
    assert stranger.get(addresses["notices.unsubscribe_page"]).headers["Cache-Control"] == "no-store"
    public = stranger.get("/proposals/")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "Cookie" in public.headers["Vary"]


def signed_in(new_browser, email="resident@example.org"):
    person = new_browser()
    assert person.submit("/account/sign-in", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
    return person


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def age_sessions(app, **ago):
    """Make every session as old (started_at) or as long unused (seen) as given."""
    with app.app_context():
        values = {
            column: utcnow() - delta
            for column, delta in (("created_at", ago.get("started")), ("last_seen_at", ago.get("seen")))
            if delta is not None
        }
        db.session.execute(db.update(UserSession).values(**values))
        db.session.commit()


def sessions(app) -> list[UserSession]:
    with app.app_context():
        return db.session.scalars(db.select(UserSession)).all()


def test_a_session_past_its_absolute_limit_ends_on_the_server_with_a_clear_page(app, demo, new_browser):
    person = signed_in(new_browser)
    age_sessions(app, started=timedelta(days=400))
    response = person.get("/proposals/new?from=here")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/signed-out?next=/proposals/new?from%3Dhere"
    page = person.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have been signed out" in page
    assert 'href="/account/sign-in?next=/proposals/new?from%3Dhere"' in page
    assert sessions(app) == []
    assert person.get("/account/").headers["Location"].startswith("/account/sign-in?next=")
    assert "আপনাকে সাইন আউট করা হয়েছে" in person.get("/account/signed-out?lang=bn").get_data(as_text=True)


def test_a_session_unused_for_its_idle_limit_ends_and_one_used_lives_on(app, demo, new_browser):
    """Residents: 2 hours idle, 30 days at most; the secretariat, board and admin roles: 30 minutes and 12 hours."""
    resident, officer = signed_in(new_browser), signed_in(new_browser, "officer@example.org")
    age_sessions(app, started=timedelta(days=29), seen=timedelta(minutes=45))
    assert resident.get("/account/").status_code == 200
    assert officer.get("/account/").headers["Location"].startswith("/account/signed-out?next=/account/")
    age_sessions(app, seen=timedelta(minutes=119))
    assert resident.get("/account/").status_code == 200
    [kept] = sessions(app)
    assert utcnow() - kept.last_seen_at < timedelta(seconds=5)  # using it counts
    age_sessions(app, seen=timedelta(minutes=121))
    assert resident.get("/account/").headers["Location"].startswith("/account/signed-out")
    officer = signed_in(new_browser, "officer@example.org")
    age_sessions(app, started=timedelta(hours=12, minutes=1), seen=timedelta(minutes=1))
    assert officer.get("/account/").headers["Location"].startswith("/account/signed-out")


def test_a_form_posted_after_the_session_ended_is_sent_to_the_signed_out_page(app, demo, new_browser):
    person = signed_in(new_browser)
    token = csrf_token(person.get("/account/change-password").get_data(as_text=True))
    age_sessions(app, seen=timedelta(hours=3))
    response = person.client.post("/account/change-password", data={"csrf_token": token, "current_password": "x"})
    assert response.headers["Location"] == "/account/signed-out?next=/account/change-password"


def test_the_session_cookie_expires_with_the_longest_session(app, demo, new_browser):
    person = new_browser()
    person.get("/account/sign-in")
    assert person.client.get_cookie("session").expires is None  # not signed in: the browser's session only
    person = signed_in(new_browser)
    expires = person.client.get_cookie("session").expires
    assert expires is not None
    assert timedelta(days=29) < expires.replace(tzinfo=None) - utcnow() <= timedelta(days=30)


def test_staying_signed_in_counts_the_session_as_used_and_says_when_it_now_ends(app, demo, new_browser):
    person = signed_in(new_browser, "member@example.org")
    page = person.get("/account/").get_data(as_text=True)
    assert 'data-ends-in="1800"' in page or 'data-ends-in="1799"' in page
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)  # the warning's, for its "Stay signed in"
    age_sessions(app, seen=timedelta(minutes=28))
    assert person.client.post("/account/session").status_code == 400  # no CSRF token
    response = person.client.post("/account/session", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json["extendable"] is True and 1795 <= response.json["ends_in"] <= 1800
    age_sessions(app, started=timedelta(hours=11, minutes=50))
    response = person.client.post("/account/session", headers={"X-CSRFToken": token})
    assert response.json["extendable"] is False and response.json["ends_in"] <= 600


def test_when_a_session_was_used_is_written_at_most_once_a_minute(app, demo, new_browser):
    person = signed_in(new_browser)
    with app.app_context():
        engine = db.engine

    def session_writes() -> int:
        with QueryCounter(engine) as counter:
            assert person.get("/account/").status_code == 200
        return sum(statement.lstrip().upper().startswith("UPDATE USER_SESSION") for statement in counter.statements)

    assert session_writes() == 0
    age_sessions(app, seen=timedelta(seconds=61))
    assert session_writes() == 1
    assert session_writes() == 0


def test_the_rows_of_sessions_past_their_limits_are_deleted_every_hour(app, demo, new_browser):
    from worker.app import celery
    from worker.tasks import delete_ended_sessions

    assert celery.conf.beat_schedule["delete-ended-sessions"]["schedule"] == 3600
    signed_in(new_browser), signed_in(new_browser, "officer@example.org")
    age_sessions(app, seen=timedelta(minutes=121))
    current = signed_in(new_browser)
    with app.app_context():
        assert delete_ended_sessions.run() == 2
    assert len(sessions(app)) == 1 and current.get("/account/").status_code == 200
