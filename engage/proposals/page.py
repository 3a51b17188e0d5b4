"""What a proposal's pages show, read as plain rows: its public page in four statements in Core, its board's page in
three, no ORM objects (loading them and their relationships cost the page more than everything else it does). The
names are the model's, so the templates and the policy read these as they read a Proposal."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, bindparam, case, literal, null, select, union_all
from sqlalchemy.orm import aliased

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership import services as partnership
from engage.partnership.models import Organisation
from engage.programmes.models import ProgressUpdate, WorkProgramme, WorkProgrammeItem, item_proposals
from engage.programmes.services import year_label
from engage.proposals import search
from engage.proposals.models import Comment, Proposal, ResolutionCheck, StatusChange


@dataclass(frozen=True)
class Named:
    """A related row of which the page shows only the name (an author, an organisation)."""

    name: str


@dataclass(frozen=True)
class Kept:
    """The proposal a duplicate joined."""

    reference: str
    title: str


@dataclass(frozen=True)
class Step:
    kind = "step"  # what the journey's entry is, for the template
    from_status: str
    to_status: str
    at: datetime
    public_reason: str
    board: partnership.BoardRow | None
    internal_note: str = ""  # read for the board's page only


@dataclass(frozen=True)
class LedTo:
    """The work programme item an accepted proposal led to, in a published programme."""

    id: int
    title: str
    year: int
    board: partnership.BoardRow | None

    @property
    def label(self) -> str:
        return year_label(self.year)


@dataclass(frozen=True)
class Progress:
    """A progress update on the item a proposal led to, as a step of its journey."""

    kind = "progress"

    at: datetime
    item: LedTo
    status: str
    body: str


@dataclass(frozen=True)
class Answer:
    """The author's answer to "Did this resolve what you raised?"; `why` only if they let it be shown."""

    kind = "answer"

    at: datetime
    reason: str  # declined, done
    answer: str  # yes, partly, no
    why: str


@dataclass(frozen=True)
class CommentRow:
    id: int
    body: str
    created_at: datetime
    hidden_at: datetime | None
    author: Named | None
    board: partnership.BoardRow | None
    hidden_reason: str | None  # read only where the comment is: for the secretariat and its author


@dataclass(frozen=True)
class ProposalPage:
    id: int
    reference: str
    title: str
    problem: str
    idea: str
    who_it_helps: str
    status: str
    supports: int
    show_name: bool
    submitted_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str | None
    author_id: int | None
    board_id: int | None
    author: Named | None
    organisation: Named | None
    duplicate_of: Kept | None
    ward: partnership.WardRow | None
    board: partnership.BoardRow | None
    priorities: list[partnership.PriorityRow]
    journey: list[Step]
    # You said, we did: the item it led to, the progress reported on it and the author's answers, as they happened.
    led_to: LedTo | None = None
    progress: tuple[Progress, ...] = ()
    answers: tuple[Answer, ...] = ()
    # Read for the board's page only: the public page never holds them.
    contact_name: str = ""
    assignee: Named | None = None

    @property
    def timeline(self) -> list[Step | Progress | Answer]:
        """Its own steps, the progress of the work it led to and the author's answers, in time order."""
        return sorted([*self.journey, *self.progress, *self.answers], key=lambda entry: entry.at)


P = Proposal.__table__
KEPT = aliased(Proposal)
_PROPOSAL = (
    select(
        *(P.c[name] for name in ("id", "reference", "title", "problem", "idea", "who_it_helps", "status", "supports")),
        *(P.c[name] for name in ("show_name", "submitted_at", "hidden_at", "hidden_reason", "author_id", "board_id")),
        User.name,
        Organisation.name,
        KEPT.reference,
        KEPT.title,
        P.c.ward_id,
        P.c.call_to_action_ids,
    )
    .outerjoin(User, User.id == P.c.author_id)
    .outerjoin(Organisation, Organisation.id == P.c.organisation_id)
    .outerjoin(KEPT, KEPT.id == P.c.duplicate_of_id)
    .where(P.c.reference == bindparam("reference"))
)
_JOURNEY = (
    select(StatusChange.from_status, StatusChange.to_status, StatusChange.at, StatusChange.public_reason)
    .add_columns(StatusChange.board_id)
    .where(StatusChange.proposal_id == bindparam("proposal_id"))
    .order_by(StatusChange.id)
)
# The board's page adds who it is assigned to, the name of a resident recorded on their behalf, and internal notes.
ASSIGNEE = aliased(User)
_FOR_BOARD = _PROPOSAL.add_columns(P.c.contact_name, ASSIGNEE.name).outerjoin(ASSIGNEE, ASSIGNEE.id == P.c.assignee_id)
_JOURNEY_FOR_BOARD = _JOURNEY.add_columns(StatusChange.internal_note)
_COMMENTS = (
    select(Comment.id, Comment.body, Comment.created_at, Comment.hidden_at, User.name, Comment.board_id)
    .add_columns(Comment.hidden_reason)
    .outerjoin(User, User.id == Comment.author_id)
    .where(
        Comment.proposal_id == bindparam("proposal_id"),
        Comment.hidden_at.is_(None) | bindparam("hidden") | (Comment.author_id == bindparam("viewer")),
    )
    .order_by(Comment.id)
)


# What happened after: the published item it led to, the updates on that item, the author's answers. One statement.
_ITEM_OF = item_proposals.join(WorkProgrammeItem, WorkProgrammeItem.id == item_proposals.c.item_id).join(
    WorkProgramme, WorkProgramme.id == WorkProgrammeItem.programme_id
)
_PUBLISHED_ITEM = (item_proposals.c.proposal_id == bindparam("proposal_id"), WorkProgramme.published_at.is_not(None))
_ITEM_COLUMNS = (WorkProgrammeItem.id, WorkProgrammeItem.title, WorkProgramme.year, WorkProgramme.board_id)
_AFTER = union_all(
    select(literal("item"), WorkProgrammeItem.created_at, *_ITEM_COLUMNS, WorkProgrammeItem.status, literal(""))
    .select_from(_ITEM_OF)
    .where(*_PUBLISHED_ITEM),
    select(literal("update"), ProgressUpdate.created_at, *_ITEM_COLUMNS, ProgressUpdate.status, ProgressUpdate.body)
    .select_from(_ITEM_OF.join(ProgressUpdate, ProgressUpdate.item_id == WorkProgrammeItem.id))
    .where(*_PUBLISHED_ITEM),
    select(
        literal("answer"),
        ResolutionCheck.answered_at,
        ResolutionCheck.item_id,
        ResolutionCheck.reason,
        null().cast(Integer),
        null().cast(Integer),
        ResolutionCheck.answer,
        case((ResolutionCheck.why_public, ResolutionCheck.why), else_=literal("")),
    ).where(ResolutionCheck.proposal_id == bindparam("proposal_id"), ResolutionCheck.answered_at.is_not(None)),
)


def _after(connection, proposal_id: int, known: partnership.Structure) -> dict:
    """The item a proposal led to, its progress and the author's answers, for ProposalPage."""
    led_to, progress, answers = None, [], []
    for kind, at, item_id, title, year, board_id, status, body in connection.execute(
        _AFTER, {"proposal_id": proposal_id}
    ):
        if kind == "answer":
            answers.append(Answer(at, title, status, body))
            continue
        item = LedTo(item_id, title, year, known.boards_by_id.get(board_id))
        if kind == "item":
            led_to = item
        else:
            progress.append(Progress(at, item, status, body))
    progress.sort(key=lambda update: update.at)
    answers.sort(key=lambda answer: answer.at)
    return {"led_to": led_to, "progress": tuple(progress), "answers": tuple(answers)}


def _named(name: str | None) -> Named | None:
    return Named(name) if name is not None else None


def proposal(reference: str, for_board: bool = False) -> ProposalPage | None:
    """A proposal with its journey and what it led to, as the public sees it or (`for_board`) as its board does;
    three statements."""
    connection = db.session.connection()
    row = connection.execute(_FOR_BOARD if for_board else _PROPOSAL, {"reference": reference}).one_or_none()
    if row is None:
        return None
    known = partnership.structure()
    journey = [
        Step(*step[:4], known.boards_by_id.get(step[4]), *step[5:])
        for step in connection.execute(_JOURNEY_FOR_BOARD if for_board else _JOURNEY, {"proposal_id": row.id})
    ]
    return ProposalPage(
        *row[:14],
        author=_named(row[14]),
        organisation=_named(row[15]),
        duplicate_of=Kept(row[16], row[17]) if row[16] is not None else None,
        ward=known.wards_by_id.get(row[18]),
        board=known.boards_by_id.get(row[13]),
        priorities=search.priorities(row[19], known),
        journey=journey,
        **_after(connection, row.id, known),
        **({"contact_name": row[20], "assignee": _named(row[21])} if for_board else {}),
    )


def comments(proposal_id: int, viewer_id: int | None, include_hidden: bool = False) -> list[CommentRow]:
    """A proposal's comments as `viewer_id` sees them: the public ones, and the hidden ones they wrote (every hidden
    one for the secretariat: `include_hidden`)."""
    known = partnership.structure()
    values = {"proposal_id": proposal_id, "hidden": include_hidden, "viewer": viewer_id}
    rows = db.session.connection().execute(_COMMENTS, values)
    return [CommentRow(*row[:4], _named(row[4]), known.boards_by_id.get(row[5]), row[6]) for row in rows]
