"""You said, we did: telling a proposal's people of the progress of the work programme item it led to.

When a board posts a progress update on an item of a published work programme, the author of each proposal that led
to it and everyone following one are told, each once (the update and the person are in the idempotency key), in
their language, as their notice choices say: authors under "Your proposals", followers under "Proposals you follow".
Whatever the number of proposals and followers, three statements: the proposals with their authors, the followers,
and one insert of every notice.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engage.accounts.models import Person, User
from engage.extensions import db
from engage.notices import services as notices
from engage.programmes.models import ProgressUpdate, WorkProgramme, WorkProgrammeItem, item_proposals
from engage.proposals import resolution, statuses
from engage.proposals.models import Follow, Proposal


def led_to(item: WorkProgrammeItem) -> list[Proposal]:
    """The public proposals that led to an item, with their authors, if its work programme is published (the public
    may see it); oldest first."""
    query = (
        select(Proposal)
        .join(item_proposals, item_proposals.c.proposal_id == Proposal.id)
        .join(WorkProgrammeItem, WorkProgrammeItem.id == item_proposals.c.item_id)
        .join(WorkProgramme, WorkProgramme.id == WorkProgrammeItem.programme_id)
        .where(
            item_proposals.c.item_id == item.id,
            WorkProgramme.published_at.is_not(None),
            Proposal.status.in_(statuses.PUBLIC),
            Proposal.hidden_at.is_(None),
        )
        .order_by(Proposal.id)
        .options(joinedload(Proposal.author))
    )
    return list(db.session.scalars(query))


def after_update(item: WorkProgrammeItem, update: ProgressUpdate, actor: Person | None) -> None:
    """What a progress update starts for the proposals that led to the item: their people are told, and once the item
    is done their authors will be asked whether it resolved what they raised (resolution.ask_later_of_done)."""
    proposals = led_to(item)
    if not proposals:
        return
    tell_of_update(item, proposals, update, actor)
    if update.status == "done":
        resolution.ask_later_of_done(item.id, [proposal.id for proposal in proposals])


def after_publishing(programme: WorkProgramme) -> int:
    """A programme published with items already done: their proposals' authors will be asked too, as if the items
    were done now (nobody outside the board knew of them before). Returns how many checks it made."""
    query = (
        select(item_proposals.c.item_id, item_proposals.c.proposal_id)
        .join(WorkProgrammeItem, WorkProgrammeItem.id == item_proposals.c.item_id)
        .join(Proposal, Proposal.id == item_proposals.c.proposal_id)
        .where(
            WorkProgrammeItem.programme_id == programme.id,
            WorkProgrammeItem.status == "done",
            Proposal.status.in_(statuses.PUBLIC),
            Proposal.hidden_at.is_(None),
        )
    )
    done: dict[int, list[int]] = {}
    for item_id, proposal_id in db.session.execute(query):
        done.setdefault(item_id, []).append(proposal_id)
    return sum(resolution.ask_later_of_done(item_id, proposal_ids) for item_id, proposal_ids in done.items())


def tell_of_update(
    item: WorkProgrammeItem, proposals: list[Proposal], update: ProgressUpdate, actor: Person | None
) -> int:
    """Queue the notices of a progress update on an item to the people of the proposals it led to (not whoever
    posted it). Returns how many notices were new."""
    board = item.programme.board
    told: dict[str, notices.Addressed] = {}
    skip = {actor.id} if actor is not None else set()
    for proposal in proposals:  # authors first: someone who both wrote one and follows another is told as its author
        author = proposal.author
        if author is not None and author.id in skip:
            continue
        key = f"proposal-progress:{update.id}:" + (f"u{author.id}" if author else f"p{proposal.id}")
        if author is None:  # recorded by the secretariat: by email, or by letter, as the proposal says
            person = (proposal.contact_name, proposal.contact_email, proposal.contact_address, "en")
        else:
            person = (author.name, author.email, "", author.language)
        name, email, address, language = person
        context = _context(proposal, item, update, board.localised("name", language), name)
        told.setdefault(key, notices.Addressed("proposal_progress", key, context, email, address, language, author))
    by_id = {proposal.id: proposal for proposal in proposals}
    for proposal_id, follower in _followers(list(by_id)):
        key = f"proposal-progress:{update.id}:u{follower.id}"
        if follower.id in skip or key in told:
            continue
        context = _context(by_id[proposal_id], item, update, board.localised("name", follower.language), follower.name)
        told[key] = notices.Addressed(
            "followed_proposal_progress", key, context, follower.email, "", follower.language, follower
        )
    return notices.queue_many(list(told.values()))


def _followers(proposal_ids: list[int]) -> list[tuple[int, User]]:
    """Who follows each of the proposals, in one statement."""
    query = (
        select(Follow.proposal_id, User)
        .join(User, User.id == Follow.user_id)
        .where(Follow.proposal_id.in_(proposal_ids))
        .order_by(Follow.proposal_id, User.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _context(proposal: Proposal, item: WorkProgrammeItem, update: ProgressUpdate, board: str, name: str) -> dict:
    return {
        "name": name,
        "reference": proposal.reference,
        "title": proposal.title,
        "item": item.title,
        "board": board,
        "item_status": update.status,
        "body": update.body,
        "url": notices.public_link(f"/proposals/{proposal.reference}"),
    }
