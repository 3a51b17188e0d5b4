"""Proposals: drafting, submitting and routing, withdrawing, supporting and following; every change through here."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from engage.accounts.models import Person, RoleGrant, User
from engage.accounts.policy import represents
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.notices import services as notices
from engage.partnership.models import Board, Organisation, Plan, Priority, Ward
from engage.proposals import statuses
from engage.proposals.models import (
    Comment,
    Follow,
    Proposal,
    ProposalPriority,
    ReferenceCounter,
    Report,
    StatusChange,
    Support,
    workshop_proposals,
)
from engage.time import utcnow

TEXT_FIELDS = ("title", "problem", "idea", "who_it_helps")


def _author_only(proposal: Proposal, actor: Person) -> None:
    if proposal.author_id != actor.id:
        raise DomainError(_l("Only the person who made this proposal can change it."))


def start_draft(actor: Person, call_to_action: int | None = None, workshop_id: int | None = None) -> Proposal:
    """A new draft of the actor's. Started from a congress workshop, it is under the workshop's call to action as
    its primary one, which the author can still change (a number not of the current plan is ignored), and the
    workshop is recorded as where its idea came from (`workshop_id`, a workshop the caller found)."""
    proposal = Proposal(author_id=actor.id)
    db.session.add(proposal)
    if call_to_action in current_calls_to_action():
        _map(proposal, [call_to_action])
    db.session.flush()
    if workshop_id is not None:
        came_from(proposal, workshop_id)
    return proposal


def came_from(proposal: Proposal, workshop_id: int) -> None:
    """Record the congress workshop a proposal's idea came from, so its congress can report back on it."""
    db.session.execute(workshop_proposals.delete().where(workshop_proposals.c.proposal_id == proposal.id))
    db.session.execute(workshop_proposals.insert().values(proposal_id=proposal.id, workshop_id=workshop_id))


def edit(proposal: Proposal, actor: Person, **fields) -> None:
    """Change a proposal's answers; its author may, until a board starts reviewing it."""
    _author_only(proposal, actor)
    if proposal.status not in statuses.EDITABLE:
        raise DomainError(_l("A board has started reviewing this proposal, so it can no longer be changed."))
    for name, value in fields.items():
        if name not in (*TEXT_FIELDS, "ward_id", "organisation_id", "show_name"):
            raise ValueError(name)
        setattr(proposal, name, value)
    db.session.flush()


def place(proposal: Proposal, actor: Person, ward_slug: str) -> None:
    """Locate a proposal in a ward, or (any other answer) the whole borough."""
    edit(proposal, actor, ward_id=_ward_id(ward_slug))


def _ward_id(slug: str) -> int | None:
    return db.session.scalar(select(Ward.id).where(Ward.slug == slug))


def on_behalf_of(proposal: Proposal, actor: Person, organisation_slug: str) -> None:
    """Propose it in an organisation's name ("none": the author's own idea); only its partner representatives may."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == organisation_slug))
    if organisation is not None and not represents(actor, organisation.id):
        raise DomainError(_l("Choose one of the options given"), field="organisation")
    edit(proposal, actor, organisation_id=organisation.id if organisation else None)


def current_calls_to_action() -> dict[int, Priority]:
    query = select(Priority).join(Plan).where(Plan.current.is_(True)).order_by(Priority.number)
    return {p.number: p for p in db.session.scalars(query)}


def choose_calls_to_action(proposal: Proposal, actor: Person, numbers: list[int]) -> None:
    """Map the proposal to calls to action of the current plan; the first is the primary one."""
    _author_only(proposal, actor)
    if proposal.status not in statuses.EDITABLE:
        raise DomainError(_l("A board has started reviewing this proposal, so it can no longer be changed."))
    _map(proposal, numbers)
    if proposal.status == "submitted":
        _route(proposal)
    db.session.flush()


def _map(proposal: Proposal, numbers: list[int]) -> None:
    available = current_calls_to_action()
    chosen = [available[n] for n in dict.fromkeys(numbers) if n in available]
    if not chosen:
        raise DomainError(_l("Select at least one call to action"), field="calls_to_action")
    proposal.calls_to_action = [ProposalPriority(priority=p, position=i) for i, p in enumerate(chosen)]


def map_and_place(proposal: Proposal, numbers: list[int], ward_slug: str) -> None:
    """For staff recording a proposal: its calls to action and its place, without the author's checks."""
    _map(proposal, numbers)
    proposal.ward_id = _ward_id(ward_slug)
    db.session.flush()


def missing_answers(proposal: Proposal) -> list[str]:
    missing = [name for name in TEXT_FIELDS if not (getattr(proposal, name) or "").strip()]
    if not proposal.calls_to_action:
        missing.append("calls_to_action")
    return missing


def _next_reference(year: int) -> str:
    """Locks the year's counter row, so two submissions never share a number."""
    counter = db.session.get(ReferenceCounter, year, with_for_update=True)
    if counter is None:
        try:
            with db.session.begin_nested():
                counter = ReferenceCounter(year=year, last=0)
                db.session.add(counter)
        except IntegrityError:
            counter = db.session.get(ReferenceCounter, year, with_for_update=True, populate_existing=True)
    counter.last += 1
    db.session.flush()
    return f"TH-{year}-{counter.last:05d}"


def _route(proposal: Proposal) -> None:
    primary = proposal.primary_priority
    proposal.board_id = primary.lead_board_id if primary else None


def submit(proposal: Proposal, actor: Person, now: datetime | None = None) -> None:
    """The author sends their draft: see submit_for. In an organisation's name only while they still represent it."""
    _author_only(proposal, actor)
    if proposal.organisation_id is not None and not represents(actor, proposal.organisation_id):
        raise DomainError(_l("You no longer represent the organisation this proposal is on behalf of: change it."))
    submit_for(proposal, actor, now)


def submit_for(proposal: Proposal, actor: Person, now: datetime | None = None) -> None:
    """Give the proposal its reference, route it to the board that leads its primary call to action, tell its
    author (and the board's members), and have the author follow it."""
    if missing_answers(proposal):
        raise DomainError(_l("Answer every question before you submit your proposal."))
    now = now or utcnow()
    proposal.reference = _next_reference(now.year)
    proposal.submitted_at = now
    _route(proposal)
    statuses.transition(proposal, "submitted", actor)
    if proposal.author is not None:
        follow(proposal, proposal.author)
    tell_author(proposal, "proposal_submitted")
    tell_board(proposal)
    db.session.flush()


def _author_contact(proposal: Proposal) -> tuple[str, str, str, User | None]:
    """Name, address and language to tell the proposal's author by, and their account if they have one."""
    author = proposal.author
    if author is not None:
        return author.name, author.email, author.language, author
    return proposal.contact_name, proposal.contact_email, "en", None


def tell_author(proposal: Proposal, kind: str, **context) -> None:
    """Tell the author by email, or by a letter the secretariat prints when they were recorded with a postal address
    and no email address."""
    name, email, language, user = _author_contact(proposal)
    notices.queue_to(
        email,
        proposal.contact_address,
        kind,
        f"{kind}:{proposal.id}:{len(proposal.journey)}",
        {
            "name": name,
            "reference": proposal.reference,
            "title": proposal.title,
            "url": notices.public_link(f"/proposals/{proposal.reference}"),
            **context,
        },
        language,
        user,
    )


# What the author and the followers are told of a step in a proposal's journey: a new status, or a move to another
# board (a step that keeps the status).
DECIDED = ("proposal_decision", "followed_proposal_update")
MOVED = ("proposal_rerouted", "followed_proposal_moved")


def tell_people(proposal: Proposal, change: StatusChange, followers: bool = True, **context) -> None:
    """Tell the author (and, unless `followers` is False, everyone following) of a step in the proposal's journey,
    each in their language; not whoever took the step."""
    author_kind, follower_kind = MOVED if change.from_status == change.to_status else DECIDED
    context = {"status": change.to_status, "reason": change.public_reason, **context}
    if proposal.author_id is None or proposal.author_id != change.actor_id:
        tell_author(proposal, author_kind, **context)
    if not followers:
        return
    following = db.session.scalars(
        select(User).where(User.id.in_(select(Follow.user_id).where(Follow.proposal_id == proposal.id)))
    )
    for follower in following:
        if follower.id in (proposal.author_id, change.actor_id):
            continue
        notices.queue(
            follower_kind,
            follower.email,
            f"followed-update:{change.id}:{follower.id}",
            {
                "name": follower.name,
                "reference": proposal.reference,
                "title": proposal.title,
                "url": notices.public_link(f"/proposals/{proposal.reference}"),
                **context,
            },
            follower.language,
            follower,
        )


def tell_board(proposal: Proposal) -> None:
    members = db.session.scalars(
        select(User).where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.board_id == proposal.board_id)))
    )
    board = db.session.get(Board, proposal.board_id) if proposal.board_id else None
    for member in members:
        notices.queue(
            "proposal_in_queue",
            member.email,
            f"proposal-in-queue:{proposal.id}:{proposal.board_id}:{member.id}",
            {
                "name": member.name,
                "reference": proposal.reference,
                "title": proposal.title,
                "board": board.localised("name", member.language) if board else "",
                "url": notices.public_link(f"/proposals/{proposal.reference}"),
            },
            member.language,
            member,
        )


def withdraw(proposal: Proposal, actor: Person, reason: str = "") -> None:
    _author_only(proposal, actor)
    change = statuses.transition(proposal, "withdrawn", actor, public_reason=reason)
    db.session.flush()
    tell_people(proposal, change)


def answer_request(proposal: Proposal, actor: Person, answer: str) -> None:
    """The author answers a board's request for more information; the proposal goes back under review."""
    _author_only(proposal, actor)
    if proposal.status != "more_info_requested":
        raise DomainError(_l("The board has not asked for more information about this proposal."))
    statuses.transition(proposal, "under_review", actor, public_reason=answer)
    db.session.flush()


def comment(proposal: Proposal, actor: Person, body: str) -> Comment:
    """A signed-in person's comment on a published proposal; a member of its board comments as the board."""
    if proposal.status not in statuses.PUBLIC or proposal.hidden_at is not None:
        raise DomainError(_l("You cannot comment on this proposal."), field="body")
    on_board = any(g.board_id == proposal.board_id for g in actor.roles) and proposal.board_id is not None
    row = Comment(
        proposal_id=proposal.id, author_id=actor.id, body=body, board_id=proposal.board_id if on_board else None
    )
    db.session.add(row)
    db.session.flush()
    return row


def report(proposal: Proposal, actor: Person, reason: str, comment_id: int | None = None) -> Report:
    """Anyone signed in may report a proposal or one of its comments to the secretariat."""
    if (
        comment_id is not None
        and db.session.scalar(select(Comment.id).where(Comment.id == comment_id, Comment.proposal_id == proposal.id))
        is None
    ):
        raise DomainError(_l("That comment is not on this proposal."), field="reason")
    row = Report(proposal_id=proposal.id, comment_id=comment_id, reporter_id=actor.id, reason=reason)
    db.session.add(row)
    db.session.flush()
    return row


def support(proposal: Proposal, actor: Person) -> bool:
    """Count the person's support once; supporting again changes nothing. True when it was new."""
    if proposal.status not in statuses.PUBLIC or proposal.hidden_at is not None:
        raise DomainError(_l("This proposal cannot be supported."))
    try:
        with db.session.begin_nested():
            db.session.add(Support(proposal_id=proposal.id, user_id=actor.id))
    except IntegrityError:
        return False
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(supports=Proposal.supports + 1)
        .execution_options(synchronize_session=False)
    )
    follow(proposal, actor)
    return True


def follow(proposal: Proposal, actor: Person) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(Follow(proposal_id=proposal.id, user_id=actor.id))
    except IntegrityError:
        pass


def unfollow(proposal: Proposal, actor: Person) -> None:
    db.session.execute(db.delete(Follow).where(Follow.proposal_id == proposal.id, Follow.user_id == actor.id))


def is_following(proposal: Proposal, user) -> bool:
    return (
        user.is_authenticated
        and db.session.scalar(select(Follow.id).where(Follow.proposal_id == proposal.id, Follow.user_id == user.id))
        is not None
    )


def has_supported(proposal: Proposal, user) -> bool:
    return (
        user.is_authenticated
        and db.session.scalar(select(Support.id).where(Support.proposal_id == proposal.id, Support.user_id == user.id))
        is not None
    )


def by_reference(reference: str) -> Proposal | None:
    """The proposal with what its page shows: three queries whatever it has (one joining all eight tables costs
    PostgreSQL ten times as much to plan as to run)."""
    return db.session.scalar(
        select(Proposal)
        .where(Proposal.reference == reference)
        .options(
            joinedload(Proposal.ward),
            joinedload(Proposal.board),
            joinedload(Proposal.organisation),
            joinedload(Proposal.author),
            selectinload(Proposal.calls_to_action).joinedload(ProposalPriority.priority),
            selectinload(Proposal.journey).joinedload(StatusChange.board),
        )
    )


def submitted_by(user: Person) -> list[Proposal]:
    """The person's own proposals but drafts, the latest first: one query."""
    query = select(Proposal).where(Proposal.author_id == user.id, Proposal.status != "draft")
    return list(db.session.scalars(query.order_by(Proposal.submitted_at.desc(), Proposal.id.desc())))


def drafts_of(user: Person) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.author_id == user.id, Proposal.status == "draft")
            .order_by(Proposal.id.desc())
        )
    )
