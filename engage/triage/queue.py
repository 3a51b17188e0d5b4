"""A board's queue: its proposals with counts per status, filters, sorting, and how long each has waited.

The page reads a fixed number of queries whatever the queue's length: one page of light rows (ward and assignee
joined in, the primary call to action read from the row) with the board's counts per status (kept by the database),
how many match the filters and the board's members' names for the assignee filters. Its rows' words are translated
once a page, its links built from one url_for, and its filters' options made once per process for each choice.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from flask import current_app
from jinja2.filters import do_truncate
from markupsafe import Markup
from sqlalchemy import Integer, Select, String, cast, func, literal_column, null, select

from engage import layout, query_string
from engage.accounts.models import BOARD_ROLES, User
from engage.accounts.policy import board_people
from engage.extensions import db
from engage.i18n import gettext as _
from engage.i18n import language, ngettext, own_language
from engage.partnership import services as partnership
from engage.partnership.models import Board, Ward
from engage.proposals import statuses
from engage.proposals.models import (
    BoardCallToActionCount,
    BoardStatusCount,
    Proposal,
    QueuedCallToAction,
    call_to_action_ids,
    listed,
)
from engage.statements import contains, equals, given, rows, state_of

PAGE_SIZE = 25
# Waiting on the board; the rest of a board's proposals are finished (or with the author, or with PEG).
WAITING = ("submitted", "referred")
OPEN = ("submitted", "referred", "under_review", "more_info_requested", "escalated")
SHOWN = (*OPEN, "accepted", "declined", "duplicate", "withdrawn")
AGES = ("overdue", "week", "month", "older")
SORTS = ("oldest", "newest", "supported")


# Monday-to-Friday days among the first n (0 to 6) days after a day, by that day's weekday (Monday 0).
_WORKING_AFTER = [[sum((weekday + k) % 7 < 5 for k in range(1, n + 1)) for n in range(7)] for weekday in range(7)]


def working_days(start: date, end: date) -> int:
    """Monday to Friday days after `start` up to and including `end` (bank holidays count as working days)."""
    if end <= start:
        return 0
    whole_weeks, rest = divmod((end - start).days, 7)
    return whole_weeks * 5 + _WORKING_AFTER[start.weekday()][rest]


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
        return cls(
            status=query_string.choice(args, "status", (*SHOWN, "open", "all"), "open"),
            call_to_action=query_string.whole_number(args, "call-to-action", minimum=0),
            ward=query_string.text(args, "ward", 80),
            age=query_string.choice(args, "age", AGES, ""),
            assignee=query_string.choice(args, "assignee", ("none", "me"))
            or str(query_string.whole_number(args, "assignee", default="")),
            sort=query_string.choice(args, "sort", SORTS, "oldest"),
            page=query_string.page(args),
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
    total: int  # matching the filters, up to a cap when they are counted "capped" (see _count)
    more: bool  # more than `total` match
    filters: Filters
    members: tuple[tuple[str, str], ...]  # the board's members, chairs and officers: (id, name), by name

    @property
    def pages(self) -> int:
        """As many as the matches counted fill, and one more when more match."""
        return max(1, -(-self.total // PAGE_SIZE)) + int(self.more)


# Filtered by more than its status and age, the queue's matches are counted up to here (the heading then says "more
# than"), or to the page's depth if deeper: counting a broad filter's thousands of matches cost more than the page.
COUNT_CAP = 1000
PROPOSAL, WARD, USER = Proposal.__table__, Ward.__table__, User.__table__
ASSIGNEE, COUNT = USER.alias("assignee"), BoardStatusCount.__table__
CALL_COUNT = BoardCallToActionCount.__table__
QUEUED = QueuedCallToAction.__table__
# A board's proposals mapped to a call to action as a queue filtered by it walks them: their entries for it in the
# queue's order (QueuedCallToAction), their ids as "id".
MAPPED = select(
    QUEUED.c.proposal_id.label("id"), QUEUED.c.board_id, QUEUED.c.priority_id, QUEUED.c.status, QUEUED.c.submitted_at
).subquery("mapped")


@dataclass(frozen=True)
class Shape:
    """Which filters a request uses and how it sorts, not their values: each shape's statements are built once per
    process (building one cost more than running it), its values given at each request (see statements.given)."""

    count: str  # how its matches are counted: "kept", "kept less since" or "capped" (see _count)
    call_to_action: str | None = None  # "id", or "unknown": nothing matches
    ward: str | None = None  # "id", "borough-wide", or "unknown"
    age: str = ""  # one of AGES
    assignee: str | None = None  # "id" or "none"
    sort: str = "oldest"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def overdue_before(board: Board, today: date) -> datetime:
    """A proposal submitted before this time, still waiting, is past the board's acknowledgement target today."""
    return _midnight(working_days_before(today, board.acknowledgement_days) + timedelta(days=1))


def _age_bounds(board: Board, age: str, today: date) -> dict[str, datetime]:
    """The submission times an age filter keeps: from `since`, before `before`."""
    if age == "overdue":
        return {"before": overdue_before(board, today)}
    week, month = _midnight(today - timedelta(days=7)), _midnight(today - timedelta(days=28))
    return {"week": {"since": week}, "month": {"before": week, "since": month}, "older": {"before": month}}.get(age, {})


def _assignee(filters: Filters, viewer_id: int) -> tuple[str | None, int | None]:
    if filters.assignee == "none":
        return "none", None
    if filters.assignee == "me":
        return "id", viewer_id
    return ("id", int(filters.assignee)) if filters.assignee else (None, None)


def _shape(board: Board, filters: Filters, today: date, viewer_id: int) -> tuple[Shape, dict]:
    """The shape of a queue request and the values its statements take; wards and calls to action by their ids in
    the partnership's structure."""
    known = partnership.structure()
    priority = known.calls_to_action.get(filters.call_to_action) if filters.call_to_action is not None else None
    ward_id = known.ward_ids.get(filters.ward)
    assignee, assignee_id = _assignee(filters, viewer_id)
    shape = Shape(
        _count(filters),
        None if filters.call_to_action is None else ("id" if priority else "unknown"),
        "borough-wide" if filters.ward == "borough-wide" else state_of(filters.ward, ward_id),
        filters.age,
        assignee,
        filters.sort,
    )
    values = {
        "board_id": board.id,
        "statuses": list(_statuses(filters)),
        "priority_id": priority.id if priority else None,
        "priority_listed": listed(priority.id) if priority else None,
        "ward_id": ward_id,
        "assignee_id": assignee_id,
        "waiting": list(WAITING),
        "board_roles": list(BOARD_ROLES),
        **_age_bounds(board, filters.age, today),
    }
    return shape, values


def _walked(shape: Shape):
    """What a shape's matches are found in: filtered by a call to action and by nothing its entries lack, those
    entries (MAPPED); otherwise the board's proposals, walked by their own indexes (by support, say), each one's calls
    to action checked (joining the entries to the proposals to sort thousands of them by support took 10 ms)."""
    simple = shape.call_to_action == "id" and not shape.ward and not shape.assignee and shape.sort != "supported"
    return MAPPED if simple else PROPOSAL


def _conditions(shape: Shape) -> list:
    """The filters as plain conditions on what is walked (no IN (subquery), so the planner can walk the board's queue
    index in order and stop at the page)."""
    return _but_age_bounds(shape) + _submitted_within(shape)


def _but_age_bounds(shape: Shape) -> list:
    """The filters' conditions but for the submission times an age filter keeps."""
    walked = _walked(shape)
    c = walked.c
    where = [c.board_id == given("board_id"), c.status.in_(given("statuses", expanding=True))]
    if shape.age == "overdue":  # waiting on the board, besides submitted before a time (_age_bounds)
        where.append(c.status.in_(given("waiting", expanding=True)))
    if walked is MAPPED:
        return [*where, c.priority_id == given("priority_id")]
    mapped = contains(c.call_to_action_ids, shape.call_to_action, "priority_listed")
    ward = c.ward_id.is_(None) if shape.ward == "borough-wide" else equals(c.ward_id, shape.ward, "ward_id")
    assignee = (
        c.assignee_id.is_(None) if shape.assignee == "none" else equals(c.assignee_id, shape.assignee, "assignee_id")
    )
    return where + [condition for condition in (mapped, ward, assignee) if condition is not None]


def _submitted_within(shape: Shape) -> list:
    """The submission times an age filter keeps, as conditions (see _age_bounds)."""
    submitted_at = _walked(shape).c.submitted_at
    before = [submitted_at < given("before")] if shape.age in ("overdue", "month", "older") else []
    return before + ([submitted_at >= given("since")] if shape.age in ("week", "month") else [])


# Each sort as (column, descending), ending with the id so that pages never overlap.
ORDERS = {
    "oldest": (("submitted_at", False), ("id", False)),
    "newest": (("submitted_at", True), ("id", True)),
    "supported": (("supports", True), ("submitted_at", False), ("id", False)),
}


def _order(columns, sort: str) -> list:
    return [columns[name].desc() if descending else columns[name] for name, descending in ORDERS[sort]]


def _statuses(filters: Filters) -> tuple[str, ...]:
    return OPEN if filters.status == "open" else SHOWN if filters.status == "all" else (filters.status,)


def _count(filters: Filters) -> str:
    """How a request's matches are counted. Filtered by its status (and a call to action) alone: "kept", the board's
    counters per status (for that call to action) added up. By those and a time before which they were submitted
    (overdue, older): "kept less since", those counters less the proposals submitted since then (a few days' or
    weeks' worth, however long the queue). Filtered otherwise: "capped", the matches counted up to a cap
    (COUNT_CAP)."""
    if filters.ward or filters.assignee:
        return "capped"
    return {"": "kept", "overdue": "kept less since", "older": "kept less since"}.get(filters.age, "capped")


def _counted_statuses(filters: Filters) -> tuple[str, ...]:
    """The statuses whose counters hold the matches of a "kept" or "kept less since" request."""
    shown = _statuses(filters)
    return tuple(status for status in shown if status in WAITING) if filters.age == "overdue" else shown


def _counters(table, *where) -> Select:
    """A board's counters as one column, "status:proposals" joined by commas (string_agg on PostgreSQL, group_concat
    on SQLite), so the page's rows bring them."""
    text = table.c.status + literal_column("':'") + cast(table.c.proposals, String)
    return select(func.aggregate_strings(text, ",")).where(table.c.board_id == given("board_id"), *where)


COUNTS = _counters(COUNT).scalar_subquery()
# Those of the proposals mapped to the call to action filtered by.
CALL_COUNTS = _counters(CALL_COUNT, CALL_COUNT.c.priority_id == given("priority_id")).scalar_subquery()
# The people the board's proposals can be assigned to as one column, "id:name" joined by the record separator
# (which no name typed into a form holds: engage.forms.clean_text), for the assignee filters.
SEPARATOR = "\x1e"
MEMBERS = (
    select(func.aggregate_strings(cast(USER.c.id, String) + literal_column("':'") + USER.c.name, SEPARATOR))
    .where(USER.c.id.in_(board_people(given("board_id"), given("board_roles", expanding=True))))
    .scalar_subquery()
)
MEMBER = re.compile(r"(\d+):([^\x1e]*)")
# What the table shows of a proposal, its ward and assignee joined in, and its calls to action (see _primary).
_ROW = (
    PROPOSAL.c.id,
    PROPOSAL.c.reference,
    PROPOSAL.c.title,
    PROPOSAL.c.status,
    PROPOSAL.c.submitted_at,
    PROPOSAL.c.supports,
    PROPOSAL.c.version,
    WARD.c.name,
    ASSIGNEE.c.name,
    PROPOSAL.c.call_to_action_ids,
)


@cache
def _statements(shape: Shape) -> tuple[Select, Select]:
    """A shape's statements: one page's rows, each with the board's counters and what the count needs besides (see
    _count: the counters of the call to action filtered by, if any; nothing, or those submitted since the age
    filter's time, or how many match up to a cap); and those alone, for when the page has no rows.

    Counted from the counters, the page's ids come from a walk of the queue's indexes skipping the earlier pages'
    rows. Otherwise the matches are found once: the first `cap` in the page's order (the page is always among them),
    counted and paged from that one set."""
    walked = _walked(shape)
    where, order = _conditions(shape), _order(walked.c, shape.sort)
    call_counts = counted = counting = null()
    if shape.count != "capped":
        if shape.call_to_action == "id":
            call_counts = CALL_COUNTS
        if shape.count == "kept less since":
            since = _but_age_bounds(shape) + [walked.c.submitted_at >= given("before")]
            counted = counting = select(func.count()).where(*since).scalar_subquery()
        ids = select(walked.c.id).where(*where).order_by(*order)
    else:
        ordered_by = [walked.c[name] for name, _descending in ORDERS[shape.sort]]
        matched = select(*ordered_by).where(*where).order_by(*order).limit(given("cap", Integer)).cte("matched")
        counted = select(func.count()).select_from(matched).scalar_subquery()
        ids = select(matched.c.id).order_by(*_order(matched.c, shape.sort))
        capped = select(walked.c.id).where(*where).limit(given("cap", Integer)).subquery()
        counting = select(func.count()).select_from(capped).scalar_subquery()
    ids = ids.limit(given("size", Integer)).offset(given("skip", Integer)).subquery()
    page = (
        select(*_ROW, COUNTS, MEMBERS, call_counts, counted)
        .select_from(PROPOSAL.join(ids, ids.c.id == PROPOSAL.c.id))
        .outerjoin(WARD, WARD.c.id == PROPOSAL.c.ward_id)
        .outerjoin(ASSIGNEE, ASSIGNEE.c.id == PROPOSAL.c.assignee_id)
        .order_by(*_order(PROPOSAL.c, shape.sort))
    )
    return page, select(COUNTS, MEMBERS, call_counts, counting)


def _counts(counters: str | None) -> dict[str, int]:
    """COUNTS' (or CALL_COUNTS') text as the board's proposals per shown status."""
    pairs = (pair.split(":") for pair in counters.split(",")) if counters else ()
    return {status: 0 for status in SHOWN} | {status: int(n) for status, n in pairs if status in SHOWN}


def _members(column: str | None) -> tuple[tuple[str, str], ...]:
    """MEMBERS' text as (id, name) pairs, by name."""
    return tuple(sorted(MEMBER.findall(column or ""), key=lambda member: member[1].casefold()))


def _primary(column: str | None, known: partnership.Structure) -> int | None:
    """The number of a proposal's primary call to action, from its call_to_action_ids."""
    ids = call_to_action_ids(column)
    primary = known.priorities.get(ids[0]) if ids else None
    return primary.number if primary else None


def load(board: Board, filters: Filters, today: date, viewer_id: int) -> Queue:
    """One page of the board's queue, as light rows, with the counts the page shows: one statement (two when the
    page is empty: past the last, or nothing matches)."""
    shape, values = _shape(board, filters, today, viewer_id)
    page, counting = _statements(shape)
    cap = max(COUNT_CAP, filters.page * PAGE_SIZE)
    values.update(cap=cap + 1, size=PAGE_SIZE, skip=(filters.page - 1) * PAGE_SIZE)
    connection = db.session.connection()
    found = rows(connection, page, values)
    counters, members, call_counters, matched = found[0][-4:] if found else rows(connection, counting, values)[0]
    counts = _counts(counters)
    if shape.count != "capped":
        kept = counts if shape.call_to_action is None else _counts(call_counters)
        total, more = sum(kept[status] for status in _counted_statuses(filters)) - (matched or 0), False
    else:
        total, more = min(matched, cap), matched > cap
    known = partnership.structure()
    shown = [Row(*row[:9], _primary(row[9], known)) for row in found]
    for row in shown:
        row.waited = working_days(row.submitted_at.date(), today)
        row.overdue = row.status in WAITING and row.waited >= board.acknowledgement_days
    return Queue(rows=shown, counts=counts, total=total, more=more, filters=filters, members=_members(members))


class Line(NamedTuple):
    """A row of the queue's table as the page writes it, every word already in the page's language."""

    reference: str
    link: str
    title: str
    call_to_action: str  # "Call to action 3", or "" for none
    ward: str  # its ward's name, or the whole borough
    status: str
    waited: str
    overdue: str  # "Overdue", or "" for a proposal still within the board's target
    supports: int
    assignee: str
    select: Markup  # the checkbox's label for screen readers


def lines(shown: list[Row], link: Callable[[str], str]) -> list[Line]:
    """The table's rows, each word translated once a page (not once a row); `link` gives a reference's address,
    asked once: the others differ from it only by their reference."""
    prefix = link(shown[0].reference).removesuffix(shown[0].reference) if shown else ""
    select, call, borough = Markup(_("Select %(reference)s")), _("Call to action %(number)s"), _("The whole borough")
    overdue, nobody = _("Overdue"), _("Nobody")
    in_force = language()
    days = {n: _working_days(in_force, n) for n in {row.waited for row in shown}}
    return [
        Line(
            row.reference,
            prefix + row.reference,
            row.title,
            call % {"number": row.call_to_action} if row.call_to_action else "",
            row.ward or borough,
            row.status,
            days[row.waited],
            overdue if row.overdue else "",
            row.supports,
            row.assignee or nobody,
            select % {"reference": own_language(row.reference)},  # marked English on a Bengali page
        )
        for row in shown
    ]


@lru_cache(maxsize=4096)
def _working_days(language: str, n: int) -> str:
    """'n working days' in a language, that language's being the one in force, kept per process: a page sorted by
    support or age has a different wait on nearly every row, each a plural to look up and fill in."""
    return ngettext("%(num)s working day", "%(num)s working days", n)


def filter_options(filters: Filters, members, known: partnership.Structure, language: str) -> dict[str, Markup]:
    """The <option>s of the page's filters (by their names) and of its bulk assignment ("assign")."""
    chosen = {
        "status": filters.status,
        "call-to-action": filters.call_to_action or "",
        "ward": filters.ward,
        "age": filters.age,
        "assignee": filters.assignee,
        "sort": filters.sort,
        "assign": "",
    }
    people = ("assignee", "assign")
    return {
        name: layout.kept_options(_choices, value, name, language, known, members if name in people else ())
        for name, value in chosen.items()
    }


def _choices(name: str, language: str, known: partnership.Structure, members: tuple) -> list[tuple]:
    """A filter's choices as (value, label), in the language in force."""
    if name == "status":
        labels = statuses.labels_in(language)
        return [("open", _("Open")), ("all", _("All"))] + [(status, labels[status]) for status in SHOWN]
    if name == "call-to-action":
        env = current_app.jinja_env
        calls = known.calls_to_action.items()
        return [("", _("All"))] + [
            (n, f"{n}. {do_truncate(env, p.localised('title', language), 40)}") for n, p in calls
        ]
    if name == "ward":
        return [("", _("All")), ("borough-wide", _("The whole borough"))] + [(w.slug, w.name) for w in known.wards]
    if name == "age":
        return [
            ("", _("Any time")),
            ("overdue", _("Past the acknowledgement target")),
            ("week", _("Submitted in the last 7 days")),
            ("month", _("Submitted 1 to 4 weeks ago")),
            ("older", _("Submitted more than 4 weeks ago")),
        ]
    if name == "assignee":
        return [("", _("Anyone or nobody")), ("me", _("Me")), ("none", _("Nobody"))] + list(members)
    if name == "assign":
        return [("", _("Nobody"))] + list(members)
    return [("oldest", _("Waiting longest")), ("newest", _("Newest")), ("supported", _("Most supported"))]
