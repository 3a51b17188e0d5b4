"""Work programmes per municipal year (1 July – 30 June), their items and progress; meetings, agendas, minutes."""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership.models import Board, Organisation, Priority
from engage.time import utcnow

ITEM_STATUSES = ("not_started", "on_track", "at_risk", "off_track", "done")

item_priorities = Table(
    "work_programme_item_priority",
    db.metadata,
    Column("item_id", ForeignKey("work_programme_item.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priority.id"), primary_key=True),
)

# The proposals that led to an item: a proposal accepted into a work programme is linked to one item.
item_proposals = Table(
    "work_programme_item_proposal",
    db.metadata,
    Column("item_id", ForeignKey("work_programme_item.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("proposal_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True, unique=True),
)


class WorkProgramme(db.Model):
    """A board's programme for one municipal year: `year` 2027 is 1 July 2027 – 30 June 2028 ("2027-28")."""

    __table_args__ = (UniqueConstraint("board_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    year: Mapped[int]
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    board: Mapped[Board] = relationship()
    published_by: Mapped[User | None] = relationship()
    items: Mapped[list["WorkProgrammeItem"]] = relationship(
        back_populates="programme", order_by="WorkProgrammeItem.position, WorkProgrammeItem.id"
    )

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"


class WorkProgrammeItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("work_programme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    target: Mapped[str] = mapped_column(Text, default="")  # the target or measure
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="not_started")  # one of ITEM_STATUSES
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[WorkProgramme] = relationship(back_populates="items")
    lead_organisation: Mapped[Organisation | None] = relationship()
    calls_to_action: Mapped[list[Priority]] = relationship(secondary=item_priorities, order_by=Priority.number)
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="item", order_by="ProgressUpdate.id.desc()", cascade="all, delete-orphan"
    )


class ProgressUpdate(db.Model):
    """A board's report against one item: the item's status then, and what happened."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_programme_item.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[WorkProgrammeItem] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(Text, default="")
    agenda_published_at: Mapped[datetime | None]
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    board: Mapped[Board] = relationship()
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position, AgendaItem.id"
    )
    attendance: Mapped[list["Attendance"]] = relationship(back_populates="meeting", order_by="Attendance.id")


class AgendaItem(db.Model):
    """An item on a meeting's agenda. One a member submitted is guaranteed its place: only its proposer's recorded
    agreement that it is no longer required takes it off (programmes.meetings.drop_item)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    paper: Mapped[str] = mapped_column(Text, default="")  # the paper, as text
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    guaranteed: Mapped[bool] = mapped_column(default=False)  # submitted by a member
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalation.id", ondelete="SET NULL"))
    dropped_at: Mapped[datetime | None]
    dropped_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    dropped_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])


class Attendance(db.Model):
    """A member's attendance at a meeting; one who cannot come may name a proxy with delegated authority."""

    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))  # attending, apologies, attended, absent
    proxy_name: Mapped[str] = mapped_column(String(200), default="")
    proxy_role: Mapped[str] = mapped_column(String(200), default="")  # their experience and delegated authority
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship()
