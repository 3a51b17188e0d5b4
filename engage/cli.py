"""Command-line operations: flask seed, flask demo, flask users grant."""

import click
from flask import Flask
from flask.cli import AppGroup

from engage.accounts import services as accounts
from engage.accounts.models import ROLES
from engage.errors import DomainError
from engage.extensions import db
from engage.partnership import services as partnership

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


def demo_command() -> None:
    """Add a demo account for each role and print them."""
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, name, role, board, organisation in DEMO_ACCOUNTS:
        user = accounts.user_by_email(email)
        if user is None:
            user = accounts.register(name, email, DEMO_PASSWORD, ["lives"], "en", verified=True)
        if role:
            accounts.grant(user, role, board, organisation)
        click.echo(f"  {email:28} {role or 'resident'}{' of ' + board if board else ''}")
    db.session.commit()


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.command("seed")(seed_command)
    app.cli.command("demo")(demo_command)
