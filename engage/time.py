"""Times are stored in UTC (naive, for SQLite and PostgreSQL alike) and shown in Europe/London."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
