"""Work programmes: the services, the board's workspace pages, the public pages, PEG's roll-up, the secretariat's
view of who has published, the June reminders, who may use which page, and the queries each page costs."""

from datetime import date, datetime, timedelta

import pytest
from test_query_counts import queries
from test_roles import ROLE_ACCOUNTS, ROLES, signed_in_as

from engage.accounts import services as accounts
from engage.audit import services as audit
from engage.errors import DomainError
from engage.extensions import db
from engage.notices.models import Notice
from engage.partnership import services as partnership
from engage.programmes import reminders
from engage.programmes import services as programmes
from engage.programmes.models import Meeting, WorkProgramme, WorkProgrammeItem
from engage.proposals import services as proposals
from engage.proposals import statuses

BOARD = "health-and-wellbeing-board"  # the demo member and chair sit on it; the demo officer does not
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
YEAR = programmes.municipal_year(programmes.today())
LABEL = programmes.year_label(YEAR)
WORKSPACE = f"/workspace/{BOARD}/work-programme"


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def person(email: str):
    return accounts.user_by_email(email)


def make_programme(app, items: int = 1, published: bool = False, board: str = BOARD, year: int = YEAR) -> list[int]:
    """A programme with items (made through the services, as the secretariat); returns the items' ids."""
    with app.app_context():
        actor = person("secretariat@example.org")
        programme = programmes.programme(partnership.board_by_slug(board), year)
        made = [programmes.add_item(programme, actor, title=f"Item {n}").id for n in range(items)]
        if published:
            programmes.publish(programme, actor)
        db.session.commit()
        return made


def make_proposal(author, title: str, hidden: bool = False):
    proposal = proposals.start_draft(author)
    proposals.edit(
        proposal, author, title=title, problem="A problem", idea="An idea", who_it_helps="Everyone", show_name=True
    )
    proposals.choose_calls_to_action(proposal, author, [2])
    proposals.submit(proposal, author)
    if hidden:
        proposal.hidden_at = datetime(2026, 1, 1)
    return proposal


# Services ---------------------------------------------------------------------------------------------------


def test_a_municipal_year_runs_from_1_july_to_30_june_in_london():
    assert programmes.municipal_year(date(2027, 6, 30)) == 2026
    assert programmes.municipal_year(date(2027, 7, 1)) == 2027
    assert programmes.year_label(2027) == "2027-28" and programmes.year_label(2099) == "2099-00"
    assert programmes.year_span(2027) == (datetime(2027, 6, 30, 23), datetime(2028, 6, 30, 23))


def test_publishing_needs_an_item_records_who_and_when_and_happens_once(app, ctx, demo):
    officer = person("chair@example.org")
    programme = programmes.programme(partnership.board_by_slug(BOARD), YEAR)
    with pytest.raises(DomainError, match="Add at least one item"):
        programmes.publish(programme, officer)
    item = programmes.add_item(programme, officer, title="Healthy high streets")
    programmes.publish(programme, officer)
    assert programme.published_by_id == officer.id and programme.published_at is not None
    with pytest.raises(DomainError, match="already published"):
        programmes.publish(programme, officer)
    later = programmes.add_item(programme, officer, title="Added after publishing")
    programmes.post_update(later, officer, status="at_risk", body="Slipping")
    assert [i.title for i in programmes.find(programme.board, YEAR).items] == [item.title, later.title]
    assert [e.action for e in audit.trail(programme)] == ["publish_work_programme"]
    assert [e.action for e in audit.trail(later)] == ["add_item", "post_progress_update"]


def test_a_progress_update_sets_the_item_status_and_needs_a_known_status_and_text(app, ctx, demo):
    chair = person("chair@example.org")
    item = programmes.plan_item(partnership.board_by_slug(BOARD), YEAR, chair, title="Walking routes")
    assert item.status == "not_started"
    programmes.post_update(item, chair, status="on_track", body="Routes mapped")
    programmes.post_update(item, chair, status="done", body="Signs up")
    assert item.status == "done" and [u.body for u in item.updates] == ["Signs up", "Routes mapped"]
    with pytest.raises(DomainError):
        programmes.post_update(item, chair, status="finished", body="x")
    with pytest.raises(DomainError):
        programmes.post_update(item, chair, status="done", body="  ")


def test_items_can_be_planned_this_year_and_next_but_not_further_ahead(app, ctx, demo):
    board = partnership.board_by_slug(BOARD)
    chair = person("chair@example.org")
    assert programmes.plan_item(board, YEAR + 1, chair, title="Next year").programme.year == YEAR + 1
    with pytest.raises(DomainError, match="not further ahead"):
        programmes.plan_item(board, YEAR + 2, chair, title="Too far")


def test_the_triage_interface_links_proposals_to_items(app, ctx, demo):
    chair = person("chair@example.org")
    board = partnership.board_by_slug(BOARD)
    item = programmes.add_item(programmes.programme(board, YEAR), chair, title="Benches")
    proposal = make_proposal(person("resident@example.org"), "More benches by the canal")
    programmes.link_proposal(item, proposal)
    programmes.link_proposal(item, proposal)
    assert programmes.item_of(proposal) == item
    assert programmes.proposals_of(item) == [proposal]


# The workspace pages ----------------------------------------------------------------------------------------


def test_a_chair_adds_an_item_and_errors_keep_what_was_typed(app, demo, new_browser):
    chair = signed_in_as(new_browser, "board_chair")
    form = f"{WORKSPACE}/{LABEL}/items/new"
    typed = {"title": "", "description": "Kept as typed", "due": ["31", "13", "2028"], "target": "Ten clinics"}
    refused = chair.submit(form, typed).get_data(as_text=True)
    assert "There is a problem" in refused and "Enter the item" in refused and "must be a real date" in refused
    assert "Kept as typed" in refused and "Ten clinics" in refused and 'value="13"' in refused
    with app.app_context():
        organisation = partnership.board_by_slug(BOARD).organisations[0].id
    response = chair.submit(
        form,
        {
            "title": HOSTILE,
            "description": "Line one\nLine two",
            "calls_to_action": ["2", "3"],
            "lead_organisation": str(organisation),
            "target": "Ten clinics",
            "due": ["31", "3", str(YEAR + 1)],
        },
    )
    assert response.status_code == 302
    page = chair.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        HOSTILE not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    )
    assert "Call to action 2" in page and "31 March" in page and "Not started" in page
    with app.app_context():
        item = db.session.scalar(db.select(WorkProgrammeItem))
        assert item.title == HOSTILE and [p.number for p in item.calls_to_action] == [2, 3]
        assert item.lead_organisation_id == organisation and item.due_on == date(YEAR + 1, 3, 31)


def test_a_chair_changes_an_item_posts_an_update_and_publishes(app, demo, new_browser):
    (item_id,) = make_programme(app)
    chair = signed_in_as(new_browser, "board_chair")
    item_page = f"{WORKSPACE}/{LABEL}/items/{item_id}"
    assert 'value="Item 0"' in chair.get(f"{item_page}/edit").get_data(as_text=True)
    renamed = {"title": "Renamed", "lead_organisation": "", "due": ["", "", ""]}
    assert chair.submit(f"{item_page}/edit", renamed).status_code == 302
    refused = chair.submit(f"{item_page}/update", {"status": "", "body": HOSTILE}).get_data(as_text=True)
    assert "Choose the item" in refused and "&lt;script&gt;" in refused
    assert chair.submit(f"{item_page}/update", {"status": "at_risk", "body": HOSTILE}).status_code == 302
    page = chair.get(item_page).get_data(as_text=True)
    assert "Renamed" in page and "At risk" in page and "&lt;script&gt;" in page and HOSTILE not in page
    assert app.test_client().get(f"/boards/{BOARD}/work-programme/{LABEL}").status_code == 404
    programme_page = f"{WORKSPACE}/{LABEL}"
    published = chair.submit(f"{programme_page}/publish", {}, page=programme_page)
    assert published.status_code == 302
    assert "The work programme is published." in chair.get(programme_page).get_data(as_text=True)
    public = app.test_client().get(f"/boards/{BOARD}/work-programme/{LABEL}").get_data(as_text=True)
    assert "Renamed" in public and "At risk" in public
    with app.app_context():
        assert [e.action for e in audit.trail(db.session.get(WorkProgrammeItem, item_id))] == [
            "add_item",
            "edit_item",
            "post_progress_update",
        ]


def test_the_workspace_lists_this_year_and_next_and_the_years_meetings(app, demo, new_browser):
    make_programme(app, items=2, published=True)
    with app.app_context():
        board = partnership.board_by_slug(BOARD)
        starts, ends = programmes.year_span(YEAR)
        for when, cancelled in ((starts + timedelta(days=40), None), (starts + timedelta(days=50), starts)):
            db.session.add(
                Meeting(board_id=board.id, starts_at=when, ends_at=when, place="Room 1", cancelled_at=cancelled)
            )
        db.session.add(Meeting(board_id=board.id, starts_at=ends + timedelta(days=1), ends_at=ends, place="Later"))
        db.session.commit()
    chair = signed_in_as(new_browser, "board_chair")
    years = chair.get(f"{WORKSPACE}/").get_data(as_text=True)
    assert LABEL in years and programmes.year_label(YEAR + 1) in years and "Not published" in years
    page = chair.get(f"{WORKSPACE}/{LABEL}").get_data(as_text=True)
    assert page.count("Room 1") == 1 and "Later" not in page
    assert "Room 1" in app.test_client().get(f"/boards/{BOARD}/work-programme/{LABEL}").get_data(as_text=True)


def test_a_year_too_far_ahead_is_refused_on_the_form(app, demo, new_browser):
    far = programmes.year_label(YEAR + 2)
    chair = signed_in_as(new_browser, "board_chair")
    page = chair.submit(f"{WORKSPACE}/{far}/items/new", {"title": "Later", "lead_organisation": ""})
    assert page.status_code == 200 and "There is a problem" in page.get_data(as_text=True)
    assert "not further ahead" in page.get_data(as_text=True) and 'value="Later"' in page.get_data(as_text=True)


def test_a_published_programme_shows_hostile_text_escaped_and_speaks_bengali(app, demo):
    make_programme(app, published=True)
    with app.app_context():
        db.session.scalar(db.select(WorkProgrammeItem)).title = HOSTILE
        db.session.commit()
    client = app.test_client()
    page = client.get(f"/boards/{BOARD}/work-programme/{LABEL}").get_data(as_text=True)
    assert HOSTILE not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    bengali = client.get(f"/boards/{BOARD}/work-programme/{LABEL}?lang=bn").get_data(as_text=True)
    assert f"কর্মসূচি {LABEL}" in bengali and "শুরু হয়নি" in bengali


def test_a_year_written_wrongly_or_an_item_of_another_programme_is_not_found(app, demo, new_browser):
    (item_id,) = make_programme(app, board="climate-partnership")
    secretariat = signed_in_as(new_browser, "secretariat")
    for wrong in (f"{YEAR}-{YEAR % 100:02d}", "0000-01", "9999-00", "1999-00"):
        assert secretariat.get(f"{WORKSPACE}/{wrong}").status_code == 404
        assert app.test_client().get(f"/boards/{BOARD}/work-programme/{wrong}").status_code == 404
    assert secretariat.get(f"{WORKSPACE}/{LABEL}/items/{item_id}").status_code == 404
    assert secretariat.get(f"/workspace/no-such-board/work-programme/{LABEL}").status_code == 404


# Public pages -----------------------------------------------------------------------------------------------


def test_public_pages_show_only_published_programmes_and_only_public_proposals(app, demo):
    (item_id,) = make_programme(app)
    client = app.test_client()
    public = f"/boards/{BOARD}/work-programme/{LABEL}"
    assert client.get(public).status_code == 404 and client.get(f"{public}/items/{item_id}").status_code == 404
    assert "has not published a work programme" in client.get(f"/boards/{BOARD}").get_data(as_text=True)
    with app.app_context():
        item = db.session.get(WorkProgrammeItem, item_id)
        resident = person("resident@example.org")
        shown = make_proposal(resident, "Shown proposal")
        programmes.link_proposal(item, shown)
        programmes.link_proposal(item, make_proposal(resident, "Hidden proposal", hidden=True))
        programmes.post_update(item, person("chair@example.org"), status="on_track", body="Under way")
        programmes.publish(item.programme, person("chair@example.org"))
        reference = shown.reference
        db.session.commit()
    board_page = client.get(f"/boards/{BOARD}").get_data(as_text=True)
    assert f"Work programme {LABEL}" in board_page and "published on" in board_page
    page = client.get(f"{public}/items/{item_id}").get_data(as_text=True)
    assert "Under way" in page and "Shown proposal" in page and f"/proposals/{reference}" in page
    assert "Hidden proposal" not in page
    assert "David Levy" not in page  # who wrote an update is for the workspace only


# PEG and the secretariat ------------------------------------------------------------------------------------


def test_peg_sees_every_boards_items_by_call_to_action_and_by_board(app, demo, new_browser):
    with app.app_context():
        actor = person("secretariat@example.org")
        calls = proposals.current_calls_to_action()
        for slug, status, numbers in (
            (BOARD, "on_track", [2]),
            (BOARD, "at_risk", [2, 3]),
            ("climate-partnership", "at_risk", []),
        ):
            item = programmes.plan_item(
                partnership.board_by_slug(slug), YEAR, actor, title="x", calls_to_action=[calls[n] for n in numbers]
            )
            programmes.post_update(item, actor, status=status, body="y")
        db.session.commit()
        by_call = {(c.number if c else None): counts for c, counts in programmes.progress_by_call_to_action(YEAR)}
        by_board = {b.slug: counts for b, counts in programmes.progress_by_board(YEAR)}
    assert by_call[2] == {"not_started": 0, "on_track": 1, "at_risk": 1, "off_track": 0, "done": 0}
    assert by_call[3]["at_risk"] == 1 and by_call[None]["at_risk"] == 1 and by_call[1]["at_risk"] == 0
    assert by_board[BOARD]["on_track"] == 1 and by_board["climate-partnership"]["at_risk"] == 1
    page = signed_in_as(new_browser, "secretariat").get("/workspace/partnership-executive-group/progress")
    assert "By call to action" in page.get_data(as_text=True) and "Climate Partnership" in page.get_data(as_text=True)
    assert signed_in_as(new_browser, "secretariat").get(f"/workspace/{BOARD}/progress").status_code == 404


def test_the_secretariat_sees_which_boards_published_next_years_programme(app, demo, new_browser):
    make_programme(app, published=True, year=YEAR + 1)
    make_programme(app, board="climate-partnership", year=YEAR + 1)
    page = signed_in_as(new_browser, "secretariat").get("/secretariat/work-programmes").get_data(as_text=True)
    assert programmes.year_label(YEAR + 1) in page
    assert page.count("Not published</strong>") == 7 and page.count("Published</strong>") == 1


# Reminders --------------------------------------------------------------------------------------------------


def remind(app, day: date) -> list[tuple[str, str]]:
    with app.app_context():
        reminders.send_publication_reminders(day)
        db.session.commit()
        query = db.select(Notice).filter_by(kind="work_programme_reminder").order_by(Notice.id)
        return [(n.recipient, n.context["board"]) for n in db.session.scalars(query)]


def test_reminders_go_from_1_june_weekly_to_chairs_and_officers_of_boards_that_have_not_published(app, demo):
    with app.app_context():
        member = accounts.register("Only Member", "only@example.org", "x" * 12, ["lives"], "en", True)
        accounts.grant(member, "board_member", "climate-partnership")
        db.session.commit()
    june = date(YEAR + 1, 6, 1)  # the end of this municipal year: next year's programme is due
    make_programme(app, published=True, board="community-safety-partnership", year=YEAR + 1)
    assert remind(app, june - timedelta(days=1)) == []
    first = remind(app, june)
    assert sorted(first) == [
        ("chair@example.org", "Health and Wellbeing Board"),
        ("only@example.org", "Climate Partnership"),
    ]
    assert remind(app, june + timedelta(days=6)) == first  # the same week: nothing more
    make_programme(app, published=True, board="climate-partnership", year=YEAR + 1)
    second = remind(app, june + timedelta(days=7))
    assert second == [*first, ("chair@example.org", "Health and Wellbeing Board")]
    assert remind(app, date(YEAR + 1, 7, 1)) == second


def test_a_reminder_email_links_to_the_programme_in_the_workspace(app, demo, deliver):
    remind(app, date(YEAR + 1, 6, 1))
    (message,) = [m for m in deliver() if m["To"] == "chair@example.org"]
    label = programmes.year_label(YEAR + 1)
    assert message["Subject"] == f"Publish the Health and Wellbeing Board's work programme for {label} by 30 June"
    assert f"http://engage.test{WORKSPACE}/{label}" in message.get_body(("plain",)).get_content()


def test_the_workers_daily_job_sends_the_reminders_once(app, ctx, demo):
    from worker.tasks import send_work_programme_reminders

    june = date(YEAR + 1, 6, 1).isoformat()
    assert send_work_programme_reminders.run(june) == send_work_programme_reminders.run(june) > 0
    assert db.session.scalar(db.select(db.func.count(Notice.id)).filter_by(kind="work_programme_reminder")) == 2
    assert send_work_programme_reminders.run(date(YEAR + 1, 5, 31).isoformat()) == 0


# Who may use which page -------------------------------------------------------------------------------------

WORKSPACE_PAGES = [
    f"{WORKSPACE}/",
    f"{WORKSPACE}/{LABEL}",
    f"{WORKSPACE}/{LABEL}/items/new",
    f"{WORKSPACE}/{LABEL}/items/{{item}}",
    f"{WORKSPACE}/{LABEL}/items/{{item}}/edit",
    f"{WORKSPACE}/{LABEL}/items/{{item}}/update",
]
# Who gets what: the board's own member and chair, the secretariat and admins; not the officer of another board.
ALLOWED = {"anonymous": 302, "board_member": 200, "board_chair": 200, "secretariat": 200, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", WORKSPACE_PAGES)
def test_a_boards_work_programme_pages_are_for_its_people_the_secretariat_and_admins(
    app, demo, new_browser, role, page
):
    (item_id,) = make_programme(app)
    response = signed_in_as(new_browser, role).get(page.format(item=item_id))
    assert response.status_code == ALLOWED.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
def test_publishing_is_refused_to_everyone_but_the_boards_people(app, demo, new_browser, role):
    make_programme(app)
    visitor = signed_in_as(new_browser, role)
    page = "/account/sign-in" if role == "anonymous" else "/account/sign-out"
    response = visitor.submit(f"{WORKSPACE}/{LABEL}/publish", {}, page=page)
    assert response.status_code == {"anonymous": 302}.get(role, 302 if role in ALLOWED else 403)
    with app.app_context():
        published = db.session.scalar(db.select(WorkProgramme.published_at))
    assert (published is not None) == (role in ALLOWED and role != "anonymous")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("/workspace/partnership-executive-group/progress", {"secretariat", "admin", "peg_member"}),
        ("/secretariat/work-programmes", {"secretariat", "admin"}),
    ],
)
def test_pegs_roll_up_and_the_secretariats_overview(app, demo, new_browser, role, page, allowed):
    response = signed_in_as(new_browser, role).get(page)
    assert response.status_code == (302 if role == "anonymous" else 200 if role in allowed else 403)


def test_a_peg_member_sees_the_roll_up(app, demo, new_browser):
    with app.app_context():
        accounts.grant(person(ROLE_ACCOUNTS["resident"]), "board_member", "partnership-executive-group")
        db.session.commit()
    assert (
        signed_in_as(new_browser, "resident").get("/workspace/partnership-executive-group/progress").status_code == 200
    )


# Queries ----------------------------------------------------------------------------------------------------


def grow(app, item_id: int, how_many: int) -> None:
    """More items, each with calls to action, a lead partner, updates and a linked proposal."""
    with app.app_context():
        first = db.session.get(WorkProgrammeItem, item_id)
        board = partnership.board_by_slug(BOARD)
        calls = list(proposals.current_calls_to_action().values())
        actor = person("secretariat@example.org")
        for number in range(how_many):
            item = programmes.add_item(
                first.programme,
                actor,
                title=f"More {number}",
                calls_to_action=calls[:2],
                lead_organisation_id=board.organisations[0].id,
            )
            for target in (item, first):
                programmes.post_update(target, actor, status="on_track", body=f"Update {number}")
            proposal = make_proposal(person("resident@example.org"), f"Proposal {number}")
            statuses.transition(proposal, "under_review", actor)
            programmes.link_proposal(first, proposal)
        db.session.commit()


def test_work_programme_pages_cost_the_same_queries_with_few_or_many_items(app, demo, new_browser):
    (item_id,) = make_programme(app, published=True)
    chair = signed_in_as(new_browser, "board_chair").client
    secretariat = signed_in_as(new_browser, "secretariat").client
    pages = [
        (app.test_client(), f"/boards/{BOARD}/work-programme/{LABEL}"),
        (app.test_client(), f"/boards/{BOARD}/work-programme/{LABEL}/items/{item_id}"),
        (app.test_client(), f"/boards/{BOARD}"),
        (chair, f"{WORKSPACE}/"),
        (chair, f"{WORKSPACE}/{LABEL}"),
        (chair, f"{WORKSPACE}/{LABEL}/items/{item_id}"),
        (chair, f"{WORKSPACE}/{LABEL}/items/{item_id}/edit"),
        (chair, f"{WORKSPACE}/{LABEL}/items/{item_id}/update"),
        (chair, f"{WORKSPACE}/{LABEL}/items/new"),
        (secretariat, "/workspace/partnership-executive-group/progress"),
        (secretariat, "/secretariat/work-programmes"),
    ]
    grow(app, item_id, 2)
    few = [queries(app, client, url) for client, url in pages]
    grow(app, item_id, 8)
    assert [queries(app, client, url) for client, url in pages] == few


# flask demo -------------------------------------------------------------------------------------------------


def test_flask_demo_publishes_this_years_programmes_and_next_years_for_some_boards(app):
    runner = app.test_cli_runner()
    assert "work programmes" in runner.invoke(args=["demo"]).output
    with app.app_context():
        rows = db.session.scalars(db.select(WorkProgramme)).all()
        this_year = [p for p in rows if p.year == YEAR]
        next_year = [p for p in rows if p.year == YEAR + 1]
        statuses_seen = {i.status for p in this_year for i in p.items}
        assert len(this_year) == 8 and all(p.published_at for p in this_year)
        assert {bool(p.published_at) for p in next_year} == {True, False}
        assert statuses_seen == {"not_started", "on_track", "at_risk", "off_track", "done"}
        items = db.session.scalar(db.select(db.func.count(WorkProgrammeItem.id)))
    assert "and 0 work programmes" in runner.invoke(args=["demo"]).output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(WorkProgrammeItem.id))) == items
