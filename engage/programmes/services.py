"""Work programmes: a board's items for a municipal year, the proposals that led to them, their progress."""

from datetime import date

from sqlalchemy import select

from engage.accounts.models import User
from engage.audit import services as audit
from engage.extensions import db
from engage.partnership.models import Board
from engage.programmes.models import WorkProgramme, WorkProgrammeItem, item_proposals
from engage.proposals.models import Proposal


def municipal_year(day: date) -> int:
    """The municipal year a day falls in, by its first year: 1 July 2027 – 30 June 2028 is 2027."""
    return day.year if day.month >= 7 else day.year - 1


def programme(board: Board, year: int) -> WorkProgramme:
    """The board's work programme for a municipal year, started (unpublished) if it has none yet."""
    found = db.session.scalar(
        select(WorkProgramme).where(WorkProgramme.board_id == board.id, WorkProgramme.year == year)
    )
    if found is None:
        found = WorkProgramme(board_id=board.id, year=year)
        db.session.add(found)
        db.session.flush()
    return found


def add_item(programme: WorkProgramme, actor: User, *, title: str, **fields) -> WorkProgrammeItem:
    """Add an item to a work programme; `fields` are the item's other columns and `calls_to_action`."""
    item = WorkProgrammeItem(programme_id=programme.id, title=title, position=len(programme.items), **fields)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "add_item", item, programme=programme.id, title=title)
    return item


def link_proposal(item: WorkProgrammeItem, proposal: Proposal) -> None:
    """Record that a proposal led to an item (a proposal leads to one item at most)."""
    db.session.execute(item_proposals.delete().where(item_proposals.c.proposal_id == proposal.id))
    db.session.execute(item_proposals.insert().values(item_id=item.id, proposal_id=proposal.id))


def item_of(proposal: Proposal) -> WorkProgrammeItem | None:
    """The work programme item a proposal was accepted into, if any."""
    query = select(WorkProgrammeItem).join(item_proposals).where(item_proposals.c.proposal_id == proposal.id)
    return db.session.scalar(query)
