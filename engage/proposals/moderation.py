"""What the secretariat does with proposals: hide what breaks the house rules, deal with reports, move a proposal
to another board, and record a proposal for someone who brought it on paper, by phone or at the congress."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.accounts import services as accounts
from engage.accounts.models import Person
from engage.audit import services as audit
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.notices import services as notices
from engage.partnership.models import Board
from engage.proposals import services as proposals
from engage.proposals import statuses
from engage.proposals.models import SOURCES, Comment, Proposal, Report
from engage.time import utcnow


def hide_proposal(proposal: Proposal, actor: Person, reason: str) -> None:
    """Take a proposal off the public site; its author, its board and the secretariat still see it, with why."""
    proposal.hidden_at = utcnow()
    proposal.hidden_reason = reason
    audit.record(actor, "hide", proposal, reason=reason)
    proposals.tell_author(proposal, "proposal_hidden", reason=reason, rules=notices.public_link("/house-rules"))
    db.session.flush()


def show_proposal(proposal: Proposal, actor: Person) -> None:
    proposal.hidden_at = None
    audit.record(actor, "show", proposal)
    db.session.flush()


def hide_comment(comment: Comment, actor: Person, reason: str) -> None:
    comment.hidden_at = utcnow()
    comment.hidden_reason = reason
    audit.record(actor, "hide", comment, reason=reason, body=comment.body)
    author = comment.author
    if author is not None:
        reference = comment_proposal_reference(comment)
        notices.queue(
            "comment_hidden",
            author.email,
            f"comment-hidden:{comment.id}",
            {
                "name": author.name,
                "reference": reference,
                "reason": reason,
                "rules": notices.public_link("/house-rules"),
                "body": comment.body,
                "url": notices.public_link(f"/proposals/{reference}"),
            },
            author.language,
            author,
        )
    db.session.flush()


def comment_proposal_reference(comment: Comment) -> str:
    return db.session.scalar(select(Proposal.reference).where(Proposal.id == comment.proposal_id))


def open_reports() -> list[Report]:
    query = (
        select(Report)
        .where(Report.resolved_at.is_(None))
        .options(selectinload(Report.proposal), selectinload(Report.comment))
        .order_by(Report.id)
    )
    return list(db.session.scalars(query))


def resolve(report: Report, actor: Person, hide: bool, reason: str) -> None:
    """Close a report, hiding what it was about (with the reason the author is shown) or leaving it as it is."""
    if report.resolved_at is not None:
        raise DomainError(_l("This report has already been dealt with."))
    if hide and not reason:
        raise DomainError(_l("Say which house rule it breaks: the author is shown this"), field="reason")
    if hide and report.comment is not None:
        hide_comment(report.comment, actor, reason)
    elif hide:
        hide_proposal(report.proposal, actor, reason)
    report.resolved_at = utcnow()
    audit.record(actor, "resolve", report, hidden=hide)
    db.session.flush()


def reroute(proposal: Proposal, actor: Person, board_slug: str, reason: str) -> None:
    """Move a proposal to another board's queue, keeping the step in its journey and telling its author and
    followers."""
    board = db.session.scalar(select(Board).where(Board.slug == board_slug))
    if board is None:
        raise DomainError(_l("Choose the board to move it to"), field="board")
    if board.id == proposal.board_id:
        raise DomainError(_l("The proposal is already with this board"), field="board")
    if proposal.status in statuses.FINAL or proposal.status == "draft":
        raise DomainError(_l("Only a proposal a board is still working on can be moved."), field="board")
    previous = proposal.board_id
    proposal.board_id = board.id
    change = statuses.record_move(proposal, actor, reason)
    audit.record(actor, "reroute", proposal, from_board=previous, to_board=board.id, reason=reason)
    db.session.flush()
    proposals.tell_people(proposal, change, board=board.name, board_bn=board.name_bn)
    proposals.tell_board(proposal)


def record_for_someone(
    actor: Person,
    *,
    name: str,
    email: str,
    source: str,
    answers: dict,
    calls_to_action: list[int],
    ward: str,
    address: str = "",
    workshop_id: int | None = None,
) -> Proposal:
    """Assisted entry: the secretariat submits a proposal a resident brought without going online.

    The resident is told by email when they gave an address; otherwise, given a postal address, by letters the
    secretariat prints (this one's and every later one's); with neither, the confirmation page gives a letter to post.
    It is the proposal of the account that has confirmed that address, if one has (else it becomes so when it does).
    From a congress workshop, `workshop_id` (one of congress.services.recent_workshops) records which.
    """
    if source not in SOURCES or source == "online":
        raise DomainError(_l("Say how the proposal reached you"), field="source")
    if workshop_id is not None and source != "congress":
        raise DomainError(_l("Name a workshop only for a proposal from a congress workshop"), field="workshop")
    existing = accounts.account_of_address(email) if email else None
    proposal = Proposal(
        author_id=existing.id if existing else None,
        contact_name=name,
        contact_email=email.strip().lower(),
        contact_address=address.strip(),
        source=source,
        recorded_by_id=actor.id,
        show_name=False,
        **answers,
    )
    db.session.add(proposal)
    db.session.flush()
    proposals.map_and_place(proposal, calls_to_action, ward)
    if workshop_id is not None:
        proposals.came_from(proposal, workshop_id)
    proposals.submit_for(proposal, actor)
    audit.record(actor, "record_for_someone", proposal, source=source)
    return proposal
