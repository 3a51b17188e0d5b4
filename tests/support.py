"""What the tests share besides fixtures: real-service settings, the SMTP sink, databases of their own,
and a client that submits forms the way a person does."""

import os
import re
import socket

import pytest
from sqlalchemy import text

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
    """Collects what a real SMTP server received: each message parsed as a mail program reads it, and its bytes as
    they arrived (`raw`)."""

    def __init__(self):
        self.messages = []
        self.raw: list[bytes] = []
        self.answer = None  # e.g. "451 4.3.0 try later": refuse every message with it
        self.delay = 0.0  # seconds to take over each message, as a distant relay does

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        from email import message_from_bytes, policy

        await asyncio.sleep(self.delay)
        if self.answer:
            return self.answer
        self.raw.append(envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reset_database(app) -> None:
    """Every table emptied and the partnership's data seeded again (a test that fills the database many times)."""
    from engage.congress import services as congresses
    from engage.extensions import db
    from engage.partnership import services as partnership

    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        congresses.forget_programmes()  # the rows went without the ORM's knowing
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
        form_page = self.client.get(page or url).get_data(as_text=True)
        # Every form's token on the page, prefixed ones (two forms on one page) included.
        tokens = dict(re.findall(r'name="([\w-]*csrf_token)" type="hidden" value="([^"]+)"', form_page))
        assert tokens, "page has no CSRF token"
        payload = {**tokens, **data}
        return self.client.post(url, data=payload, **kwargs)


def sign_up(browser, congress: str, answers: dict):
    """Walks a congress's sign-up the way a person does, from its first page (`congress`, as "/congress/<slug>") to
    Register on its check page, giving every page the `answers` (each takes its own questions'): the response of the
    first page that refuses them, or of Register."""
    page = f"{congress}/register"
    while True:
        response = browser.submit(page, answers)
        if response.status_code != 302 or page.endswith("/register/check"):
            return response
        page = response.headers["Location"]


class QueryCounter:
    """Counts the SQL statements an engine runs while it is active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)
