"""You said, we did, to the end: a proposal's journey shows the progress of the work it led to, its people are told
of each update, its author is asked some weeks later whether it resolved what they raised, and a congress reports
back on what became of its workshops' ideas."""

import re
from datetime import timedelta
from html import unescape

import pytest
from support import QueryCounter, csrf_token
from test_query_counts import queries
from test_roles import ROLES, signed_in_as

from engage.accounts import services as accounts
from engage.extensions import db
from engage.notices import kinds
from engage.notices import services as notices
from engage.notices.models import Notice
from engage.partnership import services as partnership
from engage.programmes import services as programmes
from engage.proposals import moderation, resolution
from engage.proposals import services as proposals
from engage.proposals.models import Proposal, ResolutionCheck, workshop_proposals
from engage.time import utcnow
from engage.triage import services as triage

HEALTH = "health-and-wellbeing-board"  # member@ and chair@ sit on it; it leads call to action 2
HOSTILE = '<script>alert("x")</script> & <b>bold</b>\u202e'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
BENGALI = re.compile("[\u0980-\u09ff]")
WEEKS = timedelta(weeks=8)


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def person(email: str):
    return accounts.user_by_email(email)


def resident(name: str, email: str, language: str = "en"):
    return accounts.register(name, email, "a long enough password", ["lives"], language, True)


def submitted(title: str = "Free swimming for carers", author: str = "resident@example.org") -> Proposal:
    """A proposal of `author`'s, under review by the health board."""
    writer = person(author)
    proposal = proposals.start_draft(writer)
    proposals.edit(proposal, writer, title=title, problem="A problem", idea="An idea", who_it_helps="Carers")
    proposals.choose_calls_to_action(proposal, writer, [2])
    proposals.submit(proposal, writer)
    board = partnership.board_by_slug(HEALTH)
    triage.start_review(proposal, board, person("chair@example.org"), proposal.version, "We are looking at it.")
    return proposal


def recorded_by_letter() -> Proposal:
    """A paper proposal the secretariat recorded for someone with a postal address and no email address, under
    review by the health board."""
    recorded = moderation.record_for_someone(
        person("secretariat@example.org"),
        name="Mr Ali",
        email="",
        address="1 Mile End Road\nLondon E1 4NS",
        source="paper",
        answers={"title": "A crossing", "problem": "Traffic", "idea": "A crossing", "who_it_helps": "Children"},
        calls_to_action=[2],
        ward="borough-wide",
    )
    triage.start_review(recorded, partnership.board_by_slug(HEALTH), person("chair@example.org"), recorded.version, "")
    return recorded


def accepted(proposal: Proposal, item_title: str = "Carers swim free", item_id: int | None = None):
    """The proposal accepted into an item of the health board's programme (a new one, unless `item_id`)."""
    board = partnership.board_by_slug(HEALTH)
    chair = person("chair@example.org")
    return triage.accept(
        proposal, board, chair, proposal.version, "Accepted.", item_id=item_id, new_item_title=item_title
    )


def publish(item) -> None:
    programmes.publish(item.programme, person("chair@example.org"))


def update(item, status: str, body: str, who: str = "chair@example.org"):
    return programmes.post_update(item, person(who), status=status, body=body)


def told(kind: str) -> list[Notice]:
    return list(db.session.scalars(db.select(Notice).filter_by(kind=kind).order_by(Notice.id)))


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


# The journey ----------------------------------------------------------------------------------------------------------


def test_the_journey_shows_the_items_progress_in_time_order_with_its_own_steps(app, demo):
    with app.app_context():
        proposal = submitted()
        item = accepted(proposal)
        update(item, "on_track", "Before publishing: the pools are booked")
        db.session.commit()
        reference, item_id = proposal.reference, item.id
    public = text(app.test_client().get(f"/proposals/{reference}"))
    assert "Carers swim free" not in public and "the pools are booked" not in public  # its programme is not published
    with app.app_context():
        item = db.session.get(programmes.WorkProgrammeItem, item_id)
        publish(item)
        update(item, "at_risk", HOSTILE)
        update(item, "done", "Carers swim free at every leisure centre")
        db.session.commit()
    page = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    journey = unescape(page.split("You said, we did")[1].split('id="comments"')[0])
    order = [
        "Submitted",
        "We are looking at it.",
        "Accepted.",
        "the pools are booked",
        "alert(",
        "Carers swim free at every leisure centre",
    ]
    places = [journey.index(words) for words in order]
    assert places == sorted(places)
    assert "At risk" in journey and "Done" in journey and "On track" in journey
    assert ESCAPED in page and HOSTILE not in page  # shown as text
    assert f"/boards/{HEALTH}/work-programme/" in page  # the item, linked


def test_the_journey_costs_the_same_queries_with_one_or_many_updates(app, demo, new_browser):
    with app.app_context():
        proposal = submitted()
        item = accepted(proposal)
        publish(item)
        update(item, "on_track", "First")
        db.session.commit()
        url = f"/proposals/{proposal.reference}"
        item_id = item.id
    reader = signed_in_as(new_browser, "resident").client
    few = queries(app, reader, url)
    anonymous = queries(app, app.test_client(), url)
    with app.app_context():
        item = db.session.get(programmes.WorkProgrammeItem, item_id)
        for number in range(30):
            update(item, "on_track", f"Update {number}")
        check = resolution.ask_later(db.session.get(Proposal, proposal.id), "declined")
        db.session.flush()
        resolution.answer(check, "partly", "Some of it", True)
        db.session.commit()
    assert queries(app, reader, url) == few
    assert queries(app, app.test_client(), url) == anonymous
    assert "Update 29" in text(app.test_client().get(url))


# Telling people of updates --------------------------------------------------------------------------------------------


def test_the_author_and_followers_are_told_of_each_update_once_each_in_their_language_as_they_chose(
    app, ctx, demo, deliver
):
    proposal = submitted()
    other = submitted("Benches by the pool", author="partner@example.org")
    item = accepted(proposal)
    accepted(other, item_id=item.id)  # two proposals led to the one item
    publish(item)
    amina = resident("Amina Rahman", "amina@example.org", "bn")
    quiet = resident("Quiet Person", "quiet@example.org")
    weekly = resident("Weekly Person", "weekly@example.org")
    notices.set_choice(quiet, "followed_proposals", "off")
    notices.set_choice(weekly, "followed_proposals", "weekly")
    for follower in (amina, quiet, weekly, person("chair@example.org")):
        proposals.follow(proposal, follower)
    proposals.follow(other, amina)  # she follows both: told once
    proposals.follow(proposal, person("partner@example.org"))  # the other's author: told as its author, once
    db.session.commit()
    deliver()
    update(item, "on_track", "The pools are booked")
    db.session.commit()
    messages = [m for m in deliver() if "pools are booked" in m.get_body(("plain",)).get_content()]
    to = sorted(m["To"] for m in messages)
    # Not the chair who posted it, not who turned it off, the weekly one in their digest, everyone else once.
    assert to == ["amina@example.org", "partner@example.org", "resident@example.org"]
    subjects = {m["To"]: m["Subject"] for m in messages}
    assert subjects["resident@example.org"] == f"News of the work your proposal {proposal.reference} led to"
    assert BENGALI.search(subjects["amina@example.org"]) and proposal.reference in subjects["amina@example.org"]
    assert other.reference in subjects["partner@example.org"]  # told of their own proposal
    held = told("followed_proposal_progress")
    assert [(n.recipient, n.status) for n in held if n.recipient == "weekly@example.org"] == [
        ("weekly@example.org", "held")
    ]
    before = db.session.scalar(db.select(db.func.count(Notice.id)))
    from engage.proposals import progress

    update_row = item.updates[0]
    progress.tell_of_update(item, progress.led_to(item), update_row, person("chair@example.org"))  # again: nothing new
    assert db.session.scalar(db.select(db.func.count(Notice.id))) == before


def test_an_authors_notice_choice_and_a_recorded_residents_letter_are_honoured(app, ctx, demo):
    proposal = submitted()
    notices.set_choice(person("resident@example.org"), "own_proposals", "off")
    recorded = recorded_by_letter()
    item = accepted(proposal)
    accepted(recorded, item_id=item.id)
    publish(item)
    update(item, "on_track", "Started")
    assert [(n.recipient, n.channel, n.status) for n in told("proposal_progress")] == [
        ("1 Mile End Road\nLondon E1 4NS", "letter", "to_print")
    ]


def test_the_fan_out_costs_the_same_statements_for_few_or_many_followers(app, ctx, demo):
    proposal = submitted()
    item = accepted(proposal)
    publish(item)
    db.session.commit()

    def statements_of_an_update(body: str) -> int:
        with QueryCounter(db.engine) as counter:
            update(item, "on_track", body)
            db.session.flush()
        return counter.count

    def followed_by(first: int, last: int) -> None:
        for number in range(first, last):
            proposals.follow(proposal, resident(f"Follower {number}", f"f{number}@example.org"))
        db.session.flush()

    followed_by(0, 3)
    statements_of_an_update("Warming up")  # what the session loads once (the item's programme and board)
    few = statements_of_an_update("With 3 followers")
    followed_by(3, 40)
    assert statements_of_an_update("With 40 followers") == few
    assert len([n for n in told("followed_proposal_progress") if "40 followers" in n.context["body"]]) == 40


# The check: when it is made -------------------------------------------------------------------------------------------


def test_a_check_is_due_some_weeks_after_a_decline(app, ctx, demo):
    proposal = submitted()
    board = partnership.board_by_slug(HEALTH)
    before = utcnow()
    triage.decline(proposal, board, person("chair@example.org"), proposal.version, "Not ours.", "Try the council.")
    [check] = db.session.scalars(db.select(ResolutionCheck)).all()
    assert check.proposal_id == proposal.id and check.reason == "declined" and check.item_id is None
    assert before + WEEKS <= check.due_at <= utcnow() + WEEKS and check.asked_at is None


def test_a_check_is_due_some_weeks_after_an_item_it_led_to_is_done_once_per_item(app, ctx, demo):
    proposal, other = submitted(), submitted("Benches by the pool", author="partner@example.org")
    item = accepted(proposal)
    accepted(other, item_id=item.id)
    update(item, "on_track", "Going before publishing")  # nobody outside the board was told of the item yet
    publish(item)
    update(item, "on_track", "Going")
    assert db.session.scalars(db.select(ResolutionCheck)).all() == []
    update(item, "done", "Done")
    update(item, "done", "Still done")
    checks = db.session.scalars(db.select(ResolutionCheck).order_by(ResolutionCheck.proposal_id)).all()
    assert [(c.proposal_id, c.reason, c.item_id) for c in checks] == [
        (proposal.id, "done", item.id),
        (other.id, "done", item.id),
    ]
    assert all(c.due_at > utcnow() + WEEKS - timedelta(minutes=5) for c in checks)


def test_an_item_done_before_its_programme_is_published_is_asked_about_once_published(app, ctx, demo):
    proposal = submitted()
    item = accepted(proposal)
    update(item, "done", "Done before publishing")
    assert db.session.scalars(db.select(ResolutionCheck)).all() == []
    publish(item)
    [check] = db.session.scalars(db.select(ResolutionCheck)).all()
    assert (check.proposal_id, check.reason, check.item_id) == (proposal.id, "done", item.id)


def test_the_weeks_are_a_setting(app, ctx, demo, monkeypatch):
    monkeypatch.setitem(app.config, "RESOLUTION_CHECK_WEEKS", 2)
    check = resolution.ask_later(submitted(), "declined")
    assert check.due_at < utcnow() + timedelta(weeks=2, minutes=1)


# The check: asking ----------------------------------------------------------------------------------------------------


def declined(title: str, author: str = "resident@example.org") -> Proposal:
    proposal = submitted(title, author)
    board = partnership.board_by_slug(HEALTH)
    triage.decline(proposal, board, person("chair@example.org"), proposal.version, "Not ours.", "Try the council.")
    return proposal


def test_the_scan_asks_only_due_unasked_checks_each_once_in_the_authors_language(app, ctx, demo, deliver):
    from worker.tasks import ask_resolution_checks

    resident("Amina Rahman", "amina@example.org", "bn")
    first = declined("Free swimming for carers").reference
    second = declined("Benches by the pool", author="amina@example.org").reference
    later = declined("Later one").id
    db.session.execute(
        db.update(ResolutionCheck).where(ResolutionCheck.proposal_id == later).values(due_at=utcnow() + WEEKS * 2)
    )
    db.session.commit()
    assert ask_resolution_checks.run() == 0  # not due yet
    soon = (utcnow() + WEEKS + timedelta(days=1)).isoformat()
    assert ask_resolution_checks.run(soon) == 2
    assert ask_resolution_checks.run(soon) == 0  # asked already
    questions = [m for m in deliver() if m["To"] in ("resident@example.org", "amina@example.org")]
    questions = [m for m in questions if "resolve" in m["Subject"] or BENGALI.search(m["Subject"])]
    subjects = {m["To"]: m["Subject"] for m in questions if "Not ours" not in m.get_body(("plain",)).get_content()}
    assert subjects["resident@example.org"] == f"Did this resolve what you raised? Your proposal {first}"
    assert BENGALI.search(subjects["amina@example.org"]) and second in subjects["amina@example.org"]
    with app.app_context():
        asked = told("resolution_check")
        assert len(asked) == 2 and {n.idempotency_key for n in asked} == {
            f"resolution_check:{c.id}"
            for c in db.session.scalars(db.select(ResolutionCheck).where(ResolutionCheck.asked_at.is_not(None)))
        }
        body = [m for m in questions if m["To"] == "resident@example.org"][0].get_body(("plain",)).get_content()
        assert f"http://engage.test/proposals/{first}/resolved/" in body
        assert ask_resolution_checks.run((utcnow() + WEEKS * 3).isoformat()) == 1  # the later one, when due


def test_someone_recorded_with_a_postal_address_is_asked_by_letter(app, ctx, demo):
    recorded = recorded_by_letter()
    board = partnership.board_by_slug(HEALTH)
    chair = person("chair@example.org")
    triage.decline(recorded, board, chair, recorded.version, "Not ours.", "Try the council.")
    assert resolution.ask_due(utcnow() + WEEKS + timedelta(hours=1)) == 1
    [letter] = told("resolution_check")
    assert letter.channel == "letter" and letter.status == "to_print"
    assert f"/proposals/{recorded.reference}/resolved/" in letter.context["answer_url"]


# The check: answering -------------------------------------------------------------------------------------------------


def a_check(app, reason: str = "declined") -> tuple[str, str]:
    """A declined proposal's check, asked: its proposal's reference and its answer page."""
    with app.app_context():
        proposal = declined("Free swimming for carers")
        resolution.ask_due(utcnow() + WEEKS + timedelta(hours=1))
        check = db.session.scalar(db.select(ResolutionCheck))
        path = resolution.answer_path(check)
        db.session.commit()
        return proposal.reference, path


def test_the_signed_link_takes_one_answer_and_then_thanks_and_shows_it(app, demo, browser):
    reference, path = a_check(app)
    page = browser.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Did this resolve what you raised?" in text(page) and "Free swimming for carers" in text(page)
    refused = browser.submit(path, {"why": HOSTILE})
    assert refused.status_code == 200 and "Select whether this resolved what you raised" in text(refused)
    assert ESCAPED in refused.get_data(as_text=True)  # what was typed is kept, as text
    huge = browser.submit(path, {"answer": "yes", "why": "x" * 2001 + "\x00"})
    assert huge.status_code == 200 and "Use 2000 characters or fewer" in text(huge)
    done = browser.submit(path, {"answer": "partly", "why": HOSTILE + "\x00", "show_words": "y"})
    assert done.status_code == 302 and done.headers["Location"] == path
    thanks = browser.get(path)
    assert "Thank you for your answer" in text(thanks) and "Partly" in text(thanks)
    assert ESCAPED in thanks.get_data(as_text=True) and HOSTILE not in thanks.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))  # from the form, as a second tab still showing it would post
    again = browser.client.post(path, data={"csrf_token": token, "answer": "yes", "why": "Changed my mind"})
    assert again.status_code == 200 and "Partly" in text(again) and "Changed my mind" not in text(again)
    with app.app_context():
        check = db.session.scalar(db.select(ResolutionCheck))
        assert (check.answer, check.why_public) == ("partly", True) and check.why.startswith("<script>")


def test_a_second_answer_racing_the_first_is_refused_by_the_database(app, ctx, demo):
    proposal = declined("Free swimming for carers")
    check = db.session.scalar(db.select(ResolutionCheck).filter_by(proposal_id=proposal.id))
    resolution.answer(check, "yes", "", False)
    with pytest.raises(resolution.DomainError, match="already answered"):
        resolution.answer(check, "no", "No", True)
    assert check.answer == "yes"


def test_an_expired_or_forged_link_gets_a_clear_page(app, demo, browser, monkeypatch):
    reference, path = a_check(app)
    token = path.rsplit("/", 1)[1]
    form_token = csrf_token(browser.get(path).get_data(as_text=True))
    forged = browser.get(path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB"))
    assert forged.status_code == 404 and "This link is not valid" in text(forged)
    garbage = browser.get(f"/proposals/{reference}/resolved/{'%00' * 3}<script>")
    assert garbage.status_code == 404 and "This link is not valid" in text(garbage)
    with app.app_context():
        other = declined("Another idea").reference
        db.session.commit()
    elsewhere = browser.get(f"/proposals/{other}/resolved/{token}")  # a good token on another proposal
    assert elsewhere.status_code == 404
    monkeypatch.setitem(app.config, "RESOLUTION_LINK_DAYS", -1)  # every link is now older than allowed
    expired = browser.get(path)
    assert expired.status_code == 410 and "This link has expired" in text(expired)
    assert browser.client.post(path, data={"csrf_token": form_token, "answer": "yes"}).status_code == 410
    with app.app_context():
        assert db.session.scalar(db.select(ResolutionCheck.answered_at)) is None


@pytest.mark.parametrize("role", ROLES)
def test_the_answer_page_is_for_whoever_holds_the_link_whatever_their_role(app, demo, new_browser, role):
    reference, path = a_check(app)
    visitor = signed_in_as(new_browser, role)
    assert visitor.get(path).status_code == 200
    assert visitor.get(f"/proposals/{reference}/resolved/not-a-token").status_code == 404


@pytest.mark.parametrize(("agreed", "words_shown"), [(True, True), (False, False)])
def test_an_answer_appears_on_the_journey_its_words_only_if_the_author_agreed(app, demo, browser, agreed, words_shown):
    reference, path = a_check(app)
    answer = {"answer": "no", "why": "The pool is still closed to carers"} | ({"show_words": "y"} if agreed else {})
    assert browser.submit(path, answer).status_code == 302
    journey = text(app.test_client().get(f"/proposals/{reference}"))
    assert "Did this resolve what the author raised?" in journey and "No" in journey
    assert ("The pool is still closed to carers" in journey) == words_shown


# The workshop an idea came from ---------------------------------------------------------------------------------------


def congress_with_workshops(slug: str, starts, state: str = "published"):
    from engage.congress import services as congresses

    calls = list(proposals.current_calls_to_action().values())
    return congresses.create(
        slug=slug,
        title=f"Congress {slug}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        venue="Town Hall",
        venue_access="Step-free",
        capacity=100,
        opens_at=starts - timedelta(days=30),
        closes_at=starts - timedelta(days=1),
        state=state,
        workshops=[
            {"title": "Healthy lives", "priority": calls[1], "capacity": 20, "starts_at": starts},
            {"title": "Safer streets", "priority": calls[2], "capacity": 20, "starts_at": starts},
        ],
    )


def test_a_proposal_started_from_a_workshops_invitation_records_the_workshop(app, demo, new_browser):
    with app.app_context():
        congress = congress_with_workshops("spring-2026", utcnow() - timedelta(days=3))
        workshop_id = congress.workshops[0].id
        db.session.commit()
    writer = signed_in_as(new_browser, "resident")
    url = f"/proposals/new?call-to-action=2&workshop={workshop_id}"
    assert "Healthy lives" in text(writer.get(url))
    assert writer.submit(url, {}).status_code == 302
    plain = writer.submit("/proposals/new?workshop=999999", {})  # a workshop that does not exist: none recorded
    assert plain.status_code == 302
    with app.app_context():
        links = db.session.execute(db.select(workshop_proposals)).all()
        assert [tuple(link)[1] for link in links] == [workshop_id]
        draft = db.session.get(Proposal, links[0].proposal_id)
        assert [p.number for p in draft.priorities] == [2]


def test_the_secretariat_names_the_workshop_a_recorded_proposal_came_from(app, demo, new_browser):
    with app.app_context():
        congress = congress_with_workshops("spring-2026", utcnow() - timedelta(days=3))
        congress_with_workshops("autumn-2027", utcnow() + timedelta(days=300))  # not held yet: not offered
        workshop_id = congress.workshops[1].id
        db.session.commit()
    secretariat = signed_in_as(new_browser, "secretariat")
    form = text(secretariat.get("/secretariat/proposals/new"))
    assert "Congress spring-2026: Safer streets" in form and "autumn-2027" not in form
    answers = {
        "name": "Mrs Rokeya Khatun",
        "title": "Lights on the towpath",
        "problem": "It is dark.",
        "idea": "Put in lights.",
        "who_it_helps": "Walkers.",
        "primary": "3",
        "ward": "borough-wide",
        "workshop": str(workshop_id),
    }
    refused = secretariat.submit("/secretariat/proposals/new", {**answers, "source": "paper"})
    assert refused.status_code == 200 and "Name a workshop only for a proposal from a congress workshop" in text(
        refused
    )
    assert 'value="Lights on the towpath"' in refused.get_data(as_text=True)  # what was typed is kept
    assert secretariat.submit("/secretariat/proposals/new", {**answers, "source": "congress"}).status_code == 302
    unknown = secretariat.submit("/secretariat/proposals/new", {**answers, "source": "congress", "workshop": "999999"})
    assert unknown.status_code == 200  # not one offered: refused on the field
    with app.app_context():
        [link] = db.session.execute(db.select(workshop_proposals)).all()
        assert link.workshop_id == workshop_id
        assert db.session.get(Proposal, link.proposal_id).source == "congress"


# Report back ----------------------------------------------------------------------------------------------------------


def ideas_from(congress, titles_by_workshop: dict[int, list[str]]) -> dict[str, str]:
    """Submitted proposals from the congress's workshops (by index), their references by title."""
    made = {}
    writer = person("resident@example.org")
    for index, titles in titles_by_workshop.items():
        for title in titles:
            proposal = proposals.start_draft(writer, 2, congress.workshops[index].id)
            proposals.edit(proposal, writer, title=title, problem="A problem", idea="An idea", who_it_helps="All")
            proposals.submit(proposal, writer)
            made[title] = proposal
    return made


def test_a_congress_reports_back_once_the_next_is_announced(app, demo):
    with app.app_context():
        spring = congress_with_workshops("spring-2026", utcnow() - timedelta(days=60))
        made = ideas_from(spring, {0: ["Walking groups", HOSTILE], 1: ["Street lights"]})
        draft = proposals.start_draft(person("resident@example.org"), 2, spring.workshops[0].id)
        draft.title = "A draft nobody sees"
        hidden = ideas_from(spring, {1: ["Hidden one"]})["Hidden one"]
        hidden.hidden_at = utcnow()
        board = partnership.board_by_slug(HEALTH)
        chair = person("chair@example.org")
        walking = made["Walking groups"]
        triage.start_review(walking, board, chair, walking.version, "")
        triage.accept(walking, board, chair, walking.version, "Yes", new_item_title="Walks")
        autumn = congress_with_workshops("autumn-2026", utcnow() + timedelta(days=90), state="draft")
        db.session.commit()
        autumn_id = autumn.id
    before = app.test_client().get("/congress/spring-2026")
    assert before.status_code == 200 and "What became of the ideas" not in text(before)
    with app.app_context():
        db.session.get(type(spring), autumn_id).state = "published"
        db.session.commit()
    page = app.test_client().get("/congress/spring-2026").get_data(as_text=True)
    report = unescape(page.split('id="report-back"')[1])
    assert report.index("Healthy lives") < report.index("Walking groups") < report.index("Safer streets")
    assert report.index("Safer streets") < report.index("Street lights")
    assert "Accepted" in report and "govuk-tag--green" in report and "Submitted" in report
    assert "A draft nobody sees" not in report and "Hidden one" not in report
    assert ESCAPED in page and HOSTILE not in page
    bengali = app.test_client().get("/congress/spring-2026?lang=bn").get_data(as_text=True)
    assert BENGALI.search(bengali.split('id="report-back"')[1].split("</h2>")[0])
    assert app.test_client().get("/congress/autumn-2026").status_code == 200  # the next one has nothing to report


def test_the_report_back_costs_the_same_queries_with_few_or_many_ideas(app, demo):
    with app.app_context():
        spring = congress_with_workshops("spring-2026", utcnow() - timedelta(days=60))
        congress_with_workshops("autumn-2026", utcnow() + timedelta(days=90))
        ideas_from(spring, {0: ["One"]})
        db.session.commit()
    few = queries(app, app.test_client(), "/congress/spring-2026")
    with app.app_context():
        spring = db.session.scalar(db.select(type(spring)).filter_by(slug="spring-2026"))
        ideas_from(spring, {0: [f"Idea {n}" for n in range(15)], 1: [f"Other {n}" for n in range(15)]})
        db.session.commit()
    assert queries(app, app.test_client(), "/congress/spring-2026") == few


def test_the_new_kinds_are_in_the_categories_people_choose_by():
    assert kinds.category_of("proposal_progress").name == "own_proposals"
    assert kinds.category_of("followed_proposal_progress").name == "followed_proposals"
    assert kinds.category_of("resolution_check").name == "own_proposals"
