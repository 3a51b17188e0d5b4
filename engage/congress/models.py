"""The twice-yearly partnership congress: its workshops, and people's registrations for both."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.partnership.models import Localised, Priority
from engage.time import utcnow

# A registration's place: confirmed; offered (promoted from the waiting list, held until the offer expires);
# waitlisted (in order of registering); cancelled ones keep their row.
LIVE = ("confirmed", "offered", "waitlisted")
HOLDING = ("confirmed", "offered")  # these count against the capacity


class Congress(Localised, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. spring-2027
    title: Mapped[str] = mapped_column(String(200))
    title_bn: Mapped[str] = mapped_column(String(200), default="")  # each _bn: the Bengali, where it is written
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(Text, default="")
    venue_access: Mapped[str] = mapped_column(Text, default="")
    venue_bn: Mapped[str] = mapped_column(Text, default="")
    venue_access_bn: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int]
    # Kept with the capacity, and changed only while the congress row is locked, so places are never oversold.
    confirmed: Mapped[int] = mapped_column(default=0)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="draft")  # draft, published, cancelled
    # The planning sheet's numbers, kept once the registrations' needs are deleted (planning.forget_needs).
    planning_totals: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    workshops: Mapped[list["Workshop"]] = relationship(
        back_populates="congress", order_by="Workshop.starts_at, Workshop.id"
    )


class Workshop(Localised, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congress.id", ondelete="CASCADE"), index=True)
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id"))
    title: Mapped[str] = mapped_column(String(200))
    title_bn: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime]  # its time slot: a person chooses one workshop per slot
    capacity: Mapped[int]
    confirmed: Mapped[int] = mapped_column(default=0)

    congress: Mapped[Congress] = relationship(back_populates="workshops")
    priority: Mapped[Priority | None] = relationship()


class Registration(db.Model):
    __table_args__ = (
        # One live registration per person and congress: the database says so, not only the code. Someone registered
        # on their behalf with a phone number or postal address instead has no email address to tell them apart by.
        Index(
            "uq_registration_live_email",
            "congress_id",
            "email",
            unique=True,
            sqlite_where=text("status != 'cancelled' AND email != ''"),
            postgresql_where=text("status != 'cancelled' AND email != ''"),
        ),
        Index("ix_registration_waiting", "congress_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congress.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))  # "" for someone registered on their behalf without one
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    address: Mapped[str] = mapped_column(Text, default="", server_default="")  # for letters, without email
    language: Mapped[str] = mapped_column(String(5), default="en")
    status: Mapped[str] = mapped_column(String(20))  # see LIVE
    offer_expires_at: Mapped[datetime | None]
    attending_as: Mapped[str] = mapped_column(String(20), default="resident")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # Special-category data, deleted a set time after the congress (the planning totals stay as numbers).
    needs: Mapped[dict] = mapped_column(JSON, default=dict)
    priorities: Mapped[list] = mapped_column(JSON, default=list)
    consent_to_contact: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]

    congress: Mapped[Congress] = relationship()
    places: Mapped[list["WorkshopPlace"]] = relationship(back_populates="registration", cascade="all, delete-orphan")


class WorkshopPlace(db.Model):
    __table_args__ = (UniqueConstraint("registration_id", "workshop_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # confirmed, waitlisted, cancelled

    registration: Mapped[Registration] = relationship(back_populates="places")
    workshop: Mapped[Workshop] = relationship()
