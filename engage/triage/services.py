"""A board's decisions on the proposals routed to it, and PEG's decisions on what boards escalate.

Every decision carries the version of the proposal the person was looking at: if someone else decided in between,
the second decision is refused with a clear message and changes nothing (optimistic locking).
"""

from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import bindparam, delete, func, insert, literal, select, update
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from engage.accounts.models import Person, User
from engage.accounts.policy import board_people
from engage.audit import services as audit
from engage.audit.models import AuditEvent
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.i18n import lazy_own_language
from engage.notices import services as notices
from engage.partnership.models import Board
from engage.programmes import meetings
from engage.programmes import services as programmes
from engage.programmes.models import WorkProgramme, WorkProgrammeItem
from engage.proposals import services as proposals
from engage.proposals import statuses
from engage.proposals.models import Follow, Proposal, StatusChange, Support
from engage.time import utcnow
from engage.triage.models import Escalation, ResponseTemplate

PEG = "partnership-executive-group"
CHANGED = _l(
    "This proposal changed while you were looking at it. Check what happened below, then decide again: "
    "what you typed is still here."
)


@dataclass(frozen=True)
class Decision:
    label: object
    to_status: str
    default_reason: object  # the response template a board starts from


DECISIONS = {
    "start-review": Decision(
        _l("Start review"),
        "under_review",
        _l("Thank you for your proposal. The board has started to review it and will tell you what it decides."),
    ),
    "request-information": Decision(
        _l("Ask for more information"),
        "more_info_requested",
        _l("The board needs to know more before it can decide. Please tell us:"),
    ),
    "refer": Decision(
        _l("Refer to another board"),
        "referred",
        _l("Another board leads on this subject, so we have passed your proposal to it. It will review it."),
    ),
    "escalate": Decision(
        _l("Escalate to the Partnership Executive Group"),
        "escalated",
        _l(
            "The board cannot resolve this on its own, so it has asked the Partnership Executive Group to decide. "
            "We will tell you what it decides."
        ),
    ),
    "duplicate": Decision(
        _l("Mark as a duplicate"),
        "duplicate",
        _l(
            "Another proposal already makes this suggestion, so we have joined yours to it: your supporters now "
            "count there. Follow it to see what happens."
        ),
    ),
    "decline": Decision(
        _l("Decline"),
        "declined",
        _l("Thank you for your proposal. The board has decided not to take it forward, because"),
    ),
    "accept": Decision(
        _l("Accept into the work programme"),
        "accepted",
        _l("The board has accepted your proposal into its work programme. You can follow its progress here."),
    ),
}
# PEG decides an escalation one of these ways.
ESCALATION_OUTCOMES = ("under_review", "accepted", "declined")


def available(proposal: Proposal) -> list[str]:
    """The decisions a board can take on a proposal now (an escalated one waits for PEG)."""
    if proposal.status == "escalated":
        return []
    return [name for name, d in DECISIONS.items() if statuses.allowed(proposal.status, d.to_status)]


def response_template(board: Board, decision: str, language: str) -> str:
    """The board's wording for a decision in a language, or the default wording in that language."""
    text = db.session.scalar(
        select(ResponseTemplate.text).where(
            ResponseTemplate.board_id == board.id,
            ResponseTemplate.decision == decision,
            ResponseTemplate.language == language,
        )
    )
    return text or standard_wording(decision, language)


def standard_wording(decision: str, language: str) -> str:
    with force_locale(language):
        return str(DECISIONS[decision].default_reason)


def save_response_template(board: Board, actor: Person, decision: str, language: str, text: str) -> None:
    """Change the board's wording for a decision; empty text, or the standard wording, goes back to the standard."""
    if decision not in DECISIONS:
        raise DomainError(_l("There is no such decision."))
    db.session.execute(
        delete(ResponseTemplate).where(
            ResponseTemplate.board_id == board.id,
            ResponseTemplate.decision == decision,
            ResponseTemplate.language == language,
        )
    )
    if text and text != standard_wording(decision, language):
        db.session.add(ResponseTemplate(board_id=board.id, decision=decision, language=language, text=text))
    audit.record(actor, "response_template", board, decision=decision, language=language)
    db.session.flush()


# Built once, the board bound at each call: building the statement cost more than running it.
_MEMBERS = select(User).where(User.id.in_(board_people(bindparam("board_id")))).order_by(User.name)


def board_members(board: Board) -> list[User]:
    """The people who can be assigned a board's proposals: its members, chairs and officers."""
    return list(db.session.scalars(_MEMBERS, {"board_id": board.id}))


def _mine(proposal: Proposal, board: Board, version: int) -> None:
    if proposal.board_id != board.id:
        raise DomainError(_l("This proposal is no longer with this board."))
    if proposal.version != version:
        raise DomainError(CHANGED)


def _step(
    proposal: Proposal, board: Board, actor: Person, version: int, decision: str, reason: str, note: str
) -> StatusChange:
    """The part every decision shares: check nobody got there first, move the status, audit it."""
    _mine(proposal, board, version)
    change = statuses.transition(proposal, DECISIONS[decision].to_status, actor, reason, note)
    audit.record(actor, decision, proposal, board=board.id, note=note)
    return change


def _flush() -> None:
    """Write now, so a decision that lost a race is refused here rather than at the commit."""
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise DomainError(CHANGED) from error


def start_review(proposal: Proposal, board: Board, actor: Person, version: int, reason: str, note: str = "") -> None:
    """Acknowledge a proposal: the board is looking at it; the author and followers are told."""
    change = _step(proposal, board, actor, version, "start-review", reason, note)
    _flush()
    proposals.tell_people(proposal, change)


def request_information(
    proposal: Proposal, board: Board, actor: Person, version: int, reason: str, note: str = ""
) -> None:
    """Ask the author a question; the proposal waits for their answer (proposals.answer_request)."""
    change = _step(proposal, board, actor, version, "request-information", reason, note)
    _flush()
    proposals.tell_people(proposal, change, followers=False)


def decline(
    proposal: Proposal, board: Board, actor: Person, version: int, reason: str, signpost: str, note: str = ""
) -> None:
    """Decline, always saying where the resident can take the idea instead."""
    if not signpost:
        raise DomainError(_l("Say where the resident can take their idea instead"), field="signpost")
    change = _step(proposal, board, actor, version, "decline", f"{reason}\n\n{signpost}".strip(), note)
    _flush()
    proposals.tell_people(proposal, change)


def refer(
    proposal: Proposal, board: Board, actor: Person, version: int, to_slug: str, reason: str, note: str = ""
) -> None:
    """Send a proposal to another board's queue, where that board starts its own review."""
    target = db.session.scalar(select(Board).where(Board.slug == to_slug))
    if target is None:
        raise DomainError(_l("Choose the board to refer it to"), field="to_board")
    if target.id == board.id:
        raise DomainError(_l("Choose another board: the proposal is already with this one"), field="to_board")
    change = _step(proposal, board, actor, version, "refer", reason, note)
    proposal.board_id = target.id
    proposal.assignee_id = None
    _flush()
    proposals.tell_people(proposal, change)
    proposals.tell_board(proposal)


def assign(proposal: Proposal, board: Board, actor: Person, version: int, assignee_id: int | None) -> None:
    """Give a proposal to one of the board's members to look after (or to nobody); they are told (tell_assignee)."""
    _mine(proposal, board, version)
    event = _assign(proposal, board, actor, assignee_id, _member_ids(board))
    _flush()
    if event is not None:
        tell_assignee(board, actor, [proposal], event)


def _member_ids(board: Board) -> set[int]:
    return {member.id for member in board_members(board)}


def _assign(
    proposal: Proposal, board: Board, actor: Person, assignee_id: int | None, members: set[int]
) -> AuditEvent | None:
    """The audit event of the proposal's new assignee; None when it had them already, or now has nobody."""
    if assignee_id is not None and assignee_id not in members:
        raise DomainError(_l("Choose a member of this board"), field="assignee")
    given = assignee_id is not None and proposal.assignee_id != assignee_id
    proposal.assignee_id = assignee_id
    event = audit.record(actor, "assign", proposal, board=board.id, assignee=assignee_id)
    return event if given else None


def tell_assignee(board: Board, actor: Person, given: list[Proposal], event: AuditEvent) -> None:
    """One notice to the member just given these proposals to look after (however many at once), naming each;
    nothing when they took them themselves. `event`, the last assignment's (flushed), makes the notice's key."""
    if event.detail["assignee"] == actor.id:
        return
    assignee = db.session.get(User, event.detail["assignee"])
    notices.queue(
        "proposals_assigned",
        assignee.email,
        f"proposals-assigned:{event.id}",
        {
            "name": assignee.name,
            "board": board.localised("name", assignee.language),
            **listed(given, board),
        },
        assignee.language,
        assignee,
    )


def listed(chosen: list[Proposal], board: Board) -> dict:
    """The proposals a notice to a board's member lists, and the first few references for its subject."""
    references = [p.reference for p in chosen]
    return {
        "proposals": [
            {"reference": p.reference, "title": p.title, "url": workspace_link(board, p.reference)} for p in chosen
        ],
        "reference": ", ".join(references[:3]) + (" …" if len(references) > 3 else ""),
        "count": len(references),
    }


def workspace_link(board: Board, reference: str) -> str:
    return notices.public_link(f"/workspace/{board.slug}/proposals/{reference}")


def accept(
    proposal: Proposal,
    board: Board,
    actor: Person,
    version: int,
    reason: str,
    note: str = "",
    item_id: int | None = None,
    new_item_title: str = "",
) -> WorkProgrammeItem:
    """Accept a proposal into the board's work programme: link it to an item of it, or to a new one."""
    _mine(proposal, board, version)
    item = _item_for(proposal, board, actor, item_id, new_item_title)
    change = _step(proposal, board, actor, version, "accept", reason, note)
    programmes.link_proposal(item, proposal)
    _flush()
    proposals.tell_people(proposal, change)
    return item


def _item_for(
    proposal: Proposal, board: Board, actor: Person, item_id: int | None, new_item_title: str
) -> WorkProgrammeItem:
    if item_id:
        item = db.session.get(WorkProgrammeItem, item_id)
        if item is None or item.programme.board_id != board.id:
            raise DomainError(_l("Choose an item of this board's work programme"), field="item")
        return item
    if not new_item_title:
        raise DomainError(_l("Choose an item of the work programme, or give a new item a title"), field="item")
    programme = programmes.programme(board, programmes.municipal_year(utcnow().date()))
    return programmes.add_item(
        programme,
        actor,
        title=new_item_title,
        description=proposal.idea,
        calls_to_action=proposal.priorities,
    )


def mark_duplicate(
    proposal: Proposal, board: Board, actor: Person, version: int, kept_reference: str, reason: str, note: str = ""
) -> Proposal:
    """Join a proposal to one that already says the same: the kept one gains its supporters and followers (each
    counted once), both authors are told, and the duplicate's page points to the kept one."""
    kept = proposals.by_reference(kept_reference.strip().upper())
    if kept is None or kept.status not in statuses.PUBLIC or kept.hidden_at is not None:
        raise DomainError(
            _l(
                "Enter the reference of a published proposal, like %(example)s",
                example=lazy_own_language("TH-2026-00042"),
            ),
            field="kept",
        )
    if kept.id == proposal.id:
        raise DomainError(_l("A proposal cannot be a duplicate of itself"), field="kept")
    if kept.status in ("duplicate", "withdrawn"):
        raise DomainError(_l("That proposal is itself closed: choose the one it points to"), field="kept")
    change = _step(proposal, board, actor, version, "duplicate", reason, note)
    proposal.duplicate_of_id = kept.id
    _flush()
    _merge_people(proposal, kept)
    proposals.tell_people(proposal, change, kept_reference=kept.reference, kept_title=kept.title)
    proposals.tell_author(
        kept, "proposal_merged", duplicate_reference=proposal.reference, duplicate_title=proposal.title
    )
    return kept


def _merge_people(duplicate: Proposal, kept: Proposal) -> None:
    """Copy supports and follows that the kept proposal lacks, then recount its supports from the rows."""
    for model in (Support, Follow):
        already = select(model.user_id).where(model.proposal_id == kept.id)
        newcomers = select(literal(kept.id), model.user_id, literal(utcnow())).where(
            model.proposal_id == duplicate.id, model.user_id.not_in(already)
        )
        db.session.execute(insert(model).from_select(["proposal_id", "user_id", "created_at"], newcomers))
    count = select(func.count()).select_from(Support).where(Support.proposal_id == kept.id).scalar_subquery()
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == kept.id)
        .values(supports=count)
        .execution_options(synchronize_session=False)
    )


def escalate(
    proposal: Proposal,
    board: Board,
    actor: Person,
    version: int,
    *,
    issue: str,
    ask: str,
    why_not_resolved: str,
    reason: str,
    note: str = "",
) -> Escalation:
    """Ask PEG to decide: the escalation goes on PEG's next agenda as a guaranteed item (or on the next PEG meeting
    to be arranged, if none is)."""
    for field, value in (("issue", issue), ("ask", ask), ("why_not_resolved", why_not_resolved)):
        if not value:
            raise DomainError(_l("Answer this so PEG can decide"), field=field)
    change = _step(proposal, board, actor, version, "escalate", reason, note)
    escalation = Escalation(
        proposal_id=proposal.id,
        board_id=board.id,
        issue=issue,
        ask=ask,
        why_not_resolved=why_not_resolved,
        raised_by_id=actor.id,
    )
    db.session.add(escalation)
    _flush()
    peg = db.session.scalar(select(Board).where(Board.tier == meetings.EXECUTIVE))
    meeting = meetings.next_meeting(peg) if peg else None
    if meeting is not None:
        meetings.place_pending_escalations(meeting, actor)
    proposals.tell_people(proposal, change)
    return escalation


def escalations_of(proposal: Proposal) -> list[Escalation]:
    return list(
        db.session.scalars(select(Escalation).where(Escalation.proposal_id == proposal.id).order_by(Escalation.id))
    )


def items_of(board: Board) -> list[WorkProgrammeItem]:
    """The items of the board's work programmes for this municipal year and the next, to accept proposals into."""
    year = programmes.municipal_year(utcnow().date())
    query = (
        select(WorkProgrammeItem)
        .join(WorkProgramme)
        .where(WorkProgramme.board_id == board.id, WorkProgramme.year.in_((year, year + 1)))
        .options(contains_eager(WorkProgrammeItem.programme))
        .order_by(WorkProgramme.year, WorkProgrammeItem.position, WorkProgrammeItem.id)
    )
    return list(db.session.scalars(query))


def open_escalations() -> list[Escalation]:
    query = select(Escalation).where(Escalation.decision.is_(None)).order_by(Escalation.raised_at, Escalation.id)
    return list(db.session.scalars(query))


def decide_escalation(
    escalation: Escalation,
    actor: Person,
    outcome: str,
    reason: str,
    item_id: int | None = None,
    new_item_title: str = "",
) -> None:
    """PEG's decision on an escalation: back to the board for review, accepted into the board's work programme, or
    declined. The board, the author and the followers are told."""
    if escalation.decision is not None:
        raise DomainError(_l("PEG has already decided this escalation."))
    if outcome not in ESCALATION_OUTCOMES:
        raise DomainError(_l("Choose PEG's decision"), field="outcome")
    if not reason:
        raise DomainError(_l("Give the reason the resident and the board will see"), field="reason")
    proposal, board = escalation.proposal, escalation.board
    item = _item_for(proposal, board, actor, item_id, new_item_title) if outcome == "accepted" else None
    change = statuses.transition(proposal, outcome, actor, reason)
    if item is not None:
        programmes.link_proposal(item, proposal)
    escalation.decision, escalation.decision_reason = outcome, reason
    escalation.decided_by_id, escalation.decided_at = actor.id, utcnow()
    audit.record(actor, "decide_escalation", escalation, outcome=outcome)
    _flush()
    proposals.tell_people(proposal, change)
    _tell_board_of_decision(escalation)


def _tell_board_of_decision(escalation: Escalation) -> None:
    proposal = escalation.proposal
    for member in board_members(escalation.board):
        notices.queue(
            "escalation_decided",
            member.email,
            f"escalation-decided:{escalation.id}:{member.id}",
            {
                "name": member.name,
                "reference": proposal.reference,
                "title": proposal.title,
                "outcome": escalation.decision,
                "reason": escalation.decision_reason,
                "url": workspace_link(escalation.board, proposal.reference),
            },
            member.language,
            member,
        )


def start_reviews(board: Board, actor: Person, references: list[str]) -> int:
    """Start reviewing many proposals at once, each author told in the board's wording in their language; those
    that cannot start (or moved on meanwhile) are left as they are."""
    started, wording = 0, {}
    for proposal in _selected(board, references):
        if proposal.status in ("submitted", "referred"):
            language = author_language(proposal)
            if language not in wording:  # once per language, not once per proposal
                wording[language] = response_template(board, "start-review", language)
            start_review(proposal, board, actor, proposal.version, wording[language])
            started += 1
    return started


def author_language(proposal: Proposal) -> str:
    return proposal.author.language if proposal.author else "en"


def assign_many(board: Board, actor: Person, references: list[str], assignee_id: int | None) -> int:
    """Assign many of the board's proposals to one member."""
    chosen, members = _selected(board, references), _member_ids(board)
    events = [_assign(proposal, board, actor, assignee_id, members) for proposal in chosen]
    _flush()
    given = [(proposal, event) for proposal, event in zip(chosen, events, strict=True) if event is not None]
    if given:
        tell_assignee(board, actor, [proposal for proposal, _ in given], given[-1][1])
    return len(chosen)


def _selected(board: Board, references: list[str]) -> list[Proposal]:
    query = (
        select(Proposal)
        .where(Proposal.reference.in_(references[:200]), Proposal.board_id == board.id)
        .options(selectinload(Proposal.author))
    )
    return list(db.session.scalars(query.order_by(Proposal.id)))
