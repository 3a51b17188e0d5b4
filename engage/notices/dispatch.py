"""Handing notice ids to the worker after a commit, without ever making a request wait on the broker.

An id that cannot be handed over stays pending in the outbox, and the relay (a beat job) hands it over later.
After a failure this process leaves the broker alone for a while, so a broker that is down or hung costs at
most one short socket timeout, not one per request.
"""

import logging
import time
from collections.abc import Iterator

from flask import current_app

log = logging.getLogger(__name__)
DELIVER_TASK = "worker.tasks.deliver_notices"
BATCH_SIZE = 100  # one task sends a batch over one SMTP connection


def batches(ids: list[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def enqueue(ids: list[int]) -> int:
    """Send batches of ids to the worker; returns how many went. Never raises."""
    state = current_app.extensions.setdefault("broker", {"resting_until": 0.0})
    if not ids or time.monotonic() < state["resting_until"]:
        return 0
    celery = current_app.extensions["celery"]
    handed = 0
    for batch in batches(ids):
        try:
            celery.send_task(DELIVER_TASK, args=[batch], retry=False)
        except Exception:  # noqa: BLE001 - whatever the broker does, the outbox keeps the notice
            state["resting_until"] = time.monotonic() + current_app.config["BROKER_REST_SECONDS"]
            log.warning("broker unavailable: %d notices left for the relay", len(ids) - handed)
            return handed
        handed += len(batch)
    return handed


def after_commit(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released; only the outermost commit makes the notices
    # visible to the worker, and hands them over together, in batches.
    if session.in_nested_transaction():
        return
    ids = session.info.pop("notice_ids", [])
    if ids:
        enqueue(ids)


def after_rollback(session) -> None:
    if session.in_nested_transaction():  # a savepoint rolled back: what the transaction queued before stands
        return
    session.info.pop("notice_ids", None)
