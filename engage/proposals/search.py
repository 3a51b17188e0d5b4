"""Finding proposals: the public list's filters, full-text search (PostgreSQL's, or a plain fallback on SQLite),
and proposals that look like one being written."""

import re
from dataclasses import dataclass

from sqlalchemy import Select, String, and_, cast, false, func, literal_column, or_, select, text
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.partnership import services as partnership
from engage.proposals import statuses
from engage.proposals.models import Proposal, ProposalPriority

PAGE_SIZE = 20
# On PostgreSQL, each proposal's title, problem and idea as a tsvector: a generated column with its GIN index,
# made by the migration b7c1e2d3f4a5 and not in the models (SQLite has no such column).
DOCUMENT = "proposal.search_document"
WORD = re.compile(r"\w{3,}")


@dataclass
class Filters:
    call_to_action: int | None = None
    ward: str | None = None
    board: str | None = None
    status: str | None = None
    q: str = ""
    sort: str = "newest"
    page: int = 1


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


# A list's count stops here (the page then says "more than"), so counting never walks 100,000 rows.
COUNT_CAP = 1000


def published() -> Select:
    """Every status but draft is public (statuses.PUBLIC); said this way, PostgreSQL's partial indexes match."""
    return select(Proposal).where(Proposal.status != "draft", Proposal.hidden_at.is_(None))


def _match(typed: str, any_word: bool = False):
    """The condition a proposal's text meets when it has the words typed (all of them, or any); None for none."""
    words = WORD.findall(typed.lower())[:12]
    if not words:
        return None
    if _postgres():
        joined = (" | " if any_word else " & ").join(words)
        return literal_column(DOCUMENT).op("@@")(func.to_tsquery("english", joined))
    columns = (Proposal.title, Proposal.problem, Proposal.idea)
    conditions = [or_(*(func.lower(c).contains(word, autoescape=True) for c in columns)) for word in words]
    return or_(*conditions) if any_word else and_(*conditions)


def _matching(query: Select, typed: str) -> Select:
    condition = _match(typed)
    return query if condition is None else query.where(condition)


def _is(column, value):
    """column = value; for something unknown (a ward nobody has heard of), nothing (never column IS NULL)."""
    return false() if value is None else column == value


def _filtered(filters: Filters) -> Select:
    query = _matching(published(), filters.q)
    known = partnership.structure()
    if filters.call_to_action:
        priority = known.calls_to_action.get(filters.call_to_action)
        mapped = select(ProposalPriority.proposal_id).where(
            ProposalPriority.proposal_id == Proposal.id,
            _is(ProposalPriority.priority_id, priority.id if priority else None),
        )
        query = query.where(mapped.exists())
    if filters.ward == "borough-wide":
        query = query.where(Proposal.ward_id.is_(None))
    elif filters.ward:
        query = query.where(_is(Proposal.ward_id, known.ward_ids.get(filters.ward)))
    if filters.board:
        query = query.where(_is(Proposal.board_id, known.board_ids.get(filters.board)))
    if filters.status in statuses.PUBLIC:
        query = query.where(Proposal.status == filters.status)
    return query


def _with_details(query: Select) -> Select:
    return query.options(
        selectinload(Proposal.calls_to_action).joinedload(ProposalPriority.priority),
        selectinload(Proposal.ward),
        selectinload(Proposal.board),
        selectinload(Proposal.author),
    )


@dataclass(frozen=True)
class Card:
    """What the list shows of a proposal, read as a plain row (no ORM object, no relationships)."""

    reference: str
    title: str
    status: str
    supports: int
    ward: partnership.WardRow | None
    priorities: list[partnership.PriorityRow]


# Each listed proposal's calls to action in one column, as "position:priority id" joined by commas (string_agg on
# PostgreSQL, group_concat on SQLite), put in order here.
_LINKS = (
    select(
        func.aggregate_strings(
            cast(ProposalPriority.position, String) + ":" + cast(ProposalPriority.priority_id, String), ","
        )
    )
    .where(ProposalPriority.proposal_id == Proposal.id)
    .scalar_subquery()
)
_CARD = (Proposal.reference, Proposal.title, Proposal.status, Proposal.supports, Proposal.ward_id, _LINKS)


def _card(row, known: partnership.Structure) -> Card:
    links = sorted(tuple(int(n) for n in link.split(":")) for link in row[5].split(",")) if row[5] else []
    return Card(
        row[0],
        row[1],
        row[2],
        row[3],
        known.wards_by_id.get(row[4]),
        [known.priorities[priority_id] for _position, priority_id in links if priority_id in known.priorities],
    )


def find(filters: Filters) -> tuple[list[Card], int, bool]:
    """One page of published proposals, how many match (counted up to a cap) and whether more than that do:
    two queries."""
    query = _filtered(filters)
    page = max(filters.page, 1)
    cap = max(COUNT_CAP, page * PAGE_SIZE)
    capped = query.with_only_columns(Proposal.id).order_by(None).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(capped))
    order = (
        (Proposal.supports.desc(), Proposal.id.desc())
        if filters.sort == "supported"
        else (Proposal.submitted_at.desc(), Proposal.id.desc())
    )
    # The page's ids first (an index scan, skipping the earlier pages' rows), then only their cards.
    ids = query.with_only_columns(Proposal.id).order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ids = ids.subquery()
    listed = select(*_CARD).join(ids, Proposal.id == ids.c.id).order_by(*order)
    known = partnership.structure()
    rows = [_card(row, known) for row in db.session.execute(listed)]
    return rows, min(total, cap), total > cap


def _trigrams() -> bool:
    """Whether PostgreSQL's pg_trgm is installed (the migration installs it where the database allows)."""
    engine = db.engine
    if not hasattr(engine, "_engage_trigrams"):
        found = db.session.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"))
        engine._engage_trigrams = bool(found)
    return engine._engage_trigrams


def similar(typed: str, exclude_id: int | None = None, limit: int = 5) -> list[Proposal]:
    """Published proposals like what someone is writing, best first: on PostgreSQL by shared words and (with
    pg_trgm) titles that look alike even when misspelt; elsewhere by shared words."""
    condition = _match(typed, any_word=True)
    if condition is None:
        return []
    order = [Proposal.supports.desc(), Proposal.id.desc()]
    if _postgres():
        words = " | ".join(WORD.findall(typed.lower())[:12])
        order.insert(0, func.ts_rank(literal_column(DOCUMENT), func.to_tsquery("english", words)).desc())
        if _trigrams():
            condition = or_(condition, Proposal.title.op("%")(typed[:200]))
            order.insert(0, func.similarity(Proposal.title, typed[:200]).desc())
    query = published().where(condition).order_by(*order)
    if exclude_id:
        query = query.where(Proposal.id != exclude_id)
    return list(db.session.scalars(query.limit(limit)))


def export_rows() -> list[dict]:
    """Every published proposal as open data; the author's name only where they agreed to show it."""
    rows = db.session.scalars(_with_details(published().order_by(Proposal.submitted_at)))
    return [
        {
            "reference": p.reference,
            "title": p.title,
            "problem": p.problem,
            "idea": p.idea,
            "who_it_helps": p.who_it_helps,
            "calls_to_action": " ".join(str(pr.number) for pr in p.priorities),
            "ward": p.ward.name if p.ward else "Borough-wide",
            "board": p.board.name if p.board else "",
            "status": p.status,
            "supports": p.supports,
            "submitted_at": p.submitted_at.isoformat() if p.submitted_at else "",
            "author": p.author.name if p.show_name and p.author else "",
        }
        for p in rows
    ]
