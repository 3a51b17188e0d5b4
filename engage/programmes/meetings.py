"""Boards' meetings: agendas (where a member's item is guaranteed its place), attendance and minutes.

The terms of reference: "Meeting agendas will be agreed by the Chair. Members will be invited to submit items for
the agenda and any item which is so submitted will be guaranteed to be placed on the agenda, unless an agreement
is reached with the proposer that the item is no longer required." So the chair, the board's officers and the
secretariat organise a meeting; any member may submit an item, which is then guaranteed; and only its proposer
can take a guaranteed item off (drop_item), the agreement recorded on the item.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from engage.accounts.models import BOARD_ROLES, Person, RoleGrant, User
from engage.accounts.policy import has_role, secretariat
from engage.audit import services as audit
from engage.congress.planning import utc_from_london
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import gettext as _
from engage.i18n import lazy_gettext as _l
from engage.partnership.models import Board
from engage.programmes.models import AgendaItem, Attendance, Meeting
from engage.time import utcnow
from engage.triage.models import Escalation

ATTENDANCE_STATUSES = ("attending", "apologies", "absent")
EXECUTIVE = "executive"  # the tier of the board that receives escalations (PEG)
PAST_SHOWN = 12  # past meetings listed on a board's public page


# Who may do what ---------------------------------------------------------------------------------------------


def organises(user: Person, board: Board) -> bool:
    """The chair and officers of a board, the secretariat and admins organise its meetings."""
    return secretariat(user) or any(has_role(user, role, board.id) for role in ("board_chair", "board_officer"))


def is_member(user: Person, board: Board) -> bool:
    """A board member whose items are guaranteed their place on the board's agendas."""
    return has_role(user, "board_member", board.id)


def _must_organise(actor: Person, board: Board) -> None:
    if not organises(actor, board):
        raise DomainError(_l("Only the board's chair, its officers and the secretariat can do this"))


def _not_cancelled(meeting: Meeting) -> None:
    if meeting.cancelled_at is not None:
        raise DomainError(_l("This meeting is cancelled"))


# Meetings ----------------------------------------------------------------------------------------------------


def next_meeting(board: Board) -> Meeting | None:
    """The board's next meeting that has not started and is not cancelled."""
    query = (
        select(Meeting)
        .where(Meeting.board_id == board.id, Meeting.starts_at > utcnow(), Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    return db.session.scalar(query)


def _times(day: date, starts: time, ends: time) -> tuple[datetime, datetime]:
    """London day and clock times as the UTC start and end the database keeps."""
    if ends <= starts:
        raise DomainError(_l("The end time must be after the start time"), field="ends")
    return utc_from_london(day, starts), utc_from_london(day, ends)


def create_meeting(board: Board, actor: Person, *, day: date, starts: time, ends: time, place: str) -> Meeting:
    """A meeting of the board (London times). A PEG meeting still to come takes every pending escalation."""
    _must_organise(actor, board)
    starts_at, ends_at = _times(day, starts, ends)
    meeting = Meeting(board_id=board.id, board=board, starts_at=starts_at, ends_at=ends_at, place=place)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "create_meeting", meeting, board=board.slug, starts_at=starts_at.isoformat(), place=place)
    if board.tier == EXECUTIVE and starts_at > utcnow():
        place_pending_escalations(meeting, actor)
    return meeting


def change_meeting(meeting: Meeting, actor: Person, *, day: date, starts: time, ends: time, place: str) -> None:
    """Move a meeting or change its place."""
    _must_organise(actor, meeting.board)
    _not_cancelled(meeting)
    meeting.starts_at, meeting.ends_at = _times(day, starts, ends)
    meeting.place = place
    meeting.updated_at = utcnow()
    audit.record(actor, "change_meeting", meeting, starts_at=meeting.starts_at.isoformat(), place=place)


def cancel_meeting(meeting: Meeting, actor: Person) -> None:
    """Cancel a meeting; escalations on a cancelled PEG agenda go to PEG's next meeting, if there is one."""
    _must_organise(actor, meeting.board)
    _not_cancelled(meeting)
    meeting.cancelled_at = meeting.updated_at = utcnow()
    audit.record(actor, "cancel_meeting", meeting)
    db.session.flush()
    if meeting.board.tier == EXECUTIVE:
        following = next_meeting(meeting.board)
        if following is not None:
            place_pending_escalations(following, actor)


def publish_agenda(meeting: Meeting, actor: Person) -> None:
    """Publish the agenda: the items not dropped, with their papers, on the board's public pages."""
    _must_organise(actor, meeting.board)
    _not_cancelled(meeting)
    if not any(item.dropped_at is None for item in meeting.agenda):
        raise DomainError(_l("Add at least one item before publishing the agenda"))
    if meeting.agenda_published_at is None:
        meeting.agenda_published_at = meeting.updated_at = utcnow()
        audit.record(actor, "publish_agenda", meeting)


def write_minutes(meeting: Meeting, actor: Person, minutes: str) -> None:
    """Write (or correct) the minutes; published minutes change on the public page at once."""
    _must_organise(actor, meeting.board)
    _not_cancelled(meeting)
    meeting.minutes = minutes
    meeting.updated_at = utcnow()
    audit.record(actor, "write_minutes", meeting, published=meeting.minutes_published_at is not None)


def publish_minutes(meeting: Meeting, actor: Person) -> None:
    """Publish the minutes of a meeting that has taken place."""
    _must_organise(actor, meeting.board)
    _not_cancelled(meeting)
    if meeting.starts_at > utcnow():
        raise DomainError(_l("Minutes can be published once the meeting has taken place"))
    if not meeting.minutes.strip():
        raise DomainError(_l("Write the minutes before publishing them"))
    if meeting.minutes_published_at is None:
        meeting.minutes_published_at = meeting.updated_at = utcnow()
        audit.record(actor, "publish_minutes", meeting)


# Agenda items ------------------------------------------------------------------------------------------------


def add_item(
    meeting: Meeting,
    actor: Person,
    *,
    title: str,
    paper: str = "",
    guaranteed: bool = False,
    escalation_id: int | None = None,
    proposer: User | None = None,
) -> AgendaItem:
    """Put an item on a meeting's agenda, last; one a member submits (`guaranteed`) keeps its place. The proposer
    is the actor unless another person is named (an escalation's raiser, say)."""
    proposer = proposer or actor
    item = AgendaItem(
        meeting_id=meeting.id,
        title=title,
        paper=paper,
        proposer_id=proposer.id if proposer else None,
        guaranteed=guaranteed,
        escalation_id=escalation_id,
        position=len(meeting.agenda),
    )
    db.session.add(item)
    db.session.flush()
    meeting.agenda.append(item)
    audit.record(actor, "add_agenda_item", item, meeting=meeting.id, title=title, guaranteed=guaranteed)
    return item


def submit_item(meeting: Meeting, actor: Person, *, title: str, paper: str = "") -> AgendaItem:
    """An item from someone who acts for the board: a member's is guaranteed its place; the chair, officers and
    secretariat add items the chair may later drop."""
    _not_cancelled(meeting)
    if meeting.starts_at <= utcnow():
        raise DomainError(_l("Items can only be added to a meeting that has not started"))
    member = is_member(actor, meeting.board)
    if not member:
        _must_organise(actor, meeting.board)
    return add_item(meeting, actor, title=title, paper=paper, guaranteed=member)


def drop_item(item: AgendaItem, actor: Person, reason: str) -> None:
    """Take an item off the agenda. A guaranteed item only with its proposer's agreement that it is no longer
    required: only the proposer can drop it, and who, when and why stay on the item."""
    meeting = item.meeting
    _not_cancelled(meeting)
    if item.dropped_at is not None:
        raise DomainError(_l("This item has already been taken off the agenda"))
    if item.guaranteed and (item.proposer_id is None or item.proposer_id != actor.id):
        raise DomainError(
            _l(
                "A member's item is guaranteed its place on the agenda: only its proposer can agree that it is no "
                "longer required"
            )
        )
    if not item.guaranteed:
        _must_organise(actor, meeting.board)
    if not reason.strip():
        raise DomainError(_l("Say why the item is no longer required"), field="reason")
    item.dropped_at, item.dropped_by_id, item.dropped_reason = utcnow(), actor.id, reason
    audit.record(actor, "drop_agenda_item", item, meeting=meeting.id, guaranteed=item.guaranteed, reason=reason)


def move_item(item: AgendaItem, actor: Person, step: int) -> None:
    """Move an item one place up (-1) or down (+1) the agenda."""
    meeting = item.meeting
    _must_organise(actor, meeting.board)
    _not_cancelled(meeting)
    order = list(meeting.agenda)
    here = order.index(item)
    there = here + step
    if 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
        for position, each in enumerate(order):
            each.position = position
        audit.record(actor, "move_agenda_item", item, meeting=meeting.id, position=there)


# Escalations to PEG ------------------------------------------------------------------------------------------


def escalation_paper(escalation: Escalation) -> str:
    """The paper PEG reads for an escalation: the issue, what the board asks, why it cannot resolve it."""
    return "\n\n".join(
        [
            _("Raised by: %(board)s", board=escalation.board.name),
            _("The issue:") + "\n" + escalation.issue,
            _("What the board asks:") + "\n" + escalation.ask,
            _("Why the board cannot resolve it:") + "\n" + escalation.why_not_resolved,
        ]
    )


def pending_escalations() -> list[Escalation]:
    """Escalations PEG has not decided and that are on no agenda: none of their items is on a meeting that goes
    ahead, and none was dropped by its proposer (no longer required)."""
    placed = exists().where(
        AgendaItem.escalation_id == Escalation.id,
        AgendaItem.meeting_id == Meeting.id,
        or_(AgendaItem.dropped_at.is_not(None), Meeting.cancelled_at.is_(None)),
    )
    query = (
        select(Escalation)
        .where(Escalation.decision.is_(None), ~placed)
        .options(selectinload(Escalation.proposal), selectinload(Escalation.board), selectinload(Escalation.raised_by))
        .order_by(Escalation.raised_at, Escalation.id)
    )
    return list(db.session.scalars(query))


def place_pending_escalations(meeting: Meeting, actor: Person) -> list[AgendaItem]:
    """Put every pending escalation on a PEG meeting's agenda as a guaranteed item, proposed by its raiser."""
    return [
        add_item(
            meeting,
            actor,
            title=f"{escalation.proposal.reference}: {escalation.proposal.title}"[:200],
            paper=escalation_paper(escalation),
            guaranteed=True,
            escalation_id=escalation.id,
            proposer=escalation.raised_by,
        )
        for escalation in pending_escalations()
    ]


# Attendance --------------------------------------------------------------------------------------------------


def board_people(board: Board) -> list[User]:
    """The people who hold a member's, chair's or officer's role on the board, by name."""
    query = (
        select(User)
        .where(
            exists().where(
                and_(RoleGrant.user_id == User.id, RoleGrant.board_id == board.id, RoleGrant.role.in_(BOARD_ROLES))
            )
        )
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def attendance_choices(board: Board, actor: Person) -> list[User]:
    """Whose attendance the actor may record: anyone on the board for those who organise, else themselves."""
    people = board_people(board)
    return people if organises(actor, board) else [p for p in people if p.id == actor.id]


def record_attendance(
    meeting: Meeting, actor: Person, person: User, status: str, *, proxy_name: str = "", proxy_role: str = ""
) -> Attendance:
    """Record whether a member attends or sent apologies; one who sends apologies may name a proxy, with the
    experience, knowledge and delegated authority the terms of reference ask of them. Members record their own;
    the chair, officers and secretariat anyone's."""
    if actor.id != person.id:
        _must_organise(actor, meeting.board)
    _not_cancelled(meeting)
    if person not in board_people(meeting.board):
        raise DomainError(_l("Choose one of the board's members"), field="person")
    if status not in ATTENDANCE_STATUSES:
        raise DomainError(_l("Choose whether they attend"), field="status")
    if proxy_name and status != "apologies":
        raise DomainError(_l("Only a member who sends apologies can send a proxy"), field="proxy_name")
    if proxy_name and not proxy_role:
        raise DomainError(_l("Say what experience and delegated authority the proxy has"), field="proxy_role")
    found = next((each for each in meeting.attendance if each.user_id == person.id), None)
    if found is None:
        found = Attendance(meeting_id=meeting.id, user_id=person.id, user=person, status=status)
        meeting.attendance.append(found)
    found.status, found.proxy_name, found.proxy_role = status, proxy_name, proxy_role if proxy_name else ""
    found.recorded_at = utcnow()
    db.session.flush()
    audit.record(actor, "record_attendance", meeting, person=person.id, status=status, proxy=proxy_name)
    return found


# Reading -----------------------------------------------------------------------------------------------------


def _with_everything(query):
    return query.options(
        selectinload(Meeting.board),
        selectinload(Meeting.agenda).selectinload(AgendaItem.proposer),
        selectinload(Meeting.attendance).selectinload(Attendance.user),
    )


def meeting_of(board: Board, meeting_id: int) -> Meeting | None:
    """One of the board's meetings, its agenda, proposers and attendance loaded."""
    query = select(Meeting).where(Meeting.id == meeting_id, Meeting.board_id == board.id)
    return db.session.scalar(_with_everything(query))


def item_of(meeting: Meeting, item_id: int) -> AgendaItem | None:
    return next((item for item in meeting.agenda if item.id == item_id), None)


@dataclass
class BoardMeetings:
    upcoming: list[Meeting]
    past: list[Meeting]


def board_meetings(board: Board, now: datetime | None = None) -> BoardMeetings:
    """The board's meetings still to come (soonest first) and the latest past ones (latest first), in one query."""
    now = now or utcnow()
    meetings = all_meetings(board)
    return BoardMeetings(
        upcoming=[m for m in meetings if m.ends_at > now],
        past=[m for m in reversed(meetings) if m.ends_at <= now][:PAST_SHOWN],
    )


def all_meetings(board: Board) -> list[Meeting]:
    """Every meeting of the board, soonest first, cancelled ones included."""
    return list(db.session.scalars(select(Meeting).where(Meeting.board_id == board.id).order_by(Meeting.starts_at)))
