"""The outbox: one row per message someone must receive."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.time import utcnow

# pending: waiting to be sent; sending: claimed by a worker; sent; failed: given up, the secretariat may retry;
# held: kept for the person's weekly digest; digested: went out in one. A letter (channel "letter") is never sent by
# the worker: to_print until the secretariat marks it printed.
STATUSES = ("pending", "sending", "sent", "failed", "held", "digested", "to_print", "printed")
CHANNELS = ("email", "letter")  # the recipient is an email address, or a name and postal address


class Notice(db.Model):
    __table_args__ = (Index("ix_notice_status_relay_after", "status", "relay_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The relay hands a pending notice to the worker again once this time has passed.
    relay_after: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Set when a worker stopped while sending it: the message may have gone out before it was marked sent.
    interrupted_at: Mapped[datetime | None]

    @property
    def message_id(self) -> str:
        return f"<{self.idempotency_key.replace(':', '.')}@engage>"
