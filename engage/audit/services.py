"""Recording what staff do, for the audit trail."""

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db


def record(actor, action: str, subject, **detail) -> AuditEvent:
    """Add an audit row in the caller's transaction; `subject` is any model row with an id."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=type(subject).__name__.lower(),
        subject_id=subject.id,
        detail=detail,
    )
    db.session.add(event)
    return event


def trail(subject) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.subject_type == type(subject).__name__.lower(), AuditEvent.subject_id == subject.id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))
