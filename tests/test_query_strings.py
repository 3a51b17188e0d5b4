"""Query strings arrive hostile: every number and word in one is read through engage.query, and no page of the
site answers a 5xx whatever its query string holds."""

from urllib.parse import quote

import pytest
from support import Browser
from werkzeug.datastructures import MultiDict

from engage import query_string as query
from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.congress.models import Congress
from engage.extensions import db
from engage.programmes.models import Meeting, WorkProgramme, WorkProgrammeItem
from engage.proposals import services as proposals
from engage.proposals.models import Proposal
from engage.triage.models import Escalation

ODD_DIGITS = ["²", "٣", "१", "１", "1_000", " 7", "7 ", "+7", "-1", "0x10", "1e3", "7.5"]


@pytest.mark.parametrize("typed", ODD_DIGITS)
def test_a_whole_number_is_ascii_digits_alone(typed):
    assert query.whole_number(MultiDict({"page": typed}), "page", maximum=100) is None


@pytest.mark.parametrize(
    ("typed", "expected"), [("7", 7), ("007", 7), ("0", None), ("100", 100), ("101", None), ("1" + "0" * 30, None)]
)
def test_a_whole_number_is_within_its_bounds(typed, expected):
    assert query.whole_number(MultiDict({"page": typed}), "page", minimum=1, maximum=100) == expected


def test_a_missing_or_refused_whole_number_is_the_default():
    assert query.whole_number(MultiDict(), "page", maximum=100, default=1) == 1
    assert query.whole_number(MultiDict({"page": "²"}), "page", maximum=100, default=1) == 1


def test_text_loses_control_codes_and_is_cut_to_its_length():
    assert query.text(MultiDict({"q": " par\x00k\x1b benches "}), "q", max_length=200) == "park benches"
    assert query.text(MultiDict({"q": "x" * 10_000}), "q", max_length=200) == "x" * 200
    assert query.text(MultiDict({"q": "\ud800a"}), "q", max_length=200) == "a"
    assert query.text(MultiDict(), "q", max_length=200) == ""


def test_a_choice_is_one_of_those_offered_or_the_default():
    assert query.choice(MultiDict({"sort": "supported"}), "sort", ("newest", "supported"), "newest") == "supported"
    assert query.choice(MultiDict({"sort": "supported\x00"}), "sort", ("newest", "supported"), "newest") == "newest"
    assert query.choice(MultiDict(), "sort", ("newest", "supported"), "newest") == "newest"


# Every name any page reads from its query string (a test below holds the code to this list).
PARAMETERS = [
    "age",
    "assignee",
    "board",
    "call-to-action",
    "comment",
    "exclude",
    "lang",
    "next",
    "page",
    "q",
    "recipient",
    "return",
    "sort",
    "status",
    "ward",
    "workshop",
]
# Raw, already encoded for the query string: %FF is not UTF-8.
TYPED = ["\x00", "swimming\x00pool", "²", "٣", "१", "1" + "0" * 30, "-1", "x" * 10_000, "<script>alert(1)</script>"]
HOSTILE = [quote(value, safe="") for value in TYPED] + ["%FF", ""]
SIGN_IN_ORDER = ["anonymous", *(f"{who}@example.org" for who in ("resident", "chair", "secretariat", "admin"))]
HEALTH = "health-and-wellbeing-board"
PEG = "partnership-executive-group"


def test_every_name_read_from_a_query_string_is_fuzzed():
    import re
    from pathlib import Path

    import engage

    source = "\n".join(p.read_text() for p in Path(engage.__file__).parent.rglob("*.py"))
    read = set(re.findall(r"query_string\.\w+\(\s*(?:request\.)?args,\s*\"([\w-]+)\"", source))
    assert read and read <= set(PARAMETERS)
    assert re.findall(r"request\.args(?:\.get|\[)", source) == [], "read the query string through engage.query_string"


def _values(app) -> dict:
    """A value for each part of each page's address, from the demo partnership."""
    with app.app_context():
        resident = accounts.user_by_email("resident@example.org")
        draft = proposals.start_draft(resident)
        db.session.commit()
        item = db.session.scalars(
            db.select(WorkProgrammeItem).join(WorkProgramme).where(WorkProgramme.board.has(slug=HEALTH))
        ).first()
        escalation = db.session.scalars(db.select(Escalation)).first()
        return {
            "board": HEALTH,
            "slug": HEALTH,
            "congress": db.session.scalars(db.select(Congress.slug)).first(),
            "reference": db.session.scalars(
                db.select(Proposal.reference).where(Proposal.board.has(slug=HEALTH), Proposal.status == "under_review")
            ).first(),
            "proposal_id": draft.id,
            "step": "title",
            "page": "needs",
            "decision": "decline",
            "meeting_id": db.session.scalars(db.select(Meeting.id).where(Meeting.board.has(slug=HEALTH))).first(),
            "year": item.programme.year,
            "item_id": item.id,
            "escalation_id": escalation.id if escalation else 1,
            "user_id": resident.id,
            "number": 2,
            "report_id": 1,
            "token": "not-a-token",
            "name": "none.eml",
            "filename": "app.js",
        }


def _address(rule, values: dict) -> str:
    parts = {name: values[name] for name in rule.arguments}
    if rule.endpoint.startswith("congress") and "slug" in parts:
        parts["slug"] = values["congress"]
    if rule.endpoint == "site.plan":
        parts["slug"] = "a-tower-hamlets-for-all"
    if rule.endpoint.startswith("workspace.escalation"):
        parts["board"] = PEG
    return rule.build(parts, append_unknown=False)[1]


def _signed_in(app) -> dict:
    """A client for no one and for each of the demo's people, from a resident to an admin, signed in."""
    clients = {}
    for who in SIGN_IN_ORDER:
        person = Browser(app.test_client())
        if who != "anonymous":
            assert person.submit("/account/sign-in", {"email": who, "password": DEMO_PASSWORD}).status_code == 302
        clients[who] = person.client
    return clients


def _status(client, address: str) -> int:
    with client.get(address) as response:  # closed: a static file's stays open otherwise
        return response.status_code


def _visitor(clients: dict, address: str) -> tuple:
    """The first of the demo's people, from no one up, whom the page lets in, and the page's answer to them."""
    for who, client in clients.items():  # noqa: B007 (the one let in is the answer)
        with client.get(address) as response:
            if response.status_code != 403 and "/account/sign-in?next=" not in response.headers.get("Location", ""):
                break
    return who, client, response.status_code


def test_no_page_answers_a_server_error_whatever_its_query_string(app):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    values, clients = _values(app), _signed_in(app)
    failures, reached = [], 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        address = _address(rule, values)
        who, client, status = _visitor(clients, address)
        assert status < 500, f"{address} answered {status} with no query string"
        reached += status == 200
        if status >= 400:
            continue
        for turn in range(len(HOSTILE)):  # each parameter meets each hostile value once
            hostile = {name: HOSTILE[(number + turn) % len(HOSTILE)] for number, name in enumerate(PARAMETERS)}
            status = _status(client, address + "?" + "&".join(f"{name}={value}" for name, value in hostile.items()))
            if status >= 500:
                failures.append((who, address, "every parameter", turn))
            elif status >= 400:  # refused: one hostile parameter may hide what another would do
                failures += [
                    (who, address, name, value[:20])
                    for name, value in hostile.items()
                    if _status(client, f"{address}?{name}={value}") >= 500
                ]
    assert failures == []
    assert reached >= 80  # the pages were reached, not refused
