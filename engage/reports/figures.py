"""The figures of an annual report and of a call to action's dashboard, computed by aggregate SQL.

CONTRACT (what every reader of the figures relies on; a report stores exactly this as JSON, so it must stay plain
JSON: str, int, float, bool, None, lists and dicts with str keys).

A count of PEOPLE (not of proposals, items or meetings) is an int, or None when it is fewer than `threshold` people
(or hidden so that a hidden cell cannot be worked out by subtracting published ones: engage.reports.suppression):
readers show None as "fewer than 5". Counts of proposals, supports, items, meetings are plain ints, never hidden.

compute(year, progress=callback, threshold=5) -> {
  "year": 2026, "label": "2026-27", "from": "2026-07-01", "to": "2027-06-30",   # the municipal year
  "generated_at": "2027-07-03T10:00:00Z", "threshold": 5,
  "partnership": SECTION,                                   # everything in the year
  "calls_to_action": [{"number": 1, "title": str, "title_bn": str, **SECTION}, ...],   # current plan, by number
  "boards": [{"slug", "name", "name_bn",
              "received": int,                               # proposals routed to the board, submitted in the year
              "median_working_days": float | None, "within_target": int, "responded": int,
              "acknowledgement_days": int,
              "programme": None | {"label": "2026-27", "published_on": "2026-06-20" | None,
                                   "on_time": bool,           # published by 30 June before the year
                                   "items_by_status": {status: int for the 5 ITEM_STATUSES},
                                   "items": [{"title", "target", "status", "calls_to_action": [int],
                                              "last_update": None | {"on": "2027-05-01", "status", "body"},
                                              "proposals": [{"reference", "title"}]}]},
              "meetings": {"held": int, "agendas_published": int, "minutes_published": int,
                           "minutes_late": int, "minutes_never": int}}, ...],   # every board, in their order
  "escalations": [{"reference", "title", "board": slug, "raised_on": date, "ask": str,
                   "decision": None | "accepted" | "declined" | "under_review" ..., "decision_reason": str,
                   "decided_on": date | None}],
  "congresses": [{"slug", "title", "title_bn", "starts_on": date, "venue": str,
                  "places_taken": PEOPLE, "attended": PEOPLE,
                  "workshops": [{"title", "title_bn", "call_to_action": int | None, "ideas": int,
                                 "outcomes": OUTCOMES}]}],
}

SECTION = {
  "proposals": {"received": int, "supports": int,
                "by_source": {"online": int, "paper": int, "phone": int, "congress": int},
                "by_ward": [{"ward": name | None (borough-wide), "received": int}],      # every ward, by name
                "by_board": [{"board": slug, "received": int}],                         # every board
                "outcomes": OUTCOMES},
  "response": {"median_working_days": float | None, "within_target": int, "responded": int},
  "items_by_status": {status: int},                          # work programme items of the year (tagged with it)
  "participation": {"people": PEOPLE,
                    "by_kind": {"proposed": PEOPLE, "supported": PEOPLE, "commented": PEOPLE,
                                "registered": PEOPLE, "attended": PEOPLE},
                    "by_connection": {connection: PEOPLE},   # every one of User.CONNECTIONS
                    "by_ward": [{"ward": name | None, "people": PEOPLE}]},   # every ward, by name, then None
  "resolution": {"yes": int, "partly": int, "no": int},     # answers to "did this resolve what you raised?"
}

OUTCOMES = {"accepted": int, "declined": int, "duplicate": int, "referred": int, "escalated": int, "open": int,
            "withdrawn": int}    # what became of the proposals received in the year, by their status today

live(number, year=None, threshold=5) -> {"number", "title", "title_bn", "year", "label", "threshold", **SECTION,
                 "boards": [{"slug", "name", "name_bn", "lead": bool}],
                 "items": [{"board": slug, "title", "target", "status", "last_update": None | {...}}]}
   # the current municipal year so far (or the year given), for /calls-to-action/<number>; None when the current
   # plan has no call to action of that number (or there is no current plan): the page answers 404.

DEFINITIONS (times are compared in UTC as stored, the year running from 1 July, London midnight; working days are
counted between UTC dates, as a board's queue counts them; dates shown are London's)
- Proposals received: submitted in the year (submitted_at in year_span), not hidden. A call to action's section counts
  the proposals mapped to it (a proposal mapped to two counts in both); by_board is the board it is with today.
- Outcomes: the status today: accepted, declined, duplicate, referred, escalated, withdrawn; any other status is "open".
- Supports: supports given in the year (Support.created_at) to proposals that are not hidden, whenever submitted.
- Response: working days (Monday to Friday after the submission day, up to the day; engage.triage.queue.working_days)
  from a received proposal's submission to its first step into under_review (StatusChange); the median is over those
  that had one ("responded"); "within_target" counts those within the acknowledgement_days of the board that took
  that step (the proposal's board if the step has none). A board's figures are those of the steps it took.
- Work programmes: the year's programme of each board; on time when published before the year starts (by 30 June).
  Only a published programme's items are reported (a draft programme's items are not public), at their status now;
  a call to action's items_by_status counts the items tagged with it. Last update: the item's latest ProgressUpdate.
- Meetings held: not cancelled, started within the year and before now. Agendas/minutes published: of those held, with
  agenda_published_at/minutes_published_at set; "minutes_late": published more than MINUTES_DUE_WORKING_DAYS working
  days after the meeting's day; "minutes_never": held, minutes not published (yet).
- Escalations: raised within the year, on proposals that are not hidden, oldest first, with PEG's decision.
- Congresses: published, starting within the year. places_taken: registrations confirmed now; attended: checked in.
  A workshop's ideas: proposals (not hidden) linked to it through workshop_proposal, whenever submitted, and their
  outcomes today.
- Participation: distinct people (an account by its user id; a registration without an account by its email, and
  without an email by itself) who, within the year: proposed (authored a proposal received), supported (a support
  given), commented (a comment not hidden), registered (a registration not cancelled for one of the year's congresses)
  or attended (checked in at one). For a call to action: on proposals mapped to it, and registered/attended through a
  workshop place (not cancelled) in one of its workshops. by_connection: from User.connections (people without an
  account have none; someone with two connections counts under both); by_ward: the wards of the proposals they made
  (None: borough-wide), someone who proposed in two wards counts in both.
- Resolution: answers given within the year (answered_at) to "did this resolve what you raised?", on proposals not
  hidden (for a call to action: mapped to it).
- live(): the same SECTION for one call to action, from the year's start to now; its boards: the lead board and the
  interested ones, in the boards' order; its items: those of the year's published programmes tagged with it.
- Small numbers: engage.reports.suppression (which groups of cells stand against which totals, and the rule).

The number of queries is fixed whatever the amount of data and the number of boards, wards and calls to action.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    null,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import aliased

from engage.accounts.models import CONNECTIONS, User
from engage.congress.models import Congress, Registration, Workshop, WorkshopPlace
from engage.extensions import db
from engage.partnership import services as partnership
from engage.partnership.models import Board, Priority, Ward, priority_interested_boards
from engage.programmes.models import (
    ITEM_STATUSES,
    Meeting,
    ProgressUpdate,
    WorkProgramme,
    WorkProgrammeItem,
    item_priorities,
    item_proposals,
)
from engage.programmes.services import municipal_year, today, year_label, year_span
from engage.proposals.models import (
    SOURCES,
    Comment,
    Proposal,
    ProposalPriority,
    ResolutionCheck,
    StatusChange,
    Support,
    workshop_proposals,
)
from engage.reports import suppression
from engage.time import utcnow
from engage.triage.queue import working_days

THRESHOLD = suppression.THRESHOLD
OUTCOMES = ("accepted", "declined", "duplicate", "referred", "escalated", "open", "withdrawn")
KINDS = ("proposed", "supported", "commented", "registered", "attended")
ANSWERS = ("yes", "partly", "no")
# Minutes are due within this many working days of the meeting; published later, they count as late.
MINUTES_DUE_WORKING_DAYS = 20
LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
_MONDAY = date(2024, 1, 1)
PARTNERSHIP = None  # the scope of the partnership's section in the grouped rows (a call to action's: its priority id)


# Reading times in SQL, on PostgreSQL and SQLite alike --------------------------------------------------------------


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _without_jit() -> None:
    """PostgreSQL: no JIT compilation for the rest of this transaction. The planner's estimates of the grouped unions
    are far off (thousands of rows for hundreds of thousands), so it compiles them, which cost 1.1 s of a 2.5 s
    query at 100,000 proposals for nothing (bench/annual_report.py --explain)."""
    if _postgres():
        db.session.execute(text("SET LOCAL jit = off"))


def _weekday(moment):
    """A timestamp's day of the week as Python numbers it (Monday 0)."""
    if _postgres():
        return cast(extract("isodow", moment), Integer) - 1
    return (cast(func.strftime("%w", moment), Integer) + 6) % 7


def _days(start, end):
    """Calendar days from one timestamp's day to another's."""
    if _postgres():
        return func.date(end) - func.date(start)
    return cast(func.julianday(func.date(end)) - func.julianday(func.date(start)), Integer)


def _working_days(weekday: int, days: int) -> int:
    """working_days between a day of that weekday and the day `days` later (it depends on nothing else)."""
    start = _MONDAY + timedelta(days=weekday)
    return working_days(start, start + timedelta(days=days))


def _day(moment: datetime | None) -> str | None:
    """A stored UTC time as the London date people would write."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(LONDON).date().isoformat()


def _median(histogram: dict[int, int]) -> float | None:
    """The median of values given as value -> how many."""
    total = sum(histogram.values())
    if not total:
        return None

    def nth(position: int) -> int:
        seen = 0
        for value in sorted(histogram):
            seen += histogram[value]
            if seen > position:
                return value
        raise ValueError(position)

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def _text(word: str):
    """A constant word in a select (inline, so a UNION's branches agree on its type)."""
    return literal_column(f"'{word}'", String)


# The grouped queries: each row is (scope, dimension, key, count), scope None for the partnership ----------------


def _scoped(select_for, priority_ids: list[int], whole: bool):
    """The same grouped select for the partnership (scope NULL) and per call to action (scope: its priority id).
    `select_for(scope)` returns a select whose first column is the scope, given None or ProposalPriority's column."""
    parts = [select_for(None)] if whole else []
    if priority_ids:
        parts.append(select_for(ProposalPriority.priority_id))
    return parts


def _scope_column(scope):
    return cast(null(), Integer).label("scope") if scope is None else scope.label("scope")


def _by_call_to_action(query, scope, proposal_id, priority_ids):
    if scope is None:
        return query
    return query.join(ProposalPriority, ProposalPriority.proposal_id == proposal_id).where(
        ProposalPriority.priority_id.in_(priority_ids)
    )


def _received(start: datetime, end: datetime):
    return and_(Proposal.submitted_at >= start, Proposal.submitted_at < end, Proposal.hidden_at.is_(None))


def _proposal_counts(start, end, priority_ids, whole) -> list:
    """Proposals received by status, source, ward and board; supports given; resolution answers."""
    dimensions = {
        "status": Proposal.status,
        "source": Proposal.source,
        "ward": cast(Proposal.ward_id, String),
        "board": cast(Proposal.board_id, String),
    }
    parts = []
    for name, column in dimensions.items():

        def received(scope, name=name, column=column):
            query = select(_scope_column(scope), _text(name).label("dimension"), column.label("key"), func.count())
            query = _by_call_to_action(query.where(_received(start, end)), scope, Proposal.id, priority_ids)
            return query.group_by(*([scope] if scope is not None else []), column)

        parts += _scoped(received, priority_ids, whole)

    def supports(scope):
        query = (
            select(_scope_column(scope), _text("supports"), cast(null(), String), func.count())
            .select_from(Support)
            .join(Proposal, Proposal.id == Support.proposal_id)
            .where(Support.created_at >= start, Support.created_at < end, Proposal.hidden_at.is_(None))
        )
        query = _by_call_to_action(query, scope, Support.proposal_id, priority_ids)
        return query.group_by(scope) if scope is not None else query

    def answers(scope):
        query = (
            select(_scope_column(scope), _text("resolution"), ResolutionCheck.answer, func.count())
            .join(Proposal, Proposal.id == ResolutionCheck.proposal_id)
            .where(
                ResolutionCheck.answered_at >= start,
                ResolutionCheck.answered_at < end,
                ResolutionCheck.answer.is_not(None),
                Proposal.hidden_at.is_(None),
            )
        )
        query = _by_call_to_action(query, scope, ResolutionCheck.proposal_id, priority_ids)
        return query.group_by(*([scope] if scope is not None else []), ResolutionCheck.answer)

    parts += _scoped(supports, priority_ids, whole) + _scoped(answers, priority_ids, whole)
    return db.session.execute(union_all(*parts)).all()


def _response_counts(start, end, priority_ids, whole) -> list:
    """Received proposals that reached under_review, as (scope, board, weekday submitted, days to review, count)."""
    first = (
        select(StatusChange.proposal_id, func.min(StatusChange.id).label("id"))
        .where(StatusChange.to_status == "under_review")
        .group_by(StatusChange.proposal_id)
        .subquery()
    )
    step = aliased(StatusChange)
    board = func.coalesce(step.board_id, Proposal.board_id)
    weekday = _weekday(Proposal.submitted_at)
    days = _days(Proposal.submitted_at, step.at)

    def steps(scope):
        query = (
            select(_scope_column(scope), board, weekday, days, func.count())
            .select_from(Proposal)
            .join(first, first.c.proposal_id == Proposal.id)
            .join(step, step.id == first.c.id)
            .where(_received(start, end))
        )
        query = _by_call_to_action(query, scope, Proposal.id, priority_ids)
        return query.group_by(*([scope] if scope is not None else []), board, weekday, days)

    return db.session.execute(union_all(*_scoped(steps, priority_ids, whole))).all()


def _participation_counts(start, end, congress_ids: list[int], priority_ids, whole) -> list:
    """Distinct people per scope: in all, by kind, by connection, by ward of their proposals. People with an account
    are counted by user id; those registered without one (a few, by email, or the registration itself without an
    email) apart, as rows to add: the two sets never overlap, and integers are counted far faster than text."""
    no_ward = cast(null(), Integer)
    parts = []

    def activity(kind, user_id, ward, query, proposal_id):
        def build(scope):
            scoped = _by_call_to_action(query, scope, proposal_id, priority_ids)
            return scoped.add_columns(
                _scope_column(scope), _text(kind).label("kind"), user_id.label("user_id"), ward.label("ward_id")
            )

        return _scoped(build, priority_ids, whole)

    proposed = select().select_from(Proposal).where(_received(start, end), Proposal.author_id.is_not(None))
    parts += activity("proposed", Proposal.author_id, Proposal.ward_id, proposed, Proposal.id)
    supported = (
        select()
        .select_from(Support)
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(Support.created_at >= start, Support.created_at < end, Proposal.hidden_at.is_(None))
    )
    parts += activity("supported", Support.user_id, no_ward, supported, Support.proposal_id)
    commented = (
        select()
        .select_from(Comment)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(
            Comment.created_at >= start,
            Comment.created_at < end,
            Comment.hidden_at.is_(None),
            Comment.author_id.is_not(None),
            Proposal.hidden_at.is_(None),
        )
    )
    parts += activity("commented", Comment.author_id, no_ward, commented, Comment.proposal_id)
    guest = case(
        (Registration.email != "", _text("e") + func.lower(Registration.email)),
        else_=_text("r") + cast(Registration.id, String),
    )
    guests = []
    for kind in ("registered", "attended"):
        taking_part = (
            Registration.status != "cancelled" if kind == "registered" else Registration.checked_in_at.is_not(None)
        )
        registered = select().select_from(Registration).where(Registration.congress_id.in_(congress_ids), taking_part)
        scoped = []
        if whole:
            scoped.append((registered, _scope_column(None)))
        if priority_ids:
            by_workshop = (
                registered.join(WorkshopPlace, WorkshopPlace.registration_id == Registration.id)
                .join(Workshop, Workshop.id == WorkshopPlace.workshop_id)
                .where(WorkshopPlace.status != "cancelled", Workshop.priority_id.in_(priority_ids))
            )
            scoped.append((by_workshop, Workshop.priority_id.label("scope")))
        for query, scope in scoped:
            parts.append(
                query.where(Registration.user_id.is_not(None)).add_columns(
                    scope, _text(kind), Registration.user_id, no_ward
                )
            )
            guests.append(
                query.where(Registration.user_id.is_(None)).add_columns(
                    scope, _text(kind).label("kind"), guest.label("who")
                )
            )
    acts = union_all(*parts).cte("activity")
    visitors = union_all(*guests).cte("guest")
    # Each person once per scope (and kind, and ward) before counting: a supporter of many proposals is one row.
    person = select(acts.c.scope, acts.c.user_id).distinct().cte("person")
    by_kind = select(acts.c.scope, acts.c.kind, acts.c.user_id).distinct().cte("person_kind")
    by_ward = (
        select(acts.c.scope, acts.c.ward_id, acts.c.user_id)
        .where(acts.c.kind == "proposed")
        .distinct()
        .cte("person_ward")
    )
    if _postgres():
        connection = func.json_array_elements_text(User.connections).table_valued("value").alias("connection")
    else:
        connection = func.json_each(User.connections).table_valued("value").alias("connection")
    guest_key = visitors.c.who
    queries = [
        select(person.c.scope, _text("people"), cast(null(), String), func.count()).group_by(person.c.scope),
        select(by_kind.c.scope, _text("kind"), by_kind.c.kind, func.count()).group_by(by_kind.c.scope, by_kind.c.kind),
        select(person.c.scope, _text("connection"), connection.c.value, func.count(person.c.user_id.distinct()))
        .select_from(person)
        .join(User, User.id == person.c.user_id)
        .join(connection, true())
        .group_by(person.c.scope, connection.c.value),
        select(by_ward.c.scope, _text("ward"), cast(by_ward.c.ward_id, String), func.count()).group_by(
            by_ward.c.scope, by_ward.c.ward_id
        ),
        select(visitors.c.scope, _text("people"), cast(null(), String), func.count(guest_key.distinct())).group_by(
            visitors.c.scope
        ),
        select(visitors.c.scope, _text("kind"), visitors.c.kind, func.count(guest_key.distinct())).group_by(
            visitors.c.scope, visitors.c.kind
        ),
    ]
    return db.session.execute(union_all(*queries)).all()


# Sections ---------------------------------------------------------------------------------------------------------


def _empty_section(boards: list[Board], wards: list[Ward]) -> dict:
    return {
        "proposals": {
            "received": 0,
            "supports": 0,
            "by_source": dict.fromkeys(SOURCES, 0),
            "by_ward": [{"ward": ward.name, "received": 0} for ward in wards] + [{"ward": None, "received": 0}],
            "by_board": [{"board": board.slug, "received": 0} for board in boards],
            "outcomes": dict.fromkeys(OUTCOMES, 0),
        },
        "response": {"median_working_days": None, "within_target": 0, "responded": 0},
        "items_by_status": dict.fromkeys(ITEM_STATUSES, 0),
        "participation": {
            "people": 0,
            "by_kind": dict.fromkeys(KINDS, 0),
            "by_connection": dict.fromkeys(CONNECTIONS, 0),
            "by_ward": [{"ward": ward.name, "people": 0} for ward in wards] + [{"ward": None, "people": 0}],
        },
        "resolution": dict.fromkeys(ANSWERS, 0),
    }


class _Sections:
    """The sections being filled, by scope (None: the partnership; a priority id: its call to action)."""

    def __init__(self, scopes: Iterable[int | None], boards: list[Board], wards: list[Ward]):
        self.by_scope = {scope: _empty_section(boards, wards) for scope in scopes}
        self.boards = {board.id: board for board in boards}
        self.ward_position = {str(ward.id): i for i, ward in enumerate(wards)}
        self.board_position = {str(board.id): i for i, board in enumerate(boards)}
        self.none_ward = len(wards)
        # board id -> {working days: how many}, from the partnership's rows
        self.board_response: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    def add_proposals(self, rows) -> None:
        for scope, dimension, key, count in rows:
            proposals = self.by_scope[scope]["proposals"]
            if dimension == "status":
                proposals["received"] += count
                outcome = key if key in OUTCOMES else "open"
                proposals["outcomes"][outcome] += count
            elif dimension == "source":
                proposals["by_source"][key] = proposals["by_source"].get(key, 0) + count
            elif dimension == "ward":
                proposals["by_ward"][self.ward_position.get(key, self.none_ward)]["received"] += count
            elif dimension == "board" and key in self.board_position:
                proposals["by_board"][self.board_position[key]]["received"] += count
            elif dimension == "supports":
                proposals["supports"] += count
            elif dimension == "resolution" and key in ANSWERS:
                self.by_scope[scope]["resolution"][key] += count

    def add_responses(self, rows) -> None:
        histograms: dict = defaultdict(lambda: defaultdict(int))
        within: dict = defaultdict(int)
        for scope, board_id, weekday, days, count in rows:
            taken = _working_days(int(weekday), int(days))
            histograms[scope][taken] += count
            board = self.boards.get(board_id)
            if board is not None and taken <= board.acknowledgement_days:
                within[scope] += count
            if scope is PARTNERSHIP and board_id is not None:
                self.board_response[board_id][taken] += count
        for scope, histogram in histograms.items():
            self.by_scope[scope]["response"] = {
                "median_working_days": _median(histogram),
                "within_target": within[scope],
                "responded": sum(histogram.values()),
            }

    def add_participation(self, rows) -> None:
        for scope, dimension, key, people in rows:
            participation = self.by_scope[scope]["participation"]
            if dimension == "people":  # those with an account, then those without (added)
                participation["people"] += people
            elif dimension == "kind":
                participation["by_kind"][key] += people
            elif dimension == "connection" and key in participation["by_connection"]:
                participation["by_connection"][key] = people
            elif dimension == "ward":
                position = self.none_ward if key is None else self.ward_position.get(key)
                if position is not None:
                    participation["by_ward"][position]["people"] = people

    def add_items(self, items: list[dict], item_scopes: dict[int, list[int]]) -> None:
        for item in items:
            for scope in (PARTNERSHIP, *item_scopes.get(item["id"], [])):
                if scope in self.by_scope:
                    self.by_scope[scope]["items_by_status"][item["status"]] += 1


# The parts of the report --------------------------------------------------------------------------------------------


def _plan_priorities() -> list[Priority]:
    plan = partnership.current_plan()
    if plan is None:
        return []
    return list(db.session.scalars(select(Priority).where(Priority.plan_id == plan.id).order_by(Priority.number)))


def _boards() -> list[Board]:
    return list(db.session.scalars(select(Board).order_by(Board.position, Board.id)))


def _wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


def _items(year: int, priority_ids: list[int] | None = None) -> tuple[list[dict], dict[int, list[int]]]:
    """The items of the year's published programmes (only those tagged with one of `priority_ids` when given), ready
    to show, and each item's priority ids; in four queries."""
    query = (
        select(
            WorkProgrammeItem.id,
            WorkProgramme.board_id,
            WorkProgrammeItem.title,
            WorkProgrammeItem.target,
            WorkProgrammeItem.status,
        )
        .join(WorkProgramme, WorkProgramme.id == WorkProgrammeItem.programme_id)
        .join(Board, Board.id == WorkProgramme.board_id)
        .where(WorkProgramme.year == year, WorkProgramme.published_at.is_not(None))
        .order_by(Board.position, Board.id, WorkProgrammeItem.position, WorkProgrammeItem.id)
    )
    year_items = (
        select(WorkProgrammeItem.id)
        .join(WorkProgramme)
        .where(WorkProgramme.year == year, WorkProgramme.published_at.is_not(None))
    )
    if priority_ids is not None:
        tagged = select(item_priorities.c.item_id).where(item_priorities.c.priority_id.in_(priority_ids))
        query = query.where(WorkProgrammeItem.id.in_(tagged))
        year_items = year_items.where(WorkProgrammeItem.id.in_(tagged))
    items = [
        {"id": id_, "board_id": board_id, "title": title, "target": target, "status": status}
        for id_, board_id, title, target, status in db.session.execute(query)
    ]
    scopes: dict[int, list[int]] = defaultdict(list)
    numbers: dict[int, list[int]] = defaultdict(list)
    for item_id, priority_id, number in db.session.execute(
        select(item_priorities.c.item_id, Priority.id, Priority.number)
        .join(Priority, Priority.id == item_priorities.c.priority_id)
        .where(item_priorities.c.item_id.in_(year_items))
        .order_by(item_priorities.c.item_id, Priority.number)
    ):
        scopes[item_id].append(priority_id)
        numbers[item_id].append(number)
    latest = select(func.max(ProgressUpdate.id)).where(ProgressUpdate.item_id.in_(year_items))
    updates = {
        item_id: {"on": _day(at), "status": status, "body": body}
        for item_id, at, status, body in db.session.execute(
            select(ProgressUpdate.item_id, ProgressUpdate.created_at, ProgressUpdate.status, ProgressUpdate.body).where(
                ProgressUpdate.id.in_(latest.group_by(ProgressUpdate.item_id))
            )
        )
    }
    proposals: dict[int, list[dict]] = defaultdict(list)
    for item_id, reference, title in db.session.execute(
        select(item_proposals.c.item_id, Proposal.reference, Proposal.title)
        .join(Proposal, Proposal.id == item_proposals.c.proposal_id)
        .where(item_proposals.c.item_id.in_(year_items), Proposal.hidden_at.is_(None))
        .order_by(Proposal.submitted_at, Proposal.id)
    ):
        proposals[item_id].append({"reference": reference, "title": title})
    for item in items:
        item["calls_to_action"] = numbers.get(item["id"], [])
        item["last_update"] = updates.get(item["id"])
        item["proposals"] = proposals.get(item["id"], [])
    return items, scopes


def _programmes(year: int, start: datetime, items: list[dict]) -> dict[int, dict]:
    """Each board's programme for the year, by board id."""
    by_board: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        by_board[item["board_id"]].append(item)
    programmes = {}
    for board_id, published_at in db.session.execute(
        select(WorkProgramme.board_id, WorkProgramme.published_at).where(WorkProgramme.year == year)
    ):
        shown = by_board.get(board_id, []) if published_at is not None else []
        counts = dict.fromkeys(ITEM_STATUSES, 0)
        for item in shown:
            counts[item["status"]] += 1
        programmes[board_id] = {
            "label": year_label(year),
            "published_on": _day(published_at),
            "on_time": published_at is not None and published_at < start,
            "items_by_status": counts,
            "items": [
                {key: item[key] for key in ("title", "target", "status", "calls_to_action", "last_update", "proposals")}
                for item in shown
            ],
        }
    return programmes


def _meetings(start: datetime, end: datetime) -> dict[int, dict]:
    """Meetings held per board (by id), with their agendas and minutes."""
    agenda = case((Meeting.agenda_published_at.is_not(None), 1), else_=0)
    weekday = _weekday(Meeting.starts_at)
    days = _days(Meeting.starts_at, Meeting.minutes_published_at)
    rows = db.session.execute(
        select(Meeting.board_id, agenda, weekday, days, func.count())
        .where(Meeting.cancelled_at.is_(None), Meeting.starts_at >= start, Meeting.starts_at < min(end, utcnow()))
        .group_by(Meeting.board_id, agenda, weekday, days)
    )
    meetings: dict[int, dict] = defaultdict(
        lambda: {"held": 0, "agendas_published": 0, "minutes_published": 0, "minutes_late": 0, "minutes_never": 0}
    )
    for board_id, with_agenda, weekday_, days_, count in rows:
        board = meetings[board_id]
        board["held"] += count
        board["agendas_published"] += count if with_agenda else 0
        if days_ is None:
            board["minutes_never"] += count
        else:
            board["minutes_published"] += count
            if _working_days(int(weekday_), int(days_)) > MINUTES_DUE_WORKING_DAYS:
                board["minutes_late"] += count
    return meetings


def _escalations(start: datetime, end: datetime) -> list[dict]:
    from engage.triage.models import Escalation  # triage's models import the proposals': kept out of import time

    rows = db.session.execute(
        select(
            Proposal.reference,
            Proposal.title,
            Board.slug,
            Escalation.raised_at,
            Escalation.ask,
            Escalation.decision,
            Escalation.decision_reason,
            Escalation.decided_at,
        )
        .join(Proposal, Proposal.id == Escalation.proposal_id)
        .join(Board, Board.id == Escalation.board_id)
        .where(Escalation.raised_at >= start, Escalation.raised_at < end, Proposal.hidden_at.is_(None))
        .order_by(Escalation.raised_at, Escalation.id)
    )
    return [
        {
            "reference": reference,
            "title": title,
            "board": board,
            "raised_on": _day(raised_at),
            "ask": ask,
            "decision": decision,
            "decision_reason": reason,
            "decided_on": _day(decided_at),
        }
        for reference, title, board, raised_at, ask, decision, reason, decided_at in rows
    ]


def _congresses(start: datetime, end: datetime) -> tuple[list[int], list[dict]]:
    """The year's published congresses (their ids, and the report's entries), in four queries."""
    congresses = db.session.execute(
        select(Congress.id, Congress.slug, Congress.title, Congress.title_bn, Congress.starts_at, Congress.venue)
        .where(Congress.state == "published", Congress.starts_at >= start, Congress.starts_at < end)
        .order_by(Congress.starts_at, Congress.id)
    ).all()
    ids = [row.id for row in congresses]
    places = {
        congress_id: (taken, attended)
        for congress_id, taken, attended in db.session.execute(
            select(
                Registration.congress_id,
                func.count(case((Registration.status == "confirmed", 1))),
                func.count(Registration.checked_in_at),
            )
            .where(Registration.congress_id.in_(ids))
            .group_by(Registration.congress_id)
        )
    }
    outcomes: dict[int, dict] = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
    for workshop_id, status, count in db.session.execute(
        select(workshop_proposals.c.workshop_id, Proposal.status, func.count())
        .join(Proposal, Proposal.id == workshop_proposals.c.proposal_id)
        .join(Workshop, Workshop.id == workshop_proposals.c.workshop_id)
        .where(Workshop.congress_id.in_(ids), Proposal.hidden_at.is_(None))
        .group_by(workshop_proposals.c.workshop_id, Proposal.status)
    ):
        outcomes[workshop_id]["open" if status not in OUTCOMES else status] += count
    workshops: dict[int, list[dict]] = defaultdict(list)
    for workshop_id, congress_id, title, title_bn, number in db.session.execute(
        select(Workshop.id, Workshop.congress_id, Workshop.title, Workshop.title_bn, Priority.number)
        .outerjoin(Priority, Priority.id == Workshop.priority_id)
        .where(Workshop.congress_id.in_(ids))
        .order_by(Workshop.starts_at, Workshop.id)
    ):
        found = dict(outcomes.get(workshop_id, dict.fromkeys(OUTCOMES, 0)))
        workshops[congress_id].append(
            {
                "title": title,
                "title_bn": title_bn,
                "call_to_action": number,
                "ideas": sum(found.values()),
                "outcomes": found,
            }
        )
    entries = [
        {
            "slug": row.slug,
            "title": row.title,
            "title_bn": row.title_bn,
            "starts_on": _day(row.starts_at),
            "venue": row.venue,
            "places_taken": places.get(row.id, (0, 0))[0],
            "attended": places.get(row.id, (0, 0))[1],
            "workshops": workshops.get(row.id, []),
        }
        for row in congresses
    ]
    return ids, entries


def compute(year: int, progress: Callable[[int], None] = lambda percent: None, threshold: int = THRESHOLD) -> dict:
    """The report's figures for a municipal year (see the module's contract and definitions); `progress` is told the
    percent done between the parts, so a worker can show the secretariat how far it has got. Counts of people below
    `threshold` are hidden (1: none is)."""
    start, end = year_span(year)
    _without_jit()
    priorities = _plan_priorities()
    boards, wards = _boards(), _wards()
    priority_ids = [priority.id for priority in priorities]
    sections = _Sections([PARTNERSHIP, *priority_ids], boards, wards)
    progress(5)
    sections.add_proposals(_proposal_counts(start, end, priority_ids, whole=True))
    progress(25)
    sections.add_responses(_response_counts(start, end, priority_ids, whole=True))
    progress(40)
    items, item_scopes = _items(year)
    sections.add_items(items, item_scopes)
    programmes = _programmes(year, start, items)
    meetings = _meetings(start, end)
    progress(55)
    escalations = _escalations(start, end)
    congress_ids, congresses = _congresses(start, end)
    progress(65)
    sections.add_participation(_participation_counts(start, end, congress_ids, priority_ids, whole=True))
    progress(95)
    partnership_section = sections.by_scope[PARTNERSHIP]
    received = {row["board"]: row["received"] for row in partnership_section["proposals"]["by_board"]}
    no_meetings = {"held": 0, "agendas_published": 0, "minutes_published": 0, "minutes_late": 0, "minutes_never": 0}
    figures = {
        "year": year,
        "label": year_label(year),
        "from": date(year, 7, 1).isoformat(),
        "to": date(year + 1, 6, 30).isoformat(),
        "generated_at": utcnow().replace(microsecond=0).isoformat() + "Z",
        "threshold": threshold,
        "partnership": partnership_section,
        "calls_to_action": [
            {"number": p.number, "title": p.title, "title_bn": p.title_bn, **sections.by_scope[p.id]}
            for p in priorities
        ],
        "boards": [
            {
                "slug": board.slug,
                "name": board.name,
                "name_bn": board.name_bn,
                "received": received.get(board.slug, 0),
                "median_working_days": _median(sections.board_response.get(board.id, {})),
                "within_target": sum(
                    count
                    for taken, count in sections.board_response.get(board.id, {}).items()
                    if taken <= board.acknowledgement_days
                ),
                "responded": sum(sections.board_response.get(board.id, {}).values()),
                "acknowledgement_days": board.acknowledgement_days,
                "programme": programmes.get(board.id),
                "meetings": meetings.get(board.id, dict(no_meetings)),
            }
            for board in boards
        ],
        "escalations": escalations,
        "congresses": congresses,
    }
    suppression.suppress(figures, threshold)
    progress(100)
    return figures


def live(number: int, year: int | None = None, threshold: int = THRESHOLD) -> dict | None:
    """A call to action's figures for the current municipal year so far (see the module's contract), or None when the
    current plan has no call to action of that number. Given a `year`, that municipal year's (so far). Its small
    numbers are hidden within the section only: a page that showed several calls to action with a total, or a past
    year beside its published report, should show the report's figures (compute() hides across them) instead."""
    priority = next((p for p in _plan_priorities() if p.number == number), None)
    if priority is None:
        return None
    year = municipal_year(today()) if year is None else year
    start, end = year_span(year)
    end = min(end, utcnow())
    _without_jit()
    boards, wards = _boards(), _wards()
    sections = _Sections([priority.id], boards, wards)
    sections.add_proposals(_proposal_counts(start, end, [priority.id], whole=False))
    sections.add_responses(_response_counts(start, end, [priority.id], whole=False))
    items, item_scopes = _items(year, [priority.id])
    sections.add_items(items, item_scopes)
    congress_ids = list(
        db.session.scalars(
            select(Congress.id).where(
                Congress.state == "published", Congress.starts_at >= start, Congress.starts_at < end
            )
        )
    )
    sections.add_participation(_participation_counts(start, end, congress_ids, [priority.id], whole=False))
    interested = set(
        db.session.scalars(
            select(priority_interested_boards.c.board_id).where(priority_interested_boards.c.priority_id == priority.id)
        )
    )
    slugs = {board.id: board.slug for board in boards}
    lead = priority.lead_board_id
    figures = {
        "number": priority.number,
        "title": priority.title,
        "title_bn": priority.title_bn,
        "year": year,
        "label": year_label(year),
        "threshold": threshold,
        **sections.by_scope[priority.id],
        "boards": [
            {"slug": board.slug, "name": board.name, "name_bn": board.name_bn, "lead": board.id == lead}
            for board in boards
            if board.id == lead or board.id in interested
        ],
        "items": [
            {
                "board": slugs.get(item["board_id"]),
                "title": item["title"],
                "target": item["target"],
                "status": item["status"],
                "last_update": item["last_update"],
            }
            for item in items
        ],
    }
    suppression.suppress_section(figures, threshold)
    return figures
