"""What a board's triage leaves behind beyond the proposal's journey: escalations to PEG and response templates."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership.models import Board
from engage.proposals.models import Proposal
from engage.time import utcnow


class Escalation(db.Model):
    """A board asks the Partnership Executive Group to decide what it cannot resolve itself."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    issue: Mapped[str] = mapped_column(Text)
    ask: Mapped[str] = mapped_column(Text)  # what the board asks PEG for
    why_not_resolved: Mapped[str] = mapped_column(Text)  # why the board cannot resolve it itself
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    # PEG's decision: under_review (back to the board), accepted or declined.
    decision: Mapped[str | None] = mapped_column(String(30))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    proposal: Mapped[Proposal] = relationship()
    board: Mapped[Board] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])


class ResponseTemplate(db.Model):
    """A board's own wording for a decision's public reason, in one language; the defaults live in the code."""

    __table_args__ = (UniqueConstraint("board_id", "decision", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
