"""The outbox: one row per message someone must receive."""

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.time import utcnow

STATUSES = ("pending", "sending", "sent", "failed")


class Notice(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    @property
    def message_id(self) -> str:
        return f"<{self.idempotency_key.replace(':', '.')}@engage>"
