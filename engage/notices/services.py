"""Writing notices to the outbox (in the caller's transaction), people's choices about them, and the
secretariat's view of the outbox."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import make_transient_to_detached

from engage.accounts.models import Person, User
from engage.errors import DomainError
from engage.extensions import db, insert_unless_taken, link_signer
from engage.i18n import lazy_gettext as _l
from engage.notices.kinds import CATEGORIES, OFF, WEEKLY, Category, category_of
from engage.notices.models import STATUSES, Notice
from engage.time import utcnow


def public_link(path: str) -> str:
    """An address on the site, for a message read outside it."""
    return current_app.config["PUBLIC_URL"] + path


def choice(user: User, category: Category) -> str:
    return (user.notice_choices or {}).get(category.name, category.choices[0])


def queue(
    kind: str,
    recipient: str,
    key: str,
    context: dict | None = None,
    language: str = "en",
    user: User | None = None,
    channel: str = "email",
) -> Notice | None:
    """Write a notice in the caller's transaction; the same idempotency key twice gives one notice.

    A person who turned the notice's category off gets nothing (None); one who chose weekly gets it in their
    digest (the notice is held). After the commit, the new notice's id goes to the worker. A letter (channel
    "letter", the recipient a name and postal address) waits for the secretariat to print it.
    """
    if user is not None and choice(user, category_of(kind)) == OFF:
        return db.session.scalar(select(Notice).filter_by(idempotency_key=key))
    values = row(kind, recipient, key, context, language, user) | letter(channel)
    notice_id = db.session.execute(insert_unless_taken(Notice.__table__, ("idempotency_key",)), values).scalar()
    if notice_id is None:  # written before (or by a concurrent transaction, now committed)
        return db.session.scalar(select(Notice).filter_by(idempotency_key=key))
    notice = Notice(id=notice_id, **values, **dict.fromkeys(NOT_YET))  # made from what was written, not read back
    make_transient_to_detached(notice)
    db.session.add(notice)
    hand_over(notice.id, notice.status)
    return notice


def queue_to(
    email: str,
    address: str,
    kind: str,
    key: str,
    context: dict | None = None,
    language: str = "en",
    user: User | None = None,
) -> Notice | None:
    """queue() to a person by email or, with only a postal address, as a letter to print; with neither (someone the
    secretariat reaches by phone), nothing."""
    if email:
        return queue(kind, email, key, context, language, user)
    if address:
        return queue(kind, address, key, context, language, user, channel="letter")
    return None


@dataclass(frozen=True)
class Addressed:
    """One notice of a fan-out, as queue() takes it (a recipient with neither email nor postal address: nobody)."""

    kind: str
    key: str
    context: dict
    email: str
    address: str = ""
    language: str = "en"
    user: User | None = None


def queue_many(notices: list[Addressed]) -> int:
    """queue_to() for many people at once, in one statement whatever their number: for a fan-out (everyone following
    a proposal), where a statement per person would cost a round trip each. Returns how many were new."""
    values = [
        row(n.kind, n.email or n.address, n.key, n.context, n.language, n.user)
        | letter("email" if n.email else "letter")
        for n in notices
        if (n.email or n.address) and (n.user is None or choice(n.user, category_of(n.kind)) != OFF)
    ]
    if not values:
        return 0
    statement = insert_unless_taken(Notice.__table__, ("idempotency_key",)).returning(Notice.status)
    written = db.session.execute(statement, values).all()
    for notice_id, status in written:
        hand_over(notice_id, status)
    return len(written)


NOT_YET = ("last_error", "claimed_at", "sent_at", "interrupted_at")  # a new notice's empty columns


def letter(channel: str) -> dict:
    """The columns that make a notice a letter to print, if it is one."""
    return {"channel": channel} | ({"status": "to_print"} if channel == "letter" else {})


def row(
    kind: str, recipient: str, key: str, context: dict | None = None, language: str = "en", user: User | None = None
) -> dict:
    """The columns of a notice as queue() writes it (for a person who has not turned its category off), for a
    service that writes it by a statement of its own: held for a weekly digest or pending, and its unsubscribe
    link where the category has one."""
    category = category_of(kind)
    context = dict(context or {})
    if user is not None and category.optional:
        context["unsubscribe_url"] = unsubscribe_url(user, category)
    now = utcnow()
    weekly = user is not None and choice(user, category) == WEEKLY
    return {
        "kind": kind,
        "recipient": recipient,
        "channel": "email",
        "user_id": user.id if user is not None else None,
        "idempotency_key": key,
        "context": context,
        "language": language,
        "status": "held" if weekly else "pending",
        "attempts": 0,
        "created_at": now,
        "relay_after": now + timedelta(seconds=current_app.config["NOTICE_RELAY_SECONDS"]),
    }


def hand_over(notice_id: int, status: str) -> None:
    """After the commit, a pending notice's id goes to the worker (engage.notices.dispatch)."""
    if status == "pending":
        db.session.info.setdefault("notice_ids", []).append(notice_id)


# People's choices -----------------------------------------------------------------------------------------


def categories_for(user: Person) -> list[Category]:
    """The categories a person sees on their preferences page."""
    board_member = any(g.board_id is not None for g in user.roles)
    return [c for c in CATEGORIES.values() if board_member or not c.for_board_members]


def set_choice(user: User, category_name: str, value: str) -> None:
    category = CATEGORIES.get(category_name)
    if category is None or value not in category.choices:
        raise DomainError(_l("Choose one of the options"), field=category_name)
    user.notice_choices = {**(user.notice_choices or {}), category.name: value}
    db.session.flush()


def _signer() -> URLSafeSerializer:
    return link_signer("unsubscribe")


def unsubscribe_url(user: User, category: Category) -> str:
    return public_link(f"/unsubscribe/{_signer().dumps([user.id, category.name])}")


def read_unsubscribe(token: str) -> tuple[User, Category]:
    try:
        user_id, category_name = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise DomainError(_l("This unsubscribe link is not valid")) from None
    user = db.session.get(User, user_id)
    category = CATEGORIES.get(category_name)
    if user is None or category is None or not category.optional:
        raise DomainError(_l("This unsubscribe link is not valid"))
    return user, category


def unsubscribe(token: str) -> tuple[User, Category]:
    user, category = read_unsubscribe(token)
    set_choice(user, category.name, OFF)
    return user, category


# Weekly digests -------------------------------------------------------------------------------------------


def gather_digests() -> int:
    """The weekly job: one digest per person of the notices held for them, in their language."""
    from engage.notices.delivery import render

    held = list(db.session.scalars(select(Notice).where(Notice.status == "held").order_by(Notice.user_id, Notice.id)))
    people: dict[int | None, list[Notice]] = {}
    for notice in held:
        people.setdefault(notice.user_id, []).append(notice)
    year, week, _ = utcnow().isocalendar()
    for user_id, notices in people.items():
        first = notices[0]
        items = [{"subject": render(n)["Subject"], "url": n.context.get("url")} for n in notices]
        queue("digest", first.recipient, f"digest:{user_id}:{year}-W{week:02d}", {"items": items}, first.language)
        db.session.execute(update(Notice).where(Notice.id.in_([n.id for n in notices])).values(status="digested"))
    db.session.flush()
    return len(people)


# The secretariat's outbox --------------------------------------------------------------------------------

PAGE_SIZE = 50


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(Notice.status, func.count(Notice.id)).group_by(Notice.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


def outbox(status: str, recipient: str = "", page: int = 1) -> list[Notice]:
    query = select(Notice).where(Notice.status == status).order_by(Notice.id.desc())
    if recipient:
        query = query.where(Notice.recipient == recipient.strip().lower())
    return list(db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))


LETTERS_A_BATCH = 100  # one page to print


def letters_to_print() -> list[Notice]:
    """The oldest letters waiting to be printed, up to a batch."""
    query = select(Notice).where(Notice.channel == "letter", Notice.status == "to_print").order_by(Notice.id)
    return list(db.session.scalars(query.limit(LETTERS_A_BATCH)))


def mark_printed(notice_ids: list[int]) -> int:
    """The letters of a printed batch are done (each once: one printed meanwhile by someone else is not counted)."""
    result = db.session.execute(
        update(Notice)
        .where(Notice.id.in_(notice_ids[:LETTERS_A_BATCH]), Notice.channel == "letter", Notice.status == "to_print")
        .values(status="printed", sent_at=utcnow())
    )
    db.session.flush()
    return result.rowcount


def retry(notice_id: int) -> Notice:
    """Send a failed notice again, from a fresh count of attempts."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.status != "failed":
        raise DomainError(_l("Only a failed notice can be retried"))
    db.session.execute(
        update(Notice).where(Notice.id == notice_id).values(status="pending", attempts=0, relay_after=utcnow())
    )
    hand_over(notice_id, "pending")
    db.session.flush()
    return notice
