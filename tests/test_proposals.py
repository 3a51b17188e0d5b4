"""Residents' proposals: the question pages, submission and routing, the public list and page, supports."""

import csv
import io
import json
import re
from html import unescape

import pytest
from support import csrf_token

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.extensions import db
from engage.partnership import services as partnership
from engage.proposals import services as proposals
from engage.proposals import statuses
from engage.proposals.models import Proposal, StatusChange

ANSWERS = {
    "title": {"title": "More benches along the canal towpath"},
    "problem": {"problem": "Older people cannot walk far\nwithout a rest."},
    "idea": {"idea": "Put a bench every 200 metres between Mile End and Limehouse."},
    "who-it-helps": {"who_it_helps": "Older residents, carers and parents."},
    "calls-to-action": {"primary": "3", "others": ["2"]},
    "where": {"ward": "mile-end"},
    "your-name": {"show_name": "yes"},
}


@pytest.fixture
def demo(app):
    assert app.test_cli_runner().invoke(args=["demo", "--accounts-only"]).exit_code == 0


def sign_in(new_browser, email="resident@example.org"):
    person = new_browser()
    assert person.submit("/account/sign-in", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
    return person


def start(person) -> str:
    response = person.submit("/proposals/new", {})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[0]  # /proposals/drafts/<id>


def answer_everything(person, draft: str, answers=ANSWERS) -> None:
    for step, data in answers.items():
        response = person.submit(f"{draft}/{step}", data)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])


def submit_one(person, answers=ANSWERS) -> str:
    draft = start(person)
    answer_everything(person, draft, answers)
    response = person.submit(f"{draft}/check", {})
    return response.headers["Location"].split("/")[2]


def test_the_question_pages_lead_to_check_your_answers_and_a_reference(app, demo, new_browser, deliver):
    resident = sign_in(new_browser)
    draft = start(resident)
    answer_everything(resident, draft)
    check = resident.get(f"{draft}/check").get_data(as_text=True)
    assert "Check your answers" in check and "More benches along the canal towpath" in check
    assert "Mile End" in check and "3. Everyone in Tower Hamlets should feel safe" in check
    response = resident.submit(f"{draft}/check", {})
    reference = response.headers["Location"].split("/")[2]
    assert re.fullmatch(r"TH-\d{4}-00001", reference)
    confirmation = resident.get(response.headers["Location"]).get_data(as_text=True)
    assert reference in confirmation and "Community Safety Partnership" in confirmation
    subjects = {m["To"]: m["Subject"] for m in deliver()}
    assert subjects["resident@example.org"] == f"We have your proposal {reference}"
    with app.app_context():
        proposal = db.session.scalar(db.select(Proposal))
        assert proposal.status == "submitted" and proposal.board.slug == "community-safety-partnership"
        assert [p.number for p in proposal.priorities] == [3, 2]
        assert proposal.problem == "Older people cannot walk far\nwithout a rest."
        [change] = db.session.scalars(db.select(StatusChange)).all()
        assert (change.from_status, change.to_status) == ("draft", "submitted")


def test_the_routed_boards_members_are_told(app, demo, new_browser, deliver):
    submit_one(sign_in(new_browser), {**ANSWERS, "calls-to-action": {"primary": "2"}})
    recipients = {m["To"] for m in deliver()}
    assert {"member@example.org", "chair@example.org"} <= recipients  # Health and Wellbeing Board
    assert "officer@example.org" not in recipients  # Community Safety Partnership


def test_the_byline_keeps_a_space_either_side_of_each_dot(app, demo, new_browser):
    reference = submit_one(sign_in(new_browser))
    html = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    byline = " ".join(unescape(re.sub(r"<[^>]+>", "", html.split("Proposed by", 1)[1].split("</p>", 1)[0])).split())
    assert re.fullmatch(r"Rahima Begum · \d{1,2} \w+ \d{4} · With Community Safety Partnership", byline), byline


def test_references_count_up(app, demo, new_browser):
    resident = sign_in(new_browser)
    assert [submit_one(resident)[-5:] for _ in range(3)] == ["00001", "00002", "00003"]


def test_a_step_left_empty_shows_a_govuk_error_and_keeps_the_rest(app, demo, new_browser):
    resident = sign_in(new_browser)
    draft = start(resident)
    page = resident.submit(f"{draft}/title", {"title": ""}).get_data(as_text=True)
    assert "There is a problem" in page and "Enter a title for your idea" in page
    too_long = resident.submit(f"{draft}/problem", {"problem": "x" * 2001}).get_data(as_text=True)
    assert "Use 2000 characters or fewer" in too_long and "x" * 2001 in too_long
    no_call = resident.submit(f"{draft}/calls-to-action", {"others": ["1"]}).get_data(as_text=True)
    assert "Select the call to action your idea does most for" in no_call


def test_a_draft_cannot_be_submitted_until_every_question_is_answered(app, demo, new_browser):
    resident = sign_in(new_browser)
    draft = start(resident)
    resident.submit(f"{draft}/title", ANSWERS["title"])
    page = resident.get(f"{draft}/check").get_data(as_text=True)
    assert "Answer every question before you submit" in page and "Submit your proposal" not in page
    resident.submit(f"{draft}/check", {}, page=f"{draft}/title")
    with app.app_context():
        assert db.session.scalar(db.select(Proposal.status)) == "draft"


def test_drafts_are_private_and_listed_for_their_author(app, demo, new_browser):
    resident = sign_in(new_browser)
    draft = start(resident)
    resident.submit(f"{draft}/title", ANSWERS["title"])
    assert "More benches" in resident.get("/proposals/new").get_data(as_text=True)
    for other in ("partner@example.org", "secretariat@example.org", "admin@example.org"):
        assert sign_in(new_browser, other).get(f"{draft}/title").status_code == 404
    assert "More benches" not in app.test_client().get("/proposals/").get_data(as_text=True)


HOSTILE = "<script>alert(1)</script>\n<b>bold</b> ‮reversed‬ 👩‍👩‍👧"


def test_hostile_text_is_stored_as_typed_and_shown_as_text(app, demo, new_browser):
    resident = sign_in(new_browser)
    answers = {**ANSWERS, "title": {"title": "<img src=x onerror=alert(1)>"}, "idea": {"idea": HOSTILE}}
    reference = submit_one(resident, answers)
    page = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert(1)</script>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    with app.app_context():
        assert db.session.scalar(db.select(Proposal.idea)) == HOSTILE


def test_the_author_edits_until_review_starts_then_cannot(app, demo, new_browser):
    resident = sign_in(new_browser)
    reference = submit_one(resident)
    with app.app_context():
        proposal = proposals.by_reference(reference)
        draft = f"/proposals/drafts/{proposal.id}"
    assert (
        resident.submit(
            f"{draft}/title?return=check", {"title": "Benches by the canal"}, page=f"{draft}/title"
        ).status_code
        == 302
    )
    with app.app_context():
        proposal = proposals.by_reference(reference)
        statuses.transition(proposal, "under_review", None)
        db.session.commit()
    assert resident.get(f"{draft}/title").status_code == 404
    assert app.test_client().get(f"/proposals/{reference}").get_data(as_text=True).count("Benches by the canal") >= 1


def test_only_the_author_withdraws(app, demo, new_browser):
    reference = submit_one(sign_in(new_browser))
    other = sign_in(new_browser, "partner@example.org")
    assert other.get(f"/proposals/{reference}/withdraw").status_code == 403
    author = sign_in(new_browser)
    author.submit(f"/proposals/{reference}/withdraw", {"reason": "Someone else is doing it", "confirm": "yes"})
    page = app.test_client().get(f"/proposals/{reference}").get_data(as_text=True)
    assert "Withdrawn" in page and "Someone else is doing it" in page


def test_the_status_rules_refuse_a_jump(app, ctx, demo):
    resident = accounts.user_by_email("resident@example.org")
    proposal = proposals.start_draft(resident)
    with pytest.raises(Exception, match="cannot go from"):
        statuses.transition(proposal, "accepted", resident)


def test_supporting_twice_counts_once_and_follows(app, demo, new_browser):
    reference = submit_one(sign_in(new_browser))
    partner = sign_in(new_browser, "partner@example.org")
    for _ in range(2):
        partner.submit(f"/proposals/{reference}/support", {}, page=f"/proposals/{reference}")
    page = partner.get(f"/proposals/{reference}").get_data(as_text=True)
    assert "You support this proposal." in page and "Stop following" in page
    with app.app_context():
        assert proposals.by_reference(reference).supports == 1


def test_support_needs_a_signed_in_person_and_a_token(app, demo, new_browser):
    reference = submit_one(sign_in(new_browser))
    anonymous = app.test_client()
    assert anonymous.post(f"/proposals/{reference}/support").status_code == 400  # no CSRF token
    token = csrf_token(anonymous.get("/account/sign-in").get_data(as_text=True))
    response = anonymous.post(f"/proposals/{reference}/support", data={"csrf_token": token})
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


def test_the_list_filters_searches_sorts_and_pages(app, demo, new_browser):
    resident = sign_in(new_browser)
    benches = submit_one(resident)
    trees = submit_one(
        resident,
        {
            **ANSWERS,
            "title": {"title": "Plant trees on Roman Road"},
            "problem": {"problem": "The street is hot in summer."},
            "calls-to-action": {"primary": "2"},
            "where": {"ward": "bow-west"},
        },
    )
    client = app.test_client()

    def listed(query):
        page = client.get(f"/proposals/?{query}").get_data(as_text=True)
        return {ref for ref in (benches, trees) if ref in page}

    assert listed("") == {benches, trees}
    assert listed("call-to-action=2") == {benches, trees}  # 2 is also relevant to the benches
    assert listed("call-to-action=3") == {benches}
    assert listed("ward=bow-west") == {trees}
    assert listed("board=health-and-wellbeing-board") == {trees}
    assert listed("q=canal+towpath") == {benches}
    assert listed("q=summer") == {trees}
    assert listed("status=declined") == set()
    assert listed("q=%3Cscript%3E&ward=nowhere&page=-5&call-to-action=x") == set()
    assert listed("ward=nowhere") == listed("board=nothing") == listed("call-to-action=9") == set()
    # How many match, on a page of them and on a page past the last (counted apart, as that page has no rows).
    for page in (1, 2):
        html = client.get(f"/proposals/?q=canal+towpath&page={page}").get_data(as_text=True)
        assert ">1 proposal</h2>" in html and (benches in html) == (page == 1)
    assert ">0 proposals</h2>" in client.get("/proposals/?q=zeppelin").get_data(as_text=True)


def test_the_public_pages_show_the_partnership_as_it_now_is_after_a_change(app, browser, tmp_path):
    """Each process keeps the partnership's structure for a while; a change made here shows at once, and one
    rolled back is forgotten."""
    assert "Mile End" in browser.get("/proposals/").get_data(as_text=True)
    data = json.loads(partnership.DATA_FILE.read_text(encoding="utf-8"))
    next(w for w in data["wards"] if w["slug"] == "mile-end")["name"] = "Mile End and Globe Town"
    plan = next(p for p in data["plans"] if p["current"])
    plan["priorities"][0]["title"] = "A fairer borough for everyone"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data), encoding="utf-8")

    with app.app_context():
        partnership.seed(changed)
        db.session.rollback()
    assert "Mile End and Globe Town" not in browser.get("/proposals/").get_data(as_text=True)
    assert "A fairer borough" not in browser.get("/").get_data(as_text=True)

    with app.app_context():
        partnership.seed(changed)
        db.session.commit()
    assert "Mile End and Globe Town" in browser.get("/proposals/").get_data(as_text=True)
    assert "A fairer borough for everyone" in browser.get("/").get_data(as_text=True)


def test_open_data_leaves_out_names_people_asked_to_keep_private(app, demo, new_browser):
    resident = sign_in(new_browser)
    submit_one(resident)
    submit_one(resident, {**ANSWERS, "title": {"title": '=HYPERLINK("http://evil")'}, "your-name": {"show_name": "no"}})
    client = app.test_client()
    rows = list(csv.DictReader(io.StringIO(client.get("/proposals.csv").get_data(as_text=True))))
    assert [r["author"] for r in rows] == ["", "Rahima Begum"]  # the list's order: the newest first
    assert rows[0]["title"].startswith("'=")  # not a formula in a spreadsheet
    data = client.get("/proposals.json").json["proposals"]
    assert [d["author"] for d in data] == ["", "Rahima Begum"]
    assert "resident@example.org" not in client.get("/proposals.json").get_data(as_text=True)


REFERENCE = re.compile(r"TH-\d{4}-\d{5,6}")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=supported",
        "call-to-action=2",
        "ward=bow-west",
        "status=accepted",
        "q=children",
        "status=submitted&call-to-action=1",
    ],
)
def test_the_downloads_hold_exactly_what_the_list_shows_on_all_its_pages(app, query):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    listed, page = [], 1
    while True:
        html = client.get(f"/proposals/?{query}&page={page}").get_data(as_text=True)
        found = list(dict.fromkeys(REFERENCE.findall(html)))
        if not found:
            break
        listed += found
        page += 1
    # The list links to its downloads with its filters in the link.
    first = client.get(f"/proposals/?{query}&page=2").get_data(as_text=True)
    links = re.findall(r'href="(/proposals\.(?:csv|json)[^"]*)"', first)
    assert len(links) == 2 and all("page=" not in link for link in links)
    csv_rows = list(csv.DictReader(io.StringIO(client.get(links[0].replace("&amp;", "&")).get_data(as_text=True))))
    json_rows = client.get(links[1].replace("&amp;", "&")).json["proposals"]
    assert listed and [r["reference"] for r in csv_rows] == [r["reference"] for r in json_rows] == listed
    if not query:
        assert len(listed) > 20  # more than the list's first page


ROLES = {
    "anonymous": None,
    "author": "resident@example.org",
    "partner_representative": "partner@example.org",
    "member_of_its_board": "officer@example.org",  # Community Safety Partnership, where ANSWERS route
    "member_of_another_board": "member@example.org",
    "secretariat": "secretariat@example.org",
    "admin": "admin@example.org",
}


def as_role(new_browser, role):
    return sign_in(new_browser, ROLES[role]) if ROLES[role] else new_browser()


@pytest.fixture
def submitted(app, demo, new_browser):
    reference = submit_one(sign_in(new_browser))
    with app.app_context():
        return reference, proposals.by_reference(reference).id


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page_of_a_submitted_proposal(app, submitted, new_browser, role):
    reference, proposal_id = submitted
    person = as_role(new_browser, role)
    assert person.get(f"/proposals/{reference}").status_code == 200
    assert person.get("/proposals/new").status_code == (302 if role == "anonymous" else 200)
    expected_author_only = {"anonymous": 302, "author": 200}.get(role, 404)
    assert person.get(f"/proposals/drafts/{proposal_id}/title").status_code == expected_author_only
    assert person.get(f"/proposals/drafts/{proposal_id}/check").status_code == expected_author_only
    assert person.get(f"/proposals/{reference}/confirmation").status_code == expected_author_only
    assert person.get(f"/proposals/{reference}/withdraw").status_code == {"anonymous": 302, "author": 200}.get(
        role, 403
    )


@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_proposal_is_seen_by_its_author_the_secretariat_and_its_board_only(app, submitted, new_browser, role):
    reference, proposal_id = submitted
    with app.app_context():
        db.session.execute(db.update(Proposal).values(hidden_at=accounts.utcnow(), hidden_reason="House rules"))
        db.session.commit()
    seen = role in ("author", "member_of_its_board", "secretariat", "admin")
    assert as_role(new_browser, role).get(f"/proposals/{reference}").status_code == (200 if seen else 404)
    assert reference not in app.test_client().get("/proposals/").get_data(as_text=True)
    assert reference not in app.test_client().get("/proposals.json").get_data(as_text=True)


def test_an_unknown_or_odd_reference_is_a_404(app, browser):
    for reference in ("TH-2026-99999", "x" * 3000, "<script>", "TH-2026-00001%00"):
        assert browser.get(f"/proposals/{reference}").status_code == 404


def test_proposals_like_the_one_being_written_are_offered(app, demo, new_browser):
    resident = sign_in(new_browser)
    benches = submit_one(resident)
    found = app.test_client().get("/proposals/similar?q=benches+towpath").json["proposals"]
    assert [p["reference"] for p in found] == [benches]
    assert found[0]["url"] == f"/proposals/{benches}"
    assert app.test_client().get("/proposals/similar?q=zebra+giraffe").json == {"proposals": []}
    for odd in ("", "%00", "<script>", "a" * 5000, "foo_bar & | ! :*", "১২৩ naïve"):
        assert app.test_client().get(f"/proposals/similar?q={odd}").status_code == 200
    draft = start(resident)
    resident.submit(f"{draft}/title", {"title": "Benches by the canal"})
    page = resident.get(f"{draft}/problem").get_data(as_text=True)
    assert "Proposals like yours" in page and benches in page


def test_only_the_statuses_module_writes_a_proposals_status():
    """The rule of DESIGN.md, checked on the code: every other module goes through statuses.transition."""
    import pathlib

    # `proposal.status = …`, or an UPDATE of proposals (its chained lines included) that sets a status
    writes = re.compile(r"proposal\.status\s*=[^=]|update\(Proposal\)(?:[^\n]|\n\s+\.)*?\bstatus=", re.IGNORECASE)
    root = pathlib.Path(__file__).resolve().parent.parent / "engage"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "statuses.py" and writes.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("current", "to"),
    [
        ("draft", "accepted"),
        ("submitted", "declined"),
        ("accepted", "withdrawn"),
        ("declined", "under_review"),
        ("withdrawn", "submitted"),
    ],
)
def test_the_transitions_not_in_the_design_are_refused(app, ctx, demo, current, to):
    from engage.errors import DomainError

    proposal = Proposal(status=current)
    with pytest.raises(DomainError):
        statuses.transition(proposal, to, None)
    assert proposal.status == current
