"""You said, we did, to the end: "Did this resolve what you raised?"

Some weeks (RESOLUTION_CHECK_WEEKS) after a proposal is declined, or after a work programme item it led to is done, its
author is asked. Each check is a row due at a time; a scheduled scan (ask_due) asks those whose time has come, each
once, so nothing waits weeks in the broker and a worker down for a day catches up at its next run.

The question's link works without signing in: it is the check's id signed, with the time it was signed, by
itsdangerous's URLSafeTimedSerializer (the app's secret key, a salt of its own). Signed rather than a random token
kept as a hash (as the accounts area's links are): the link is not a credential to anything but this one question,
answerable once, so nothing needs storing or revoking, the schema needs no column, and its age is in the signature
(RESOLUTION_LINK_DAYS) rather than in a row. Changing the secret key ends every link, as it ends every session.
"""

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import insert, select, update
from sqlalchemy.orm import joinedload

from engage.errors import DomainError
from engage.extensions import KeptKeySigner, db
from engage.i18n import lazy_gettext as _l
from engage.notices import services as notices
from engage.proposals.models import Proposal, ResolutionCheck
from engage.time import utcnow

ANSWER_LABELS = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}
ANSWERS = tuple(ANSWER_LABELS)
WHY_LIMIT = 2000
ASKED_A_RUN = 500  # the scan asks at most this many at a run; the next run asks the rest
KIND = "resolution_check"


class LinkExpired(DomainError):
    pass


class LinkNotValid(DomainError):
    pass


def _due(now: datetime) -> datetime:
    return now + timedelta(weeks=current_app.config["RESOLUTION_CHECK_WEEKS"])


def ask_later(proposal: Proposal, reason: str, now: datetime | None = None) -> ResolutionCheck:
    """A check of a declined proposal, due some weeks from now (statuses.transition calls it on a decline)."""
    check = ResolutionCheck(proposal=proposal, reason=reason, due_at=_due(now or utcnow()))
    db.session.add(check)
    return check


def ask_later_of_done(item_id: int, proposal_ids: list[int], now: datetime | None = None) -> int:
    """Checks of the proposals that led to an item just done, due some weeks from now: one per proposal and item,
    however often the item is marked done. Two statements whatever the number of proposals."""
    if not proposal_ids:
        return 0
    asked = set(
        db.session.scalars(
            select(ResolutionCheck.proposal_id).where(
                ResolutionCheck.item_id == item_id,
                ResolutionCheck.reason == "done",
                ResolutionCheck.proposal_id.in_(proposal_ids),
            )
        )
    )
    now = now or utcnow()
    rows = [
        {"proposal_id": pid, "reason": "done", "item_id": item_id, "due_at": _due(now), "created_at": now, "why": ""}
        for pid in proposal_ids
        if pid not in asked
    ]
    if rows:
        db.session.execute(insert(ResolutionCheck), rows)
    return len(rows)


# Asking ------------------------------------------------------------------------------------------------------------


@cache
def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="resolution-check", signer=KeptKeySigner)


def _signer() -> URLSafeTimedSerializer:
    return _serializer(current_app.config["SECRET_KEY"])


def answer_path(check: ResolutionCheck) -> str:
    """The check's answer page: the link is its own key, for a limited time."""
    return f"/proposals/{check.proposal.reference}/resolved/{_signer().dumps(check.id)}"


def ask_due(now: datetime | None = None) -> int:
    """The scheduled scan: ask the author of each check whose time has come and that was not asked yet, once each
    (the check's id is the notice's idempotency key; a check is marked asked in the same transaction). Returns how
    many it asked."""
    now = now or utcnow()
    query = (
        select(ResolutionCheck)
        .where(ResolutionCheck.asked_at.is_(None), ResolutionCheck.due_at <= now)
        .order_by(ResolutionCheck.due_at, ResolutionCheck.id)
        .limit(ASKED_A_RUN)
        .options(joinedload(ResolutionCheck.proposal).joinedload(Proposal.author))
        .with_for_update(skip_locked=True, of=ResolutionCheck)
    )
    checks = list(db.session.scalars(query))
    if not checks:
        return 0
    notices.queue_many([_question(check) for check in checks])
    db.session.execute(
        update(ResolutionCheck).where(ResolutionCheck.id.in_([c.id for c in checks])).values(asked_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    return len(checks)


def _question(check: ResolutionCheck) -> notices.Addressed:
    """The question to the proposal's author: by email, or by letter for someone recorded with a postal address."""
    proposal, author = check.proposal, check.proposal.author
    if author is None:
        name, email, address, language = (proposal.contact_name, proposal.contact_email, proposal.contact_address, "en")
    else:
        name, email, address, language = (author.name, author.email, "", author.language)
    context = {
        "name": name,
        "reference": proposal.reference,
        "title": proposal.title,
        "reason": check.reason,
        "url": notices.public_link(f"/proposals/{proposal.reference}"),
        "answer_url": notices.public_link(answer_path(check)),
        "days": current_app.config["RESOLUTION_LINK_DAYS"],
    }
    return notices.Addressed(KIND, f"{KIND}:{check.id}", context, email, address, language, author)


# Answering ---------------------------------------------------------------------------------------------------------


def by_token(token: str, reference: str) -> ResolutionCheck:
    """The check a link names, if it was signed here, is not too old, and is of that proposal."""
    try:
        check_id = _signer().loads(token, max_age=current_app.config["RESOLUTION_LINK_DAYS"] * 86400)
    except SignatureExpired:
        raise LinkExpired(_l("This link has expired")) from None
    except BadSignature:
        raise LinkNotValid(_l("This link is not valid")) from None
    check = db.session.get(ResolutionCheck, check_id) if isinstance(check_id, int) else None
    if check is None or check.proposal.reference != reference:
        raise LinkNotValid(_l("This link is not valid"))
    return check


def answer(check: ResolutionCheck, answer: str, why: str, why_public: bool) -> None:
    """The author's answer, once: a second answer (another tab, a second click) is refused, the first kept."""
    if answer not in ANSWERS:
        raise DomainError(_l("Select whether this resolved what you raised"), field="answer")
    if len(why) > WHY_LIMIT:
        raise DomainError(_l("Use %(limit)s characters or fewer", limit=WHY_LIMIT), field="why")
    written = db.session.execute(
        update(ResolutionCheck)
        .where(ResolutionCheck.id == check.id, ResolutionCheck.answered_at.is_(None))
        .values(answer=answer, why=why, why_public=why_public and bool(why.strip()), answered_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if written.rowcount != 1:
        raise DomainError(_l("You have already answered this question."))
    db.session.refresh(check)
