"""Each proposal's calls to action on its row, kept by the database with every change of its links whoever makes it
(services, the demo loader, plain SQL), always equal to the links; and the lists that read it."""

import threading
import time
from html import unescape

import pytest
from support import DATABASE_URL, need
from test_triage import HEALTH, SAFETY, demo, make_proposal, sign_in  # noqa: F401 (demo: a fixture)

from engage.accounts import services as accounts
from engage.extensions import db
from engage.partnership.models import Board
from engage.proposals import moderation
from engage.proposals import services as proposals
from engage.proposals.models import Proposal, ProposalPriority, call_to_action_ids
from engage.triage import services as triage

LINK, COLUMN = ProposalPriority.__table__, Proposal.__table__.c.call_to_action_ids


def linked() -> dict[int, list[int]]:
    """Each proposal's priority ids as its links have them, in position order (none: an empty list)."""
    found = {proposal_id: [] for proposal_id in db.session.scalars(db.select(Proposal.id))}
    for proposal_id, priority_id in db.session.execute(
        db.select(LINK.c.proposal_id, LINK.c.priority_id).order_by(LINK.c.proposal_id, LINK.c.position)
    ):
        found.setdefault(proposal_id, []).append(priority_id)
    return found


def kept() -> dict[int, list[int]]:
    return {id_: call_to_action_ids(ids) for id_, ids in db.session.execute(db.select(Proposal.id, COLUMN))}


def assert_kept():
    db.session.flush()
    links = linked()
    assert kept() == {id_: links[id_] for id_ in kept()}  # (SQLite deletes no orphan links: not compared)


def column_of(proposal: Proposal) -> str | None:
    return db.session.scalar(db.select(COLUMN).where(Proposal.id == proposal.id))


def priority_ids(*numbers: int) -> list[int]:
    calls = proposals.current_calls_to_action()
    return [calls[n].id for n in numbers]


@pytest.mark.usefixtures("demo")
def test_the_column_follows_drafting_submission_rerouting_and_deletion(app):
    with app.app_context():
        author = accounts.user_by_email("resident@example.org")
        secretariat = accounts.user_by_email("secretariat@example.org")
        draft = proposals.start_draft(author)
        assert column_of(draft) is None
        proposals.edit(draft, author, title="Benches", problem="Tired", idea="Benches", who_it_helps="Everyone")
        proposals.choose_calls_to_action(draft, author, [3, 2, 5])
        assert column_of(draft) == ",{},{},{},".format(*priority_ids(3, 2, 5))
        assert_kept()
        proposals.choose_calls_to_action(draft, author, [5, 3, 2])  # the same links in another order
        assert kept()[draft.id] == priority_ids(5, 3, 2)
        assert_kept()
        proposals.choose_calls_to_action(draft, author, [4, 3])  # replaced, one kept in another place
        assert kept()[draft.id] == priority_ids(4, 3)
        assert_kept()
        proposals.submit(draft, author)
        assert_kept()
        from_workshop = proposals.start_draft(author, call_to_action=2)
        assert kept()[from_workshop.id] == priority_ids(2)
        answers = {"title": "Lights", "problem": "Dark", "idea": "Lights", "who_it_helps": "Walkers"}
        recorded = moderation.record_for_someone(
            secretariat, name="A resident", email="", source="paper", answers=answers, calls_to_action=[3, 1], ward=""
        )
        assert kept()[recorded.id] == priority_ids(3, 1)
        moderation.reroute(recorded, secretariat, HEALTH, "Theirs")  # the board moves, the calls to action stay
        assert_kept()
        db.session.commit()
        db.session.delete(from_workshop)
        assert_kept()
        db.session.commit()
        assert kept()[draft.id] == priority_ids(4, 3) and kept()[recorded.id] == priority_ids(3, 1)


@pytest.mark.usefixtures("demo")
def test_the_column_follows_a_referral(app):
    reference = make_proposal(app, call=2)
    with app.app_context():
        proposal, member = proposals.by_reference(reference), accounts.user_by_email("member@example.org")
        health = db.session.scalar(db.select(Board).where(Board.slug == HEALTH))
        triage.start_review(proposal, health, member, proposal.version, "ok")
        triage.refer(proposal, health, member, proposal.version, SAFETY, "Theirs")
        assert_kept()
        assert kept()[proposal.id] == priority_ids(2)


def test_the_column_follows_the_demo_loader_plain_sql_and_a_rollback(app):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert_kept()
        assert any(len(ids) > 1 for ids in kept().values())
        db.session.commit()
        two = next(id_ for id_, ids in linked().items() if len(ids) == 2)
        db.session.execute(LINK.update().where(LINK.c.proposal_id == two).values(position=1 - LINK.c.position))
        assert_kept()
        db.session.execute(LINK.delete().where(LINK.c.proposal_id == two, LINK.c.position == 0))
        assert_kept()
        db.session.execute(LINK.insert().values(proposal_id=two, priority_id=priority_ids(5)[0], position=7))
        assert_kept()
        db.session.rollback()
        assert_kept()
        db.session.execute(LINK.delete())
        assert_kept()
        assert set(map(tuple, kept().values())) == {()}
        db.session.rollback()
        db.session.execute(db.delete(Proposal).where(Proposal.status == "accepted"))
        assert_kept()
        db.session.commit()


@pytest.mark.usefixtures("demo")
def test_the_lists_filter_and_show_the_calls_to_action_from_the_column(app, browser, new_browser):
    with app.app_context():
        author = accounts.user_by_email("resident@example.org")
        proposal = proposals.start_draft(author)
        proposals.edit(proposal, author, title="Benches", problem="Tired", idea="Benches", who_it_helps="Everyone")
        proposals.choose_calls_to_action(proposal, author, [2, 3])
        proposals.submit(proposal, author)
        db.session.commit()
        reference = proposal.reference
    make_proposal(app, "Swimming", call=2)
    public = browser.get("/proposals/?call-to-action=3").get_data(as_text=True)
    assert "Benches" in public and "Swimming" not in public
    member = sign_in(new_browser, "member@example.org")
    queue = unescape(member.get(f"/workspace/{HEALTH}/?call-to-action=3").get_data(as_text=True))
    assert f"{reference} · Call to action 2 · The whole borough" in queue and "Swimming" not in queue


@pytest.mark.postgres
@pytest.mark.usefixtures("demo")
def test_links_added_at_once_by_two_transactions_are_both_kept(app):
    """The trigger locks the proposal's row before it reads the links: a transaction that adds a link while another
    holds that lock waits, then sees the other's link too (without the lock, it would write only the links it saw
    when it started)."""
    need("database", DATABASE_URL)
    reference = make_proposal(app, call=2)
    with app.app_context():
        proposal_id = proposals.by_reference(reference).id
        three, five = priority_ids(3, 5)
        engine = db.engine
    first, failures = engine.connect(), []
    first.begin()
    first.execute(LINK.insert().values(proposal_id=proposal_id, priority_id=three, position=1))

    def add_another() -> None:
        try:
            with engine.begin() as second:
                second.execute(LINK.insert().values(proposal_id=proposal_id, priority_id=five, position=2))
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    thread = threading.Thread(target=add_another)
    thread.start()
    time.sleep(0.3)  # the second is waiting on the proposal's row
    first.commit()
    first.close()
    thread.join()
    assert failures == []
    with app.app_context():
        assert kept()[proposal_id] == priority_ids(2, 3, 5)
        assert_kept()


@pytest.mark.postgres
@pytest.mark.usefixtures("demo")
def test_truncating_the_links_empties_the_column(app):
    need("database", DATABASE_URL)
    make_proposal(app, call=2)
    with app.app_context():
        db.session.execute(db.text("TRUNCATE proposal_priority"))
        assert_kept()
        assert set(map(tuple, kept().values())) == {()}
        db.session.rollback()
