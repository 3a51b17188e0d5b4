"""The worker's hold on its broker: it hands over what was left pending each time it connects, and it stops, for its
supervisor to start it again, when the broker has not answered for WORKER_BROKER_DEADLINE seconds.

Both are Celery bootsteps (Celery's documented way to extend a worker). A worker whose broker hangs with tasks under
way can sit in a broker call that never returns, consuming nothing until it is restarted; a process of its own
cannot tell that from inside that call, so a thread asks the broker for a round trip (PING, on a connection of its
own) every few seconds. After the deadline it asks the worker for a warm shutdown with a failing exit status (tasks
under way finish; what is still queued stays in the broker), and ends the process itself if that shutdown has not
happened after another deadline. docker compose (`restart: unless-stopped`) or systemd (`Restart=on-failure`) then
starts a new worker, which connects as soon as the broker answers again.
"""

import logging
import os
import threading
import time

import redis
from celery import bootsteps
from celery.platforms import EX_FAILURE
from celery.worker import state
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)
RELAY_TASK = "worker.tasks.relay_notices"


class HandOverOnConnect(bootsteps.StartStopStep):
    """Each time the worker's consumer connects (at start, and again after losing the broker), the relay runs at once
    for every pending notice never tried: the processes that wrote them may have failed to hand them over, and the
    broker may have lost what it held. Handing one over twice is harmless: it is claimed, and sent, once."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer) -> None:
        try:
            consumer.app.send_task(RELAY_TASK, kwargs={"unsent": True}, retry=False)
        except Exception:  # noqa: BLE001 - beat's relay runs anyway; the consumer must not fail for this
            log.warning("could not queue the relay on connecting; beat's next run will do it")


class BrokerWatch(bootsteps.StartStopStep):
    """In the worker's main process, a thread that stops the worker when its broker has not answered for the
    deadline (engage_broker_deadline in Celery's configuration, from WORKER_BROKER_DEADLINE). It starts once the
    pool has forked its processes: a process forked while the thread is in the middle of something (importing a
    module its first PING needs, say) would inherit that lock held, and wait on it for ever."""

    requires = {"celery.worker.components:Pool"}

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.stopping = threading.Event()

    def start(self, worker) -> None:
        url = worker.app.conf.broker_url or ""
        if not url.startswith(("redis://", "rediss://")):  # the embedded filesystem broker does not hang
            return
        deadline = float(worker.app.conf.engage_broker_deadline)
        arguments = (url, deadline, self.stopping)
        threading.Thread(target=watch, args=arguments, name="broker-watch", daemon=True).start()

    def stop(self, worker) -> None:
        self.stopping.set()


def watch(url: str, deadline: float, stopping: threading.Event) -> None:
    """PING the broker every few seconds; after `deadline` seconds without an answer, stop the worker."""
    every = min(max(deadline / 6, 1.0), 10.0)
    client = redis.Redis.from_url(
        url,
        socket_timeout=every,
        socket_connect_timeout=every,
        retry=Retry(NoBackoff(), 0),
        single_connection_client=True,
    )
    answered = time.monotonic()
    while not stopping.wait(every):
        try:
            client.ping()
            answered = time.monotonic()
        except redis.RedisError:
            silent = time.monotonic() - answered
            if silent >= deadline:
                stop_for_restart(silent, deadline, stopping)
                return


def stop_for_restart(silent: float, deadline: float, stopping: threading.Event) -> None:
    log.critical("the broker has not answered for %.0f seconds: stopping, for the supervisor to restart", silent)
    state.should_stop = EX_FAILURE  # the worker's own warm shutdown, with a failing exit status
    if not stopping.wait(deadline):
        log.critical("the worker did not stop within %.0f seconds: ending it", deadline)
        os._exit(EX_FAILURE)
