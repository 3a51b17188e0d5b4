"""Residents' proposals, their calls to action, their journey through the boards, and what people do with them."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, relationship, unmapped_column

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership.models import Board, Organisation, Priority, Ward
from engage.time import utcnow

SOURCES = ("online", "paper", "phone", "congress")


# The congress workshop a proposal's idea came from, so a congress can report back on its workshops' ideas. A table of
# its own rather than a column, as the few proposals that have one are the only rows.
workshop_proposals = Table(
    "workshop_proposal",
    db.metadata,
    Column("proposal_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True),
    Column("workshop_id", ForeignKey("workshop.id", ondelete="CASCADE"), nullable=False, index=True),
)


class Proposal(db.Model):
    __table_args__ = (
        Index("ix_proposal_public_order", "hidden_at", "status", "submitted_at"),
        Index("ix_proposal_board_status", "board_id", "status"),
        # A board's queue, longest waiting first; with the status and the calls to action, a filtered page's walk
        # never reads the table.
        Index(
            "ix_proposal_board_queue",
            "board_id",
            "submitted_at",
            "id",
            postgresql_include=["status", "call_to_action_ids"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)  # given at submission
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(150), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    idea: Mapped[str] = mapped_column(Text, default="")
    who_it_helps: Mapped[str] = mapped_column(Text, default="")
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("ward.id"), index=True)  # None: borough-wide
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    show_name: Mapped[bool] = mapped_column(default=False)
    # Written only through engage.proposals.statuses.
    status: Mapped[str] = mapped_column(String(30), default="draft")
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"))
    # The board member looking after it (triage).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    supports: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(20), default="online")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # For a proposal the secretariat recorded for someone without an account: who to tell, and how.
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    contact_address: Mapped[str] = mapped_column(Text, default="", server_default="")  # for letters, without email
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    # Its calls to action's priority ids in position order, each between commas (",3,5,"; NULL for none), so the
    # lists filter and show calls to action from the row: kept by the database's triggers on proposal_priority
    # (migration d9b1f3a5c7e2), whoever writes the links. Not mapped: the ORM never writes it, and no object holds a
    # copy that a change of its links would leave stale. Read it with call_to_action_ids(), filter with listed().
    call_to_action_ids: Unmapped[str | None] = unmapped_column(Text)

    __mapper_args__ = {"version_id_col": version}

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    duplicate_of: Mapped["Proposal | None"] = relationship(remote_side=[id])
    ward: Mapped[Ward | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    board: Mapped[Board | None] = relationship()
    calls_to_action: Mapped[list["ProposalPriority"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalPriority.position"
    )
    journey: Mapped[list["StatusChange"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="StatusChange.id"
    )

    @property
    def priorities(self) -> list[Priority]:
        return [link.priority for link in self.calls_to_action]

    @property
    def primary_priority(self) -> Priority | None:
        return self.calls_to_action[0].priority if self.calls_to_action else None


def call_to_action_ids(column: str | None) -> list[int]:
    """Proposal.call_to_action_ids as priority ids, the primary first."""
    return [int(n) for n in column.strip(",").split(",")] if column else []


def listed(priority_id: int) -> str:
    """A priority id as Proposal.call_to_action_ids writes it: the column contains this when the proposal is mapped to
    that call to action (the commas keep 3 from matching 13)."""
    return f",{priority_id},"


class BoardStatusCount(db.Model):
    """How many of a board's proposals are in a status. Kept by the database's triggers on proposal (migration
    f4d2a7c9e1b3), in the same transaction as every insert, delete and change of a proposal's status or board,
    whoever makes it (a service, the demo loader, a COPY): a board's queue reads its counts instead of counting.
    The app never writes it."""

    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    proposals: Mapped[int] = mapped_column(default=0)


class BoardCallToActionCount(db.Model):
    """How many of a board's proposals mapped to a call to action are in a status (a proposal counts once under each
    of its calls to action). Kept by the database's triggers on proposal (migration f6b8d0a2c4e7) as BoardStatusCount
    is: a board's queue filtered by a call to action reads it instead of counting. The app never writes it."""

    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"), primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    proposals: Mapped[int] = mapped_column(default=0)


class QueuedCallToAction(db.Model):
    """A proposal with a board, once for each of its calls to action, with what a board's queue filters it by and
    sorts it by: kept by the database's triggers on proposal (migration a3c5e7f9b1d4) from its board, status,
    submission time and calls to action, whoever changes them. A queue filtered by a call to action walks the board's
    entries for it in the queue's order, reading only its matches (the board's proposals, walked instead, had each
    one's calls to action checked). The app never writes it."""

    __table_args__ = (
        Index(
            "ix_queued_call_to_action_queue",
            "board_id",
            "priority_id",
            "submitted_at",
            "proposal_id",
            postgresql_include=["status"],
        ),
    )

    proposal_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(30))
    submitted_at: Mapped[datetime | None]


class ProposalPriority(db.Model):
    """A call to action a proposal is mapped to; position 0 is the primary one, which decides the board."""

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    proposal: Mapped[Proposal] = relationship(back_populates="calls_to_action")
    priority: Mapped[Priority] = relationship()


class StatusChange(db.Model):
    """One step of a proposal's journey: who, when, from, to, the public reason and an internal note."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"))
    public_reason: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="journey")
    board: Mapped[Board | None] = relationship()


class Support(db.Model):
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Follow(db.Model):
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferenceCounter(db.Model):
    """The last reference number given in a year: TH-2026-00042 is the 42nd proposal submitted in 2026."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Comment(db.Model):
    """Plain text on a published proposal; written as the board's when its author sits on the proposal's board."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    author: Mapped[User | None] = relationship()
    board: Mapped[Board | None] = relationship()


class Report(db.Model):
    """Someone's report that a proposal or a comment breaks the house rules, for the secretariat to look at."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)

    proposal: Mapped[Proposal] = relationship()
    comment: Mapped[Comment | None] = relationship()


class ResolutionCheck(db.Model):
    """ "Did this resolve what you raised?": asked of a proposal's author some weeks after the proposal was declined or
    a work programme item it led to was done (a scheduled scan asks those whose `due_at` has come), answered by a
    signed link without signing in. The words of `why` are shown on the journey only if the author agrees."""

    __table_args__ = (Index("ix_resolution_check_to_ask", "asked_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # declined, done
    item_id: Mapped[int | None] = mapped_column(ForeignKey("work_programme_item.id", ondelete="SET NULL"))
    due_at: Mapped[datetime]
    asked_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(10))  # yes, partly, no
    why: Mapped[str] = mapped_column(Text, default="")
    why_public: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
