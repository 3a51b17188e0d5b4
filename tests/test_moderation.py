"""Comments, reports and moderation, moving a proposal to another board, assisted entry, and answering a board."""

import re

import pytest
from test_proposals import ROLES, as_role, sign_in, submit_one

from engage.audit import services as audit
from engage.extensions import db
from engage.proposals import services as proposals
from engage.proposals import statuses
from engage.proposals.models import Comment, Proposal, Report


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


@pytest.fixture
def reference(app, demo, new_browser):
    return submit_one(sign_in(new_browser))  # with the Community Safety Partnership


def test_comments_are_plain_text_and_a_board_members_are_the_boards(app, reference, new_browser):
    partner = sign_in(new_browser, "partner@example.org")
    partner.submit(f"/proposals/{reference}/comments", {"body": "<b>Yes</b>\nplease"}, page=f"/proposals/{reference}")
    officer = sign_in(new_browser, "officer@example.org")
    officer.submit(
        f"/proposals/{reference}/comments", {"body": "We will look at this."}, page=f"/proposals/{reference}"
    )
    page = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    assert "&lt;b&gt;Yes&lt;/b&gt;\nplease" in page
    assert "The Community Safety Partnership" in page and "We will look at this." in page
    with app.app_context():
        assert [c.board_id is not None for c in db.session.scalars(db.select(Comment).order_by(Comment.id))] == [
            False,
            True,
        ]


def test_an_empty_or_huge_comment_gets_a_clear_error(app, reference, new_browser):
    partner = sign_in(new_browser, "partner@example.org")
    empty = partner.submit(f"/proposals/{reference}/comments", {"body": "  "}, page=f"/proposals/{reference}")
    assert empty.status_code == 400 and "Write your comment" in empty.get_data(as_text=True)
    huge = partner.submit(f"/proposals/{reference}/comments", {"body": "x" * 2001}, page=f"/proposals/{reference}")
    assert "Use 2000 characters or fewer" in huge.get_data(as_text=True)


def test_a_reported_comment_is_hidden_by_the_secretariat_and_its_author_told(app, reference, new_browser, deliver):
    partner = sign_in(new_browser, "partner@example.org")
    partner.submit(
        f"/proposals/{reference}/comments", {"body": "Call me on 07700 900123"}, page=f"/proposals/{reference}"
    )
    with app.app_context():
        comment_id = db.session.scalar(db.select(Comment.id))
    resident = sign_in(new_browser)
    resident.submit(f"/proposals/{reference}/report?comment={comment_id}", {"reason": "Personal phone number"})
    secretariat = sign_in(new_browser, "secretariat@example.org")
    assert "Personal phone number" in secretariat.get("/secretariat/reports").get_data(as_text=True)
    with app.app_context():
        report_id = db.session.scalar(db.select(Report.id))
    no_reason = secretariat.submit(f"/secretariat/reports/{report_id}", {"action": "hide", "reason": ""})
    assert "Say which house rule it breaks" in no_reason.get_data(as_text=True)
    deliver()
    secretariat.submit(f"/secretariat/reports/{report_id}", {"action": "hide", "reason": "No personal details"})
    assert "07700 900123" not in app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    [told] = [m for m in deliver() if m["To"] == "partner@example.org"]
    assert "No personal details" in told.get_body(("plain",)).get_content()
    assert "No reports are waiting." in secretariat.get("/secretariat/reports").get_data(as_text=True)
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert [e.action for e in audit.trail(comment)] == ["hide"]  # kept, with what it said


def test_a_hidden_proposal_leaves_the_public_site_and_comes_back(app, reference, new_browser, deliver):
    secretariat = sign_in(new_browser, "secretariat@example.org")
    deliver()
    secretariat.submit(f"/proposals/{reference}/moderate", {"hide-reason": "Advertising", "hide-submit": "1"})
    assert app.test_client().get(f"/proposals/{reference}").status_code == 404
    author_view = sign_in(new_browser).get(f"/proposals/{reference}").get_data(as_text=True)
    assert "breaks the house rules" in author_view and "Advertising" in author_view
    assert any(m["Subject"] == f"Your proposal {reference} has been hidden" for m in deliver())
    secretariat.submit(f"/proposals/{reference}/unhide", {}, page=f"/proposals/{reference}")
    assert app.test_client().get(f"/proposals/{reference}").status_code == 200


def test_moving_a_proposal_keeps_its_journey_and_tells_the_author_the_followers_and_the_new_board(
    app, reference, new_browser, deliver
):
    partner = sign_in(new_browser, "partner@example.org")
    partner.submit(f"/proposals/{reference}/follow", {}, page=f"/proposals/{reference}")
    deliver()
    secretariat = sign_in(new_browser, "secretariat@example.org")
    same = secretariat.submit(
        f"/proposals/{reference}/moderate", {"move-board": "community-safety-partnership", "move-submit": "1"}
    )
    assert "already with this board" in same.get_data(as_text=True)
    secretariat.submit(
        f"/proposals/{reference}/moderate",
        {"move-board": "health-and-wellbeing-board", "move-reason": "It is about health", "move-submit": "1"},
    )
    page = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    assert "Moved to the Health and Wellbeing Board" in page and "It is about health" in page
    sent = {m["To"]: m["Subject"] for m in deliver()}
    assert sent["resident@example.org"] == f"Your proposal {reference} has moved to another board"
    title = "“More benches along the canal towpath”"
    assert sent["partner@example.org"] == f"{title} ({reference}), which you follow, has moved to another board"
    assert "member@example.org" in sent  # the Health and Wellbeing Board's member
    with app.app_context():
        proposal = proposals.by_reference(reference)
        assert proposal.board.slug == "health-and-wellbeing-board"
        assert [e.action for e in audit.trail(proposal)] == ["reroute"]


@pytest.mark.parametrize("role", ROLES)
def test_moderation_pages_are_for_the_secretariat_and_admins(app, reference, new_browser, role):
    person = as_role(new_browser, role)
    expected = {"anonymous": 302, "secretariat": 200, "admin": 200}.get(role, 403)
    for url in (f"/proposals/{reference}/moderate", "/secretariat/reports", "/secretariat/proposals/new"):
        assert person.get(url).status_code == expected


ASSISTED = {
    "name": "Mrs Rokeya Khatun",
    "source": "paper",
    "title": "A lift at Stepney Green station",
    "problem": "I cannot use the stairs.",
    "idea": "Put in a lift.",
    "who_it_helps": "Older and disabled people.",
    "primary": "3",
    "ward": "stepney-green",
}


def test_the_secretariat_records_a_paper_proposal_and_gets_a_letter_to_post(app, demo, new_browser, deliver):
    secretariat = sign_in(new_browser, "secretariat@example.org")
    deliver()
    response = secretariat.submit("/secretariat/proposals/new", ASSISTED)
    assert response.status_code == 302
    page = secretariat.get(response.headers["Location"]).get_data(as_text=True)
    assert "Letter to post" in page and "Dear Mrs Rokeya Khatun," in page
    assert [m["To"] for m in deliver()] == ["officer@example.org"]  # only the board: no address to email
    with app.app_context():
        proposal = db.session.scalar(db.select(Proposal))
        assert (proposal.source, proposal.author_id, proposal.status) == ("paper", None, "submitted")
        assert proposal.recorded_by_id is not None and proposal.show_name is False
    board_page = f"/workspace/community-safety-partnership/proposals/{proposal.reference}"
    assert "Mrs Rokeya Khatun" in sign_in(new_browser, "officer@example.org").get(board_page).get_data(as_text=True)
    assert "Rokeya" not in app.test_client().get(f"/proposals/{proposal.reference}").get_data(as_text=True)


def test_a_resident_with_only_a_postal_address_gets_each_notice_as_a_letter_printed_in_a_batch(
    app, demo, new_browser, deliver
):
    address = "Flat 3, 12 Ben Jonson Road\nLondon E1 3NN"
    secretariat = sign_in(new_browser, "secretariat@example.org")
    before = len(deliver())
    recorded = secretariat.submit("/secretariat/proposals/new", {**ASSISTED, "address": address})
    page = secretariat.get(recorded.headers["Location"]).get_data(as_text=True)
    assert "waiting with the other letters to print" in page
    with app.app_context():
        proposal = db.session.scalar(db.select(Proposal))
        reference, board = proposal.reference, proposal.board.slug
    officer = sign_in(new_browser, "officer@example.org")
    decision = f"/workspace/{board}/proposals/{reference}/start-review"
    version = (
        officer.get(decision).get_data(as_text=True).split('name="version" type="hidden" value="')[1].split('"')[0]
    )
    officer.submit(decision, {"version": version, "reason": "We are looking at it."})
    assert [m["To"] for m in deliver()[before:]] == ["officer@example.org"]  # letters are not emailed
    letters = secretariat.get("/secretariat/letters").get_data(as_text=True)
    assert letters.count('class="engage-letter"') == 2
    assert "Mrs Rokeya Khatun\nFlat 3, 12 Ben Jonson Road\nLondon E1 3NN" in letters
    assert f"We have your proposal {reference}" in letters  # each letter's heading is its email's subject
    assert f"News about your proposal {reference}: Under review" in letters and "We are looking at it." in letters
    done = secretariat.submit(
        "/secretariat/letters/printed", {"letter": letters_ids(letters)}, page="/secretariat/letters"
    )
    assert "2 letters marked as printed." in secretariat.get(done.headers["Location"]).get_data(as_text=True)
    assert "No letters are waiting to be printed." in secretariat.get("/secretariat/letters").get_data(as_text=True)
    assert "Printed letters (2)" in secretariat.get("/secretariat/outbox?status=printed").get_data(as_text=True)


def letters_ids(page: str) -> list[str]:
    return re.findall(r'name="letter" value="(\d+)"', page)


def test_a_resident_who_gave_an_email_is_told_by_email(app, demo, new_browser, deliver):
    secretariat = sign_in(new_browser, "secretariat@example.org")
    deliver()
    secretariat.submit("/secretariat/proposals/new", {**ASSISTED, "source": "phone", "email": "rokeya@example.org"})
    assert "rokeya@example.org" in [m["To"] for m in deliver()]
    missing = secretariat.submit("/secretariat/proposals/new", {**ASSISTED, "source": ""})
    assert "Say how the proposal reached you" in missing.get_data(as_text=True)


def test_the_author_answers_a_request_for_more_information(app, reference, new_browser):
    with app.app_context():
        proposal = proposals.by_reference(reference)
        statuses.transition(proposal, "under_review", None)
        statuses.transition(proposal, "more_info_requested", None, public_reason="Which stretch of the path?")
        db.session.commit()
    assert sign_in(new_browser, "partner@example.org").get(f"/proposals/{reference}/answer").status_code == 403
    author = sign_in(new_browser)
    assert "Which stretch of the path?" in author.get(f"/proposals/{reference}/answer").get_data(as_text=True)
    author.submit(f"/proposals/{reference}/answer", {"answer": "From Mile End to Limehouse."})
    with app.app_context():
        proposal = proposals.by_reference(reference)
        assert proposal.status == "under_review"
        assert proposal.journey[-1].public_reason == "From Mile End to Limehouse."


def test_followers_are_told_when_the_author_withdraws(app, reference, new_browser, deliver):
    partner = sign_in(new_browser, "partner@example.org")
    partner.submit(f"/proposals/{reference}/follow", {}, page=f"/proposals/{reference}")
    before = len(deliver())
    sign_in(new_browser).submit(f"/proposals/{reference}/withdraw", {"reason": "Done already", "confirm": "yes"})
    sent = deliver()[before:]
    assert [m["To"] for m in sent] == ["partner@example.org"], [m["Subject"] for m in sent]
    message = sent[0]
    title = "“More benches along the canal towpath”"
    assert message["Subject"] == f"{title} ({reference}), which you follow, is now: Withdrawn"
    assert "Done already" in message.get_body(("plain",)).get_content()


def test_the_house_rules_are_published_in_english_and_bengali_and_linked_from_the_forms(app, reference, new_browser):
    client = app.test_client()
    english = client.get("/house-rules")
    assert english.status_code == 200 and "House rules" in english.get_data(as_text=True)
    assert "criticise ideas, not people" in english.get_data(as_text=True)
    bengali = client.get("/house-rules?lang=bn").get_data(as_text=True)
    assert "criticise ideas" not in bengali and 'lang="bn"' in bengali
    assert 'href="/house-rules"' in client.get("/").get_data(as_text=True)  # the footer
    resident = sign_in(new_browser)
    for form_page in (f"/proposals/{reference}", f"/proposals/{reference}/report"):
        html = resident.get(form_page).get_data(as_text=True)
        assert "house rules" in html and html.count('href="/house-rules"') >= 2, (
            form_page
        )  # the form's and the footer's


def test_the_author_of_a_hidden_comment_sees_it_with_the_reason_and_nobody_else_does(
    app, reference, new_browser, deliver
):
    partner = sign_in(new_browser, "partner@example.org")
    partner.submit(f"/proposals/{reference}/comments", {"body": "Buy my fridges"}, page=f"/proposals/{reference}")
    with app.app_context():
        comment_id = db.session.scalar(db.select(Comment.id))
    resident = sign_in(new_browser)
    resident.submit(f"/proposals/{reference}/report?comment={comment_id}", {"reason": "Advertising"})
    secretariat = sign_in(new_browser, "secretariat@example.org")
    with app.app_context():
        report_id = db.session.scalar(db.select(Report.id))
    secretariat.submit(f"/secretariat/reports/{report_id}", {"action": "hide", "reason": "Rule 4: no advertising"})
    seen = partner.get(f"/proposals/{reference}").get_data(as_text=True)
    assert "Buy my fridges" in seen and "Hidden by the moderators:" in seen and "Rule 4: no advertising" in seen
    for someone_else in (resident, app.test_client()):
        page = someone_else.get(f"/proposals/{reference}").get_data(as_text=True)
        assert "Buy my fridges" not in page and "Rule 4" not in page
    [told] = [m for m in deliver() if m["To"] == "partner@example.org"]
    assert "Read the house rules: http://engage.test/house-rules" in told.get_body(("plain",)).get_content()


def test_one_account_posting_comments_in_bulk_is_refused_and_keeps_what_it_typed(app, reference, new_browser):
    partner = sign_in(new_browser, "partner@example.org")
    posted = [
        partner.submit(f"/proposals/{reference}/comments", {"body": f"Comment {n}"}, page=f"/proposals/{reference}")
        for n in range(6)
    ]
    assert [r.status_code for r in posted] == [302] * 5 + [429]
    refused = posted[-1].get_data(as_text=True)
    assert "There is a problem" in refused and "many comments in a short time" in refused and "Comment 5" in refused
    assert int(posted[-1].headers["Retry-After"]) > 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == 5
    # Another account is not held back by this one.
    other = sign_in(new_browser, "member@example.org")
    ok = other.submit(f"/proposals/{reference}/comments", {"body": "Mine"}, page=f"/proposals/{reference}")
    assert ok.status_code == 302


def test_one_account_reporting_in_bulk_is_refused_and_keeps_what_it_typed(app, reference, new_browser):
    resident = sign_in(new_browser, "partner@example.org")
    sent = [resident.submit(f"/proposals/{reference}/report", {"reason": f"Reason {n}"}) for n in range(6)]
    assert [r.status_code for r in sent] == [302] * 5 + [429]
    refused = sent[-1].get_data(as_text=True)
    assert "many reports in a short time" in refused and "Reason 5" in refused
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Report.id))) == 5


def test_one_account_supporting_in_bulk_is_refused(app, demo, new_browser):
    author = sign_in(new_browser)
    references = [submit_one(author) for _ in range(11)]
    supporter = sign_in(new_browser, "partner@example.org")
    answers = [
        supporter.submit(f"/proposals/{ref}/support", {}, page=f"/proposals/{ref}").status_code for ref in references
    ]
    assert answers == [302] * 10 + [429]
    with app.app_context():
        assert sorted(db.session.scalars(db.select(Proposal.supports))) == [0] + [1] * 10
