"""People, their roles, their sessions and their one-time tokens."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.partnership.models import Board, Organisation
from engage.time import utcnow

CONNECTIONS = ("lives", "works", "studies", "leisure", "partner")
ROLES = ("partner_representative", "board_member", "board_chair", "board_officer", "secretariat", "admin")
BOARD_ROLES = ("board_member", "board_chair", "board_officer")
# Whose sessions have the shorter limits: those who see and decide what is not public.
STAFF_ROLES = (*BOARD_ROLES, "secretariat", "admin")


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    connections: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(5), default="en")
    # category -> "immediate" | "weekly" | "off", for the categories the person changed (see notices.kinds)
    notice_choices: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    email_verified_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]

    roles: Mapped[list["RoleGrant"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Set by the session loader: the raw token of the session this request runs under.
    session_token = None

    # Flask-Login's interface.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def get_id(self) -> str | None:
        return self.session_token


class RoleGrant(db.Model):
    """A role a person holds, for one board where the role is a board's."""

    __table_args__ = (UniqueConstraint("user_id", "role", "board_id", "organisation_id", name="uq_role_grant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    board: Mapped[Board | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


@dataclass(frozen=True, slots=True)
class Grant:
    """A role the signed-in person holds (a RoleGrant's role, board and organisation)."""

    role: str
    board_id: int | None
    organisation_id: int | None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The person a request's session belongs to (Flask-Login's current_user): who they are and the roles they hold,
    read by one plain statement on every signed-in request. It is not their account's ORM object, whose loading cost
    every signed-in page more than its statement did (0.74 M of a board's queue page's 8.38 M instructions): services
    given the person as `actor` use their id, name, language and roles, and what changes the account loads it
    (accounts.account)."""

    id: int
    name: str
    email: str
    language: str
    email_verified_at: datetime | None
    session_started_at: datetime
    session_seen_at: datetime
    roles: tuple[Grant, ...]
    session_token: str

    # Flask-Login's interface; disabled accounts have no signed-in person.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_token


# Whom a service acts for or a rule is asked about: the signed-in person of a request, or an account (the CLI, the
# worker, the demo).
Person = SignedIn | User


class UserSession(db.Model):
    """A signed-in session; deleting the row ends it, whatever cookie a browser still holds. It ends, too, when unused
    for longer than its idle limit or older than its absolute limit (accounts.load_session)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a request last used it, to the minute or so (written at most once a SESSION_TOUCH_SECONDS).
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class AccountToken(db.Model):
    """A single-use, expiring token sent by email: verify an address or reset a password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
