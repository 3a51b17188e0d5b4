"""Who may see and change a proposal."""

from flask_login import AnonymousUserMixin

from engage.accounts.models import Person
from engage.accounts.policy import secretariat
from engage.proposals import statuses
from engage.proposals.models import Proposal


def is_author(user: Person | AnonymousUserMixin, proposal: Proposal) -> bool:
    return user.is_authenticated and proposal.author_id == user.id


def on_its_board(user: Person | AnonymousUserMixin, proposal: Proposal) -> bool:
    return (
        user.is_authenticated
        and proposal.board_id is not None
        and any(g.board_id == proposal.board_id for g in user.roles)
    )


def can_see(user: Person | AnonymousUserMixin, proposal: Proposal) -> bool:
    """Drafts are their author's alone; hidden proposals their author's, the secretariat's and their board's."""
    if proposal.status == "draft":
        return is_author(user, proposal)
    if proposal.hidden_at is not None:
        return (
            is_author(user, proposal) or (user.is_authenticated and secretariat(user)) or on_its_board(user, proposal)
        )
    return proposal.status in statuses.PUBLIC


def can_edit(user: Person | AnonymousUserMixin, proposal: Proposal) -> bool:
    return is_author(user, proposal) and proposal.status in statuses.EDITABLE
