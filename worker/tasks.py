"""Tasks: thin wrappers over engage services; they take ids, never ORM objects."""

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from celery import shared_task

from engage.accounts import services as accounts
from engage.congress import follow_up, planning
from engage.congress import services as congresses
from engage.extensions import db
from engage.notices import delivery, services
from engage.programmes import reminders
from engage.proposals import resolution
from engage.reports import pdf as report_pdfs
from engage.reports import services as reports
from engage.triage import overdue

Done = TypeVar("Done")


def _committed(job: Callable[[], Done]) -> Done:
    """A scheduled job: its service, then one commit (which hands any notices it wrote to the worker)."""
    try:
        done = job()
        db.session.commit()
        return done
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.deliver_notices")
def deliver_notices(ids: list[int]) -> dict:
    """Failures are recorded on each notice with its next attempt's time; the relay retries them."""
    try:
        return dict(delivery.deliver(ids))
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.relay_notices")
def relay_notices(unsent: bool = False) -> int:
    try:
        return delivery.relay(unsent)
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.send_digests")
def send_digests() -> int:
    return _committed(services.gather_digests)


@shared_task(name="worker.tasks.expire_congress_offers")
def expire_congress_offers() -> int:
    """Offers of a congress place not accepted in time pass to the next person waiting."""
    return _committed(congresses.expire_offers)


@shared_task(name="worker.tasks.send_congress_reminders")
def send_congress_reminders() -> int:
    return _committed(congresses.send_reminders)


@shared_task(name="worker.tasks.invite_congress_proposals")
def invite_congress_proposals() -> int:
    """After a congress, the people who came are invited to turn their workshops' ideas into proposals."""
    return _committed(follow_up.invite_to_propose)


@shared_task(name="worker.tasks.forget_congress_needs")
def forget_congress_needs() -> int:
    """People's needs are deleted a set time after their congress; its planning totals stay."""
    return _committed(planning.forget_needs)


@shared_task(name="worker.tasks.delete_ended_sessions")
def delete_ended_sessions() -> int:
    """Sessions past their limits sign nobody in; their rows go too."""
    return _committed(accounts.delete_ended_sessions)


@shared_task(name="worker.tasks.send_work_programme_reminders")
def send_work_programme_reminders(day: str | None = None) -> int:
    """From 1 June, boards that have not published next year's work programme are reminded, weekly (`day`, an ISO
    date, stands in for today)."""
    return _committed(lambda: reminders.send_publication_reminders(date.fromisoformat(day) if day else None))


@shared_task(name="worker.tasks.send_overdue_digests")
def send_overdue_digests(day: str | None = None) -> int:
    """Each working day, one list to each board's chairs and officers of its proposals past the target to
    acknowledge them (`day`, an ISO date, stands in for today)."""
    return _committed(lambda: overdue.send_overdue_digests(date.fromisoformat(day) if day else None))


@shared_task(name="worker.tasks.ask_resolution_checks")
def ask_resolution_checks(now: str | None = None) -> int:
    """Authors whose proposal was declined, or whose proposal's item was done, some weeks ago are asked "Did this
    resolve what you raised?": a scan of the checks whose time has come, each asked once (`now`, an ISO time in UTC,
    stands in for the present)."""
    return _committed(lambda: resolution.ask_due(datetime.fromisoformat(now) if now else None))


@shared_task(name="worker.tasks.prepare_annual_report")
def prepare_annual_report(report_id: int) -> bool:
    """A report's figures, computed and stored (the secretariat's page shows the percent done meanwhile)."""
    return _committed(lambda: reports.prepare(report_id))


@shared_task(name="worker.tasks.relay_annual_reports")
def relay_annual_reports() -> int:
    """Reports stuck while being prepared go to the worker again; how many were handed over."""
    return sum(reports.hand_over(report_id) for report_id in _committed(reports.stuck_preparations))


@shared_task(name="worker.tasks.draw_report_pdfs")
def draw_report_pdfs(report_id: int) -> int:
    """A published report's PDF in each language, drawn and kept ahead of its first visitor (run when it is
    published: WeasyPrint takes seconds over a year's report)."""
    return _committed(lambda: report_pdfs.draw_ahead(report_id) or 0)
