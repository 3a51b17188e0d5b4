"""Tasks: thin wrappers over engage services; they take ids, never ORM objects."""

from datetime import timedelta

from celery import shared_task

from engage.extensions import db
from engage.notices import services as notices


@shared_task(name="worker.tasks.deliver_notice", bind=True, max_retries=notices.MAX_ATTEMPTS)
def deliver_notice(self, notice_id: int) -> str:
    try:
        return notices.deliver(notice_id)
    except Exception as error:  # the row says pending again; back off exponentially
        raise self.retry(exc=error, countdown=min(2**self.request.retries * 5, 600)) from None
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.relay_notices")
def relay_notices() -> int:
    """Re-enqueue what the request path could not (broker away) and what a dead worker left claimed."""
    notices.release_stuck(timedelta(minutes=10))
    db.session.commit()
    ids = notices.pending_ids(timedelta(seconds=30))
    notices.enqueue(ids)
    db.session.remove()
    return len(ids)
