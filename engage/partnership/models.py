"""The partnership as data: plans and their priorities, boards, partner organisations, wards."""

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db


class Localised:
    """Rows whose text has a Bengali twin in a `<field>_bn` column."""

    def localised(self, field: str, language: str) -> str:
        if language != "en":
            text = getattr(self, f"{field}_{language}", None)
            if text:
                return text
        return getattr(self, field)


board_organisations = Table(
    "board_organisation",
    db.metadata,
    Column("board_id", ForeignKey("board.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)

priority_interested_boards = Table(
    "priority_interested_board",
    db.metadata,
    Column("priority_id", ForeignKey("priority.id", ondelete="CASCADE"), primary_key=True),
    Column("board_id", ForeignKey("board.id", ondelete="CASCADE"), primary_key=True),
)


class Plan(Localised, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_bn: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int]
    end_year: Mapped[int]
    current: Mapped[bool] = mapped_column(default=False)
    vision: Mapped[str] = mapped_column(Text, default="")
    vision_bn: Mapped[str] = mapped_column(Text, default="")
    # What the plan calls its priorities: "call to action" or "area of focus".
    priority_term: Mapped[str] = mapped_column(String(40))

    priorities: Mapped[list["Priority"]] = relationship(back_populates="plan", order_by="Priority.number")


class Priority(Localised, db.Model):
    """A plan's priority, whatever the plan calls it (the current plan: a call to action)."""

    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    title_bn: Mapped[str] = mapped_column(Text, default="")
    lead_board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"))

    plan: Mapped[Plan] = relationship(back_populates="priorities")
    lead_board: Mapped["Board | None"] = relationship(back_populates="led_priorities")
    interested_boards: Mapped[list["Board"]] = relationship(secondary=priority_interested_boards)


class Board(Localised, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str] = mapped_column(String(200), default="")
    # "oversight", "executive" or "thematic": the tiers of the structure diagram.
    tier: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    remit: Mapped[str] = mapped_column(Text, default="")
    remit_bn: Mapped[str] = mapped_column(Text, default="")
    # Working days within which the board should acknowledge (start reviewing) a proposal.
    acknowledgement_days: Mapped[int] = mapped_column(default=10, server_default="10")

    led_priorities: Mapped[list[Priority]] = relationship(back_populates="lead_board", order_by=Priority.number)
    organisations: Mapped[list["Organisation"]] = relationship(
        secondary=board_organisations, order_by="Organisation.name"
    )


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(40))


class Ward(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
