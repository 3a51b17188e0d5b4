"""Test fixtures: a real database (PostgreSQL when TEST_DATABASE_URL is set, SQLite otherwise), a real SMTP
server (aiosmtpd) for every delivered notice, and a client that submits forms with their CSRF tokens."""

import os
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
from support import (  # noqa: E402
    DATABASE_URL,
    Browser,
    Sink,
    drop_database,
    free_port,
    make_database,
    reset_database,
)

from engage import create_app  # noqa: E402
from engage.extensions import db, limiter  # noqa: E402
from engage.notices import delivery, dispatch  # noqa: E402
from engage.notices.models import Notice  # noqa: E402


@pytest.fixture(scope="session")
def smtp():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


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
        # Its hand-off thread may still write (notices left for the relay): let it finish before the engine goes, or
        # the connection it opens after is never closed.
        dispatch.handoff(other).wait(timeout=10)
        with other.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(request, smtp):
    """Every test starts from the seeded partnership and an empty mailbox."""
    smtp[1].messages.clear()
    smtp[1].raw.clear()
    smtp[1].answer = None
    smtp[1].delay = 0.0
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
            delivery.deliver(
                db.session.scalars(db.select(Notice.id).filter_by(status="pending").order_by(Notice.id)).all()
            )
            db.session.remove()
        return list(smtp[1].messages)

    return run
