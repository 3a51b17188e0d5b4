"""A board's queue: its proposals with counts per status, filters, sorting, and how long each has waited.

The page reads a fixed number of queries whatever the queue's length: the counts, one page of light rows (ward,
assignee and primary call to action joined in), and the board's members for the assignee filter.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership.models import Board, Plan, Priority, Ward
from engage.proposals.models import Proposal, ProposalPriority

PAGE_SIZE = 25
# Waiting on the board; the rest of a board's proposals are finished (or with the author, or with PEG).
WAITING = ("submitted", "referred")
OPEN = ("submitted", "referred", "under_review", "more_info_requested", "escalated")
SHOWN = (*OPEN, "accepted", "declined", "duplicate", "withdrawn")
AGES = ("overdue", "week", "month", "older")
SORTS = ("oldest", "newest", "supported")


def working_days(start: date, end: date) -> int:
    """Monday to Friday days after `start` up to and including `end` (bank holidays count as working days)."""
    if end <= start:
        return 0
    whole_weeks, rest = divmod((end - start).days, 7)
    days = whole_weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            days += 1
    return days


def working_days_before(day: date, count: int) -> date:
    """The latest day from which `count` working days have passed by `day`."""
    moment = day
    while working_days(moment, day) < count:
        moment -= timedelta(days=1)
    return moment


@dataclass
class Filters:
    status: str = "open"  # a status, "open" or "all"
    call_to_action: int | None = None
    ward: str = ""  # a ward's slug, "borough-wide", or "" for any
    age: str = ""  # one of AGES, or "" for any
    assignee: str = ""  # a user id, "none", or "" for anyone
    sort: str = "oldest"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "Filters":
        def number(name: str) -> int | None:
            value = args.get(name, "")
            return int(value) if value.isdigit() and len(value) < 6 else None

        status = args.get("status", "open")
        return cls(
            status=status if status in (*SHOWN, "open", "all") else "open",
            call_to_action=number("call-to-action"),
            ward=args.get("ward", "")[:80],
            age=args.get("age", "") if args.get("age", "") in AGES else "",
            assignee=args.get("assignee", "")[:12],
            sort=args.get("sort", "oldest") if args.get("sort", "oldest") in SORTS else "oldest",
            page=max(1, min(number("page") or 1, 10_000)),
        )


@dataclass
class Row:
    id: int
    reference: str
    title: str
    status: str
    submitted_at: datetime
    supports: int
    version: int
    ward: str | None
    assignee: str | None
    call_to_action: int | None
    waited: int = 0  # working days since submission
    overdue: bool = False


@dataclass
class Queue:
    rows: list[Row]
    counts: dict[str, int]
    total: int  # matching the filters
    filters: Filters
    members: list[User] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _age_clause(board: Board, age: str, today: date):
    if age == "overdue":
        cutoff = working_days_before(today, board.acknowledgement_days)
        return and_(Proposal.status.in_(WAITING), Proposal.submitted_at < _midnight(cutoff + timedelta(days=1)))
    if age == "week":
        return Proposal.submitted_at >= _midnight(today - timedelta(days=7))
    if age == "month":
        return and_(
            Proposal.submitted_at < _midnight(today - timedelta(days=7)),
            Proposal.submitted_at >= _midnight(today - timedelta(days=28)),
        )
    return Proposal.submitted_at < _midnight(today - timedelta(days=28))


def _conditions(board: Board, filters: Filters, today: date, viewer_id: int) -> list:
    """The WHERE of the queue's page and of its count, as plain conditions on proposal (no IN (subquery), so the
    planner can walk the board's queue index in order and stop at the page)."""
    where = [Proposal.board_id == board.id]
    if filters.status == "open":
        where.append(Proposal.status.in_(OPEN))
    elif filters.status == "all":
        where.append(Proposal.status.in_(SHOWN))
    else:
        where.append(Proposal.status == filters.status)
    if filters.call_to_action is not None:
        priority = (
            select(Priority.id)
            .join(Plan)
            .where(Plan.current.is_(True), Priority.number == filters.call_to_action)
            .scalar_subquery()
        )
        where.append(
            Proposal.id.in_(select(ProposalPriority.proposal_id).where(ProposalPriority.priority_id == priority))
        )
    if filters.ward == "borough-wide":
        where.append(Proposal.ward_id.is_(None))
    elif filters.ward:
        where.append(Proposal.ward_id == select(Ward.id).where(Ward.slug == filters.ward).scalar_subquery())
    if filters.age:
        where.append(_age_clause(board, filters.age, today))
    if filters.assignee == "none":
        where.append(Proposal.assignee_id.is_(None))
    elif filters.assignee == "me":
        where.append(Proposal.assignee_id == viewer_id)
    elif filters.assignee.isdigit():
        where.append(Proposal.assignee_id == int(filters.assignee))
    return where


def _order(filters: Filters):
    if filters.sort == "newest":
        return (Proposal.submitted_at.desc(), Proposal.id.desc())
    if filters.sort == "supported":
        return (Proposal.supports.desc(), Proposal.submitted_at, Proposal.id)
    return (Proposal.submitted_at, Proposal.id)


def counts(board: Board) -> dict[str, int]:
    query = (
        select(Proposal.status, func.count())
        .where(Proposal.board_id == board.id, Proposal.status.in_(SHOWN))
        .group_by(Proposal.status)
    )
    found = dict(db.session.execute(query).all())
    return {status: found.get(status, 0) for status in SHOWN}


def load(board: Board, filters: Filters, today: date, viewer_id: int) -> Queue:
    """One page of the board's queue, as light rows, with the counts the page shows."""
    where = _conditions(board, filters, today, viewer_id)
    per_status = counts(board)
    total = db.session.scalar(select(func.count()).select_from(Proposal).where(*where))
    assignee = aliased(User)
    primary = (
        select(Priority.number)
        .join(ProposalPriority)
        .where(ProposalPriority.proposal_id == Proposal.id, ProposalPriority.position == 0)
        .scalar_subquery()
    )
    query = (
        select(
            Proposal.id,
            Proposal.reference,
            Proposal.title,
            Proposal.status,
            Proposal.submitted_at,
            Proposal.supports,
            Proposal.version,
            Ward.name,
            assignee.name,
            primary,
        )
        .outerjoin(Ward, Ward.id == Proposal.ward_id)
        .outerjoin(assignee, assignee.id == Proposal.assignee_id)
        .where(*where)
        .order_by(*_order(filters))
        .limit(PAGE_SIZE)
        .offset((filters.page - 1) * PAGE_SIZE)
    )
    rows = [Row(*values) for values in db.session.execute(query)]
    for row in rows:
        row.waited = working_days(row.submitted_at.date(), today)
        row.overdue = row.status in WAITING and row.waited >= board.acknowledgement_days
    return Queue(rows=rows, counts=per_status, total=total, filters=filters)
