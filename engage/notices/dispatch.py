"""Handing notice ids to the worker after a commit, without ever making a request wait on the broker.

Each process hands over the ids its transactions commit from a thread of its own (Handoff), so a request never
waits on the broker; when commits come faster than one a HANDOFF_SECONDS, what is committed meanwhile goes in one
task: at a congress's opening, hundreds of sign-ups a second share a few tasks instead of paying Celery's message
each. An id that cannot be handed over stays pending in the outbox, due at once: the relay (a beat job) hands it
over at its first run after the broker is back. After a failure this process leaves the broker alone for a while, so
a broker that is down or hung costs at most one short socket timeout, not one per commit.
"""

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterator

from flask import Flask, current_app
from sqlalchemy import update

from engage.extensions import db
from engage.notices.models import Notice
from engage.time import utcnow

log = logging.getLogger(__name__)
DELIVER_TASK = "worker.tasks.deliver_notices"
BATCH_SIZE = 100  # one task sends a batch over one SMTP connection
IDLE_SECONDS = 30  # a hand-off thread with nothing to hand over ends; the next commit starts another


def batches(ids: list[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def enqueue(ids: list[int]) -> int:
    """Send batches of ids to the worker; returns how many went. Whatever the broker does, it does not raise: the
    ids it could not send are left for the relay, due at its next run."""
    state = current_app.extensions.setdefault("broker", {"resting_until": 0.0})
    if not ids:
        return 0
    if time.monotonic() < state["resting_until"]:
        return _left_for_the_relay(ids)
    celery = current_app.extensions["celery"]
    handed = 0
    for batch in batches(ids):
        try:
            celery.send_task(DELIVER_TASK, args=[batch], retry=False)
        except Exception:  # noqa: BLE001 - whatever the broker does, the outbox keeps the notice
            state["resting_until"] = time.monotonic() + current_app.config["BROKER_REST_SECONDS"]
            log.warning("broker unavailable: %d notices left for the relay", len(ids) - handed)
            return handed + _left_for_the_relay(ids[handed:])
        handed += len(batch)
    return handed


def _left_for_the_relay(ids: list[int]) -> int:
    """Notices this process could not hand over are due at once: the relay's first run after the broker is back
    hands them over, instead of NOTICE_RELAY_SECONDS after they were written (which is for a process that ended
    before its hand-off). Returns 0, the number handed over."""
    now = utcnow()
    db.session.execute(
        update(Notice)
        .where(Notice.id.in_(ids), Notice.status == "pending", Notice.attempts == 0, Notice.relay_after > now)
        .values(relay_after=now),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return 0


class Handoff:
    """One app's committed notice ids, handed to the worker by a thread of this process: at most one hand-off a
    HANDOFF_SECONDS, each of whatever was committed since the last (in tasks of up to BATCH_SIZE ids)."""

    def __init__(self, app: Flask):
        self.app = app
        self._reset()
        _handoffs.add(self)

    def _reset(self) -> None:
        self.ids: list[int] = []
        self.changed = threading.Condition()
        self.sender: threading.Thread | None = None
        self.sending = False
        self.last_sent = 0.0

    def add(self, ids: list[int]) -> None:
        with self.changed:
            self.ids.extend(ids)
            if self.sender is None:
                self.sender = threading.Thread(target=self._run, name="notice-handoff", daemon=True)
                self.sender.start()
            self.changed.notify_all()

    def wait(self, timeout: float) -> bool:
        """Until every id added has been handed over (or left to the relay); False if that took longer."""
        with self.changed:
            return self.changed.wait_for(lambda: not self.ids and not self.sending, timeout)

    def _run(self) -> None:
        while (ids := self._take()) is not None:
            try:
                with self.app.app_context():
                    enqueue(ids)
            except Exception:  # noqa: BLE001 - the thread goes on; the outbox keeps these for the relay
                log.exception("handing over %d notices failed: left for the relay", len(ids))
            finally:
                with self.changed:
                    self.sending = False
                    self.changed.notify_all()

    def _take(self) -> list[int] | None:
        """Wait for ids, then for the rest of HANDOFF_SECONDS since the last hand-off (gathering what comes
        meanwhile), and take them all; None once idle for IDLE_SECONDS, when the thread ends."""
        with self.changed:
            if not self.changed.wait_for(lambda: self.ids, IDLE_SECONDS):
                self.sender = None
                return None
        time.sleep(max(0.0, self.last_sent + self.app.config["HANDOFF_SECONDS"] - time.monotonic()))
        with self.changed:
            ids, self.ids, self.sending = self.ids, [], True
        self.last_sent = time.monotonic()
        return ids


_handoffs: "weakref.WeakSet[Handoff]" = weakref.WeakSet()


def _forget_parents_ids() -> None:
    """In a forked child: the parent's thread did not come along, and its ids are the parent's to hand over."""
    for handoff in list(_handoffs):
        handoff._reset()


def _hand_over_before_exit() -> None:
    """A process ending (a CLI command, a worker restarting) hands over what it committed, for a few seconds."""
    for handoff in list(_handoffs):
        handoff.wait(timeout=5)


os.register_at_fork(after_in_child=_forget_parents_ids)
atexit.register(_hand_over_before_exit)


def handoff(app: Flask) -> Handoff:
    return app.extensions["notice_handoff"]


def init_app(app: Flask) -> None:
    app.extensions["notice_handoff"] = Handoff(app)


def after_commit(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released; only the outermost commit makes the notices
    # visible to the worker, and hands them over together, in batches.
    if session.in_nested_transaction():
        return
    ids = session.info.pop("notice_ids", [])
    if ids:
        handoff(current_app).add(ids)


def after_rollback(session) -> None:
    if session.in_nested_transaction():  # a savepoint rolled back: what the transaction queued before stands
        return
    session.info.pop("notice_ids", None)
