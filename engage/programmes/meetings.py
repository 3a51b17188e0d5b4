"""Boards' meetings: agendas (where a member's item is guaranteed its place), attendance and minutes."""

from sqlalchemy import select

from engage.accounts.models import User
from engage.audit import services as audit
from engage.extensions import db
from engage.partnership.models import Board
from engage.programmes.models import AgendaItem, Meeting
from engage.time import utcnow


def next_meeting(board: Board) -> Meeting | None:
    """The board's next meeting that has not started and is not cancelled."""
    query = (
        select(Meeting)
        .where(Meeting.board_id == board.id, Meeting.starts_at > utcnow(), Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    return db.session.scalar(query)


def add_item(
    meeting: Meeting,
    actor: User,
    *,
    title: str,
    paper: str = "",
    guaranteed: bool = False,
    escalation_id: int | None = None,
) -> AgendaItem:
    """Put an item on a meeting's agenda, last; one a member submits (`guaranteed`) keeps its place."""
    item = AgendaItem(
        meeting_id=meeting.id,
        title=title,
        paper=paper,
        proposer_id=actor.id if actor else None,
        guaranteed=guaranteed,
        escalation_id=escalation_id,
        position=len(meeting.agenda),
    )
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "add_agenda_item", item, meeting=meeting.id, title=title, guaranteed=guaranteed)
    return item
