"""The outbox: notices written with the change that causes them, delivered once over real SMTP by Celery."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from support import REDIS_URL, Browser, need

from engage.accounts import services as accounts
from engage.config import broker_settings
from engage.extensions import db
from engage.notices import services as notices
from engage.notices.models import Notice


def count(status=None) -> int:
    query = db.select(db.func.count(Notice.id))
    if status:
        query = query.filter(Notice.status == status)
    return db.session.scalar(query)


def test_the_same_idempotency_key_twice_gives_one_notice(ctx):
    first = notices.queue("password_changed", "a@example.org", "key:1", {"name": "A"})
    second = notices.queue("password_changed", "a@example.org", "key:1", {"name": "A"})
    db.session.commit()
    assert first.id == second.id
    assert count() == 1


def test_a_notice_is_written_in_the_same_transaction_as_its_change(ctx):
    accounts.register("Amina", "amina@example.org", "a long enough password", ["lives"], "en")
    db.session.rollback()
    assert count() == 0
    assert accounts.user_by_email("amina@example.org") is None


def test_delivery_renders_in_the_recipients_language_with_a_stable_message_id(ctx, deliver):
    notice = notices.queue("password_changed", "rahim@example.org", "password-changed:7:x", {"name": "Rahim"}, "bn")
    db.session.commit()
    [message] = deliver()
    assert message["Message-ID"] == notice.message_id
    assert message["To"] == "rahim@example.org"
    assert "Tower Hamlets Partnership" in message["From"]
    assert message.get_body(("html",)).get_content().lstrip().startswith("<!DOCTYPE html>")
    assert 'lang="bn"' in message.get_body(("html",)).get_content()
    assert "Rahim" in message.get_body(("plain",)).get_content()


def test_delivering_the_same_notice_twice_sends_it_once(ctx, smtp):
    notice = notices.queue("password_changed", "a@example.org", "once", {"name": "A"})
    db.session.commit()
    assert notices.deliver(notice.id) == "sent"
    assert notices.deliver(notice.id) == "skipped"
    assert len(smtp[1].messages) == 1


def test_html_from_a_name_is_escaped_in_the_html_mail(ctx, deliver):
    notices.queue("password_changed", "a@example.org", "xss", {"name": "<img src=x onerror=alert(1)>"})
    db.session.commit()
    [message] = deliver()
    assert "<img" not in message.get_body(("html",)).get_content()


def test_an_smtp_failure_leaves_the_notice_to_retry_then_marks_it_failed(app, ctx, smtp):
    notice = notices.queue("password_changed", "a@example.org", "refused", {"name": "A"})
    db.session.commit()
    app.config["MAIL_PORT"] = 1  # nothing listens there
    try:
        for attempt in range(1, notices.MAX_ATTEMPTS + 1):
            with pytest.raises(OSError):
                notices.deliver(notice.id)
            db.session.refresh(notice)
            assert notice.attempts == attempt
        assert notice.status == "failed"
        assert "Connection refused" in notice.last_error
    finally:
        app.config["MAIL_PORT"] = smtp[0].port


def test_a_notice_left_claimed_by_a_dead_worker_is_released(ctx, deliver):
    notice = notices.queue("password_changed", "a@example.org", "stuck", {"name": "A"})
    db.session.commit()
    notices.claim(notice.id)  # the worker died here, before sending
    assert notices.release_stuck(timedelta(0)) == 1
    db.session.commit()
    assert len(deliver()) == 1


def register_on(app, email: str):
    browser = Browser(app.test_client())
    form = {"name": "Nadia", "email": email, "password": "a long password", "connections": ["lives"]}
    return browser.submit("/account/register", form)


def test_requests_do_not_fail_or_wait_when_the_broker_is_down(app, app_with):
    broker_down = app_with(CELERY=broker_settings("redis://127.0.0.1:1/0"))  # nothing listens there
    started = time.monotonic()
    response = register_on(broker_down, "down@example.org")
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 3
    with app.app_context():
        assert count("pending") == 1  # the relay hands it to the worker once the broker is back
        assert notices.pending_ids(timedelta(0)) == [db.session.scalar(db.select(Notice.id))]


@pytest.fixture
def worker(app, smtp):
    """A real Celery worker process on Redis, delivering to the real SMTP sink."""
    need("redis", REDIS_URL)
    env = dict(
        os.environ,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=REDIS_URL,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp[0].port),
        ENGAGE_ENV="test",
    )
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.app",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=warning",
        ],
        env=env,
    )
    yield process
    process.terminate()
    process.wait(timeout=20)


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
def test_a_celery_worker_on_redis_delivers_account_mail_after_the_commit(app, app_with, worker, smtp):
    register_on(app_with(CELERY=broker_settings(REDIS_URL)), "nadia@example.org")
    assert wait_for(lambda: len(smtp[1].messages) == 1), "the worker delivered nothing"
    assert smtp[1].messages[0]["Subject"] == "Confirm your email address"
    with app.app_context():
        assert wait_for(lambda: (db.session.rollback(), count("sent"))[1] == 1)
