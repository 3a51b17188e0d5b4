"""The outbox when things around it fail, with real processes: a Celery worker killed in the middle of a batch,
Redis stopped or hung while residents register, an SMTP server refusing for a while or for good.

Every notice arrives; the only ones that may arrive twice are those a killed worker had sent but not yet marked,
and those are detected, logged and counted. Each worker here consumes a queue of this run's own, so other test
runs on the same Redis database neither take its tasks nor give it theirs.
"""

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from support import DATABASE_URL, IN_CI, REDIS_URL, Browser, csrf_token, free_port, need

from engage.accounts import services as accounts
from engage.config import ROOT, broker_settings, from_environment
from engage.extensions import db, limiter
from engage.notices import delivery, dispatch
from engage.notices import services as notices
from engage.notices.models import Notice
from engage.time import utcnow

QUEUE = f"engage-faults-{os.getpid()}"
PASSWORD = "a long enough password"


def on_queue(redis_url: str) -> dict:
    return {**broker_settings(redis_url), "task_default_queue": QUEUE}


def redis_settings(redis_url: str) -> dict:
    """What a web process started with REDIS_URL gets (broker, rate limits, their timeouts), on this run's queue."""
    keys = ("REDIS_URL", "RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_OPTIONS")
    settings = {key: value for key, value in from_environment({"REDIS_URL": redis_url}).items() if key in keys}
    return {**settings, "CELERY": on_queue(redis_url)}


def wait_for(condition, seconds: float = 30.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def read(app, query):
    with app.app_context():
        try:
            return db.session.execute(query).all()
        finally:
            db.session.remove()


def statuses(app) -> Counter:
    return Counter(dict(read(app, select(Notice.status, func.count(Notice.id)).group_by(Notice.status))))


def notice(app, notice_id: int):
    fields = (Notice.status, Notice.attempts, Notice.last_error, Notice.interrupted_at)
    return read(app, select(*fields).where(Notice.id == notice_id))[0]


def relay(app) -> int:
    """What the beat job does every 15 seconds, done here when the test wants it."""
    with app.app_context():
        try:
            return delivery.relay()
        finally:
            db.session.remove()


def relaying(outbox, condition):
    """The condition, with a relay run whenever it does not hold yet (as the beat job would, only sooner)."""

    def check() -> bool:
        if condition():
            return True
        relay(outbox)
        return False

    return check


def message_ids(messages) -> Counter:
    return Counter(message["Message-ID"] for message in messages)


# Handing notices over after the commit --------------------------------------------------------------------


@pytest.fixture
def handed(app, monkeypatch):
    """Each batch of ids the app hands to the broker, with how many of those notices were committed by then."""
    batches = []

    def send_task(name, args, **options):
        with db.engine.connect() as other:  # sees only what is committed
            committed = other.scalar(select(func.count(Notice.id)).where(Notice.id.in_(args[0])))
        batches.append((args[0], committed))

    monkeypatch.setattr(app.extensions["celery"], "send_task", send_task)
    monkeypatch.setitem(app.extensions, "broker", {"resting_until": 0.0})
    return batches


def handed_over(app) -> None:
    assert dispatch.handoff(app).wait(timeout=10), "the hand-off thread did not hand the ids over"


def test_notices_queued_together_go_to_the_worker_together_once_committed(app, ctx, handed):
    # SQLAlchemy reports each notice's savepoint as a commit too: none may go before the transaction's own
    ids = [
        notices.queue("password_changed", f"p{n}@example.org", f"together:{n}", {"name": "P"}).id for n in range(150)
    ]
    handed_over(app)
    assert handed == []
    db.session.commit()
    handed_over(app)
    assert handed == [(ids[:100], 100), (ids[100:], 50)]


def test_a_savepoint_rolled_back_keeps_what_the_transaction_queued_before_it(app, ctx, handed):
    kept = notices.queue("password_changed", "kept@example.org", "kept", {"name": "K"}).id
    with pytest.raises(IntegrityError), db.session.begin_nested():  # as when a concurrent request wins a key
        db.session.add(Notice(kind="password_changed", recipient="kept@example.org", idempotency_key="kept"))
    db.session.commit()
    handed_over(app)
    assert handed == [([kept], 1)]


def test_commits_close_together_share_one_task_and_none_waits_for_it(app, ctx, handed, monkeypatch):
    """At a congress's opening hundreds of sign-ups a second commit a notice each: the first is handed over at
    once, those committed within HANDOFF_SECONDS of it go together in the next task, and no commit waits for the
    broker meanwhile."""
    monkeypatch.setitem(app.config, "HANDOFF_SECONDS", 0.5)
    ids = [notices.queue("password_changed", "c@example.org", "close", {"name": "C"}).id]
    db.session.commit()
    handed_over(app)
    waited = []
    for n in range(1, 4):
        ids.append(notices.queue("password_changed", f"c{n}@example.org", f"close:{n}", {"name": "C"}).id)
        began = time.monotonic()
        db.session.commit()
        waited.append(time.monotonic() - began)
    handed_over(app)
    assert handed == [([ids[0]], 1), (ids[1:], 3)]
    assert max(waited) < 0.45, waited  # the 0.5 s a task is gathered for are the hand-off thread's, not theirs


def test_a_commit_does_not_wait_for_a_slow_broker(app, ctx, handed, monkeypatch):
    fake_broker = app.extensions["celery"].send_task

    def slow(*args, **options):
        time.sleep(1.5)  # a broker answering slowly, or a socket timing out
        fake_broker(*args, **options)

    monkeypatch.setattr(app.extensions["celery"], "send_task", slow)
    notice = notices.queue("password_changed", "s@example.org", "slow", {"name": "S"})
    began = time.monotonic()
    db.session.commit()
    assert time.monotonic() - began < 1.0
    handed_over(app)
    assert handed == [([notice.id], 1)]


def test_a_hand_off_that_fails_unexpectedly_leaves_the_thread_handing_over_the_next(app, ctx, handed, monkeypatch):
    enqueue, failures = dispatch.enqueue, []

    def failing_once(ids):
        if not failures:
            failures.append(ids)
            raise RuntimeError("unexpected")
        return enqueue(ids)

    monkeypatch.setattr(dispatch, "enqueue", failing_once)
    dispatch.handoff(app).add([1])
    handed_over(app)
    dispatch.handoff(app).add([2])
    handed_over(app)
    assert failures == [[1]] and [batch for batch, _ in handed] == [[2]]


def test_a_forked_process_hands_over_its_own_ids_not_its_parents(app, ctx, handed):
    """gunicorn's and Celery's workers are forked: the parent's hand-off thread does not come along, nor are the
    ids it still holds the child's to send."""
    dispatch.handoff(app).add([1])
    handed_over(app)
    reading, writing = os.pipe()
    with dispatch.handoff(app).changed:  # forked while the parent holds ids and its thread waits for the lock
        dispatch.handoff(app).ids.append(2)
        child = os.fork()
        if child:
            dispatch.handoff(app).changed.notify_all()  # as add() goes on
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            with app.app_context():
                db.engine.dispose(close=False)  # the parent's connections stay the parent's
                dispatch.handoff(app).add([3])
                done = dispatch.handoff(app).wait(timeout=10)
            os.write(writing, repr((done, [batch for batch, _ in handed])).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        report = pipe.read()
    os.waitpid(child, 0)
    assert report == repr((True, [[1], [3]]))
    handed_over(app)
    assert [batch for batch, _ in handed] == [[1], [2]]


def test_a_retry_waits_for_its_backoff_however_many_tasks_carry_its_id(ctx, smtp):
    notice_id = notices.queue("password_changed", "twice@example.org", "twice", {"name": "T"}).id
    db.session.commit()
    smtp[1].answer = "451 4.3.0 Try later"
    assert delivery.deliver([notice_id])["retry"] == 1
    assert delivery.deliver([notice_id])["skipped"] == 1  # another task with its id, from an earlier relay run
    smtp[1].answer = None
    db.session.execute(db.update(Notice).values(relay_after=utcnow() - timedelta(seconds=1)))  # its time came
    db.session.commit()
    assert delivery.deliver([notice_id])["sent"] == 1
    assert db.session.get(Notice, notice_id).attempts == 2
    assert len(smtp[1].messages) == 1


def test_a_worker_has_at_most_one_notice_in_doubt_at_any_moment(app, ctx, smtp, monkeypatch):
    """What a worker killed at any instant leaves behind: the notice it is sending, or has just sent."""
    ids = [notices.queue("password_changed", f"d{n}@example.org", f"doubt:{n}", {"name": "D"}).id for n in range(5)]
    db.session.commit()
    in_doubt = []
    send = delivery.Mailer.send

    def send_and_look(mailer, message):
        send(mailer, message)
        with db.engine.connect() as other:  # what is committed: what a killed worker would leave
            in_doubt.append(other.scalar(select(func.count(Notice.id)).where(Notice.status == "sending")))

    monkeypatch.setattr(delivery.Mailer, "send", send_and_look)
    assert delivery.deliver(ids)["sent"] == 5
    assert in_doubt == [1] * 5
    assert statuses(app) == {"sent": 5}


# Processes ------------------------------------------------------------------------------------------------


@pytest.fixture
def workers(app, smtp, tmp_path):
    """Start real Celery workers (solo pool, as in production, unless told otherwise) on this run's queue, and beat;
    all are ended afterwards."""
    need("database", DATABASE_URL)
    need("redis", REDIS_URL)
    started: list[subprocess.Popen] = []

    def run(name: str, arguments: list[str], redis_url: str, settings: dict) -> subprocess.Popen:
        env = dict(
            os.environ,
            DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            REDIS_URL=redis_url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp[0].port),
            ENGAGE_ENV="test",
            PUBLIC_URL="http://engage.test",
            **{key: str(value) for key, value in settings.items()},
        )
        command = [sys.executable, "-m", "celery", "-A", "worker.app", *arguments, "--loglevel=info"]
        log = tmp_path / f"{name}.log"
        with log.open("ab") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        process.log = log
        started.append(process)
        return process

    def start(
        name: str, redis_url: str = REDIS_URL, *, queue: str = QUEUE, pool: str = "solo", **settings
    ) -> subprocess.Popen:
        arguments = ["worker", f"--pool={pool}", "--concurrency=2", "--without-mingle", "--without-gossip"]
        arguments += ["-n", f"{name}-{os.getpid()}@%h", "-Q", queue]
        return run(name, arguments, redis_url, settings)

    def beat(redis_url: str) -> subprocess.Popen:
        return run("beat", ["beat", f"--schedule={tmp_path / 'beat-schedule'}"], redis_url, {})

    start.beat = beat
    yield start
    for process in started:
        end(process)


def end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def ready(*processes: subprocess.Popen, seconds: float = 30.0) -> None:
    """Wait until each worker says it is consuming."""
    for process in processes:
        up = wait_for(lambda p=process: " ready." in p.log.read_text() or p.poll() is not None, seconds, 0.1)
        assert up and process.poll() is None, f"worker did not start:\n{process.log.read_text()[-3000:]}"


class RedisServer:
    """A redis-server of this test's own, on a free port, to stop, pause and freeze at will."""

    def __init__(self, binary: str, folder: Path):
        self.binary, self.folder = binary, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        options += ["--dir", str(self.folder), "--loglevel", "warning"]
        self.process = subprocess.Popen([self.binary, *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(self._answers, 10), "redis-server did not start"

    def _answers(self) -> bool:
        try:
            return self.client(0.2).ping()
        except redis.RedisError:
            return False

    def client(self, timeout: float = 1.0) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=timeout, socket_connect_timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        if IN_CI:
            pytest.fail("redis-server not installed: CI must run every test")
        pytest.skip("redis-server not installed")
    server = RedisServer(binary, tmp_path)
    yield server
    server.stop()


def limiter_long_running() -> None:
    """The rate limiter's view of its storage as in a process that has run a while with Redis well: it last
    checked the storage long ago (its state is its own, so it is set here by name)."""
    limiter._storage_dead = False
    limiter._Limiter__check_backend_count = 0
    limiter._Limiter__last_check_backend = time.time() - 3600


@pytest.fixture
def limiter_back_to_memory(app_with):
    """The rate limiter is one object bound to the last app made: afterwards, bind it to memory again."""
    limiter_long_running()
    yield
    app_with()
    limiter_long_running()


# A worker killed mid-batch ---------------------------------------------------------------------------------

NOTICES = 1000
KILL_AT = 300
STUCK_SECONDS = 1


def wait_quiet(sink, quiet: float, deadline: float) -> None:
    """Until the sink has received nothing for `quiet` seconds: what is still claimed then is stuck."""
    seen, since = len(sink.messages), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.05)
        if len(sink.messages) != seen:
            seen, since = len(sink.messages), time.monotonic()


@pytest.mark.redis
def test_a_worker_killed_mid_batch_loses_nothing_and_what_may_repeat_is_counted(
    app, app_with, smtp, workers, caplog, record_property
):
    sink = smtp[1]
    outbox = app_with(CELERY=on_queue(REDIS_URL), NOTICE_STUCK_SECONDS=STUCK_SECONDS, NOTICE_RELAY_SECONDS=0)
    doomed, survivor = workers("w1"), workers("w2")
    ready(doomed, survivor)

    with outbox.app_context():
        for number in range(NOTICES):
            notices.queue(
                "password_changed", f"resident{number}@example.org", f"kill:{number}", {"name": f"Resident {number}"}
            )
        db.session.commit()  # after the commit, ten batches of 100 ids go to Redis
        expected = {delivery.message_id(row) for row in db.session.execute(select(Notice.idempotency_key))}
        db.session.remove()

    assert wait_for(lambda: len(sink.messages) >= KILL_AT, 60, 0.001), "the workers delivered too little"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    at_kill = len(sink.messages)
    workers("w3")  # the restart

    # The killed worker's task stays unacknowledged in Redis until the visibility timeout (an hour): the notices
    # it had not sent yet are left pending, and the one it was sending is left claimed. The relay finds both.
    deadline = time.monotonic() + 120
    relays = 0
    with caplog.at_level(logging.WARNING, logger="engage.notices.delivery"):
        while statuses(app)["sent"] < NOTICES and time.monotonic() < deadline:
            wait_quiet(sink, STUCK_SECONDS + 0.5, deadline)
            if statuses(app)["sent"] < NOTICES:
                relay(outbox)
                relays += 1

    received = message_ids(sink.messages)
    duplicates = sum(times - 1 for times in received.values())
    interrupted = read(app, select(func.count(Notice.id)).where(Notice.interrupted_at.is_not(None)))[0][0]
    print(
        f"\nSIGKILL after {at_kill} of {NOTICES} messages: {interrupted} notice(s) interrupted while being sent, "
        f"{duplicates} delivered twice, {relays} relay run(s)"
    )
    record_property("killed_at_message", at_kill)
    record_property("interrupted_notices", interrupted)
    record_property("duplicate_messages", duplicates)
    assert at_kill < NOTICES, "the worker was killed after everything had been sent"
    assert set(received) == expected
    assert statuses(app) == {"sent": NOTICES}
    assert duplicates <= interrupted <= 1  # one killed worker: at most the one notice it was sending
    if interrupted:
        assert "interrupted while being sent and may arrive twice" in caplog.text


# Redis away while residents register ---------------------------------------------------------------------

PAUSE_MS = 5000  # Redis 7.0 answers CLIENT UNPAUSE only when a pause of ALL clients ends, so keep it short


class TimedBrowser(Browser):
    """Records every request's status and how long it took."""

    def __init__(self, client, log: list):
        super().__init__(client)
        self.log = log

    def _timed(self, method, url, **kwargs):
        started = time.monotonic()
        response = getattr(self.client, method)(url, **kwargs)
        self.log.append((method.upper(), url, response.status_code, time.monotonic() - started))
        return response

    def get(self, url, **kwargs):
        return self._timed("get", url, **kwargs)

    def submit(self, url, data: dict, page: str | None = None, **kwargs):
        form_page = self.get(page or url)
        payload = {"csrf_token": csrf_token(form_page.get_data(as_text=True)), **data}
        return self._timed("post", url, data=payload, **kwargs)


def register(web, email: str, log: list):
    form = {"name": "Nadia", "email": email, "password": PASSWORD, "connections": ["lives"]}
    return TimedBrowser(web.test_client(), log).submit("/account/register", form)


def sign_in(web, log: list):
    form = {"email": "shirin@example.org", "password": PASSWORD}
    return TimedBrowser(web.test_client(), log).submit("/account/sign-in", form)


@pytest.mark.redis
@pytest.mark.parametrize("outage", ["stopped", "paused", "frozen"])
def test_residents_register_and_sign_in_while_redis_is_away_and_every_notice_arrives_after(
    outage, app, app_with, smtp, workers, own_redis, limiter_back_to_memory
):
    """stopped: the process is gone (connections refused); paused: CLIENT PAUSE ALL (connections accepted,
    nothing answered); frozen: SIGSTOP (the same, by the kernel)."""
    sink = smtp[1]
    own_redis.start()
    web = app_with(**redis_settings(own_redis.url), NOTICE_RELAY_SECONDS=0)
    with web.app_context():
        accounts.register("Shirin", "shirin@example.org", PASSWORD, ["lives"], "en", verified=True)
        db.session.commit()
        db.session.remove()
    before: list = []  # while Redis is well, so the app holds connections to it as a running process does
    assert register(web, "before@example.org", before).status_code == 302

    began = time.monotonic()
    if outage == "stopped":
        own_redis.stop()
    elif outage == "paused":
        own_redis.client().execute_command("CLIENT", "PAUSE", PAUSE_MS, "ALL")
    else:
        own_redis.freeze()
    during: list = []
    residents = [f"{outage}{number}@example.org" for number in range(5)]
    for email in residents:
        assert register(web, email, during).status_code == 302
    # Flask-Limiter waits out its storage's socket timeout twice when Redis hangs (the failed hit, then at once
    # a PING to see whether it is back): RATELIMIT_STORAGE_OPTIONS' timeouts must stay under half a second.
    assert sign_in(web, during).status_code == 302
    if outage == "paused":
        assert time.monotonic() - began < PAUSE_MS / 1000, "the requests outlasted the pause"
        own_redis.client(timeout=PAUSE_MS / 1000 + 5).execute_command("CLIENT", "UNPAUSE")
    elif outage == "stopped":
        own_redis.start()  # the same port
    else:
        own_redis.thaw()

    slow = [entry for entry in during if entry[3] >= 1.0]
    failed = [entry for entry in during if entry[2] >= 400 or (entry[0] == "POST" and entry[2] != 302)]
    assert not slow and not failed, during
    assert len(during) == 12  # each a form and its submission: five registrations and a sign-in

    ready(workers("w1", own_redis.url))
    relay_job = app_with(**redis_settings(own_redis.url))  # the beat job runs in a process of its own
    everyone = {"before@example.org", *residents}

    def arrived() -> bool:
        return {message["To"] for message in sink.messages} >= everyone

    assert wait_for(relaying(relay_job, arrived), 30, 0.5), (
        f"arrived: {sorted(message['To'] for message in sink.messages)}"
    )
    assert {message["Subject"] for message in sink.messages} == {"Confirm your email address"}
    assert sorted(message["To"] for message in sink.messages) == sorted(everyone)  # once each
    assert statuses(app) == {"sent": len(everyone)}


# A worker and beat running when Redis hangs or stops ------------------------------------------------------

BUSY_NOTICES = 300  # three tasks of 100: the worker is sending two of them when Redis goes
OUTAGE_SECONDS = 20
BACK_WITHIN = 60  # every notice delivered this long after Redis answers again


@pytest.mark.redis
@pytest.mark.parametrize("outage", ["paused", "stopped"])
def test_a_busy_worker_and_beat_running_when_redis_goes_deliver_every_notice_within_a_minute_of_its_return(
    outage, app, app_with, smtp, workers, own_redis, limiter_back_to_memory, record_property
):
    """A prefork worker sending two tasks' notices and beat, both started before Redis goes; residents register
    while it is away (their notices cannot be handed over). Once Redis answers again every notice arrives within a
    minute: before, those written while it was away waited NOTICE_RELAY_SECONDS from their writing for the relay,
    and a notice lost with a restarted Redis's queue as long."""
    sink = smtp[1]
    sink.delay = 0.03  # a relay that takes its time: each task of 100 takes seconds
    own_redis.start()
    web = app_with(**{**redis_settings(own_redis.url), "CELERY": broker_settings(own_redis.url)})
    worker = workers("w1", own_redis.url, queue="celery", pool="prefork")
    workers.beat(own_redis.url)
    ready(worker)
    busy = queue_busy_notices(web, sink)

    began = time.monotonic()
    if outage == "paused":
        own_redis.client().execute_command("CLIENT", "PAUSE", OUTAGE_SECONDS * 1000, "ALL")
    else:
        own_redis.stop()
    during: list = []
    residents = []
    while time.monotonic() < began + OUTAGE_SECONDS - 1:  # residents register until Redis is back
        residents.append(f"{outage}{len(residents)}@example.org")
        assert register(web, residents[-1], during).status_code == 302
        time.sleep(min(2.0, max(0.0, began + OUTAGE_SECONDS - 1 - time.monotonic())))
    time.sleep(max(0.0, began + OUTAGE_SECONDS - time.monotonic()))
    if outage == "stopped":
        own_redis.start()
    else:
        assert wait_for(own_redis._answers, 10, 0.05)
    back = time.monotonic()

    everyone = busy | set(residents)
    restarts = 0

    def delivered() -> bool:
        nonlocal worker, restarts
        if worker.poll() is not None:  # the supervisor's part
            restarts += 1
            worker = workers(f"w{restarts + 1}", own_redis.url, queue="celery", pool="prefork")
        return {message["To"] for message in sink.messages} >= everyone

    arrived = wait_for(delivered, BACK_WITHIN, 0.5)
    took = time.monotonic() - back
    print(
        f"\n{outage}: {len(set(m['To'] for m in sink.messages) & everyone)} of {len(everyone)} delivered "
        f"{took:.0f} s after Redis answered again; {restarts} worker restart(s)"
    )
    record_property("seconds_to_deliver_after_redis_came_back", round(took))
    assert arrived, (
        f"{len(everyone - {m['To'] for m in sink.messages})} notices undelivered {BACK_WITHIN} s on:\n"
        + (worker.log.read_text()[-3000:])
    )
    assert statuses(app) == {"sent": len(everyone)}


DEADLINE = 8  # WORKER_BROKER_DEADLINE for the worker below


def queue_busy_notices(web, sink) -> set[str]:
    """Notices enough for three tasks of 100, handed to the worker; once it is sending, their addresses."""
    with web.app_context():
        for number in range(BUSY_NOTICES):
            notices.queue("password_changed", f"busy{number}@example.org", f"busy:{number}", {"name": "Busy"})
        db.session.commit()  # handed to the worker at once
        db.session.remove()
    assert wait_for(lambda: len(sink.messages) >= 20, 30, 0.05), "the worker did not start sending"
    return {f"busy{number}@example.org" for number in range(BUSY_NOTICES)}


@pytest.mark.redis
def test_a_worker_whose_broker_hangs_past_the_deadline_exits_failing_and_its_restart_delivers_everything(
    app, app_with, smtp, workers, own_redis
):
    """Its supervisor (docker compose's restart policy, systemd) starts it again: a worker stuck on a hung broker
    would otherwise consume nothing until someone restarted it by hand."""
    sink = smtp[1]
    sink.delay = 0.03
    own_redis.start()
    web = app_with(CELERY=broker_settings(own_redis.url))
    worker = workers("w1", own_redis.url, queue="celery", pool="prefork", WORKER_BROKER_DEADLINE=DEADLINE)
    ready(worker)
    everyone = queue_busy_notices(web, sink)

    own_redis.freeze()  # hung for good, as far as the worker can tell
    frozen = time.monotonic()
    assert wait_for(lambda: worker.poll() is not None, 4 * DEADLINE, 0.2), "the worker did not stop"
    stopped_after = time.monotonic() - frozen
    assert worker.returncode == 1, worker.log.read_text()[-3000:]
    assert "the broker has not answered for" in worker.log.read_text()
    assert DEADLINE <= stopped_after <= 3 * DEADLINE, stopped_after

    own_redis.thaw()
    workers("w2", own_redis.url, queue="celery", pool="prefork")  # the supervisor's restart
    back = time.monotonic()
    arrived = wait_for(lambda: {m["To"] for m in sink.messages} >= everyone, BACK_WITHIN, 0.5)
    assert arrived, f"{len(everyone - {m['To'] for m in sink.messages})} undelivered after {BACK_WITHIN} s"
    print(f"\nstopped {stopped_after:.0f} s after Redis hung; all delivered {time.monotonic() - back:.0f} s after")
    assert statuses(app) == {"sent": len(everyone)}


# An SMTP server refusing -----------------------------------------------------------------------------------


@pytest.mark.redis
def test_a_temporary_refusal_through_a_real_worker_is_retried_then_delivered_once(app, app_with, smtp, workers):
    sink = smtp[1]
    outbox = app_with(CELERY=on_queue(REDIS_URL), NOTICE_RETRY_SECONDS=1)
    ready(workers("w1", NOTICE_RETRY_SECONDS=1))
    sink.answer = "451 4.3.0 Try later"
    with outbox.app_context():
        notice_id = notices.queue("password_changed", "later@example.org", "refused:later", {"name": "Later"}).id
        db.session.commit()
        db.session.remove()

    def refused_twice() -> bool:
        state = notice(app, notice_id)
        return state.attempts >= 2 and state.status == "pending"

    assert wait_for(relaying(outbox, refused_twice), 30, 0.2), notice(app, notice_id)
    sink.answer = None
    assert wait_for(relaying(outbox, lambda: notice(app, notice_id).status == "sent"), 30, 0.2)
    state = notice(app, notice_id)
    assert state.attempts == 3 and "451" in state.last_error and state.interrupted_at is None
    time.sleep(0.5)  # anything relayed twice would arrive now
    assert [message["To"] for message in sink.messages] == ["later@example.org"]


@pytest.mark.redis
def test_a_permanent_refusal_through_a_real_worker_fails_and_a_retry_delivers_once(app, app_with, smtp, workers):
    sink = smtp[1]
    outbox = app_with(CELERY=on_queue(REDIS_URL), NOTICE_RETRY_SECONDS=1)
    ready(workers("w1", NOTICE_RETRY_SECONDS=1))
    sink.answer = "550 5.1.1 No such mailbox"
    with outbox.app_context():
        notice_id = notices.queue("password_changed", "gone@example.org", "refused:gone", {"name": "Gone"}).id
        db.session.commit()
        db.session.remove()

    assert wait_for(lambda: notice(app, notice_id).status == "failed", 30, 0.1), notice(app, notice_id)
    state = notice(app, notice_id)
    assert state.attempts == 1 and "550" in state.last_error
    relay(outbox)  # a failed notice is the secretariat's to retry, not the relay's
    time.sleep(0.5)
    assert sink.messages == [] and notice(app, notice_id).status == "failed"

    sink.answer = None
    with outbox.app_context():
        notices.retry(notice_id)
        db.session.commit()  # after the commit the id goes to the worker
        db.session.remove()
    assert wait_for(relaying(outbox, lambda: notice(app, notice_id).status == "sent"), 30, 0.1)
    time.sleep(0.5)
    assert [message["To"] for message in sink.messages] == ["gone@example.org"]
