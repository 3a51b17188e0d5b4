"""Work programmes: a board's items for a municipal year, the proposals that led to them, their progress.

Rules kept here: an item's status changes only through a progress update (so every change has its account); a
programme can gain items up to the next municipal year, not further ahead; publishing needs at least one item and
happens once (a published programme still gains items and updates).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.accounts.models import Person
from engage.audit import services as audit
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.partnership.models import Board, Organisation, Priority
from engage.programmes.models import (
    ITEM_STATUSES,
    Meeting,
    ProgressUpdate,
    WorkProgramme,
    WorkProgrammeItem,
    item_priorities,
    item_proposals,
)
from engage.proposals import progress, statuses
from engage.proposals.models import Proposal
from engage.time import utcnow

LONDON = ZoneInfo("Europe/London")
TITLE_LIMIT = 200
TEXT_LIMIT = 5000

STATUS_LABELS = {
    "not_started": _l("Not started"),
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "off_track": _l("Off track"),
    "done": _l("Done"),
}
# GOV.UK tag colours, so a status reads the same on every page.
STATUS_COLOURS = {"not_started": "grey", "on_track": "green", "at_risk": "yellow", "off_track": "red", "done": "blue"}


def municipal_year(day: date) -> int:
    """The municipal year a day falls in, by its first year: 1 July 2027 – 30 June 2028 is 2027."""
    return day.year if day.month >= 7 else day.year - 1


def year_label(year: int) -> str:
    """A municipal year as people write it: 2027 is "2027-28"."""
    return f"{year}-{(year + 1) % 100:02d}"


def year_span(year: int) -> tuple[datetime, datetime]:
    """The municipal year's start and end (1 July, London midnight) as naive UTC, as times are stored."""
    return tuple(
        datetime.combine(date(first, 7, 1), time(), LONDON).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
        for first in (year, year + 1)
    )


def today() -> date:
    """Today in London."""
    return datetime.now(LONDON).date()


# Reading ------------------------------------------------------------------------------------------------------


def find(board: Board, year: int, with_items: bool = True) -> WorkProgramme | None:
    """The board's programme for a year (with its items ready to show, in a fixed number of queries), or None."""
    query = select(WorkProgramme).where(WorkProgramme.board_id == board.id, WorkProgramme.year == year)
    if with_items:
        query = query.options(
            selectinload(WorkProgramme.items).selectinload(WorkProgrammeItem.lead_organisation),
            selectinload(WorkProgramme.items).selectinload(WorkProgrammeItem.calls_to_action),
        )
    return db.session.scalar(query)


def find_published(board: Board, year: int, with_items: bool = True) -> WorkProgramme | None:
    """The programme as the public may see it: only once published."""
    found = find(board, year, with_items)
    return found if found is not None and found.published_at is not None else None


def years_of(board: Board, now: date | None = None) -> list[tuple[int, WorkProgramme | None]]:
    """The years a board's workspace offers: every year it has a programme, and always this year and next."""
    current = municipal_year(now or today())
    query = select(WorkProgramme).where(WorkProgramme.board_id == board.id).options(selectinload(WorkProgramme.items))
    programmes = {p.year: p for p in db.session.scalars(query)}
    years = sorted(set(programmes) | {current, current + 1}, reverse=True)
    return [(year, programmes.get(year)) for year in years]


def published_of(board: Board) -> list[WorkProgramme]:
    """A board's published programmes, newest year first."""
    query = (
        select(WorkProgramme)
        .where(WorkProgramme.board_id == board.id, WorkProgramme.published_at.is_not(None))
        .order_by(WorkProgramme.year.desc())
    )
    return list(db.session.scalars(query))


def item_in(programme: WorkProgramme, item_id: int) -> WorkProgrammeItem | None:
    """One item of a programme, with its updates (and their authors) and calls to action, or None."""
    query = (
        select(WorkProgrammeItem)
        .where(WorkProgrammeItem.id == item_id, WorkProgrammeItem.programme_id == programme.id)
        .options(
            selectinload(WorkProgrammeItem.updates).selectinload(ProgressUpdate.author),
            selectinload(WorkProgrammeItem.calls_to_action),
            selectinload(WorkProgrammeItem.lead_organisation),
        )
    )
    return db.session.scalar(query)


def proposals_of(item: WorkProgrammeItem, public_only: bool = True) -> list[Proposal]:
    """The proposals that led to an item; for the public, only those the public may see."""
    query = select(Proposal).join(item_proposals).where(item_proposals.c.item_id == item.id).order_by(Proposal.id)
    if public_only:
        query = query.where(Proposal.status.in_(statuses.PUBLIC), Proposal.hidden_at.is_(None))
    return list(db.session.scalars(query))


def meetings_in(board: Board, year: int) -> list[Meeting]:
    """The board's meetings in a municipal year that are not cancelled, earliest first."""
    starts, ends = year_span(year)
    query = (
        select(Meeting)
        .where(
            Meeting.board_id == board.id,
            Meeting.starts_at >= starts,
            Meeting.starts_at < ends,
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.starts_at)
    )
    return list(db.session.scalars(query))


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


# Changing -----------------------------------------------------------------------------------------------------


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


def open_programme(board: Board, year: int, now: date | None = None) -> WorkProgramme:
    """The programme people may add to: any year up to the next municipal year, not further ahead."""
    if year > municipal_year(now or today()) + 1:
        raise DomainError(_l("You can plan this municipal year and next, not further ahead."))
    return programme(board, year)


def add_item(programme: WorkProgramme, actor: Person, *, title: str, **fields) -> WorkProgrammeItem:
    """Add an item to a work programme; `fields` are the item's other columns and `calls_to_action`.

    New items are not started: the status changes only through progress updates (post_update)."""
    item = WorkProgrammeItem(programme=programme, title=title, position=len(programme.items), **fields)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "add_item", item, programme=programme.id, title=title)
    return item


def plan_item(board: Board, year: int, actor: Person, **fields) -> WorkProgrammeItem:
    """Add an item to the board's programme for a year (starting the programme if need be)."""
    return add_item(open_programme(board, year), actor, **fields)


def edit_item(item: WorkProgrammeItem, actor: Person, **fields) -> WorkProgrammeItem:
    """Change an item's title, description, calls to action, lead organisation, target or due date."""
    changed = sorted(name for name, value in fields.items() if getattr(item, name) != value)
    for name, value in fields.items():
        setattr(item, name, value)
    db.session.flush()
    audit.record(actor, "edit_item", item, programme=item.programme_id, changed=changed)
    return item


def publish(programme: WorkProgramme, actor: Person) -> WorkProgramme:
    """Publish a programme for everyone to see, recording when and by whom; once, and not while it is empty."""
    if programme.published_at is not None:
        raise DomainError(_l("This work programme is already published."))
    if not programme.items:
        raise DomainError(_l("Add at least one item before you publish the work programme."))
    programme.published_at = utcnow()
    programme.published_by_id = actor.id if actor else None
    db.session.flush()
    audit.record(actor, "publish_work_programme", programme, board=programme.board_id, year=programme.year)
    progress.after_publishing(programme)
    return programme


def post_update(item: WorkProgrammeItem, actor: Person, *, status: str, body: str) -> ProgressUpdate:
    """Report progress on an item: what happened, and the item's status now (which the item takes). The people of
    the proposals that led to it are told, and once it is done their authors will be asked (proposals.progress)."""
    if status not in ITEM_STATUSES:
        raise DomainError(_l("Choose the item's status"), field="status")
    if not body.strip():
        raise DomainError(_l("Say what has happened"), field="body")
    update = ProgressUpdate(item_id=item.id, status=status, body=body, author_id=actor.id if actor else None)
    db.session.add(update)
    before, item.status = item.status, status
    db.session.flush()
    audit.record(actor, "post_progress_update", item, update=update.id, before=before, after=status)
    progress.after_update(item, update, actor)
    return update


def link_proposal(item: WorkProgrammeItem, proposal: Proposal) -> None:
    """Record that a proposal led to an item (a proposal leads to one item at most)."""
    db.session.execute(item_proposals.delete().where(item_proposals.c.proposal_id == proposal.id))
    db.session.execute(item_proposals.insert().values(item_id=item.id, proposal_id=proposal.id))


def published_item_of(proposal: Proposal) -> WorkProgrammeItem | None:
    """The item a proposal was accepted into, if its work programme is published (the public may see it)."""
    item = item_of(proposal)
    return item if item is not None and item.programme.published_at is not None else None


def item_of(proposal: Proposal) -> WorkProgrammeItem | None:
    """The work programme item a proposal was accepted into, if any."""
    query = select(WorkProgrammeItem).join(item_proposals).where(item_proposals.c.proposal_id == proposal.id)
    return db.session.scalar(query)


# Across boards ------------------------------------------------------------------------------------------------


def publication_overview(year: int) -> list[tuple[Board, WorkProgramme | None, int]]:
    """Every board with its programme for a year (None if it has none) and how many items that has."""
    items = (
        select(WorkProgrammeItem.programme_id, func.count(WorkProgrammeItem.id).label("how_many"))
        .group_by(WorkProgrammeItem.programme_id)
        .subquery()
    )
    query = (
        select(Board, WorkProgramme, func.coalesce(items.c.how_many, 0))
        .outerjoin(WorkProgramme, (WorkProgramme.board_id == Board.id) & (WorkProgramme.year == year))
        .outerjoin(items, items.c.programme_id == WorkProgramme.id)
        .order_by(Board.position, Board.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _no_items() -> dict[str, int]:
    return dict.fromkeys(ITEM_STATUSES, 0)


def _tally(rows) -> dict:
    """(key, status, count) rows as key -> {status: count}."""
    counts: dict = {}
    for key, status, count in rows:
        counts.setdefault(key, _no_items())[status] = count
    return counts


def progress_by_call_to_action(year: int) -> list[tuple[Priority | None, dict[str, int]]]:
    """Counts of every board's items for a year by status, for each call to action of the current plan (an item
    counts under each call it serves; the last row, None, counts the items that name none)."""
    from engage.proposals import services as proposals

    counts = _tally(
        db.session.execute(
            select(item_priorities.c.priority_id, WorkProgrammeItem.status, func.count(WorkProgrammeItem.id))
            .select_from(WorkProgrammeItem)
            .join(WorkProgramme)
            .outerjoin(item_priorities, item_priorities.c.item_id == WorkProgrammeItem.id)
            .where(WorkProgramme.year == year)
            .group_by(item_priorities.c.priority_id, WorkProgrammeItem.status)
        )
    )
    calls = proposals.current_calls_to_action().values()
    return [*((call, counts.get(call.id, _no_items())) for call in calls), (None, counts.get(None, _no_items()))]


def progress_by_board(year: int) -> list[tuple[Board, dict[str, int]]]:
    """Counts of each board's items for a year by status, every board listed."""
    counts = _tally(
        db.session.execute(
            select(WorkProgramme.board_id, WorkProgrammeItem.status, func.count(WorkProgrammeItem.id))
            .join(WorkProgramme)
            .where(WorkProgramme.year == year)
            .group_by(WorkProgramme.board_id, WorkProgrammeItem.status)
        )
    )
    boards = db.session.scalars(select(Board).order_by(Board.position, Board.id))
    return [(board, counts.get(board.id, _no_items())) for board in boards]
