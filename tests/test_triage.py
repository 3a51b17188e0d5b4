"""A board's triage workspace: the queue, each decision and who is told, races between members, PEG escalations."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from support import DATABASE_URL, QueryCounter, csrf_token, need

from engage.accounts import services as accounts
from engage.audit import services as audit
from engage.cli import DEMO_PASSWORD
from engage.extensions import db
from engage.partnership.models import Board
from engage.programmes import services as programmes
from engage.programmes.models import AgendaItem, Meeting
from engage.proposals import services as proposals
from engage.proposals.models import Follow, Proposal, Support
from engage.time import utcnow
from engage.triage import queue
from engage.triage import services as triage
from engage.triage.models import Escalation

HEALTH = "health-and-wellbeing-board"  # member@ and chair@ sit on it; it leads call to action 2
SAFETY = "community-safety-partnership"  # officer@ sits on it; it leads call to action 3


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def sign_in(new_browser, email):
    person = new_browser()
    assert person.submit("/account/sign-in", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
    return person


def make_proposal(
    app, title="Free swimming for carers", call=2, author="resident@example.org", days_ago=0, also=()
) -> str:
    """A submitted proposal, its primary call to action `call` (which decides its board) and `also` those."""
    with app.app_context():
        person = accounts.user_by_email(author)
        proposal = proposals.start_draft(person)
        proposals.edit(proposal, person, title=title, problem="A problem", idea="An idea", who_it_helps="Carers")
        proposals.choose_calls_to_action(proposal, person, [call, *also])
        proposals.submit(proposal, person, now=utcnow() - timedelta(days=days_ago))
        db.session.commit()
        return proposal.reference


def proposal_of(app, reference) -> Proposal:
    with app.app_context():
        found = proposals.by_reference(reference)
        db.session.expunge(found)
        return found


def decide(person, reference, decision, data, board=HEALTH, **kwargs):
    page = f"/workspace/{board}/proposals/{reference}/{decision}"
    html = person.get(page).get_data(as_text=True)
    version = html.split('name="version" type="hidden" value="')[1].split('"')[0]
    return person.submit(page, {"version": version, **data}, page=page, **kwargs)


def test_a_proposal_goes_from_the_queue_to_a_work_programme_item(app, demo, new_browser, deliver):
    reference = make_proposal(app)
    follower = sign_in(new_browser, "partner@example.org")
    follower.submit(f"/proposals/{reference}/follow", {}, page=f"/proposals/{reference}")
    deliver()
    member = sign_in(new_browser, "member@example.org")
    queue_page = member.get(f"/workspace/{HEALTH}/").get_data(as_text=True)
    assert reference in queue_page and "Submitted: 1" in queue_page

    form = member.get(f"/workspace/{HEALTH}/proposals/{reference}/start-review").get_data(as_text=True)
    assert "The board has started to review it" in form  # the board's wording to start from
    assert decide(member, reference, "start-review", {"reason": "We are looking at it."}).status_code == 302
    response = decide(
        member,
        reference,
        "accept",
        {
            "reason": "Yes: it joins our programme.",
            "note": "Budget from the leisure fund",
            "new_item_title": "Carers swim free",
        },
    )
    assert response.status_code == 302
    workspace = member.get(f"/workspace/{HEALTH}/proposals/{reference}").get_data(as_text=True)
    assert "Carers swim free" in workspace and "Budget from the leisure fund" in workspace  # the note is the board's

    with app.app_context():
        proposal = proposals.by_reference(reference)
        assert proposal.status == "accepted"
        item = programmes.item_of(proposal)
        assert item.title == "Carers swim free" and item.programme.board.slug == HEALTH
        assert [c.number for c in item.calls_to_action] == [2]
        assert [c.internal_note for c in proposal.journey][-1] == "Budget from the leisure fund"
        assert {e.action for e in audit.trail(proposal)} >= {"start-review", "accept"}
    told = [(m["To"], m["Subject"]) for m in deliver()]
    assert told.count(("resident@example.org", f"News about your proposal {reference}: Accepted")) == 1
    assert sum(1 for to, subject in told if to == "partner@example.org" and "Accepted" in subject) == 1
    public = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    assert "Yes: it joins our programme." in public and "Budget from the leisure fund" not in public
    assert "Carers swim free" not in public  # its programme is not published yet
    with app.app_context():
        item = programmes.item_of(proposals.by_reference(reference))
        programmes.publish(item.programme, accounts.user_by_email("member@example.org"))
        db.session.commit()
        item_page = f"/boards/{HEALTH}/work-programme/{item.programme.label}/items/{item.id}"
    public = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    assert "It is now part of the board's work programme" in public and item_page in public
    assert reference in app.test_client().get(item_page).get_data(as_text=True)  # and the item points back


def test_the_reason_starts_from_the_boards_wording_in_the_authors_language(app, demo, new_browser):
    with app.app_context():
        accounts.user_by_email("resident@example.org").language = "bn"
        db.session.commit()
    reference = make_proposal(app)
    chair = sign_in(new_browser, "chair@example.org")
    chair.submit(
        f"/workspace/{HEALTH}/responses/decline",
        {"english": "No, sorry.", "bengali": "দুঃখিত, না।"},
    )
    decide(chair, reference, "start-review", {"reason": "ok"})
    form = chair.get(f"/workspace/{HEALTH}/proposals/{reference}/decline").get_data(as_text=True)
    assert "দুঃখিত, না।" in form and "No, sorry." not in form
    assert "No, sorry." in chair.get(f"/workspace/{HEALTH}/responses").get_data(as_text=True)


def test_a_decline_must_say_where_else_to_go_and_keeps_what_was_typed(app, demo, new_browser, deliver):
    reference = make_proposal(app)
    member = sign_in(new_browser, "member@example.org")
    decide(member, reference, "start-review", {"reason": "ok"})
    page = decide(member, reference, "decline", {"reason": "<b>Not for us</b>", "signpost": ""})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Say where the resident can take their idea instead" in html
    assert "&lt;b&gt;Not for us&lt;/b&gt;" in html
    assert (
        decide(
            member, reference, "decline", {"reason": "Not for us.", "signpost": "Ask your ward councillor."}
        ).status_code
        == 302
    )
    assert proposal_of(app, reference).status == "declined"
    [mail] = [m for m in deliver() if "Declined" in m["Subject"]]
    assert "Ask your ward councillor." in mail.get_body(("plain",)).get_content()


def test_asking_for_more_information_waits_for_the_author_and_tells_only_them(app, demo, new_browser, deliver):
    reference = make_proposal(app)
    sign_in(new_browser, "partner@example.org").submit(
        f"/proposals/{reference}/follow", {}, page=f"/proposals/{reference}"
    )
    member = sign_in(new_browser, "member@example.org")
    decide(member, reference, "start-review", {"reason": "ok"})
    before = len(deliver())  # deliver() returns every message so far
    decide(member, reference, "request-information", {"reason": "Which pools do you mean?"})
    told = {m["To"] for m in deliver()[before:]}
    assert told == {"resident@example.org"}
    author = sign_in(new_browser, "resident@example.org")
    author.submit(f"/proposals/{reference}/answer", {"answer": "Mile End and York Hall."})
    assert proposal_of(app, reference).status == "under_review"


def test_a_referral_moves_the_proposal_to_the_other_boards_queue(app, demo, new_browser, deliver):
    reference = make_proposal(app)
    member = sign_in(new_browser, "member@example.org")
    decide(member, reference, "start-review", {"reason": "ok"})
    deliver()
    decide(member, reference, "refer", {"reason": "Safety leads on this.", "to_board": SAFETY})
    assert member.get(f"/workspace/{HEALTH}/proposals/{reference}").status_code == 404
    officer = sign_in(new_browser, "officer@example.org")
    assert reference in officer.get(f"/workspace/{SAFETY}/").get_data(as_text=True)
    assert decide(officer, reference, "start-review", {"reason": "We have it."}, board=SAFETY).status_code == 302
    assert proposal_of(app, reference).status == "under_review"
    assert "officer@example.org" in {m["To"] for m in deliver()}  # the new board is told it has it


def test_a_duplicate_joins_its_people_to_the_kept_proposal_counting_each_once(app, demo, new_browser, deliver):
    kept = make_proposal(app, "Free swimming for unpaid carers", author="partner@example.org")
    duplicate = make_proposal(app, "Let carers swim for free")
    for email in ("secretariat@example.org", "admin@example.org"):
        person = sign_in(new_browser, email)
        person.submit(f"/proposals/{duplicate}/support", {}, page=f"/proposals/{duplicate}")
        if email == "admin@example.org":
            person.submit(f"/proposals/{kept}/support", {}, page=f"/proposals/{kept}")
    deliver()
    member = sign_in(new_browser, "member@example.org")
    decide(member, duplicate, "start-review", {"reason": "ok"})
    decide(member, duplicate, "duplicate", {"reason": "Same idea.", "kept": kept.lower()})
    with app.app_context():
        kept_row = proposals.by_reference(kept)
        assert kept_row.supports == 2  # admin counted once, secretariat added
        supporters = set(db.session.scalars(db.select(Support.user_id).where(Support.proposal_id == kept_row.id)))
        followers = set(db.session.scalars(db.select(Follow.user_id).where(Follow.proposal_id == kept_row.id)))
        assert len(supporters) == 2 and accounts.user_by_email("resident@example.org").id in followers
        assert proposals.by_reference(duplicate).duplicate_of_id == kept_row.id
    subjects = {(m["To"], m["Subject"]) for m in deliver()}
    assert ("partner@example.org", f"Another proposal has joined yours: {kept}") in subjects
    assert ("resident@example.org", f"News about your proposal {duplicate}: Duplicate") in subjects
    page = app.test_client().get(f"/proposals/{duplicate}").get_data(as_text=True)
    assert f"/proposals/{kept}" in page and "This proposal has joined another" in page


def test_a_proposal_cannot_duplicate_itself_or_a_missing_one(app, demo, new_browser):
    reference = make_proposal(app)
    member = sign_in(new_browser, "member@example.org")
    decide(member, reference, "start-review", {"reason": "ok"})
    assert "cannot be a duplicate of itself" in decide(
        member, reference, "duplicate", {"reason": "x", "kept": reference}
    ).get_data(as_text=True)
    assert "Enter the reference of a published proposal" in decide(
        member, reference, "duplicate", {"reason": "x", "kept": "TH-1999-00001"}
    ).get_data(as_text=True)
    assert proposal_of(app, reference).status == "under_review"


def test_two_members_deciding_at_once_cannot_both_win(app, demo, new_browser):
    reference = make_proposal(app)
    member, chair = sign_in(new_browser, "member@example.org"), sign_in(new_browser, "chair@example.org")
    decide(member, reference, "start-review", {"reason": "ok"})
    page = f"/workspace/{HEALTH}/proposals/{reference}/decline"
    seen_by_member = member.get(page).get_data(as_text=True)
    seen_by_chair = chair.get(page).get_data(as_text=True)
    version = seen_by_member.split('name="version" type="hidden" value="')[1].split('"')[0]
    first = member.client.post(
        page,
        data={"csrf_token": csrf_token(seen_by_member), "version": version, "reason": "No.", "signpost": "Elsewhere."},
    )
    second = chair.client.post(
        page,
        data={
            "csrf_token": csrf_token(seen_by_chair),
            "version": version,
            "reason": "My careful words",
            "signpost": "Here",
        },
    )
    assert first.status_code == 302
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "This proposal changed while you were looking at it" in html
    assert "My careful words" in html  # nothing typed is lost
    with app.app_context():
        proposal = proposals.by_reference(reference)
        assert proposal.status == "declined" and [c.public_reason for c in proposal.journey][-1] == "No.\n\nElsewhere."


def test_a_decision_racing_a_commit_in_between_is_refused_by_the_database(app, demo):
    """Both read version N; one commits; the other's UPDATE ... WHERE version = N finds nothing and is refused."""
    reference = make_proposal(app)
    with app.app_context():
        board = db.session.scalar(db.select(Board).where(Board.slug == HEALTH))
        member = accounts.user_by_email("member@example.org")
        proposal = proposals.by_reference(reference)
        seen = proposal.version
        with db.engine.begin() as other:  # another member's request, committed meanwhile
            other.execute(
                db.update(Proposal).where(Proposal.id == proposal.id).values(status="under_review", version=seen + 1)
            )
        with pytest.raises(Exception, match="changed while you were looking"):
            triage.start_review(proposal, board, member, seen, "ok")
        db.session.rollback()
        assert proposals.by_reference(reference).version == seen + 1


def test_an_escalation_goes_on_pegs_next_agenda_and_pegs_decision_comes_back(app, demo, new_browser, deliver):
    with app.app_context():
        peg = db.session.scalar(db.select(Board).where(Board.slug == triage.PEG))
        db.session.add(
            Meeting(
                board_id=peg.id, starts_at=utcnow() + timedelta(days=9), ends_at=utcnow() + timedelta(days=9, hours=2)
            )
        )
        accounts.grant(accounts.user_by_email("admin@example.org"), "board_member", triage.PEG)
        db.session.commit()
    reference = make_proposal(app)
    member = sign_in(new_browser, "member@example.org")
    decide(member, reference, "start-review", {"reason": "ok"})
    missing = decide(
        member,
        reference,
        "escalate",
        {"reason": "PEG will decide.", "issue": "Needs money", "ask": "", "why_not_resolved": "x"},
    )
    assert "Say what the board asks PEG for" in missing.get_data(as_text=True)
    decide(
        member,
        reference,
        "escalate",
        {"reason": "PEG will decide.", "issue": "Needs money", "ask": "Fund it", "why_not_resolved": "No budget"},
    )
    with app.app_context():
        escalation = db.session.scalar(db.select(Escalation))
        [agenda] = db.session.scalars(db.select(AgendaItem)).all()
        assert agenda.guaranteed and agenda.escalation_id == escalation.id and "Fund it" in agenda.paper
        assert proposals.by_reference(reference).status == "escalated"
        escalation_id = escalation.id
    assert sign_in(new_browser, "member@example.org").get(f"/workspace/{triage.PEG}/escalations").status_code == 403
    deliver()
    peg_member = sign_in(new_browser, "admin@example.org")
    page = f"/workspace/{triage.PEG}/escalations/{escalation_id}"
    assert "No budget" in peg_member.get(page).get_data(as_text=True)
    peg_member.submit(page, {"outcome": "under_review", "reason": "Use the prevention fund."})
    assert proposal_of(app, reference).status == "under_review"
    # Back with the board, its workspace still shows the escalation and PEG's answer.
    workspace = member.get(f"/workspace/{HEALTH}/proposals/{reference}").get_data(as_text=True)
    assert "No budget" in workspace and "Use the prevention fund." in workspace
    told = {(m["To"], m["Subject"]) for m in deliver()}
    assert ("member@example.org", f"PEG has decided on {reference}: Under review") in told
    assert ("resident@example.org", f"News about your proposal {reference}: Under review") in told


def test_an_escalation_without_a_peg_meeting_waits_for_one(app, demo):
    reference = make_proposal(app)
    with app.app_context():
        board = db.session.scalar(db.select(Board).where(Board.slug == HEALTH))
        member = accounts.user_by_email("member@example.org")
        proposal = proposals.by_reference(reference)
        triage.start_review(proposal, board, member, proposal.version, "ok")
        triage.escalate(proposal, board, member, proposal.version, issue="i", ask="a", why_not_resolved="w", reason="r")
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(AgendaItem)) == 0
        assert [e.proposal.reference for e in triage.open_escalations()] == [reference]


def test_bulk_actions_start_reviews_and_assign(app, demo, new_browser, deliver):
    references = [make_proposal(app, f"Idea {n}") for n in range(3)]
    chair = sign_in(new_browser, "chair@example.org")
    queue_page = f"/workspace/{HEALTH}/"
    token = csrf_token(chair.get(queue_page).get_data(as_text=True))
    chair.client.post(f"/workspace/{HEALTH}/bulk", data={"csrf_token": token, "proposal": references[:2], "start": "x"})
    with app.app_context():
        member_id = accounts.user_by_email("member@example.org").id
        assert [proposals.by_reference(r).status for r in references] == ["under_review", "under_review", "submitted"]
    chair.client.post(
        f"/workspace/{HEALTH}/bulk",
        data={"csrf_token": token, "proposal": references, "assignee": str(member_id), "assign": "x"},
    )
    member = sign_in(new_browser, "member@example.org")
    assert all(r in member.get(f"{queue_page}?assignee=me").get_data(as_text=True) for r in references)
    page = member.get(f"/workspace/{HEALTH}/proposals/{references[0]}").get_data(as_text=True)
    assert "Assigned to</dt>" in page and "Ayesha Khan" in page.split("Assigned to</dt>")[1].split("</dd>")[0]
    assert sum(1 for m in deliver() if m["Subject"].endswith("Under review")) == 2


def test_a_member_given_proposals_is_told_once_for_each_assignment_naming_every_proposal(
    app, demo, new_browser, deliver
):
    references = [make_proposal(app, f"Idea {n}") for n in range(3)]
    with app.app_context():
        member_id = str(accounts.user_by_email("member@example.org").id)
        chair_id = str(accounts.user_by_email("chair@example.org").id)
    before = len(deliver())
    chair = sign_in(new_browser, "chair@example.org")
    decide(chair, references[0], "assign", {"assignee": member_id})
    token = csrf_token(chair.get(f"/workspace/{HEALTH}/").get_data(as_text=True))
    for assignee in (member_id, chair_id):  # the second time, the chair takes all three themselves
        data = {"csrf_token": token, "proposal": references, "assignee": assignee, "assign": "x"}
        chair.client.post(f"/workspace/{HEALTH}/bulk", data=data)
    sent = deliver()[before:]
    assert [m["To"] for m in sent] == ["member@example.org"] * 2
    assert sent[0]["Subject"] == f"{references[0]} is yours to look after"
    # the proposal the member had already is not given again
    assert sent[1]["Subject"] == f"2 proposals are yours to look after: {references[1]}, {references[2]}"
    body = sent[1].get_body(("plain",)).get_content()
    assert "Idea 1" in body and f"/workspace/{HEALTH}/proposals/{references[2]}" in body


def test_chairs_and_officers_get_one_daily_list_of_their_boards_proposals_past_the_target(app, demo, deliver):
    from worker.tasks import send_overdue_digests

    old = [make_proposal(app, f"Old idea {n}", days_ago=30 + n) for n in range(2)]
    make_proposal(app, "New idea")
    safety = make_proposal(app, "Safety idea", call=3, days_ago=30)
    before = len(deliver())
    day = date.today() + timedelta(days=-date.today().weekday() + 7)  # next Monday
    with app.app_context():
        assert send_overdue_digests.run(day.isoformat()) == send_overdue_digests.run(day.isoformat()) == 2
        assert send_overdue_digests.run((day + timedelta(days=5)).isoformat()) == 0  # a Saturday
    messages = deliver()[before:]
    sent = {m["To"]: m for m in messages}
    assert len(messages) == 2 and sorted(sent) == ["chair@example.org", "officer@example.org"]  # not the member
    chair = sent["chair@example.org"]
    assert chair["Subject"] == (
        f"2 proposals are past the Health and Wellbeing Board's target to acknowledge them: {old[1]}, {old[0]}"
    )
    body = chair.get_body(("plain",)).get_content()
    assert "Old idea 0" in body and "Old idea 1" in body and "New idea" not in body
    assert sent["officer@example.org"]["Subject"].startswith(f"{safety} is past the Community Safety Partnership")


def test_the_queues_form_carries_its_own_sessions_token_only(app, demo, new_browser):
    [first, second] = [make_proposal(app, f"Idea {n}") for n in range(2)]
    chair, member = sign_in(new_browser, "chair@example.org"), sign_in(new_browser, "member@example.org")
    queue_page = f"/workspace/{HEALTH}/"
    chairs = csrf_token(chair.get(queue_page).get_data(as_text=True))
    members = csrf_token(member.get(queue_page).get_data(as_text=True))
    assert chairs != members and csrf_token(chair.get(queue_page).get_data(as_text=True)) == chairs
    refused = member.client.post(f"{queue_page}bulk", data={"csrf_token": chairs, "proposal": [first], "start": "x"})
    assert refused.status_code == 400
    member.client.post(f"{queue_page}bulk", data={"csrf_token": members, "proposal": [second], "start": "x"})
    with app.app_context():
        assert [proposals.by_reference(r).status for r in (first, second)] == ["submitted", "under_review"]


def test_the_queue_filters_sorts_and_flags_what_waited_too_long(app, demo, new_browser):
    old = make_proposal(app, "Old idea", days_ago=30)
    new = make_proposal(app, "New idea")
    other_board = make_proposal(app, "Safety idea", call=3)
    member = sign_in(new_browser, "member@example.org")
    page = member.get(f"/workspace/{HEALTH}/").get_data(as_text=True)
    assert other_board not in page and page.index(old) < page.index(new)  # waiting longest first
    assert page.count("Overdue") == 1
    overdue = member.get(f"/workspace/{HEALTH}/?age=overdue").get_data(as_text=True)
    assert old in overdue and new not in overdue
    newest = member.get(f"/workspace/{HEALTH}/?sort=newest").get_data(as_text=True)
    assert newest.index(new) < newest.index(old)
    assert new not in member.get(f"/workspace/{HEALTH}/?call-to-action=3").get_data(as_text=True)
    for unknown in ("call-to-action=99", "ward=nowhere"):  # nothing matches, not everything
        assert "No proposals match" in member.get(f"/workspace/{HEALTH}/?{unknown}").get_data(as_text=True)
    assert member.get(f"/workspace/{HEALTH}/?status=nonsense&page=x&age=<script>").status_code == 200

    def matching(query: str) -> int:
        html = member.get(f"/workspace/{HEALTH}/?{query}").get_data(as_text=True)
        return int(re.search(r'aria-live="polite">(\d+) proposals?</h2>', html)[1])

    # Filtered by status alone, the queue adds up its counts per status; otherwise it counts the matches: the same.
    for status in ("open", "all", "submitted"):
        ages = sum(matching(f"status={status}&age={age}") for age in ("week", "month", "older"))
        assert matching(f"status={status}") == ages > 0


def test_a_filtered_queue_counts_up_to_a_cap_and_its_pages_follow_one_another(app, demo, new_browser, monkeypatch):
    """Filtered by a ward or an assignee, the queue counts its matches up to a cap (or the page's depth); by its
    status alone, it says exactly how many from the board's counters. Past the last page, it still counts."""
    monkeypatch.setattr(queue, "COUNT_CAP", 5)
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    made = [make_proposal(app, f"Idea {n}", days_ago=8 - n) for n in range(8)]
    member = sign_in(new_browser, "member@example.org")

    def page(query):
        html = member.get(f"/workspace/{HEALTH}/?{query}").get_data(as_text=True)
        heading = re.search(r'aria-live="polite">([^<]+)</h2>', html)[1]
        return heading, re.findall(r'id="select-([^"]+)"', html), 'rel="next"' in html

    assert page("ward=borough-wide") == ("More than 5 proposals", made[:2], True)
    assert page("ward=borough-wide&page=3") == ("More than 6 proposals", made[4:6], True)
    assert page("ward=borough-wide&page=4") == ("8 proposals", made[6:], False)
    assert page("ward=borough-wide&page=9")[0] == "8 proposals"
    assert page("assignee=none&call-to-action=2")[0] == "More than 5 proposals"
    assert page("call-to-action=0")[0] == "0 proposals"  # no such call to action: nothing, not everything
    assert page("")[0] == "8 proposals"

    # Following its "Next" links from the first page lists every match once, in order, with the filter kept; each
    # "Previous" link leads back to the page before.
    def link(html, rel):
        found = re.search(f'href="([^"]+)" rel="{rel}"', html)
        return found and found[1].replace("&amp;", "&")

    address, listed, pages = f"/workspace/{HEALTH}/?ward=borough-wide", [], 0
    while address:
        html = member.get(address).get_data(as_text=True)
        pages += 1
        listed += re.findall(r'id="select-([^"]+)"', html)
        assert link(html, "prev") == (f"/workspace/{HEALTH}/?ward=borough-wide&page={pages - 1}" if pages > 1 else None)
        address = link(html, "next")
    assert (listed, pages) == (made, 4)


def every_page(person, query: str) -> tuple[set[str], list[str], int]:
    """The queue's pages for a query, from the first until one without a "Next" link: their headings, the references
    they list in order, and how many pages."""
    headings, listed, number = set(), [], 0
    while True:
        number += 1
        html = person.get(f"/workspace/{HEALTH}/?{query}&page={number}").get_data(as_text=True)
        headings.add(re.search(r'aria-live="polite">([^<]+)</h2>', html)[1])
        listed += re.findall(r'id="select-([^"]+)"', html)
        if 'rel="next"' not in html:
            return headings, listed, number


def test_a_queue_filtered_by_age_alone_says_exactly_how_many_however_many_and_pages_through_them(
    app, demo, new_browser, monkeypatch
):
    """Filtered by its status and a time before which they were submitted (overdue, older), the queue counts its
    matches exactly beyond the cap: the board's counters less those submitted since. Every page, past the last
    too, says the same number, and the pages list that many, each once."""
    monkeypatch.setattr(queue, "COUNT_CAP", 5)
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    old = [make_proposal(app, f"Old idea {n}", days_ago=40 + n) for n in range(8)]
    recent = [make_proposal(app, f"Recent idea {n}", days_ago=n) for n in range(3)]
    with app.app_context():
        health, member = (
            db.session.scalar(db.select(Board).where(Board.slug == HEALTH)),
            accounts.user_by_email("member@example.org"),
        )
        for reference in (old[0], recent[0]):  # under review: open, no longer waiting on the board
            proposal = proposals.by_reference(reference)
            triage.start_review(proposal, health, member, proposal.version, "ok")
        db.session.commit()
    browser = sign_in(new_browser, "member@example.org")

    assert every_page(browser, "age=older") == ({"8 proposals"}, old[::-1], 4)
    assert every_page(browser, "age=overdue&sort=supported") == ({"7 proposals"}, old[:0:-1], 4)
    assert every_page(browser, "status=under_review&age=older") == ({"1 proposal"}, old[:1], 1)
    beyond = browser.get(f"/workspace/{HEALTH}/?age=overdue&page=9").get_data(as_text=True)
    assert 'aria-live="polite">7 proposals</h2>' in beyond and "No proposals match" in beyond
    # Filtered by more than that, the count stops at the cap, as before.
    capped = {"More than 5 proposals", "More than 6 proposals", "8 proposals"}
    assert every_page(browser, "age=older&ward=borough-wide")[0] == capped


def test_a_queue_filtered_by_a_call_to_action_says_exactly_how_many_however_many_and_pages_through_them(
    app, demo, new_browser, monkeypatch
):
    """Filtered by a call to action (with its status, and overdue or older), the queue counts its matches exactly
    beyond the cap from the board's counters per call to action, which follow every decision: every page, past the
    last too, says the same number, and the pages list that many, each once, in order."""
    monkeypatch.setattr(queue, "COUNT_CAP", 3)
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    AGES = (70, 58, 46, 34, 5)  # days since each was sent: the last neither older than 4 weeks nor overdue
    only_two = [make_proposal(app, f"Swimming {n}", days_ago=65 - n) for n in range(4)]
    also_three = [make_proposal(app, f"Safe pools {n}", also=(3,), days_ago=days) for n, days in enumerate(AGES)]
    make_proposal(app, "Street lights", call=3)  # in another board's queue
    browser = sign_in(new_browser, "member@example.org")

    assert every_page(browser, "call-to-action=3") == ({"5 proposals"}, also_three, 3)
    assert every_page(browser, "call-to-action=2") == ({"9 proposals"}, also_three[:1] + only_two + also_three[1:], 5)
    assert every_page(browser, "call-to-action=3&age=older") == ({"4 proposals"}, also_three[:4], 2)
    assert every_page(browser, "call-to-action=3&age=overdue&sort=supported") == ({"4 proposals"}, also_three[:4], 2)
    assert every_page(browser, "call-to-action=3&sort=newest") == ({"5 proposals"}, also_three[::-1], 3)
    assert every_page(browser, "call-to-action=3&ward=borough-wide")[1] == also_three  # with a ward: up to the cap
    beyond = browser.get(f"/workspace/{HEALTH}/?call-to-action=3&page=9").get_data(as_text=True)
    assert 'aria-live="polite">5 proposals</h2>' in beyond and "No proposals match" in beyond

    decide(browser, also_three[0], "start-review", {"reason": "ok"})
    decide(browser, also_three[1], "start-review", {"reason": "ok"})
    decide(browser, also_three[1], "decline", {"reason": "Not for us.", "signpost": "Ask the council."})
    assert every_page(browser, "call-to-action=3") == ({"4 proposals"}, also_three[:1] + also_three[2:], 2)
    assert every_page(browser, "call-to-action=3&status=under_review")[:2] == ({"1 proposal"}, also_three[:1])
    assert every_page(browser, "call-to-action=3&status=all")[:2] == ({"5 proposals"}, also_three)
    waiting = also_three[2:4]  # on the board: not under review, nor declined
    assert every_page(browser, "call-to-action=3&age=overdue")[:2] == ({"2 proposals"}, waiting)


@pytest.mark.postgres
@pytest.mark.parametrize("index", ["ix_proposal_board_open", "ix_queued_call_to_action_open"])
def test_the_indexes_of_open_proposals_hold_the_queues_open_statuses(app, index):
    """PostgreSQL's indexes of a board's open proposals (migration e5a7c9b1d3f6), and of their calls to action
    (a3c5e7f9b1d4), serve the queue's "open" filter only while their condition names the statuses
    engage.triage.queue.OPEN does."""
    need("database", DATABASE_URL)
    with app.app_context():
        made = db.session.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = :index"), {"index": index})
    assert sorted(re.findall(r"'(\w+)'", made)) == sorted(queue.OPEN)


def test_each_row_says_its_words_in_the_pages_language_and_links_to_its_proposal(app, demo, new_browser):
    old, new = make_proposal(app, "Old idea", days_ago=30), make_proposal(app, "New idea")
    member = sign_in(new_browser, "member@example.org")
    written = member.get(f"/workspace/{HEALTH}/").get_data(as_text=True)
    assert written.isascii()  # its "·", "–" and "বাংলা" as character references: joined and sent as it is
    english = html.unescape(written)
    for reference in (old, new):
        assert f'href="/workspace/{HEALTH}/proposals/{reference}"' in english
        assert f"Select {reference}" in english and f"{reference} · Call to action 2 · The whole borough" in english
    assert "0 working days" in english and "Nobody</td>" in english and english.count(">Overdue<") == 1
    bengali = html.unescape(member.get(f"/workspace/{HEALTH}/?lang=bn").get_data(as_text=True))
    marked = '<span lang="en">{}</span>'.format  # written in Latin letters: read in an English voice
    assert f"{marked(new)} · পদক্ষেপের আহ্বান 2 · পুরো বারা" in bengali and f"{marked(old)} বাছাই করুন" in bengali
    assert "0 কার্যদিবস" in bengali and "working day" not in bengali  # the waits of the English page, in Bengali
    assert "কেউ নন</td>" in bengali and ">সময় পেরিয়ে গেছে<" in bengali


def test_working_days_skip_weekends():
    from datetime import date

    friday, monday = date(2026, 11, 20), date(2026, 11, 23)
    assert queue.working_days(friday, monday) == 1
    assert queue.working_days(friday, friday + timedelta(days=14)) == 10
    # The latest day from which so many working days have passed: a proposal sent that day or earlier is overdue.
    assert queue.working_days_before(monday, 1) == date(2026, 11, 22)
    assert queue.working_days_before(monday, 2) == date(2026, 11, 19)
    # From any day of the week, over any span: the weekdays counted one by one.
    for start in (monday + timedelta(days=n) for n in range(7)):
        for span in range(-2, 40):
            end = start + timedelta(days=span)
            weekdays = sum((start + timedelta(days=n)).weekday() < 5 for n in range(1, span + 1))
            assert queue.working_days(start, end) == weekdays, (start, end)


WORKSPACE_PAGES = [
    "/workspace/{board}/",
    "/workspace/{board}/proposals/{reference}",
    "/workspace/{board}/proposals/{reference}/start-review",
    "/workspace/{board}/proposals/{reference}/assign",
    "/workspace/{board}/responses",
    "/workspace/{board}/responses/decline",
]
EXPECTED = {
    "anonymous": 302,
    "resident": 403,
    "partner@example.org": 403,
    "officer@example.org": 403,  # another board's officer
    "member@example.org": 200,
    "chair@example.org": 200,
    "secretariat@example.org": 200,
    "admin@example.org": 200,
}


@pytest.mark.parametrize("who", EXPECTED)
def test_only_the_boards_own_people_the_secretariat_and_admins_use_its_workspace(app, demo, new_browser, who):
    reference = make_proposal(app)
    person = (
        new_browser() if who == "anonymous" else sign_in(new_browser, who if "@" in who else "resident@example.org")
    )
    for page in WORKSPACE_PAGES:
        response = person.get(page.format(board=HEALTH, reference=reference))
        assert response.status_code == EXPECTED[who], page
    token = csrf_token(
        person.get("/account/sign-in" if who == "anonymous" else "/account/delete").get_data(as_text=True)
    )
    bulk = f"/workspace/{HEALTH}/bulk"
    post = person.client.post(bulk, data={"csrf_token": token, "proposal": [reference], "start": "x"})
    allowed = EXPECTED[who] == 200
    assert post.status_code == (302 if allowed else EXPECTED[who])
    assert proposal_of(app, reference).status == ("under_review" if allowed else "submitted")


def test_a_board_that_does_not_exist_is_not_found(app, demo, new_browser):
    assert sign_in(new_browser, "admin@example.org").get("/workspace/no-such-board/").status_code == 404


def test_the_queue_costs_the_same_queries_with_10_or_300_proposals(app, demo, new_browser):
    from test_query_counts import add_proposals

    chair = sign_in(new_browser, "chair@example.org")
    with app.app_context():
        engine = db.engine

    def count(url):
        with QueryCounter(engine) as counter:
            assert chair.get(url).status_code == 200
        queue_statements = [sql for sql in counter.statements if "board_status_count" in sql]
        # Its values are all ours, written in: the same text each time, planned once by PostgreSQL (see queue._value).
        assert engine.dialect.name != "postgresql" or not any("%(" in sql for sql in queue_statements), queue_statements
        return counter.count, queue_statements

    add_proposals(app, 10, 0)
    urls = [
        f"/workspace/{HEALTH}/",
        f"/workspace/{HEALTH}/?sort=supported&age=overdue&call-to-action=2",
        f"/workspace/{HEALTH}/?sort=supported&age=overdue",
    ]
    few = [count(url) for url in urls]
    add_proposals(app, 290, 10)
    assert [count(url) for url in urls] == few
    # The signed-in session and the page with its counts and the board's members (and a count when the page is
    # empty, as the filtered one is): the board itself is kept by each process.
    assert [counted for counted, _ in few] == [2, 3, 3]


HOSTILE = "<script>alert(1)</script>\u202e\u0000 👩‍👩‍👧 "


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("proposals/{reference}/request-information", {"reason": HOSTILE * 600}),
        (
            "proposals/{reference}/escalate",
            {"reason": "r", "issue": HOSTILE * 600, "ask": "a", "why_not_resolved": "w"},
        ),
        ("proposals/{reference}/duplicate", {"reason": "r", "kept": HOSTILE * 2}),
        ("proposals/{reference}/accept", {"reason": "r", "new_item_title": HOSTILE * 20, "item": "999999999999"}),
        ("responses/decline", {"english": HOSTILE * 600, "bengali": "x"}),
    ],
)
def test_hostile_or_huge_answers_get_a_clear_error_and_are_kept_escaped(app, demo, new_browser, page, data):
    reference = make_proposal(app)
    member = sign_in(new_browser, "member@example.org")
    decide(member, reference, "start-review", {"reason": "ok"})
    url = f"/workspace/{HEALTH}/{page.format(reference=reference)}"
    html = member.get(url).get_data(as_text=True)
    version = html.split('name="version" type="hidden" value="')[1].split('"')[0] if "version" in html else ""
    response = member.submit(url, {"version": version, **data})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert proposal_of(app, reference).status == "under_review"


def test_the_queues_filters_offer_the_boards_own_people_by_name_and_keep_what_was_chosen(app, demo, new_browser):
    make_proposal(app)
    with app.app_context():
        hostile = accounts.register('<b>Aaron</b> "Q"', "aaron@example.org", "x" * 12, ["lives"], "en", True)
        accounts.grant(hostile, "board_member", HEALTH)
        accounts.register("Aardvark Outsider", "outsider@example.org", "x" * 12, ["lives"], "en", True)
        db.session.commit()
        aaron = str(hostile.id)
        people = sorted(
            [
                (str(u.id), u.name)
                for u in triage.board_members(db.session.scalar(db.select(Board).where(Board.slug == HEALTH)))
            ],
            key=lambda person: person[1].casefold(),
        )
    chair = sign_in(new_browser, "chair@example.org")

    def options(page: str, select_id: str) -> list[tuple[str, str, bool]]:
        select = page.split(f'id="{select_id}"')[1].split("</select>")[0]
        return [
            (value, html.unescape(label), bool(selected))
            for value, selected, label in re.findall(r'<option value="([^"]*)" (selected)?>([^<]*)</option>', select)
        ]

    filtered = chair.get(f"/workspace/{HEALTH}/?ward=mile-end&assignee={aaron}&sort=supported").get_data(as_text=True)
    assert options(filtered, "assignee")[3:] == [(i, name, i == aaron) for i, name in people]
    assert people[0] == (aaron, '<b>Aaron</b> "Q"') and "<b>Aaron" not in filtered  # escaped, first by name
    assert "Aardvark Outsider" not in filtered
    assert [v for v, _, selected in options(filtered, "ward") if selected] == ["mile-end"]
    assert [v for v, _, selected in options(filtered, "sort") if selected] == ["supported"]
    everything = chair.get(f"/workspace/{HEALTH}/").get_data(as_text=True)
    assert options(everything, "assignee-bulk")[1:] == [(i, name, False) for i, name in people]
    assert [v for v, _, selected in options(everything, "status") if selected] == ["open"]


def test_the_workspace_navigation_says_where_you_are_and_offers_pegs_pages_only_on_peg(app, demo, new_browser):
    admin = sign_in(new_browser, "admin@example.org")  # acts for every board

    def links(page: str) -> list[tuple[str, bool]]:
        nav = page.split('<nav aria-label="Workspace">')[1].split("</nav>")[0]
        return [(text, bool(current)) for current, text in re.findall(r'(aria-current="page")?>([^<]+)</a>', nav)]

    queue = links(admin.get(f"/workspace/{HEALTH}/").get_data(as_text=True))
    assert queue == [
        ("Queue", True),
        ("Work programmes", False),
        ("Meetings", False),
        ("Response wording", False),
        ("Annual report figures", False),
        ("Public page", False),
    ]
    peg = links(admin.get(f"/workspace/{triage.PEG}/escalations").get_data(as_text=True))
    assert ("Escalations", True) in peg and ("Progress of all boards", False) in peg and ("Queue", False) in peg
    assert ("Annual reports", False) in peg and ("Annual reports", False) not in queue
    assert ("Meetings", True) in links(admin.get(f"/workspace/{HEALTH}/meetings/").get_data(as_text=True))
    bengali = admin.get(f"/workspace/{HEALTH}/?lang=bn").get_data(as_text=True)  # kept once for each language
    assert "উত্তরের লেখা" in bengali and "Response wording" not in bengali


def test_every_decision_lands_on_a_page_that_exists_saying_what_happened(app, demo, new_browser):
    """After each decision (and assigning, and the queue's bulk actions) the member lands on a page that is there; a
    referral, which takes the proposal out of the board's hands, on the board's queue, saying where it went."""
    member = sign_in(new_browser, "member@example.org")
    kept = make_proposal(app, "Free swimming for unpaid carers")
    decisions = {
        "start-review": {"reason": "ok"},
        "request-information": {"reason": "Which pools?"},
        "decline": {"reason": "Not for us.", "signpost": "Ask your ward councillor."},
        "refer": {"reason": "Safety leads on this.", "to_board": SAFETY},
        "duplicate": {"reason": "Same idea.", "kept": kept},
        "escalate": {"reason": "PEG decides.", "issue": "Money", "ask": "Fund it", "why_not_resolved": "No budget"},
        "accept": {"reason": "Yes.", "new_item_title": "Carers swim free"},
    }
    for decision, data in decisions.items():
        reference = make_proposal(app, f"Idea for {decision}")
        if decision != "start-review":
            decide(member, reference, "start-review", {"reason": "ok"})
        landed = decide(member, reference, decision, data, follow_redirects=True)
        assert landed.status_code == 200, decision
        page = html.unescape(landed.get_data(as_text=True))
        if decision == "refer":
            assert landed.request.path == f"/workspace/{HEALTH}/"
            assert "Referred to Community Safety Partnership. The resident has been told." in page
        else:
            assert landed.request.path == f"/workspace/{HEALTH}/proposals/{reference}", decision
            assert "Decision recorded. The resident has been told." in page
    reference = make_proposal(app, "Idea to assign")
    with app.app_context():
        member_id = accounts.user_by_email("member@example.org").id
    assign = f"/workspace/{HEALTH}/proposals/{reference}/assign"
    version = member.get(assign).get_data(as_text=True).split('name="version" type="hidden" value="')[1].split('"')[0]
    landed = member.submit(assign, {"version": version, "assignee": str(member_id)}, follow_redirects=True)
    assert landed.status_code == 200 and "Assigned." in landed.get_data(as_text=True)
    queue_page = f"/workspace/{HEALTH}/"
    token = csrf_token(member.get(queue_page).get_data(as_text=True))
    for action in ({"start": "x"}, {"assign": "x", "assignee": str(member_id)}):
        data = {"csrf_token": token, "proposal": [reference], **action}
        landed = member.client.post(f"{queue_page}bulk", data=data, follow_redirects=True)
        assert landed.status_code == 200 and landed.request.path == queue_page
