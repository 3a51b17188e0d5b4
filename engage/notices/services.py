"""Writing notices to the outbox, handing them to the worker after commit, and delivering them."""

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engage.extensions import db
from engage.notices.models import Notice
from engage.time import utcnow

log = logging.getLogger(__name__)
DELIVER_TASK = "worker.tasks.deliver_notice"
MAX_ATTEMPTS = 8


def queue(kind: str, recipient: str, key: str, context: dict | None = None, language: str = "en") -> Notice:
    """Write a notice in the caller's transaction; the same idempotency key twice gives one notice."""
    existing = db.session.scalar(select(Notice).filter_by(idempotency_key=key))
    if existing is not None:
        return existing
    notice = Notice(kind=kind, recipient=recipient, idempotency_key=key, context=context or {}, language=language)
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except IntegrityError:  # a concurrent transaction wrote the same key first
        return db.session.scalar(select(Notice).filter_by(idempotency_key=key))
    db.session.info.setdefault("notice_ids", []).append(notice.id)
    return notice


def dispatch_after_commit(session) -> None:
    """After a commit, give the new notices' ids to the worker; a failure here only delays them (the relay)."""
    ids = session.info.pop("notice_ids", [])
    if ids:
        enqueue(ids)


def forget_on_rollback(session) -> None:
    session.info.pop("notice_ids", None)


def enqueue(ids: list[int]) -> None:
    celery = current_app.extensions["celery"]
    for notice_id in ids:
        try:
            celery.send_task(DELIVER_TASK, args=[notice_id], retry=False)
        except Exception:  # noqa: BLE001 - the broker being away must never fail the request
            log.warning("notice %s not enqueued; the relay will pick it up", notice_id)


def pending_ids(older_than: timedelta) -> list[int]:
    cutoff = utcnow() - older_than
    return list(db.session.scalars(select(Notice.id).filter(Notice.status == "pending", Notice.created_at < cutoff)))


def claim(notice_id: int) -> Notice | None:
    """Lock a pending notice and mark it as being sent; None when it is gone, sent or someone else has it."""
    query = select(Notice).filter_by(id=notice_id, status="pending").with_for_update(skip_locked=True)
    notice = db.session.scalar(query)
    if notice is None:
        return None
    notice.status = "sending"
    notice.claimed_at = utcnow()
    notice.attempts += 1
    db.session.commit()
    return notice


def render(notice: Notice) -> EmailMessage:
    message = EmailMessage()
    context = dict(notice.context, language=notice.language)
    with force_locale(notice.language):
        message["Subject"] = render_template(f"notices/{notice.kind}.subject.txt", **context).strip()
        message.set_content(render_template(f"notices/{notice.kind}.txt", **context))
        message.add_alternative(render_template(f"notices/{notice.kind}.html", **context), subtype="html")
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = notice.recipient
    message["Message-ID"] = notice.message_id
    return message


def send(message: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        name = make_msgid(domain="engage").strip("<>").replace("@", "-")
        (folder / f"{utcnow():%Y%m%d-%H%M%S}-{name}.eml").write_bytes(message.as_bytes())
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def deliver(notice_id: int) -> str:
    """Claim, render, send and mark one notice; on a failure it goes back to pending, or failed at the limit."""
    notice = claim(notice_id)
    if notice is None:
        return "skipped"
    try:
        send(render(notice))
    except Exception as error:  # noqa: BLE001 - recorded on the row for the secretariat
        notice.status = "failed" if notice.attempts >= MAX_ATTEMPTS else "pending"
        notice.last_error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
        raise
    notice.status = "sent"
    notice.sent_at = utcnow()
    db.session.commit()
    return "sent"


def release_stuck(older_than: timedelta) -> int:
    """Put back notices claimed by a worker that died before marking them."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        update(Notice).where(Notice.status == "sending", Notice.claimed_at < cutoff).values(status="pending")
    )
    return result.rowcount
