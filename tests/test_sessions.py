"""Sessions: what a browser or a proxy may keep of a signed-in person's pages, and when a session ends on the server."""

import pytest
from flask import url_for

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.congress import services as congresses
from engage.congress.models import Registration
from engage.extensions import db
from engage.notices import services as notices
from engage.notices.kinds import CATEGORIES
from engage.partnership.models import Board, Plan
from engage.programmes.models import Meeting, WorkProgramme, WorkProgrammeItem
from engage.proposals.models import Proposal, Report
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
