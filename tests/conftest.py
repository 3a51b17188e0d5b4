"""Test fixtures: a real database (PostgreSQL when TEST_DATABASE_URL is set, SQLite otherwise), a real SMTP
server (aiosmtpd) for every delivered notice, and a client that submits forms with their CSRF tokens."""

import os
import re
import socket
import tempfile
from pathlib import Path

import pytest

INSTANCE = Path(tempfile.mkdtemp(prefix="engage-test-"))
os.environ["ENGAGE_INSTANCE_PATH"] = str(INSTANCE)
os.environ.pop("REDIS_URL", None)
os.environ.pop("DATABASE_URL", None)
os.environ.pop("MAIL_SERVER", None)

from aiosmtpd.controller import Controller  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from engage import create_app  # noqa: E402
from engage.extensions import db, limiter  # noqa: E402
from engage.notices import services as notices  # noqa: E402
from engage.notices.models import Notice  # noqa: E402
from engage.partnership import services as partnership  # noqa: E402

IN_CI = os.environ.get("CI") == "true"
DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")


def need(service: str, url: str | None) -> None:
    """Skip (with a one-line reason) when a real service is not configured; in CI that is a failure."""
    if url:
        return
    reason = f"{service} not configured (set TEST_{service.upper()}_URL)"
    if IN_CI:
        pytest.fail(reason + ": CI must run every test")
    pytest.skip(reason)


class Sink:
    """Collects what a real SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


def reset_database(app) -> None:
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        partnership.seed()
        db.session.commit()


def make_database(url: str, purpose: str = "main") -> str:
    """A fresh database of its own for this run, so tests never touch anything else on the server."""
    if not url.startswith("postgres"):
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from engage.config import database_url

    target = make_url(database_url(url)).set(database=f"engage_test_{os.getpid()}_{purpose}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def settings(smtp):
    """What every test app is configured with: the test database and the SMTP sink."""
    controller, _ = smtp
    url = make_database(DATABASE_URL) if DATABASE_URL else f"sqlite:///{INSTANCE / 'test.db'}"
    yield {
        "SQLALCHEMY_DATABASE_URI": url,
        "ENGAGE_ENV": "test",
        "TESTING": True,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "PUBLIC_URL": "http://engage.test",
        "ARGON2_PROFILE": "CHEAPEST",  # real argon2id, at the cost meant for test suites
    }
    drop_database(url)


@pytest.fixture(scope="session")
def app(settings):
    app = create_app(settings)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_with(app, settings):
    """Another app on the same database, with some settings changed (a broker, say)."""
    made = []

    def make(**overrides):
        made.append(create_app({**settings, **overrides}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(request, smtp):
    """Every test starts from the seeded partnership and an empty mailbox."""
    smtp[1].messages.clear()
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        reset_database(app)
        limiter.reset()
    yield


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """The Flask test client, submitting forms the way a person does: load the page, then post it."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url, data: dict, page: str | None = None, **kwargs):
        form_page = self.client.get(page or url)
        payload = {"csrf_token": csrf_token(form_page.get_data(as_text=True)), **data}
        return self.client.post(url, data=payload, **kwargs)


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app):
    """Another device: its own cookies."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def deliver(app, smtp):
    """Deliver every pending notice through the real delivery service to the SMTP sink; return the messages."""

    def run():
        with app.app_context():
            for notice_id in db.session.scalars(db.select(Notice.id).filter_by(status="pending")).all():
                notices.deliver(notice_id)
            db.session.remove()
        return list(smtp[1].messages)

    return run
