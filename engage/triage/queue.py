"""A board's queue: its proposals with counts per status, filters, sorting, and how long each has waited.

The page reads a fixed number of queries whatever the queue's length: the counts per status with how many match the
filters, one page of light rows (ward, assignee and primary call to action joined in), and the board's members' names
for the assignee filter. Its rows' words are translated once a page and its links built from one url_for.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from jinja2.filters import do_truncate
from sqlalchemy import and_, false, func, select
from sqlalchemy.orm import aliased

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership import services as partnership
from engage.partnership.models import Board, Priority, Ward
from engage.proposals.models import BoardStatusCount, Proposal, ProposalPriority

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


def _linked_to(priority_id: int):
    linked = select(ProposalPriority.proposal_id).where(
        ProposalPriority.proposal_id == Proposal.id, ProposalPriority.priority_id == priority_id
    )
    return linked.exists()


def _conditions(board: Board, filters: Filters, today: date, viewer_id: int) -> list:
    """The filters as plain conditions on proposal (no IN (subquery), so the planner can walk the board's queue
    index in order and stop at the page); wards and calls to action by their ids in the partnership's structure.
    The status is always one of SHOWN."""
    known = partnership.structure()
    where = [Proposal.status.in_(_statuses(filters))]
    if filters.call_to_action is not None:  # one nobody has heard of: nothing
        priority = known.calls_to_action.get(filters.call_to_action)
        where.append(_linked_to(priority.id) if priority else false())
    if filters.ward == "borough-wide":
        where.append(Proposal.ward_id.is_(None))
    elif filters.ward:
        ward_id = known.ward_ids.get(filters.ward)
        where.append(false() if ward_id is None else Proposal.ward_id == ward_id)
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


def _statuses(filters: Filters) -> tuple[str, ...]:
    return OPEN if filters.status == "open" else SHOWN if filters.status == "all" else (filters.status,)


def _by_status_only(filters: Filters) -> bool:
    return filters.call_to_action is None and not (filters.ward or filters.age or filters.assignee)


def _counts(board: Board, where: list, filters: Filters) -> tuple[dict[str, int], int]:
    """The board's proposals per status, from the counters the database keeps, and how many match `where`: the sum
    of its statuses' counts when only the status is filtered (the queue as it opens), else counted by a column of
    the same statement."""
    columns = [BoardStatusCount.status, BoardStatusCount.proposals]
    if not _by_status_only(filters):
        columns.append(select(func.count()).select_from(Proposal).where(*where).scalar_subquery())
    query = select(*columns).where(BoardStatusCount.board_id == board.id, BoardStatusCount.status.in_(SHOWN))
    counted = db.session.execute(query).all()
    counts = {status: 0 for status in SHOWN} | {row[0]: row[1] for row in counted}
    if _by_status_only(filters):
        return counts, sum(counts[status] for status in _statuses(filters))
    # No counter for the board: it never had a proposal, so none match either.
    return counts, counted[0][2] if counted else 0


_ASSIGNEE = aliased(User)
# What the table shows of a proposal, built once (building it cost more than running it).
_ROW = (
    Proposal.id,
    Proposal.reference,
    Proposal.title,
    Proposal.status,
    Proposal.submitted_at,
    Proposal.supports,
    Proposal.version,
    Ward.name,
    _ASSIGNEE.name,
    select(Priority.number)
    .join(ProposalPriority)
    .where(ProposalPriority.proposal_id == Proposal.id, ProposalPriority.position == 0)
    .scalar_subquery(),
)
_DETAILS = (
    select(*_ROW)
    .outerjoin(Ward, Ward.id == Proposal.ward_id)
    .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Proposal.assignee_id)
)


def _page(where: list, filters: Filters) -> list[Row]:
    """The page's ids first (walking the queue's index, skipping the earlier pages' rows), then only their details."""
    order = _order(filters)
    page = select(Proposal.id).where(*where).order_by(*order).limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)
    ids = page.subquery()
    query = _DETAILS.join(ids, ids.c.id == Proposal.id).order_by(*order)
    return [Row(*values) for values in db.session.execute(query)]


def load(board: Board, filters: Filters, today: date, viewer_id: int) -> Queue:
    """One page of the board's queue, as light rows, with the counts the page shows: two statements."""
    where = [Proposal.board_id == board.id, *_conditions(board, filters, today, viewer_id)]
    counts, total = _counts(board, where, filters)
    rows = _page(where, filters)
    for row in rows:
        row.waited = working_days(row.submitted_at.date(), today)
        row.overdue = row.status in WAITING and row.waited >= board.acknowledgement_days
    return Queue(rows=rows, counts=counts, total=total, filters=filters)


class Line(NamedTuple):
    """A row of the queue's table as the page writes it, every word already in the page's language."""

    reference: str
    link: str
    title: str
    about: str  # its reference, primary call to action and ward
    status: str
    waited: str
    overdue: str  # "Overdue", or "" for a proposal still within the board's target
    supports: int
    assignee: str
    select: str  # the checkbox's label for screen readers


def lines(rows: list[Row], link: Callable[[str], str]) -> list[Line]:
    """The table's rows, each word translated once a page (not once a row); `link` gives a reference's address,
    asked once: the others differ from it only by their reference."""
    prefix = link(rows[0].reference).removesuffix(rows[0].reference) if rows else ""
    select, call, borough = _("Select %(reference)s"), _("Call to action %(number)s"), _("The whole borough")
    overdue, nobody = _("Overdue"), _("Nobody")
    days = {n: ngettext("%(num)s working day", "%(num)s working days", n) for n in {row.waited for row in rows}}
    return [
        Line(
            row.reference,
            prefix + row.reference,
            row.title,
            " · ".join(
                [row.reference]
                + ([call % {"number": row.call_to_action}] if row.call_to_action else [])
                + [row.ward or borough]
            ),
            row.status,
            days[row.waited],
            overdue if row.overdue else "",
            row.supports,
            row.assignee or nobody,
            select % {"reference": row.reference},
        )
        for row in rows
    ]


def choices(known: partnership.Structure, labels: dict[str, str], language: str) -> dict[str, list[tuple]]:
    """The filters' choices that come from the data, as (value, label): statuses, calls to action and wards (the
    template adds the fixed ones)."""
    return {
        "statuses": [(status, labels[status]) for status in SHOWN],
        "calls_to_action": [
            (number, f"{number}. {do_truncate(current_app.jinja_env, p.localised('title', language), 40)}")
            for number, p in known.calls_to_action.items()
        ],
        "wards": [(w.slug, w.name) for w in known.wards],
    }
