"""Accounts: registration, verification, sign-in sessions, passwords and roles."""

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature
from sqlalchemy import Select, bindparam, delete, insert, literal, select, update
from sqlalchemy.orm import selectinload

from engage.accounts.models import (
    BOARD_ROLES,
    ROLES,
    STAFF_ROLES,
    AccountToken,
    Grant,
    Person,
    RoleGrant,
    SignedIn,
    User,
    UserSession,
)
from engage.accounts.policy import claimable_email
from engage.congress.models import Registration
from engage.errors import DomainError
from engage.extensions import db, link_signer
from engage.i18n import lazy_gettext as _l
from engage.notices import services as notices
from engage.partnership.models import Board, Organisation
from engage.proposals.models import Follow, Proposal
from engage.time import utcnow


@cache
def _hashers(profile: str) -> tuple[PasswordHasher, str]:
    """The argon2 hasher of a profile, and a hash to verify against when no account matches (so a missing
    account takes as long as a wrong password)."""
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile))
    return hasher, hasher.hash("not a real password")


def _hasher() -> PasswordHasher:
    return _hashers(current_app.config["ARGON2_PROFILE"])[0]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).filter_by(email=normalise_email(email)))


def account_of_address(email: str) -> User | None:
    """The account that has confirmed this address, for what is recorded under it for someone (a registration, a
    proposal); None when no account has (see policy.claimable_email)."""
    user = user_by_email(email)
    return user if user is not None and claimable_email(user) else None


def _confirm_address(user: User) -> None:
    """The account's address is shown to be its own: what was recorded under the address while it was not (by the
    secretariat, or as a guest) becomes the account's, as it would have been had it been confirmed then."""
    if user.email_verified_at is not None:
        return
    user.email_verified_at = utcnow()
    db.session.execute(
        update(Registration)
        .where(Registration.email == user.email, Registration.user_id.is_(None))
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    recorded = (Proposal.contact_email == user.email, Proposal.author_id.is_(None))
    # Its author follows a proposal recorded for them (proposals.submit_for), unless they already do.
    following = select(Follow.proposal_id).where(Follow.user_id == user.id)
    unfollowed = select(Proposal.id, literal(user.id), literal(utcnow())).where(
        *recorded, Proposal.id.not_in(following)
    )
    db.session.execute(insert(Follow).from_select(["proposal_id", "user_id", "created_at"], unfollowed))
    db.session.execute(
        update(Proposal).where(*recorded).values(author_id=user.id).execution_options(synchronize_session=False)
    )


def _issue_token(user: User, purpose: str) -> str:
    token = secrets.token_urlsafe(32)
    hours = current_app.config["TOKEN_HOURS"][purpose]
    db.session.add(
        AccountToken(
            user=user, purpose=purpose, token_hash=_digest(token), expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    return token


def register(
    name: str, email: str, password: str, connections: list[str], language: str, verified: bool = False
) -> User | None:
    """Create an unverified account and queue its verification notice.

    An address that already has an account gets a notice saying so, and the caller shows the same page
    either way, so the page never tells whether an address is registered.
    """
    email = normalise_email(email)
    # Hashed whether or not the address has an account, so the time an answer takes does not tell either.
    password_hash = _hasher().hash(password)
    existing = user_by_email(email)
    if existing is not None:
        notices.queue(
            "account_exists",
            email,
            f"account-exists:{existing.id}:{secrets.token_hex(8)}",
            {
                "name": existing.name,
                "sign_in_url": notices.public_link("/account/sign-in"),
                "reset_url": notices.public_link("/account/reset-password"),
            },
            existing.language,
            existing,
        )
        return None
    user = User(
        name=name.strip(),
        email=email,
        password_hash=password_hash,
        connections=connections,
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    if verified:  # an address the partnership already knows (demo accounts, assisted entry)
        _confirm_address(user)
    else:
        send_verification(user)
    return user


def send_verification(user: User) -> None:
    token = _issue_token(user, "verify")
    db.session.flush()
    notices.queue(
        "verify_email",
        user.email,
        f"verify-email:{_digest(token)[:24]}",
        {"name": user.name, "link": notices.public_link(f"/account/verify/{token}")},
        user.language,
        user,
    )


def _redeem(token: str, purpose: str) -> AccountToken:
    row = db.session.scalar(select(AccountToken).filter_by(token_hash=_digest(token), purpose=purpose))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise DomainError(_l("This link has expired or has already been used."))
    return row


def verify_email(token: str) -> User:
    row = _redeem(token, "verify")
    row.used_at = utcnow()
    _confirm_address(row.user)
    db.session.flush()
    return row.user


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open, or None; the same answer for a wrong password and no account."""
    user = user_by_email(email)
    dummy = _hashers(current_app.config["ARGON2_PROFILE"])[1]
    if not _matches(user.password_hash if user else dummy, password) or user is None or not user.is_active:
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    return user


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Known devices: a browser keeps a signed list of the addresses signed in with (or reset by email) on it.
KNOWN_ADDRESSES = 5


def _known_addresses(cookie: str | None) -> list[str]:
    try:
        marks = link_signer("known-device").loads(cookie) if cookie else []
    except BadSignature:
        return []
    return marks if isinstance(marks, list) else []


def is_known_device(cookie: str | None, email: str) -> bool:
    """Whether a browser's known-device cookie names this address."""
    return _digest(normalise_email(email)) in _known_addresses(cookie)


def known_device_mark(cookie: str | None, email: str) -> str:
    """The known-device cookie's new value: this address first, then the latest few others signed in here."""
    mark = _digest(normalise_email(email))
    others = [kept for kept in _known_addresses(cookie) if kept != mark]
    return link_signer("known-device").dumps([mark, *others][:KNOWN_ADDRESSES])


def start_session(user: User) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token)))
    db.session.flush()
    user.session_token = token
    return token


@cache
def _person_of_session() -> Select:
    """The person a session's token belongs to, with when the session began and was last used, a row for each of their
    roles (one row without roles), unless their account is disabled. It runs on every signed-in request, so it is built
    once per process (building it again cost more than running it) with the token's hash bound at each run; of the
    tables, not the models, so that running it makes no ORM objects (a signed-in person is a plain value: see
    SignedIn)."""
    user, grant, session = User.__table__.c, RoleGrant.__table__.c, UserSession.__table__.c
    return (
        select(user.id, user.name, user.email, user.language, user.email_verified_at)
        .add_columns(session.created_at, session.last_seen_at, grant.role, grant.board_id, grant.organisation_id)
        .join_from(User.__table__, UserSession.__table__, session.user_id == user.id)
        .outerjoin(RoleGrant.__table__, grant.user_id == user.id)
        .where(session.token_hash == bindparam("token_hash"), user.disabled_at.is_(None))
    )


class SessionEnded(Exception):
    """A session that ran past its idle or absolute limit: it has been ended, and signs nobody in."""


def load_session(token: str) -> SignedIn | None:
    """The signed-in person of this session token, or None once the session has ended (signed out, revoked, the
    password changed) or the account is disabled; SessionEnded (and the session ended) when it has been unused for
    longer than its idle limit or is older than its absolute limit. Asked of the database on every request, never
    kept: ending a session takes effect at the next request. When the session was last used is written at most once
    a SESSION_TOUCH_SECONDS, not on every request, in a transaction of its own (a page that only reads commits
    nothing)."""
    rows = db.session.connection().execute(_person_of_session(), {"token_hash": _digest(token)}).all()
    if not rows:
        return None
    roles = tuple(Grant(role, board, organisation) for *_, role, board, organisation in rows if role is not None)
    person = SignedIn(*rows[0][:7], roles=roles, session_token=token)
    now = utcnow()
    if now >= session_ends(person)[0]:
        _write_now(delete(UserSession).filter_by(token_hash=_digest(token)))
        raise SessionEnded
    if now - person.session_seen_at >= timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"]):
        person = _seen(person, now)
        _write_now(_touch(token, now))
    return person


def _limits(person: SignedIn) -> tuple[timedelta, timedelta]:
    """A session's idle and absolute limits: shorter for those with a staff role."""
    staff = "STAFF_" if any(grant.role in STAFF_ROLES for grant in person.roles) else ""
    config = current_app.config
    return (
        timedelta(seconds=config[f"{staff}SESSION_IDLE_SECONDS"]),
        timedelta(seconds=config[f"{staff}SESSION_MAX_SECONDS"]),
    )


def session_ends(person: SignedIn) -> tuple[datetime, bool]:
    """When a person's session ends unless used before, and whether using it puts that off (the idle limit, not the
    absolute one, comes first)."""
    idle, longest = _limits(person)
    idle_end, end = person.session_seen_at + idle, person.session_started_at + longest
    return min(idle_end, end), idle_end < end


def delete_ended_sessions() -> int:
    """Delete the sessions past a resident's limits (and so past everyone's), which no request came back to end."""
    now, config = utcnow(), current_app.config
    idle, longest = (timedelta(seconds=config[name]) for name in ("SESSION_IDLE_SECONDS", "SESSION_MAX_SECONDS"))
    ended = (UserSession.last_seen_at <= now - idle) | (UserSession.created_at <= now - longest)
    return db.session.execute(delete(UserSession).where(ended)).rowcount


def session_timeout(person: SignedIn) -> dict:
    """How many seconds a person's session has left, and whether using it gives it more (for the timeout warning)."""
    ends_at, extendable = session_ends(person)
    return {"ends_in": max(0, int((ends_at - utcnow()).total_seconds())), "extendable": extendable}


def extend_session(person: SignedIn) -> SignedIn:
    """Count the session as used now (the person chose to stay signed in); the person as now seen."""
    now = utcnow()
    db.session.execute(_touch(person.session_token, now))
    return _seen(person, now)


def _touch(token: str, now: datetime):
    return update(UserSession).filter_by(token_hash=_digest(token)).values(last_seen_at=now)


def _seen(person: SignedIn, now: datetime) -> SignedIn:
    return replace(person, session_seen_at=now)


def _write_now(statement) -> None:
    """Run and commit a statement on a connection of its own, apart from the request's transaction."""
    with db.engine.begin() as connection:
        connection.execute(statement)


def account(person: Person) -> User:
    """The account of a signed-in person (or the account itself), for what changes it."""
    return db.session.get(User, person.id)


def end_session(token: str) -> None:
    db.session.execute(delete(UserSession).filter_by(token_hash=_digest(token)))


def end_other_sessions(user: User, keep_token: str | None = None) -> None:
    query = delete(UserSession).filter_by(user_id=user.id)
    if keep_token:
        query = query.filter(UserSession.token_hash != _digest(keep_token))
    db.session.execute(query)


def request_password_reset(email: str) -> None:
    """Queue a reset link when the address has an account; do nothing visible otherwise."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    token = _issue_token(user, "reset")
    db.session.flush()
    notices.queue(
        "reset_password",
        user.email,
        f"reset-password:{_digest(token)[:24]}",
        {"name": user.name, "link": notices.public_link(f"/account/reset-password/{token}")},
        user.language,
        user,
    )


def check_reset_token(token: str) -> User:
    return _redeem(token, "reset").user


def reset_password(token: str, password: str) -> User:
    row = _redeem(token, "reset")
    row.used_at = utcnow()
    user = row.user
    _set_password(user, password)
    # Following the emailed link proves the address, too.
    _confirm_address(user)
    end_other_sessions(user)
    db.session.flush()
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = _hasher().hash(password)
    notices.queue(
        "password_changed",
        user.email,
        f"password-changed:{user.id}:{secrets.token_hex(8)}",
        {"name": user.name},
        user.language,
        user,
    )


def change_password(person: Person, current: str, new: str) -> None:
    """Change a password, ending every other session of the person."""
    user = account(person)
    if not _matches(user.password_hash, current):
        raise DomainError(_l("Your current password is not correct"), field="current_password")
    _set_password(user, new)
    end_other_sessions(user, keep_token=person.session_token)
    db.session.flush()


def delete_account(person: Person, password: str) -> None:
    user = account(person)
    if not _matches(user.password_hash, password):
        raise DomainError(_l("Your password is not correct"), field="password")
    db.session.delete(user)
    db.session.flush()


def set_language(user: User, language: str) -> None:
    user.language = language


# Roles ---------------------------------------------------------------------------------------------


def grant(user: User, role: str, board_slug: str | None = None, organisation_slug: str | None = None) -> RoleGrant:
    """Give a person a role; board roles need a board, partner representatives an organisation."""
    if role not in ROLES:
        raise DomainError(_l("Choose a role"), field="role")
    board = _board_for(role, board_slug)
    organisation = _organisation_for(role, organisation_slug)
    for existing in user.roles:
        if (existing.role, existing.board_id, existing.organisation_id) == (
            role,
            board and board.id,
            organisation and organisation.id,
        ):
            return existing
    row = RoleGrant(user=user, role=role, board=board, organisation=organisation)
    db.session.add(row)
    db.session.flush()
    return row


def _board_for(role: str, slug: str | None) -> Board | None:
    if role not in BOARD_ROLES:
        return None
    board = db.session.scalar(select(Board).filter_by(slug=slug)) if slug else None
    if board is None:
        raise DomainError(_l("Choose the board this role is for"), field="board")
    return board


def _organisation_for(role: str, slug: str | None) -> Organisation | None:
    if role != "partner_representative":
        return None
    organisation = db.session.scalar(select(Organisation).filter_by(slug=slug)) if slug else None
    if organisation is None:
        raise DomainError(_l("Choose the organisation this person represents"), field="organisation")
    return organisation


def revoke(grant_id: int) -> None:
    row = db.session.get(RoleGrant, grant_id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def disable(user: User) -> None:
    user.disabled_at = utcnow()
    end_other_sessions(user)
    db.session.flush()


def enable(user: User) -> None:
    user.disabled_at = None
    db.session.flush()


def search_users(text: str, limit: int = 50) -> list[User]:
    query = select(User).options(selectinload(User.roles).selectinload(RoleGrant.board)).order_by(User.name)
    if text:
        literal = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{literal}%"
        query = query.filter(
            User.email.like(pattern, escape="\\") | db.func.lower(User.name).like(pattern, escape="\\")
        )
    return list(db.session.scalars(query.limit(limit)))
