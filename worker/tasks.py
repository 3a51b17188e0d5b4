"""Tasks: thin wrappers over engage services; they take ids, never ORM objects."""

from datetime import date

from celery import shared_task

from engage.congress import planning
from engage.congress import services as congresses
from engage.extensions import db
from engage.notices import delivery, services
from engage.programmes import reminders


@shared_task(name="worker.tasks.deliver_notices")
def deliver_notices(ids: list[int]) -> dict:
    """Failures are recorded on each notice with its next attempt's time; the relay retries them."""
    try:
        return dict(delivery.deliver(ids))
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.relay_notices")
def relay_notices() -> int:
    try:
        return delivery.relay()
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.send_digests")
def send_digests() -> int:
    try:
        people = services.gather_digests()
        db.session.commit()
        return people
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.expire_congress_offers")
def expire_congress_offers() -> int:
    """Offers of a congress place not accepted in time pass to the next person waiting."""
    try:
        expired = congresses.expire_offers()
        db.session.commit()
        return expired
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.send_congress_reminders")
def send_congress_reminders() -> int:
    try:
        sent = congresses.send_reminders()
        db.session.commit()
        return sent
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.forget_congress_needs")
def forget_congress_needs() -> int:
    """People's needs are deleted a set time after their congress; its planning totals stay."""
    try:
        done = planning.forget_needs()
        db.session.commit()
        return done
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.send_work_programme_reminders")
def send_work_programme_reminders(day: str | None = None) -> int:
    """From 1 June, boards that have not published next year's work programme are reminded, weekly (`day`, an ISO
    date, stands in for today)."""
    try:
        due = reminders.send_publication_reminders(date.fromisoformat(day) if day else None)
        db.session.commit()
        return due
    finally:
        db.session.remove()
