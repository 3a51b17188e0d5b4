"""The outbox: notices written with the change that causes them, delivered once over real SMTP by Celery."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from flask_babel import force_locale
from support import REDIS_URL, Browser, need

from engage.accounts import services as accounts
from engage.config import broker_settings
from engage.extensions import db
from engage.notices import delivery, kinds
from engage.notices import services as notices
from engage.notices.models import Notice
from engage.time import utcnow


def count(status=None) -> int:
    query = db.select(db.func.count(Notice.id))
    if status:
        query = query.filter(Notice.status == status)
    return db.session.scalar(query)


def make_due() -> None:
    db.session.execute(db.update(Notice).values(relay_after=utcnow() - timedelta(seconds=1)))
    db.session.commit()


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
    assert message["Message-ID"] == delivery.message_id(notice)
    assert message["Message-ID"].endswith("@engage.test>")
    assert message["To"] == "rahim@example.org"
    assert "Tower Hamlets Partnership" in message["From"]
    html = message.get_body(("html",)).get_content()
    assert html.lstrip().startswith("<!DOCTYPE html>") and 'lang="bn"' in html
    assert "Rahim" in message.get_body(("plain",)).get_content()
    assert "List-Unsubscribe" not in message  # account notices cannot be turned off


def test_delivering_the_same_notice_twice_sends_it_once(ctx, smtp):
    notice = notices.queue("password_changed", "a@example.org", "once", {"name": "A"})
    db.session.commit()
    assert delivery.deliver([notice.id])["sent"] == 1
    assert delivery.deliver([notice.id])["skipped"] == 1
    assert len(smtp[1].messages) == 1


def test_a_batch_goes_over_one_smtp_connection(ctx, smtp):
    ids = [notices.queue("password_changed", f"p{i}@example.org", f"batch:{i}", {"name": "P"}).id for i in range(30)]
    db.session.commit()
    assert delivery.deliver(ids)["sent"] == 30
    assert len({m["Message-ID"] for m in smtp[1].messages}) == 30
    assert count("sent") == 30


def test_html_from_a_name_is_escaped_in_the_html_mail(ctx, deliver):
    notices.queue("password_changed", "a@example.org", "xss", {"name": "<img src=x onerror=alert(1)>"})
    db.session.commit()
    [message] = deliver()
    assert "<img" not in message.get_body(("html",)).get_content()


def test_a_temporary_refusal_is_retried_after_a_backoff_then_delivered(ctx, smtp):
    notice = notices.queue("password_changed", "a@example.org", "later", {"name": "A"})
    db.session.commit()
    smtp[1].answer = "451 4.3.0 Try again later"
    assert delivery.deliver([notice.id])["retry"] == 1
    db.session.refresh(notice)
    assert (notice.status, notice.attempts) == ("pending", 1)
    assert notice.relay_after > utcnow() + timedelta(seconds=20)
    assert "451" in notice.last_error
    assert delivery.due_ids() == []  # not before its backoff
    smtp[1].answer = None
    make_due()
    assert delivery.due_ids() == [notice.id]
    assert delivery.deliver(delivery.due_ids())["sent"] == 1
    assert len(smtp[1].messages) == 1


def test_backoff_doubles_up_to_an_hour(app, ctx):
    waits = [delivery.backoff(attempt).total_seconds() for attempt in range(1, 10)]
    assert waits[:4] == [30, 60, 120, 240]
    assert max(waits) == 3600


def test_a_permanent_refusal_marks_the_notice_failed_at_once(ctx, smtp):
    notice = notices.queue("password_changed", "gone@example.org", "gone", {"name": "A"})
    db.session.commit()
    smtp[1].answer = "550 5.1.1 No such mailbox"
    assert delivery.deliver([notice.id])["failed"] == 1
    db.session.refresh(notice)
    assert notice.status == "failed" and "550" in notice.last_error


def test_an_unreachable_server_is_retried_until_the_limit_then_failed(app, ctx, smtp):
    notice = notices.queue("password_changed", "a@example.org", "refused", {"name": "A"})
    db.session.commit()
    app.config["MAIL_PORT"] = 1  # nothing listens there
    try:
        for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
            make_due()
            delivery.deliver([notice.id])
            db.session.refresh(notice)
            assert notice.attempts == attempt
        assert notice.status == "failed"
        assert "Connection refused" in notice.last_error
    finally:
        app.config["MAIL_PORT"] = smtp[0].port


def test_a_notice_left_claimed_by_a_dead_worker_is_released_and_counted(app, ctx, deliver):
    notice = notices.queue("password_changed", "a@example.org", "stuck", {"name": "A"})
    db.session.commit()
    assert delivery.claim(notice.id)  # the worker died here, before or after sending: nobody knows
    assert delivery.release_interrupted(timedelta(seconds=60)) == 0  # not yet: it may still be sending
    assert delivery.release_interrupted(timedelta(0)) == 1
    db.session.refresh(notice)
    assert notice.status == "pending" and notice.interrupted_at is not None
    assert len(deliver()) == 1


def test_a_person_who_turned_a_category_off_gets_nothing_and_weekly_goes_to_a_digest(ctx, monkeypatch, deliver):
    monkeypatch.setitem(kinds.KINDS, "password_changed", "followed_proposals")
    weekly = accounts.register("Weekly", "weekly@example.org", "a long enough password", ["lives"], "en", True)
    never = accounts.register("Never", "never@example.org", "a long enough password", ["lives"], "en", True)
    notices.set_choice(weekly, "followed_proposals", "weekly")
    notices.set_choice(never, "followed_proposals", "off")
    assert notices.queue("password_changed", never.email, "n1", {"name": "N"}, user=never) is None
    for number in (1, 2):
        notice = notices.queue("password_changed", weekly.email, f"w{number}", {"name": "W"}, user=weekly)
        assert notice.status == "held"
    db.session.commit()
    assert deliver() == []
    assert notices.gather_digests() == 1
    db.session.commit()
    [digest] = deliver()
    assert digest["Subject"] == "Your weekly summary from the Tower Hamlets Partnership"
    assert digest.get_body(("plain",)).get_content().count("Your password has been changed") == 2
    assert count("digested") == 2
    assert notices.gather_digests() == 0


def test_optional_notices_carry_a_one_click_unsubscribe_that_works_without_signing_in(
    app, ctx, monkeypatch, deliver, browser
):
    monkeypatch.setitem(kinds.KINDS, "password_changed", "own_proposals")
    user = accounts.register("Amina", "amina@example.org", "a long enough password", ["lives"], "en", True)
    notices.queue("password_changed", user.email, "u1", {"name": "A"}, user=user)
    db.session.commit()
    [message] = deliver()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>").removeprefix("http://engage.test")
    assert "Stop these emails?" in browser.get(url).get_data(as_text=True)
    response = app.test_client().post(url)  # what a mail program does: no cookies, no form
    assert response.status_code == 200 and "You have unsubscribed" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert notices.choice(user, kinds.CATEGORIES["own_proposals"]) == "off"
    assert browser.get(url[:-3] + "xyz").status_code == 400


# What a notice's context may hold, for rendering any kind's subject.
SPECIMEN = {
    "name": "Amina",
    "reference": "TH-2027-00012",
    "title": "Benches on Brick Lane",
    "congress": "Spring Congress 2027",
    "starts_at": "2027-05-01T10:00:00",
    "status": "under_review",
    "outcome": "accepted",
    "board": "Climate Partnership",
    "year": "2027-28",
    "count": 1,
    "workshop": "Safer streets",
}


@pytest.mark.parametrize("language", ["en", "bn"])
@pytest.mark.parametrize("kind", sorted(kinds.KINDS))
def test_every_subject_names_the_proposal_congress_or_board_it_is_about(ctx, kind, language):
    """An inbox of notices tells them apart: none says only "a proposal you follow"."""
    named = kinds.NAMED_IN_SUBJECT[kind]  # every kind says what its subject names
    with force_locale(language):
        subject = delivery.subject(kind, SPECIMEN)
    if named is not None:
        assert SPECIMEN[named] in subject


CONGRESS_IN_BENGALI = "টাওয়ার হ্যামলেটস পার্টনারশিপের বসন্তকালীন কংগ্রেস: আমাদের পাড়া, আমাদের ভবিষ্যৎ"


def test_headers_arrive_over_smtp_as_mail_programs_read_them(ctx, smtp, deliver):
    """One-click unsubscribe needs List-Unsubscribe as a plain <https://...> (RFC 8058), and a long Bengali
    subject, folded over several lines, must read back with every space."""
    user = accounts.register("Amina", "amina@example.org", "a long enough password", ["lives"], "bn", True)
    names = [CONGRESS_IN_BENGALI[:length].strip() + " ২০২৭" for length in range(30, len(CONGRESS_IN_BENGALI) + 1, 3)]
    for number, name in enumerate(names):
        context = {"name": "Amina", "reference": "C-1", "congress": name, "starts_at": "2027-05-01T10:00:00"}
        notices.queue("congress_reminder", user.email, f"reminder:{number}", context, "bn", user)
    db.session.commit()
    deliver()
    assert len(smtp[1].raw) == len(names)
    for raw, name in zip(smtp[1].raw, names, strict=True):
        head = raw.split(b"\r\n\r\n")[0] + b"\r\n"
        assert re.search(rb"^List-Unsubscribe: <http://engage\.test/unsubscribe/[\w.-]+>\r$", head, re.MULTILINE)
        assert re.search(rb"^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$", head, re.MULTILINE)
        assert max(len(line) for line in head.split(b"\r\n")) <= 998
        subject = message_from_bytes(raw, policy=policy.default)["Subject"]
        assert subject.startswith(f"মনে করিয়ে দিচ্ছি: {name} হবে ")


def register_on(app, email: str):
    browser = Browser(app.test_client())
    form = {"name": "Nadia", "email": email, "password": "a long password", "connections": ["lives"]}
    return browser.submit("/account/register", form)


def test_requests_do_not_fail_or_wait_when_the_broker_is_down(app, app_with):
    def timed(web, email):
        started = time.monotonic()
        response = register_on(web, email)
        return response, time.monotonic() - started

    _, usual = timed(app, "usual@example.org")  # the same request with the broker there: the machine's own pace
    broker_down = app_with(CELERY=broker_settings("redis://127.0.0.1:1/0"))  # nothing listens there
    response, elapsed = timed(broker_down, "down@example.org")
    assert response.status_code == 302
    assert elapsed - usual < 1
    with app.app_context():
        down = db.session.scalar(db.select(Notice).filter_by(recipient="down@example.org"))
        assert down.status == "pending"  # the relay hands it to the worker once the broker is back
        make_due()
        assert down.id in delivery.due_ids()


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
        PUBLIC_URL="http://engage.test",
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
