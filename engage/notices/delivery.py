"""The worker's side of the outbox: claim, render, send over SMTP, mark; back off and give up; relay.

At most once per person: a notice is claimed (pending -> sending, atomically) just before its message is sent
and marked sent just after, in the same commit as the next one's claim, so a worker killed mid-batch leaves at most
the one notice it was sending in doubt.
The relay finds such a notice later, records that it was interrupted (it may arrive twice) and sends it again.
"""

import hashlib
import logging
import smtplib
from collections import Counter
from datetime import timedelta
from email import policy
from email.header import Header
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from sqlalchemy import Row, or_, select, update

from engage.extensions import db
from engage.notices import dispatch
from engage.notices.models import Notice
from engage.time import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def message_id(notice: Notice | Row) -> str:
    """The same for every attempt at a notice, so a receiving server can tell a repeat."""
    digest = hashlib.sha256(notice.idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{urlsplit(current_app.config['PUBLIC_URL']).hostname}>"


# kind -> a function giving the files a notice of that kind carries: [(filename, mimetype, bytes)]. Each area
# registers its own, so this module knows no area's content.
ATTACHMENTS: dict = {}


# Mail as SMTP carries it, with two headers written as they must arrive rather than refolded by the policy
# (refold_source="none" leaves a header set with set_raw as it is). The policy's folding turns a line it cannot
# break into encoded words, so a long List-Unsubscribe arrived as =?utf-8?q?=3Chttp...?= and mail programs offered
# no one-click unsubscribe (RFC 8058); and it drops the space between two encoded words where it folds a long
# non-ASCII subject (python/cpython#144156), where email.header.Header keeps each space inside an encoded word.
MAIL_POLICY = policy.SMTP.clone(refold_source="none")


def subject_header(subject: str) -> str:
    """The subject folded into encoded words (RFC 2047) only where it is not ASCII."""
    return Header(subject, header_name="Subject").encode(linesep=MAIL_POLICY.linesep)


def subject(kind: str, context: dict) -> str:
    """A notice's subject on one line, in the current locale; its HTML shows it as its heading."""
    return " ".join(render_template(f"notices/{kind}.subject.txt", **context).split())


def letter(notice: Notice | Row) -> dict:
    """A letter's date, heading and text: the words its email would have, in its language."""
    context = dict(notice.context, language=notice.language)
    with force_locale(notice.language):
        return {
            "date": format_date(notice.created_at, "d MMMM yyyy"),
            "subject": subject(notice.kind, context),
            "text": render_template(f"notices/{notice.kind}.txt", **context).strip(),
        }


def render(notice: Notice | Row) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    context = dict(notice.context, language=notice.language)
    with force_locale(notice.language):
        context["subject"] = subject(notice.kind, context)
        message.set_raw("Subject", subject_header(context["subject"]))
        message.set_content(render_template(f"notices/{notice.kind}.txt", **context))
        message.add_alternative(render_template(f"notices/{notice.kind}.html", **context), subtype="html")
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = notice.recipient
    message["Message-ID"] = message_id(notice)
    for filename, mimetype, content in ATTACHMENTS.get(notice.kind, lambda _: [])(notice):
        maintype, subtype = mimetype.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    if unsubscribe := notice.context.get("unsubscribe_url"):
        message.set_raw("List-Unsubscribe", f"<{unsubscribe}>")  # ASCII: a signed token on PUBLIC_URL
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


class Mailer:
    """One SMTP connection for a batch (or, with no mail server configured, a folder of .eml files)."""

    def __init__(self):
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                self.smtp.close()

    def reset(self) -> None:
        """Drop a connection that failed; the next message opens a new one."""
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=10)
        if self.config["MAIL_USE_TLS"]:
            smtp.starttls()
        if self.config["MAIL_USERNAME"]:
            smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        return smtp

    def send(self, message: EmailMessage) -> None:
        if not self.config["MAIL_SERVER"]:
            folder = Path(self.config["MAIL_FOLDER"])
            folder.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").split("@")[0]
            (folder / f"{utcnow():%Y%m%d-%H%M%S-%f}-{name}.eml").write_bytes(message.as_bytes())
            return
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self.smtp = self._connect()
            self.smtp.send_message(message)


def permanent(error: Exception) -> bool:
    """A 5xx answer will not change by trying again; anything else (4xx, network) may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(current_app.config["NOTICE_RETRY_SECONDS"] * 2 ** (attempts - 1), 3600))


# deliver() reads plain rows and commits each update at once, so the ORM has no objects to bring up to date.
UNSYNCHRONISED = {"synchronize_session": False}


def claim(notice_id: int, sent: int | None = None) -> bool:
    """pending -> sending, for one worker only (SKIP LOCKED on PostgreSQL; SQLite serialises writers).

    A first attempt goes at once; a retry only once its backoff has passed, however many tasks carry its id
    (the relay hands a due notice over again on every run, and an earlier task may still be in the queue).
    `sent`, the notice this worker sent just before, is marked sent in the same transaction: one commit a
    message, and a worker stopped at any moment still leaves at most one notice in 'sending'.
    """
    if sent is not None:
        _mark_sent(sent, commit=False)
    still_pending = (
        select(Notice.id).where(Notice.id == notice_id, Notice.status == "pending").with_for_update(skip_locked=True)
    )
    due = or_(Notice.attempts == 0, Notice.relay_after <= utcnow())
    result = db.session.execute(
        update(Notice)
        .where(Notice.id == still_pending.scalar_subquery(), Notice.status == "pending", due)
        .values(status="sending", claimed_at=utcnow(), attempts=Notice.attempts + 1),
        execution_options=UNSYNCHRONISED,
    )
    db.session.commit()
    return result.rowcount == 1


def _mark_sent(notice_id: int, commit: bool = True) -> None:
    db.session.execute(
        update(Notice).where(Notice.id == notice_id).values(status="sent", sent_at=utcnow()),
        execution_options=UNSYNCHRONISED,
    )
    if commit:
        db.session.commit()


def _mark_failed(notice: Row, error: Exception) -> str:
    attempts = db.session.scalar(select(Notice.attempts).where(Notice.id == notice.id))
    gave_up = permanent(error) or attempts >= MAX_ATTEMPTS
    db.session.execute(
        update(Notice)
        .where(Notice.id == notice.id)
        .values(
            status="failed" if gave_up else "pending",
            last_error=f"{type(error).__name__}: {error}"[:2000],
            relay_after=utcnow() + backoff(attempts),
        )
    )
    db.session.commit()
    log.warning("notice %s not delivered (attempt %s): %s", notice.id, attempts, type(error).__name__)
    return "failed" if gave_up else "retry"


def deliver(ids: list[int]) -> Counter:
    """Deliver what is still pending of these notices over one connection; count what became of each."""
    outcome: Counter = Counter()
    # Plain rows, not ORM objects: the commits below would expire objects and reload each one.
    fields = (
        Notice.id,
        Notice.kind,
        Notice.recipient,
        Notice.language,
        Notice.context,
        Notice.idempotency_key,
        Notice.status,
    )
    notices = {row.id: row for row in db.session.execute(select(*fields).where(Notice.id.in_(ids)))}
    db.session.commit()
    unmarked = None  # sent, to be marked sent with the next claim
    with Mailer() as mailer:
        try:
            for notice_id in ids:
                notice = notices.get(notice_id)
                if notice is None or notice.status != "pending":
                    outcome["skipped"] += 1
                    continue
                claimed, unmarked = claim(notice_id, sent=unmarked), None
                if not claimed:
                    outcome["skipped"] += 1
                    continue
                try:
                    mailer.send(render(notice))
                except Exception as error:  # noqa: BLE001 - recorded on the row, retried by the relay
                    outcome[_mark_failed(notice, error)] += 1
                    if not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
                        mailer.reset()
                    continue
                unmarked = notice_id
                outcome["sent"] += 1
        finally:
            if unmarked is not None:
                db.session.rollback()  # after an error, whatever was under way; otherwise nothing
                _mark_sent(unmarked)
    return outcome


def release_interrupted(older_than: timedelta) -> int:
    """Put back notices whose worker stopped while sending them; each may have gone out already, so say so."""
    cutoff = utcnow() - older_than
    stuck = list(db.session.scalars(select(Notice.id).where(Notice.status == "sending", Notice.claimed_at < cutoff)))
    if stuck:
        db.session.execute(
            update(Notice)
            .where(Notice.id.in_(stuck), Notice.status == "sending")
            .values(status="pending", interrupted_at=utcnow(), relay_after=utcnow())
        )
        log.warning("%d notices were interrupted while being sent and may arrive twice: %s", len(stuck), stuck)
    db.session.commit()
    return len(stuck)


def due_ids(limit: int = 10_000, unsent: bool = False) -> list[int]:
    """Pending notices due to be handed over; with `unsent`, every one never tried too, however new."""
    due = Notice.relay_after <= utcnow()
    query = (
        select(Notice.id)
        .where(Notice.status == "pending", or_(due, Notice.attempts == 0) if unsent else due)
        .order_by(Notice.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def relay(unsent: bool = False) -> int:
    """The beat job: release interrupted notices, then hand every due pending notice to the worker. With `unsent`
    (a worker that has just connected to the broker: the broker may have lost what it held while away), every
    notice never tried too; a notice handed over twice is still sent once."""
    release_interrupted(timedelta(seconds=current_app.config["NOTICE_STUCK_SECONDS"]))
    ids = due_ids(unsent=unsent)
    db.session.commit()
    return dispatch.enqueue(ids)
