"""Command-line operations: flask seed, flask demo, flask users grant."""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from engage.accounts import services as accounts
from engage.accounts.models import ROLES
from engage.congress import services as congresses
from engage.congress.models import Congress
from engage.errors import DomainError
from engage.extensions import db
from engage.partnership import services as partnership
from engage.programmes import demo as work_programmes
from engage.programmes import meetings
from engage.programmes.models import Meeting
from engage.proposals import services as proposals
from engage.proposals.models import Proposal
from engage.reports import demo as annual_reports
from engage.time import utcnow
from engage.triage import services as triage

DEMO_PASSWORD = "demo-password-123"
# Who `flask demo` creates: (email, name, role, board, organisation).
DEMO_ACCOUNTS = [
    ("resident@example.org", "Rahima Begum", None, None, None),
    (
        "partner@example.org",
        "Tom Okafor",
        "partner_representative",
        None,
        "tower-hamlets-council-for-voluntary-service",
    ),
    ("member@example.org", "Ayesha Khan", "board_member", "health-and-wellbeing-board", None),
    ("chair@example.org", "David Levy", "board_chair", "health-and-wellbeing-board", None),
    ("officer@example.org", "Priya Shah", "board_officer", "community-safety-partnership", None),
    ("secretariat@example.org", "Sam Clarke", "secretariat", None, None),
    ("admin@example.org", "Alex Morgan", "admin", None, None),
]

# More residents, so the demo proposals come from several people.
DEMO_RESIDENTS = [
    ("shahana@example.org", "Shahana Ahmed"),
    ("kwame@example.org", "Kwame Mensah"),
    ("maria@example.org", "Maria Costa"),
    ("abdul@example.org", "Abdul Karim"),
]
DEMO_PROPOSALS = Path(__file__).parent / "data" / "demo-proposals.json"

users_cli = AppGroup("users", help="Manage people and their roles.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--board", "board_slug", help="The board's slug, for board roles.")
@click.option("--organisation", "organisation_slug", help="The organisation's slug, for partner representatives.")
def grant_command(email: str, role: str, board_slug: str | None, organisation_slug: str | None) -> None:
    """Give the person with EMAIL the ROLE."""
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email}")
    try:
        accounts.grant(user, role, board_slug, organisation_slug)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"{email} is now {role}" + (f" of {board_slug}" if board_slug else ""))


def seed_command() -> None:
    """Load the partnership's structure from its data file (running it again changes nothing)."""
    partnership.seed()
    db.session.commit()
    click.echo("Partnership structure loaded.")


@click.option("--accounts-only", is_flag=True, help="Only the accounts, no proposals.")
def demo_command(accounts_only: bool) -> None:
    """Add a demo account for each role, more residents and their proposals, and print every demo account."""
    for email, name, role, board, organisation in DEMO_ACCOUNTS:
        user = accounts.user_by_email(email)
        if user is None:
            user = accounts.register(name, email, DEMO_PASSWORD, ["lives"], "en", verified=True)
        if role:
            accounts.grant(user, role, board, organisation)
    residents = [
        accounts.user_by_email(email) or accounts.register(name, email, DEMO_PASSWORD, ["lives"], "en", True)
        for email, name in DEMO_RESIDENTS
    ]
    db.session.flush()
    made = []
    if not accounts_only:  # the boards' year first: proposals then go into its programmes and PEG's next agenda
        made.append(f"{_demo_meetings()} board meetings")
        made.append(f"{work_programmes.make(accounts.user_by_email('secretariat@example.org'))} work programmes")
    proposals_made = 0 if accounts_only else _demo_proposals([accounts.user_by_email(DEMO_ACCOUNTS[0][0]), *residents])
    made.append(f"{len(residents)} more residents, and {proposals_made} proposals")
    if not accounts_only:
        made.append(f"{_demo_congresses()} congresses")
        made.append(f"{annual_reports.make(accounts.user_by_email('secretariat@example.org'))} annual reports")
    db.session.commit()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email in [a[0] for a in DEMO_ACCOUNTS] + [DEMO_PEG_MEMBER[0]] + [r[0] for r in DEMO_RESIDENTS]:
        user = accounts.user_by_email(email)
        if user is not None:  # the PEG member comes with the meetings, not with --accounts-only
            click.echo(f"  {email:28} {_roles(user)}")
    for line in made:
        click.echo(f"  and {line}")


def _roles(user) -> str:
    """What a demo account is, as its roles say: "board_member of partnership-executive-group", say."""
    held = [f"{grant.role}{' of ' + grant.board.slug if grant.board else ''}" for grant in user.roles]
    return ", ".join(held) or "resident"


def _demo_congresses() -> int:
    """The next spring and autumn congresses, a workshop for each call to action; spring's registration open."""
    if db.session.scalar(select(func.count(Congress.id))):
        return 0
    now = utcnow()
    year = now.year + 1
    calls = list(proposals.current_calls_to_action().values())
    for season, month, opens in (("spring", 4, now - timedelta(days=1)), ("autumn", 10, datetime(year, 8, 1))):
        starts = datetime(year, month, 18, 9, 0)  # UTC: 10:00 in London in spring and autumn
        workshops = [
            {
                "title": f"Workshop: {p.title.rstrip('.')}",
                "priority": p,
                "capacity": 30,
                "starts_at": starts + timedelta(hours=1 if n < 3 else 3),
            }
            for n, p in enumerate(calls)
        ]
        congresses.create(
            slug=f"{season}-{year}",
            title=f"{season.title()} {year} Partnership Congress",
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            venue="Town Hall, 160 Whitechapel Road, London E1 1BJ",
            venue_access="Step-free entrance on Whitechapel Road, lifts to every floor, accessible toilets, "
            "a hearing loop in the main hall and a quiet room.",
            capacity=150,
            opens_at=opens,
            closes_at=starts - timedelta(days=3),
            workshops=workshops,
        )
    return 2


# A member of the Partnership Executive Group, for the demo's guaranteed agenda item and proxy.
DEMO_PEG_MEMBER = ("peg.member@example.org", "Nadia Rahman")
DEMO_MINUTES = (
    "The board reviewed progress on its work programme and agreed the next steps for each item.\n\n"
    "Actions: the officers report back on each item at the next meeting."
)
DEMO_AGENDA = ["Welcome, apologies and declarations of interest", "Minutes of the last meeting", "Work programme"]


def _demo_meetings() -> int:
    """Each board's last meeting (agenda and minutes published) and its next one (agenda published); PEG's next
    meeting has a member's guaranteed item and a member's apologies with a proxy (once: none if any exist)."""
    if db.session.scalar(select(func.count(Meeting.id))):
        return 0
    secretariat = accounts.user_by_email("secretariat@example.org")
    today = utcnow().date()
    made = 0
    for board in partnership.boards():
        for days in (-30, 21):
            meeting = meetings.create_meeting(
                board,
                secretariat,
                day=_weekday(today + timedelta(days=days + board.position)),
                starts=time(10),
                ends=time(12),
                place="Town Hall, 160 Whitechapel Road, London E1 1BJ (step-free access, hearing loop)",
            )
            for title in DEMO_AGENDA:
                meetings.add_item(meeting, secretariat, title=title, paper=f"The paper for: {title}.")
            meetings.publish_agenda(meeting, secretariat)
            if days < 0:
                meetings.write_minutes(meeting, secretariat, DEMO_MINUTES)
                meetings.publish_minutes(meeting, secretariat)
            elif board.tier == meetings.EXECUTIVE:
                _demo_peg_member_business(meeting, secretariat)
            made += 1
    return made


def _weekday(day: date) -> date:
    """The day, or the Monday after it when it falls at a weekend."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _demo_peg_member_business(meeting, secretariat) -> None:
    email, name = DEMO_PEG_MEMBER
    member = accounts.user_by_email(email) or accounts.register(name, email, DEMO_PASSWORD, ["works"], "en", True)
    accounts.grant(member, "board_member", meeting.board.slug)
    db.session.flush()
    meetings.submit_item(
        meeting, member, title="Youth services across the partnership", paper="A member's item: guaranteed its place."
    )
    meetings.record_attendance(
        meeting,
        secretariat,
        member,
        "apologies",
        proxy_name="Imran Hussain",
        proxy_role="Deputy Director, with delegated authority to agree on the member's behalf",
    )


def _demo_proposals(authors: list) -> int:
    """A living site: proposals across the calls to action, wards and statuses (once: none if any exist)."""
    if db.session.scalar(select(func.count(Proposal.id))):
        return 0
    secretariat = accounts.user_by_email("secretariat@example.org")
    specs = json.loads(DEMO_PROPOSALS.read_text(encoding="utf-8"))
    for number, spec in enumerate(specs):
        author = authors[number % len(authors)]
        proposal = proposals.start_draft(author)
        proposals.edit(
            proposal, author, show_name=number % 3 != 0, **{field: spec[field] for field in proposals.TEXT_FIELDS}
        )
        proposals.choose_calls_to_action(proposal, author, spec["calls_to_action"])
        proposals.place(proposal, author, spec["ward"])
        proposals.submit(proposal, author, now=utcnow() - timedelta(days=3 * (len(specs) - number)))
        for supporter in authors[: number % len(authors)]:
            if supporter is not author:
                proposals.support(proposal, supporter)
        _demo_triage(proposal, spec, secretariat)
    _demo_merge_and_refer(secretariat)
    return len(specs)


def _demo_triage(proposal: Proposal, spec: dict, secretariat) -> None:
    """Take a demo proposal to its status the way a board would, through the board's decisions."""
    status, reason, board = spec["status"], spec.get("reason", ""), proposal.board
    if status == "withdrawn":
        proposals.withdraw(proposal, proposal.author, reason)
    if status in ("submitted", "withdrawn"):
        return
    triage.start_review(
        proposal, board, secretariat, proposal.version, triage.response_template(board, "start-review", "en")
    )
    if status == "accepted":
        triage.accept(proposal, board, secretariat, proposal.version, reason, new_item_title=proposal.title)
    elif status == "declined":
        signpost = "You could take this idea to your ward councillors or the Local Community Fund."
        triage.decline(proposal, board, secretariat, proposal.version, reason, signpost)
    elif status == "more_info_requested":
        triage.request_information(proposal, board, secretariat, proposal.version, reason)
    elif status == "escalated":
        triage.escalate(
            proposal,
            board,
            secretariat,
            proposal.version,
            issue=reason,
            reason=reason,
            ask="A decision on funding across the partnership.",
            why_not_resolved="No single partner holds the budget.",
        )


def _demo_merge_and_refer(secretariat) -> None:
    """One proposal referred to another board, and one joined to an earlier one that asks the same."""
    waiting = list(db.session.scalars(select(Proposal).where(Proposal.status == "submitted").order_by(Proposal.id)))
    if len(waiting) < 3:
        return
    referred, duplicate, kept = waiting[-1], waiting[-2], waiting[0]
    for proposal in (referred, duplicate):
        triage.start_review(proposal, proposal.board, secretariat, proposal.version, "We are looking at it.")
    target = "climate-partnership" if referred.board.slug != "climate-partnership" else "health-and-wellbeing-board"
    triage.refer(referred, referred.board, secretariat, referred.version, target, "Another board leads on this.")
    triage.mark_duplicate(
        duplicate, duplicate.board, secretariat, duplicate.version, kept.reference, "Same as an earlier idea."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.command("seed")(seed_command)
    app.cli.command("demo")(demo_command)
