"""Roles and who may use which page: every protected route against every role."""

from html import unescape

import pytest
from support import csrf_token, sign_up

from engage.accounts import services as accounts
from engage.accounts.models import RoleGrant, User
from engage.audit import services as audit
from engage.cli import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_RESIDENTS
from engage.extensions import db
from engage.partnership import services as partnership
from engage.partnership.models import Board, Organisation, Plan, Priority, Ward
from engage.proposals.models import Proposal

ROLE_ACCOUNTS = {role or "resident": email for email, _, role, _, _ in DEMO_ACCOUNTS}


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def signed_in_as(new_browser, role):
    person = new_browser()
    if role != "anonymous":
        response = person.submit("/account/sign-in", {"email": ROLE_ACCOUNTS[role], "password": DEMO_PASSWORD})
        assert response.status_code == 302
    return person


def person_id(app, email) -> int:
    with app.app_context():
        return accounts.user_by_email(email).id


ROLES = ["anonymous", *ROLE_ACCOUNTS]
SIGNED_IN_PAGES = ["/account/", "/account/change-password", "/account/delete"]
ADMIN_PAGES = ["/admin/users", "/admin/users/{resident}"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", SIGNED_IN_PAGES)
def test_account_pages_need_a_signed_in_person_of_any_role(app, demo, new_browser, role, page):
    response = signed_in_as(new_browser, role).get(page)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/sign-in?next=")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(app, demo, new_browser, role, page):
    url = page.format(resident=person_id(app, ROLE_ACCOUNTS["resident"]))
    response = signed_in_as(new_browser, role).get(url)
    expected = {"anonymous": 302, "admin": 200}.get(role, 403)
    assert response.status_code == expected
    if expected == 403:
        assert "You do not have permission" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
@pytest.mark.parametrize("action", ["disable", "enable", "roles/1/revoke"])
def test_admin_actions_are_refused_to_everyone_else(app, demo, new_browser, role, action):
    person = signed_in_as(new_browser, role)
    target = person_id(app, ROLE_ACCOUNTS["resident"])
    token = csrf_token(person.get("/account/sign-out").get_data(as_text=True)) if role != "anonymous" else "x"
    response = person.client.post(f"/admin/users/{target}/{action}", data={"csrf_token": token})
    assert response.status_code == (400 if role == "anonymous" else 403)
    with app.app_context():
        assert db.session.get(User, target).disabled_at is None


def test_an_admin_grants_a_board_role_and_removes_it(app, demo, new_browser):
    admin = signed_in_as(new_browser, "admin")
    target = person_id(app, ROLE_ACCOUNTS["resident"])
    page = f"/admin/users/{target}"
    missing_board = admin.submit(page, {"role": "board_chair", "board": "", "organisation": ""})
    assert "Choose the board this role is for" in missing_board.get_data(as_text=True)
    response = admin.submit(page, {"role": "board_chair", "board": "climate-partnership", "organisation": ""})
    assert response.status_code == 302
    assert "Climate Partnership" in admin.get(page).get_data(as_text=True)
    with app.app_context():
        grant = db.session.scalar(db.select(RoleGrant).filter_by(user_id=target))
        assert (grant.role, grant.board.slug) == ("board_chair", "climate-partnership")
        grant_id = grant.id
    admin.submit(f"{page}/roles/{grant_id}/revoke", {}, page=page)
    with app.app_context():
        assert db.session.scalar(db.select(RoleGrant).filter_by(user_id=target)) is None


def test_an_admin_disabling_an_account_signs_the_person_out(app, demo, new_browser):
    resident = signed_in_as(new_browser, "resident")
    assert resident.get("/account/").status_code == 200
    admin = signed_in_as(new_browser, "admin")
    target = person_id(app, ROLE_ACCOUNTS["resident"])
    admin.submit(f"/admin/users/{target}/disable", {}, page=f"/admin/users/{target}")
    assert resident.get("/account/").status_code == 302
    admin.submit(f"/admin/users/{target}/enable", {}, page=f"/admin/users/{target}")
    assert signed_in_as(new_browser, "resident").get("/account/").status_code == 200


def test_a_role_given_or_taken_away_counts_from_the_next_request_of_a_session_already_signed_in(app, demo, new_browser):
    resident = signed_in_as(new_browser, "resident")
    workspace = "/workspace/climate-partnership/"
    assert resident.get(workspace).status_code == 403
    with app.app_context():
        grant = accounts.grant(accounts.user_by_email(ROLE_ACCOUNTS["resident"]), "board_member", "climate-partnership")
        db.session.commit()
        grant_id = grant.id
    assert resident.get(workspace).status_code == 200
    assert resident.get("/workspace/health-and-wellbeing-board/").status_code == 403
    with app.app_context():
        accounts.revoke(grant_id)
        db.session.commit()
    assert resident.get(workspace).status_code == 403


def test_a_person_holding_several_roles_signs_in_with_each_of_them_once(app, demo, new_browser):
    with app.app_context():
        person = accounts.user_by_email(ROLE_ACCOUNTS["resident"])
        accounts.grant(person, "board_member", "climate-partnership")
        accounts.grant(person, "board_chair", "health-and-wellbeing-board")
        accounts.grant(
            person,
            "partner_representative",
            organisation_slug=db.session.scalars(db.select(Organisation.slug).order_by(Organisation.id)).first(),
        )
        db.session.commit()
    resident = signed_in_as(new_browser, "resident")
    for board in ("climate-partnership", "health-and-wellbeing-board"):
        assert resident.get(f"/workspace/{board}/").status_code == 200
    assert resident.get("/workspace/community-safety-partnership/").status_code == 403
    page = unescape(resident.get("/account/").get_data(as_text=True))
    roles = page.split(">Roles<", 1)[1].split("</ul>", 1)[0]
    assert roles.count("Board member: Climate Partnership") == 1
    assert roles.count("Board chair: Health and Wellbeing Board") == 1
    assert roles.count("Partner representative: ") == 1


def test_admin_search_finds_people_by_name_or_email_and_treats_wildcards_literally(app, demo, new_browser):
    admin = signed_in_as(new_browser, "admin")
    assert "Rahima Begum" in admin.get("/admin/users?q=rahima").get_data(as_text=True)
    assert "Rahima Begum" in admin.get("/admin/users?q=RESIDENT@").get_data(as_text=True)
    assert "No one matches your search." in admin.get("/admin/users?q=%25%25_").get_data(as_text=True)


def test_flask_demo_prints_every_account_it_makes_with_what_each_is(app):
    output = app.test_cli_runner().invoke(args=["demo"]).output
    lines = {line.split()[0]: " ".join(line.split()[1:]) for line in output.splitlines() if "@example.org" in line}
    assert lines["peg.member@example.org"] == "board_member of partnership-executive-group"
    assert lines["officer@example.org"] == "board_officer of community-safety-partnership"
    assert all(lines[email] == "resident" for email, _name in DEMO_RESIDENTS) and lines["resident@example.org"]
    again = app.test_cli_runner().invoke(args=["demo"]).output  # nothing new made: still every account printed
    assert "peg.member@example.org" in again and "kwame@example.org" in again


def test_flask_users_grant_gives_a_role_from_the_command_line(app, demo):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "grant", "resident@example.org", "board_member", "--board", "community-safety-partnership"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        roles = [(g.role, g.board.slug) for g in accounts.user_by_email("resident@example.org").roles]
    assert roles == [("board_member", "community-safety-partnership")]
    assert runner.invoke(args=["users", "grant", "nobody@example.org", "admin"]).exit_code != 0
    no_board = runner.invoke(args=["users", "grant", "resident@example.org", "board_chair"])
    assert no_board.exit_code != 0 and "Choose the board" in no_board.output


def test_flask_demo_makes_an_account_for_each_role_and_a_living_site(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert DEMO_PASSWORD in result.output and "24 proposals" in result.output
    with app.app_context():
        roles = {g.role for g in db.session.scalars(db.select(RoleGrant))}
        proposals = db.session.scalars(db.select(Proposal)).all()
        assert {p.status for p in proposals} >= {"submitted", "under_review", "accepted", "declined", "withdrawn"}
        assert len({p.ward_id for p in proposals}) > 10 and len({p.board_id for p in proposals}) >= 4
    assert roles == {"partner_representative", "board_member", "board_chair", "board_officer", "secretariat", "admin"}
    search = app.test_client().get("/proposals/?q=youth+club").get_data(as_text=True)
    assert "Youth club open on Friday nights" in search
    again = app.test_cli_runner().invoke(args=["demo"])
    assert "and 4 more residents, and 0 proposals" in again.output


def test_flask_seed_twice_changes_nothing(app):
    runner = app.test_cli_runner()

    def snapshot():
        with app.app_context():
            return [
                sorted((row.slug, row.name) for row in db.session.scalars(db.select(Board))),
                db.session.scalar(db.select(db.func.count(Organisation.id))),
                db.session.scalar(db.select(db.func.count(Ward.id))),
                sorted((p.plan_id, p.number, p.lead_board_id) for p in db.session.scalars(db.select(Priority))),
                db.session.scalar(db.select(db.func.count(Plan.id))),
            ]

    assert runner.invoke(args=["seed"]).exit_code == 0
    first = snapshot()
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert snapshot() == first
    assert first[2] == 20 and len(first[0]) == 8 and first[4] == 2


# The seeded routing table: each call to action's lead board.
ROUTING = {
    f"call_{n}": slug
    for n, slug in enumerate(
        [
            "voluntary-and-community-sector-partnership-board",
            "health-and-wellbeing-board",
            "community-safety-partnership",
            "growth-and-economic-development-board",
            "every-chance-for-every-child-forum",
        ],
        start=1,
    )
}


def test_an_admin_changes_which_board_leads_a_call_to_action(app, demo, new_browser):
    admin = signed_in_as(new_browser, "admin")
    page = admin.get("/admin/routing").get_data(as_text=True)
    assert "4. Everyone in Tower Hamlets should have access to good work" in page
    current = ROUTING
    response = admin.submit("/admin/routing", {**current, "call_3": "climate-partnership"})
    assert response.status_code == 302
    with app.app_context():
        priority = partnership.call_to_action(3)
        assert priority.lead_board.slug == "climate-partnership"
        assert [e.action for e in audit.trail(priority)] == ["route"]
    assert "Climate Partnership" in app.test_client().get("/calls-to-action/3").get_data(as_text=True)
    forged = admin.submit("/admin/routing", {**current, "call_2": "no-such-board"})
    assert forged.status_code == 200 and "There is a problem" in forged.get_data(as_text=True)


def test_a_board_made_lead_is_no_longer_listed_among_the_other_boards_involved(app, demo, new_browser):
    admin = signed_in_as(new_browser, "admin")
    assert admin.submit("/admin/routing", {**ROUTING, "call_3": "climate-partnership"}).status_code == 302
    html = app.test_client().get("/calls-to-action/3").get_data(as_text=True)
    others = html.split("Other boards involved", 1)[1].split("</dd>", 1)[0]
    assert "Climate Partnership" not in others and "Health and Wellbeing Board" in others
    board = app.test_client().get("/boards/climate-partnership").get_data(as_text=True)
    assert board.count('href="/calls-to-action/3"') == 1  # as its lead, not also as one it follows


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_admins_change_the_routing(app, demo, new_browser, role):
    assert signed_in_as(new_browser, role).get("/admin/routing").status_code == (302 if role == "anonymous" else 403)


# Speaking for a partner organisation: only its partner representatives may --------------------------------------

THCVS = "tower-hamlets-council-for-voluntary-service"  # the demo partner representative's organisation
OTHER = "metropolitan-police"  # an organisation no demo account represents


def draft_up_to_the_organisation(person) -> str:
    """A draft with every question answered but on whose behalf; its address."""
    from test_proposals import ANSWERS, answer_everything, start

    draft = start(person)
    answer_everything(person, draft, {step: data for step, data in ANSWERS.items() if step != "your-name"})
    return draft


@pytest.mark.parametrize("role", list(ROLE_ACCOUNTS))
def test_only_a_partner_representative_proposes_on_behalf_of_their_own_organisation(app, demo, new_browser, role):
    person = signed_in_as(new_browser, role)
    draft = draft_up_to_the_organisation(person)
    step = f"{draft}/organisation"
    forged = person.submit(step, {"organisation": OTHER}, page=f"{draft}/check")
    if role != "partner_representative":
        # Someone who represents no organisation is not asked on whose behalf: after where, their name.
        assert person.get(step).status_code == 404 and forged.status_code == 404
        after_where = person.submit(f"{draft}/where", {"ward": "mile-end"})
        assert after_where.headers["Location"].endswith("/your-name")
        assert "On behalf of" not in person.get(f"{draft}/check").get_data(as_text=True)
    else:
        page = unescape(person.get(step).get_data(as_text=True))
        assert "Tower Hamlets Council for Voluntary Service" in page and "Metropolitan Police" not in page
        assert forged.status_code == 200 and "Choose one of the options given" in forged.get_data(as_text=True)
        assert person.submit(step, {"organisation": THCVS}).status_code == 302
    person.submit(f"{draft}/your-name", {"show_name": "yes"})
    reference = person.submit(f"{draft}/check", {}).headers["Location"].split("/")[2]
    page = unescape(app.test_client().get(f"/proposals/{reference}").get_data(as_text=True))
    assert "Metropolitan Police" not in page
    speaks_for = "Tower Hamlets Council for Voluntary Service" in page
    assert speaks_for == (role == "partner_representative")


def test_a_representative_whose_role_ends_cannot_send_a_draft_in_the_organisations_name(app, demo, new_browser):
    partner = signed_in_as(new_browser, "partner_representative")
    draft = draft_up_to_the_organisation(partner)
    partner.submit(f"{draft}/organisation", {"organisation": THCVS})
    partner.submit(f"{draft}/your-name", {"show_name": "yes"})
    with app.app_context():
        accounts.revoke(accounts.user_by_email(ROLE_ACCOUNTS["partner_representative"]).roles[0].id)
        db.session.commit()
    refused = partner.submit(f"{draft}/check", {}, follow_redirects=True).get_data(as_text=True)
    assert "You no longer represent the organisation this proposal is on behalf of" in refused
    with app.app_context():
        assert db.session.scalar(db.select(Proposal.status)) == "draft"
    # The draft still names it, so the question is still there, now offering only their own idea.
    page = unescape(partner.get(f"{draft}/organisation").get_data(as_text=True))
    assert "No, it is my own idea" in page and "Tower Hamlets Council for Voluntary Service" not in page
    assert partner.submit(f"{draft}/organisation", {"organisation": "none"}).status_code == 302
    assert partner.submit(f"{draft}/check", {}).status_code == 302


def test_the_on_behalf_of_rule_is_the_services_whoever_calls_it(app, demo):
    from engage.errors import DomainError
    from engage.proposals import services as proposals

    with app.app_context():
        resident = accounts.user_by_email(ROLE_ACCOUNTS["resident"])
        draft = proposals.start_draft(resident)
        with pytest.raises(DomainError, match="Choose one of the options given"):
            proposals.on_behalf_of(draft, resident, THCVS)


@pytest.fixture
def congress(app):
    from test_congress import make_congress

    with app.app_context():
        make_congress()
        db.session.commit()


@pytest.mark.parametrize("role", ROLES)
def test_only_a_partner_representative_comes_to_a_congress_as_from_their_own_organisation(
    app, demo, congress, new_browser, role
):
    from engage.congress.models import Registration

    person = signed_in_as(new_browser, role)
    register = "/congress/spring-2027/register"
    guest = {"name": "Someone", "email": "someone@example.org"} if role == "anonymous" else {}
    answers = {**guest, "attending_as": "partner", "interpreter": "none", "dietary": "<b>halal</b>"}
    page = unescape(person.get(register).get_data(as_text=True))
    representative = role == "partner_representative"
    assert ("Someone from a partner organisation" in page) == representative
    assert ("Tower Hamlets Council for Voluntary Service" in page) == representative
    assert "Metropolitan Police" not in page
    for forged in (OTHER, *(() if representative else (THCVS,))):
        response = sign_up(person, "/congress/spring-2027", {**answers, "organisation": forged})
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "There is a problem" in text, forged
        assert "the options given" in text and (role != "anonymous" or 'value="Someone"' in text)  # kept
    if representative:
        unnamed = sign_up(person, "/congress/spring-2027", {**answers, "organisation": ""}).get_data(as_text=True)
        assert "Choose the partner organisation you are coming from" in unnamed
        assert sign_up(person, "/congress/spring-2027", {**answers, "organisation": THCVS}).status_code == 302
    with app.app_context():
        named = db.session.scalars(
            db.select(Registration.organisation_id).where(Registration.organisation_id.is_not(None))
        )
        thcvs = db.session.scalar(db.select(Organisation.id).filter_by(slug=THCVS))
        assert list(named) == ([thcvs] if representative else [])
