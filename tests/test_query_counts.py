"""Pages issue a fixed number of SQL queries whatever the amount of data behind them."""

import pytest
from support import QueryCounter

from engage.accounts import services as accounts
from engage.cli import DEMO_PASSWORD
from engage.extensions import db
from engage.notices import services as notices


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


@pytest.fixture
def admin(app, new_browser):
    app.test_cli_runner().invoke(args=["demo"])
    person = new_browser()
    person.submit("/account/sign-in", {"email": "admin@example.org", "password": DEMO_PASSWORD})
    return person.client


@pytest.mark.parametrize(
    ("url", "grow"),
    [("/admin/users", add_people), ("/secretariat/outbox?status=failed", add_failed_notices)],
)
def test_lists_cost_the_same_queries_with_10_or_60_rows(app, admin, url, grow):
    grow(app, 10, 0)
    few = queries(app, admin, url)
    grow(app, 50, 10)
    assert queries(app, admin, url) == few


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/calls-to-action/",
        "/calls-to-action/3",
        "/boards/",
        "/boards/health-and-wellbeing-board",
        "/plans/a-tower-hamlets-for-all",
    ],
)
def test_public_pages_cost_a_handful_of_queries(app, url):
    assert queries(app, app.test_client(), url) <= 4
