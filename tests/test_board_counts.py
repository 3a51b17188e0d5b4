"""A board's proposals per status, and per call to action and status, kept by the database with every change of a
proposal's status, board or calls to action whoever makes it (services, the demo loader, plain SQL), always equal to
counting them; so is each proposal's entry for each of its calls to action, as a queue filtered by one walks them;
and what the queue shows."""

import re
import threading
import time
from datetime import datetime

import pytest
from support import DATABASE_URL, need
from test_triage import HEALTH, SAFETY, demo, make_proposal, sign_in  # noqa: F401 (demo: a fixture)

from engage.accounts import services as accounts
from engage.extensions import db
from engage.partnership.models import Board
from engage.proposals import moderation, statuses
from engage.proposals import services as proposals
from engage.proposals.models import (
    BoardCallToActionCount,
    BoardStatusCount,
    Proposal,
    ProposalPriority,
    QueuedCallToAction,
)
from engage.triage import services as triage


def counted() -> dict[tuple[int, str], int]:
    query = (
        db.select(Proposal.board_id, Proposal.status, db.func.count())
        .where(Proposal.board_id.is_not(None))
        .group_by(Proposal.board_id, Proposal.status)
    )
    return {(board, status): n for board, status, n in db.session.execute(query)}


def kept() -> dict[tuple[int, str], int]:
    query = db.select(BoardStatusCount).where(BoardStatusCount.proposals != 0)
    return {(row.board_id, row.status): row.proposals for row in db.session.scalars(query)}


def counted_by_call_to_action() -> dict[tuple[int, int, str], int]:
    query = (
        db.select(Proposal.board_id, ProposalPriority.priority_id, Proposal.status, db.func.count())
        .join(ProposalPriority, ProposalPriority.proposal_id == Proposal.id)
        .where(Proposal.board_id.is_not(None))
        .group_by(Proposal.board_id, ProposalPriority.priority_id, Proposal.status)
    )
    return {(board, priority, status): n for board, priority, status, n in db.session.execute(query)}


def kept_by_call_to_action() -> dict[tuple[int, int, str], int]:
    query = db.select(BoardCallToActionCount).where(BoardCallToActionCount.proposals != 0)
    return {(row.board_id, row.priority_id, row.status): row.proposals for row in db.session.scalars(query)}


def entries() -> set[tuple]:
    """Each proposal with a board once for each of its calls to action, from the links."""
    query = db.select(
        Proposal.id, ProposalPriority.priority_id, Proposal.board_id, Proposal.status, Proposal.submitted_at
    ).join(ProposalPriority, ProposalPriority.proposal_id == Proposal.id)
    return set(db.session.execute(query.where(Proposal.board_id.is_not(None))).all())


def kept_entries() -> set[tuple]:
    table = QueuedCallToAction.__table__
    return set(db.session.execute(db.select(*table.c)).all())


def assert_kept():
    db.session.flush()
    assert kept() == counted()
    assert kept_by_call_to_action() == counted_by_call_to_action()
    assert kept_entries() == entries()


def board(slug: str) -> Board:
    return db.session.scalar(db.select(Board).where(Board.slug == slug))


@pytest.mark.usefixtures("demo")
def test_counts_follow_submission_every_decision_referral_reroute_withdrawal_and_deletion(app):
    references = [make_proposal(app, f"Idea {n}") for n in range(7)]
    with app.app_context():
        health, member = board(HEALTH), accounts.user_by_email("member@example.org")
        secretariat, author = (
            accounts.user_by_email("secretariat@example.org"),
            accounts.user_by_email("resident@example.org"),
        )
        draft = proposals.start_draft(author)
        assert_kept()
        assert kept()[(health.id, "submitted")] == 7
        found = [proposals.by_reference(r) for r in references]
        for proposal in found:
            triage.start_review(proposal, health, member, proposal.version, "ok")
            assert_kept()
        one, two, three, four, five, six, seven = found
        triage.request_information(one, health, member, one.version, "Which pool?")
        assert_kept()
        proposals.answer_request(one, author, "The one in Mile End")
        assert_kept()
        triage.accept(one, health, member, one.version, "Yes", new_item_title="Free swimming")
        triage.decline(two, health, member, two.version, "No", "Try the council")
        triage.mark_duplicate(three, health, member, three.version, one.reference, "Same")
        assert_kept()
        triage.refer(four, health, member, four.version, SAFETY, "Theirs")  # status and board in one change
        assert_kept()
        moderation.reroute(five, secretariat, SAFETY, "Theirs too")  # the board alone
        assert_kept()
        proposals.withdraw(six, author, "Changed my mind")
        statuses.transition(seven, "escalated", member)
        assert_kept()
        db.session.commit()
        db.session.delete(seven)
        db.session.delete(draft)
        assert_kept()
        db.session.commit()
        safety = board(SAFETY)
        assert {s: n for (b, s), n in kept().items() if b == safety.id} == {"referred": 1, "under_review": 1}


def test_counts_follow_the_demo_loader_plain_sql_and_a_rollback(app):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert_kept()
        assert sum(kept().values()) > 10 and sum(kept_by_call_to_action().values()) > 10 and len(kept_entries()) > 10
        health = board(HEALTH)
        links = ProposalPriority.__table__
        one, two, *_ = proposals.current_calls_to_action().values()
        submitted = db.select(Proposal.id).where(Proposal.status == "submitted").limit(3).subquery()
        db.session.execute(  # a call to action more for three proposals, then one less, then another instead
            links.insert().from_select(
                ["proposal_id", "priority_id", "position"],
                db.select(submitted.c.id, db.literal(one.id), db.literal(9)).where(
                    ~db.exists().where(links.c.proposal_id == submitted.c.id, links.c.priority_id == one.id)
                ),
            )
        )
        assert_kept()
        db.session.execute(links.delete().where(links.c.priority_id == one.id, links.c.position == 9))
        assert_kept()
        other = links.alias("other")
        db.session.execute(
            links.update()
            .where(links.c.priority_id == two.id)
            .where(~db.exists().where(other.c.proposal_id == links.c.proposal_id, other.c.priority_id == one.id))
            .values(priority_id=one.id)
        )
        assert_kept()
        db.session.execute(db.update(Proposal).where(Proposal.status == "submitted").values(status="under_review"))
        assert_kept()
        db.session.execute(db.update(Proposal).where(Proposal.id % 2 == 0).values(submitted_at=datetime(2026, 1, 2)))
        assert_kept()
        db.session.execute(db.update(Proposal).values(board_id=health.id))  # every proposal to one board
        assert_kept()
        db.session.rollback()
        assert_kept()
        db.session.execute(db.delete(Proposal).where(Proposal.status == "accepted"))
        assert_kept()
        db.session.commit()


@pytest.mark.usefixtures("demo")
def test_the_queue_shows_the_kept_counts(app, new_browser):
    for n in range(3):
        make_proposal(app, f"Idea {n}")
    make_proposal(app, "Safety idea", call=3)
    with app.app_context():
        proposal = db.session.scalar(db.select(Proposal).where(Proposal.title == "Idea 0"))
        triage.start_review(
            proposal, board(HEALTH), accounts.user_by_email("member@example.org"), proposal.version, "ok"
        )
        db.session.commit()
    page = sign_in(new_browser, "member@example.org").get(f"/workspace/{HEALTH}/").get_data(as_text=True)
    shown = dict(re.findall(r'\?status=(\w+)"[^>]*>[^<:]+: (\d+)</a>', page))
    assert shown["submitted"] == "2" and shown["under_review"] == "1" and shown["accepted"] == "0"
    assert 'aria-live="polite">3 proposals</h2>' in page


@pytest.mark.postgres
@pytest.mark.usefixtures("demo")
def test_concurrent_moves_both_ways_lose_no_count_and_never_deadlock(app):
    """Transactions moving proposals both ways between two statuses at once wait on the counters' rows: none loses
    an update, and none deadlocks (each locks the two counters in the same order, whichever way it moves)."""
    need("database", DATABASE_URL)
    references = [make_proposal(app, f"Idea {n}") for n in range(12)]
    with app.app_context():
        health, member = board(HEALTH), accounts.user_by_email("member@example.org")
        health_id = health.id
        for n, reference in enumerate(references):
            proposal = proposals.by_reference(reference)
            triage.start_review(proposal, health, member, proposal.version, "ok")
            if n % 2:
                statuses.transition(proposal, "escalated", member)
        db.session.commit()
    start, failures = threading.Barrier(len(references)), []

    def move(reference: str) -> None:
        with app.app_context():
            try:
                proposal = proposals.by_reference(reference)
                start.wait(timeout=30)
                statuses.transition(
                    proposal, "escalated" if proposal.status == "under_review" else "under_review", None
                )
                db.session.flush()
                time.sleep(0.05)  # holding its counters while the others try to take them
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (a deadlock or anything else: reported below)
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=move, args=(reference,)) for reference in references]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        assert_kept()
        assert {s: n for (b, s), n in kept().items() if b == health_id} == {"under_review": 6, "escalated": 6}
