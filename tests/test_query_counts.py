"""Pages issue a fixed number of SQL queries whatever the amount of data behind them."""

import re
from datetime import timedelta

import pytest
from support import QueryCounter, sign_up
from test_own_things import ANSWERS, CONGRESS, RESIDENT, congress, write

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.congress import services as congresses
from engage.congress.models import Workshop
from engage.extensions import db
from engage.notices import services as notices
from engage.time import utcnow


def queries(app, client, url) -> int:
    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        assert client.get(url).status_code == 200
    return counter.count


def add_people(app, how_many: int, start: int) -> None:
    with app.app_context():
        for number in range(start, start + how_many):
            user = accounts.register(f"Person {number}", f"p{number}@example.org", "x" * 12, ["lives"], "en", True)
            accounts.grant(user, "board_member", "climate-partnership")
            accounts.grant(user, "partner_representative", organisation_slug="new-city-college")
        db.session.commit()


def add_failed_notices(app, how_many: int, start: int) -> None:
    with app.app_context():
        for number in range(start, start + how_many):
            notices.queue("password_changed", f"p{number}@example.org", f"n{number}", {"name": "P"}).status = "failed"
        db.session.commit()


def add_letters(app, how_many: int, start: int) -> None:
    with app.app_context():
        for number in range(start, start + how_many):
            context = {"name": f"Person {number}", "reference": f"TH-2027-{number:05d}", "title": "An idea"}
            notices.queue_to("", f"{number} Mile End Road\nLondon E1 4NS", "proposal_submitted", f"l{number}", context)
        db.session.commit()


@pytest.fixture
def resident(app, new_browser):
    app.test_cli_runner().invoke(args=["demo", "--accounts-only"])
    person = new_browser()
    person.submit("/account/sign-in", {"email": "resident@example.org", "password": DEMO_PASSWORD})
    return person


@pytest.fixture
def admin(app, new_browser):
    app.test_cli_runner().invoke(args=["demo", "--accounts-only"])
    person = new_browser()
    person.submit("/account/sign-in", {"email": "admin@example.org", "password": DEMO_PASSWORD})
    return person.client


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/admin/users", add_people),
        ("/secretariat/outbox?status=failed", add_failed_notices),
        ("/secretariat/letters", add_letters),
    ],
)
def test_lists_cost_the_same_queries_with_10_or_60_rows(app, admin, url, grow):
    grow(app, 10, 0)
    few = queries(app, admin, url)
    grow(app, 50, 10)
    assert queries(app, admin, url) == few


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/", 4),
        ("/calls-to-action/", 4),
        ("/boards/", 4),
        ("/boards/health-and-wellbeing-board", 6),  # and its meetings and published work programmes
        ("/plans/a-tower-hamlets-for-all", 4),
    ],
)
def test_public_pages_cost_a_handful_of_queries(app, url, most):
    assert queries(app, app.test_client(), url) <= most


def add_proposals(app, how_many: int, start: int) -> None:
    """Published proposals made directly in the database: the pages, not the services, are under test."""
    from engage.partnership.models import Priority, Ward
    from engage.proposals.models import Proposal, ProposalPriority, Support

    with app.app_context():
        author = accounts.user_by_email("resident@example.org")
        priorities = db.session.scalars(db.select(Priority).where(Priority.lead_board_id.is_not(None))).all()
        wards = db.session.scalars(db.select(Ward)).all()
        for number in range(start, start + how_many):
            priority = priorities[number % len(priorities)]
            proposal = Proposal(
                reference=f"TH-2026-{number + 1:05d}",
                author_id=author.id,
                title=f"Idea {number} about canal benches",
                problem="A problem",
                idea="An idea",
                who_it_helps="People",
                status="submitted",
                board_id=priority.lead_board_id,
                ward=wards[number % len(wards)],
                show_name=True,
                submitted_at=accounts.utcnow(),
                calls_to_action=[
                    ProposalPriority(priority=priority, position=0),
                    ProposalPriority(priority=priorities[(number + 1) % len(priorities)], position=1),
                ],
            )
            db.session.add(proposal)
        db.session.flush()
        db.session.add(Support(proposal_id=proposal.id, user_id=author.id))
        db.session.commit()


@pytest.mark.parametrize(
    ("url", "few"),
    [
        ("/proposals/", 10),
        ("/proposals/?q=canal+benches&sort=supported", 10),
        ("/proposals/?call-to-action=3&board=community-safety-partnership", 10),
        ("/proposals/?page=2", 30),  # a second page needs more than one page of proposals
        ("/proposals/TH-2026-00001", 10),
    ],
)
def test_proposal_pages_cost_the_same_queries_with_few_or_1000_proposals(app, admin, url, few):
    add_proposals(app, few, 0)
    with_few = queries(app, admin, url)
    add_proposals(app, 1000 - few, few)
    assert queries(app, admin, url) == with_few


def test_a_call_to_actions_live_figures_cost_the_same_queries_with_few_or_1000_proposals(app, admin):
    """/calls-to-action/<number> shows that call to action's figures this year (engage.reports.figures.live): its
    proposals, outcomes, boards and items by aggregate SQL, never row by row."""
    add_proposals(app, 10, 0)
    client = app.test_client()
    few = queries(app, client, "/calls-to-action/3")
    add_proposals(app, 990, 10)
    assert queries(app, client, "/calls-to-action/3") == few


def test_lists_count_up_to_a_cap_and_then_say_more_than(app, admin, monkeypatch):
    """Counting stops at a cap, lower for a search; a page deeper than the cap still counts to its own rows."""
    from engage.proposals import search

    monkeypatch.setattr(search, "COUNT_CAP", 35)
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 25)
    add_proposals(app, 45, 0)
    client = app.test_client()

    def heading(query):
        return re.search(r'aria-live="polite">([^<]+)</h2>', client.get(f"/proposals/?{query}").get_data(as_text=True))[
            1
        ]

    assert heading("") == "More than 35 proposals"
    assert heading("q=canal+benches") == "More than 25 proposals"
    assert heading("q=canal+benches&page=2") == "More than 40 proposals"
    assert heading("q=canal+benches&page=3") == "45 proposals"
    assert heading("q=nothing+like+it") == "0 proposals"
    # A search's pages, newest first, from the matches it counted: its "Next" links, the search kept, lead from
    # page 1 through every match once, and no further.
    address, listed = "/proposals/?q=canal+benches", []
    while address:
        page = client.get(address).get_data(as_text=True)
        listed.append(re.findall(r'href="/proposals/TH-2026-(\d{5})"', page))
        following = re.search(r'href="([^"]+)" rel="next"', page)
        address = following and following[1].replace("&amp;", "&")
    assert [int(n) for page in listed for n in page] == list(range(45, 0, -1)) and len(listed) == 3


def test_a_lists_statement_is_the_same_text_each_time_and_a_residents_words_are_never_sql(app, admin):
    """The list's values are written into its statement (so the database plans it once, not at every request), but
    only values of ours: what a resident types is always bound, never part of the SQL."""
    add_proposals(app, 25, 0)
    with app.app_context():
        engine = db.engine
    placeholder = re.compile(r"%\(\w+\)s|\?")  # psycopg's and sqlite3's

    def statements(url):
        with QueryCounter(engine) as counter:
            assert app.test_client().get(url).status_code == 200
        return counter.statements

    filtered = "/proposals/?ward=mile-end&board=climate-partnership&status=submitted&call-to-action=2&page=1"
    first = statements(filtered)
    assert first == statements(filtered)
    if engine.dialect.name == "postgresql":  # (SQLite's dialect binds a few constants of its own: no plans to keep)
        assert not any(placeholder.search(sql) for sql in first)
    words = "canal'); DROP TABLE proposal; -- benches"
    searched = statements(f"/proposals/?q={words}&ward=mile-end")
    assert all("canal" not in sql and "DROP" not in sql for sql in searched)
    assert any(placeholder.search(sql) for sql in searched)
    assert "Idea 24 about canal benches" in app.test_client().get("/proposals/?q=canal+benches").get_data(as_text=True)


def test_a_search_is_planned_for_its_words_at_every_run_and_the_list_is_prepared(app, admin):
    """psycopg prepares a statement run often enough, and PostgreSQL then may serve every run with one generic
    plan: right for the list, whose values are ours, wrong for a resident's search (a rare word and a common one
    need plans of their own; one plan for both made a rare word's search six times slower)."""
    from sqlalchemy import text

    from engage.proposals import search

    add_proposals(app, 25, 0)
    with app.app_context():
        for _ in range(8):
            found, total, _ = search.find(search.Filters(q="canal benches", call_to_action=2))
            listed, _, _ = search.find(search.Filters())
            similar = search.similar("benches by the canal")
        assert (len(found), total, len(listed), len(similar)) == (10, 10, 20, 5)
        if db.engine.dialect.name == "postgresql":
            prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
            assert any("proposal.reference" in statement for statement in prepared), prepared
            assert not any("to_tsquery" in statement for statement in prepared), prepared


def test_the_account_page_costs_the_same_queries_with_few_or_many_things(app, resident):
    """The person's proposals, drafts and registrations: a query each, however many."""
    congress(app, capacity=50)
    write(app, ["One"])
    write(app, ["Draft one"], submitted=False)
    sign_up(resident, CONGRESS, ANSWERS)
    few = queries(app, resident.client, "/account/")
    write(app, [f"Idea {n}" for n in range(15)])
    write(app, [f"Draft {n}" for n in range(15)], submitted=False)
    with app.app_context():
        user = accounts.user_by_email(RESIDENT)
        for number in range(5):
            other = congresses.create(
                slug=f"autumn-{number}",
                title=f"Autumn {number}",
                starts_at=utcnow() + timedelta(days=90 + number),
                ends_at=utcnow() + timedelta(days=90 + number, hours=4),
                venue="Town Hall",
                venue_access="Step-free",
                capacity=10,
                opens_at=utcnow() - timedelta(days=1),
                closes_at=utcnow() + timedelta(days=80),
                workshops=[],
            )
            congresses.register(other, name="Rahima Begum", email=RESIDENT, user=user)
        db.session.commit()
    assert queries(app, resident.client, "/account/") == few


def test_each_sign_up_page_costs_the_same_queries_with_few_or_many_workshops(app, resident):
    """The congress's programme, its full workshops and the partnership's structure: a query each, however many.
    Counted on a second visit: the first after a change reads the programme again (congresses.programme)."""
    congress(app, capacity=50)
    pages = [f"{CONGRESS}/register{page}" for page in ("", "/workshops", "/needs", "/staying-in-touch", "/check")]
    for page in pages[:-1]:
        resident.submit(page, ANSWERS)

    def counted() -> list[int]:
        [resident.get(page) for page in pages]
        return [queries(app, resident.client, page) for page in pages]

    few = counted()
    with app.app_context():
        programme = congresses.by_slug("spring-2027")
        for number in range(12):
            starts_at = programme.starts_at + timedelta(hours=number)
            programme.workshops.append(Workshop(title=f"Workshop {number}", starts_at=starts_at, capacity=5))
        db.session.commit()
    assert counted() == few
