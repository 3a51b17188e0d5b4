"""Finding proposals: the public list's filters, full-text search (PostgreSQL's, or a plain fallback on SQLite),
and proposals that look like one being written (PostgreSQL's full-text search, or SQLite's FTS5)."""

import unicodedata
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Integer, Select, bindparam, column, func, literal_column, or_, select, table, text
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.partnership import services as partnership
from engage.proposals import statuses
from engage.proposals.models import Proposal, ProposalPriority, call_to_action_ids, listed
from engage.statements import PLANNED_EACH_RUN, contains, equals, given, state_of

PAGE_SIZE = 20
# On PostgreSQL, each proposal's title, problem and idea as a tsvector: a generated column with its GIN index,
# made by the migration b7c1e2d3f4a5 and not in the models (SQLite has no such column).
DOCUMENT = "proposal.search_document"
# On SQLite, each proposal's title and problem in an FTS5 index kept by triggers (the migration c4e6a8b0d2f1).
SIMILAR = table("proposal_search", column("rowid"))
# Words too common to tell one proposal from another, left out when looking for proposals like one being written:
# a small list of our own, in English and Bengali, not a full stop list (PostgreSQL drops more English ones itself).
COMMON_WORDS = frozenset(
    """
    about after also and any are because been but can could does for from get had has have how into its just more
    most much need needs not now our out should some than that the their them there these they this those too very
    was were what when where which who why will with would you your people residents borough local area make
    এবং আর কিন্তু জন্য থেকে দিয়ে করে করা করতে হয় হবে আছে নেই এই সেই যে কী আমাদের আমার আমরা তাদের তারা একটি একটা
    অনেক খুব মানুষ মানুষের এলাকা এলাকার দরকার চাই
    """.split()  # noqa: SIM905 (read as the list of words it is)
)


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


# A list's count stops here (the page then says "more than"), so counting never walks 100,000 rows; sooner for a
# search, which checks each row's words (counting 1,000 matches of a common word cost more than the rest of the page).
COUNT_CAP = 1000
SEARCH_COUNT_CAP = 200


# Every status but draft is public (statuses.PUBLIC). Said this way, PostgreSQL's partial indexes match; and written
# into the statement, not bound: a prepared statement's generic plan (see _statements) can use those indexes only
# when it sees the very condition they were made with.
PROPOSAL = Proposal.__table__
PUBLISHED = (PROPOSAL.c.status != literal_column("'draft'"), PROPOSAL.c.hidden_at.is_(None))


def published() -> Select:
    return select(Proposal).where(*PUBLISHED)


def words(typed: str, leaving_out: frozenset = frozenset()) -> list[str]:
    """What was typed as words of three characters or more, lower case, the first 12 not left out. A word is letters,
    digits and marks: Bengali writes most vowels as marks, which a regular expression's \\w does not match."""
    spaced = "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in typed.lower())
    return [word for word in spaced.split() if len(word) >= 3 and word not in leaving_out][:12]


def _has_word(pattern):
    """Elsewhere than on PostgreSQL: the title, problem or idea is LIKE the pattern (a word between %s, escaped)."""
    return or_(
        *(func.lower(column).like(pattern, escape="/") for column in (Proposal.title, Proposal.problem, Proposal.idea))
    )


def _with_details(query: Select) -> Select:
    return query.options(
        selectinload(Proposal.calls_to_action).joinedload(ProposalPriority.priority),
        selectinload(Proposal.ward),
        selectinload(Proposal.board),
        selectinload(Proposal.author),
    )


# The list's statements in Core, against the tables (the ORM's loading costs more than the page's rows), built once
# per shape of filters (which filters, how many words), their values given at each request.
@dataclass(frozen=True)
class Shape:
    """Which filters a list request uses (each None, "id", or "unknown": nothing matches), not their values."""

    words: int = 0
    call_to_action: str | None = None
    ward: str | None = None  # also "borough-wide"
    board: str | None = None
    status: bool = False
    sort: str = "newest"


def _shape(filters: Filters, known: partnership.Structure) -> tuple[Shape, dict]:
    """The shape of a list request and the values its statements bind."""
    typed = words(filters.q)
    priority = known.calls_to_action.get(filters.call_to_action)
    values = {
        "priority_listed": listed(priority.id) if priority else None,
        "ward_id": known.ward_ids.get(filters.ward),
        "board_id": known.board_ids.get(filters.board),
        "status": filters.status,
    }
    if _postgres():
        values["query"] = " & ".join(typed)
    else:
        values.update({f"word{n}": f"%{_escape_like(word)}%" for n, word in enumerate(typed)})
    ward = "borough-wide" if filters.ward == "borough-wide" else state_of(filters.ward, values["ward_id"])
    shape = Shape(
        len(typed),
        state_of(filters.call_to_action, priority),
        ward,
        state_of(filters.board, values["board_id"]),
        filters.status in statuses.PUBLIC,
        filters.sort,
    )
    return shape, values


def _escape_like(word: str) -> str:
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _conditions(shape: Shape) -> list:
    c = PROPOSAL.c
    conditions = list(PUBLISHED)
    if shape.words and _postgres():
        conditions.append(literal_column(DOCUMENT).op("@@")(func.to_tsquery("english", bindparam("query"))))
    conditions += [_has_word(bindparam(f"word{n}")) for n in range(0 if _postgres() else shape.words)]
    ours = not shape.words  # with a resident's words, every value bound: see _statements
    mapped = contains(c.call_to_action_ids, shape.call_to_action, "priority_listed", ours=ours)
    ward = c.ward_id.is_(None) if shape.ward == "borough-wide" else equals(c.ward_id, shape.ward, "ward_id", ours=ours)
    for condition in (mapped, ward, equals(c.board_id, shape.board, "board_id", ours=ours)):
        if condition is not None:
            conditions.append(condition)
    if shape.status:
        conditions.append(c.status == given("status", ours=ours))
    return conditions


_CARD = (
    PROPOSAL.c.reference,
    PROPOSAL.c.title,
    PROPOSAL.c.status,
    PROPOSAL.c.supports,
    PROPOSAL.c.ward_id,
    PROPOSAL.c.call_to_action_ids,
)


@cache
def _statements(shape: Shape, dialect: str) -> tuple[Select, Select]:
    """A shape's statements: how many match (up to a bound cap), and one page's cards with that count in each row.
    Without words, the page's ids come from an index scan skipping the earlier pages' rows and the count is apart.
    With words, each row's words are checked, so the matches are found once: the first `cap` in the page's order
    (the page is always among them) with their cards, counted (a window over them) and paged. Its values: see
    statements.given; the resident's words, when there are any, are bound, and so is the rest (a common word and a
    rare one need plans of their own: PLANNED_EACH_RUN)."""
    c = PROPOSAL.c
    order = _order(shape)
    cap, size, skip = (given(name, Integer, ours=not shape.words) for name in ("cap", "size", "skip"))
    matching = select(c.id, *order[:1]).where(*_conditions(shape))
    count = select(func.count()).select_from(matching.limit(cap).subquery())
    if shape.words:
        return count.execution_options(**PLANNED_EACH_RUN), _searched(shape, order, cap, size, skip)
    matching = matching.subquery()
    ids = select(matching.c.id)
    ids = ids.order_by(*(matching.c[column.key].desc() for column in order)).limit(size).offset(skip).subquery()
    page = select(*_CARD, count.scalar_subquery()).join(ids, c.id == ids.c.id)
    return count, page.order_by(*(column.desc() for column in order))


def _order(shape: Shape) -> tuple:
    """The list's order, by its columns (each descending): the most supported or the newest first."""
    c = PROPOSAL.c
    return (c.supports, c.id) if shape.sort == "supported" else (c.submitted_at, c.id)


def _searched(shape: Shape, order: tuple, cap, size, skip) -> Select:
    """A search's page: its first `cap` matches in the page's order, read once with their cards (the words are
    checked on the rows read anyway), each page row carrying how many there are."""
    columns = list(dict.fromkeys((*_CARD, *order)))
    matched = select(*columns).where(*_conditions(shape)).order_by(*(column.desc() for column in order)).limit(cap)
    matched = matched.subquery()
    page = select(*(matched.c[column.key] for column in _CARD), func.count().over())
    page = page.order_by(*(matched.c[column.key].desc() for column in order)).limit(size).offset(skip)
    return page.execution_options(**PLANNED_EACH_RUN)


@dataclass(frozen=True)
class Card:
    """What the list shows of a proposal, read as a plain row (no ORM object, no relationships)."""

    reference: str
    title: str
    status: str
    supports: int
    ward: partnership.WardRow | None
    priorities: list[partnership.PriorityRow]

    @property
    def numbers(self) -> str:
        """Its calls to action's numbers, as the card shows them."""
        return ", ".join(str(p.number) for p in self.priorities)


def priorities(column: str | None, known: partnership.Structure) -> list[partnership.PriorityRow]:
    """A proposal's call_to_action_ids as its calls to action, the primary first."""
    return [known.priorities[n] for n in call_to_action_ids(column) if n in known.priorities]


def _card(row, known: partnership.Structure) -> Card:
    return Card(row[0], row[1], row[2], row[3], known.wards_by_id.get(row[4]), priorities(row[5], known))


def find(filters: Filters) -> tuple[list[Card], int, bool]:
    """One page of published proposals, how many match (counted up to a cap) and whether more than that do: one
    query, and a second to count only when the page is empty (past the last, or nothing matches)."""
    known = partnership.structure()
    shape, values = _shape(filters, known)
    count, page = _statements(shape, db.engine.dialect.name)
    number = max(filters.page, 1)
    cap = max(SEARCH_COUNT_CAP if shape.words else COUNT_CAP, number * PAGE_SIZE)
    values.update(cap=cap + 1, size=PAGE_SIZE, skip=(number - 1) * PAGE_SIZE)
    connection = db.session.connection()
    rows = connection.execute(page, values).all()
    total = rows[0][-1] if rows else connection.execute(count, values).scalar_one()
    return [_card(row, known) for row in rows], min(total, cap), total > cap


def _trigrams() -> bool:
    """Whether PostgreSQL's pg_trgm is installed (the migration installs it where the database allows)."""
    engine = db.engine
    if not hasattr(engine, "_engage_trigrams"):
        found = db.session.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"))
        engine._engage_trigrams = bool(found)
    return engine._engage_trigrams


def similar(typed: str, exclude_id: int | None = None, limit: int = 5) -> list[Proposal]:
    """Published proposals like what someone is writing, best first: those with any of its words but the common ones,
    ranked by how much they share, on PostgreSQL by its full-text rank (and, with pg_trgm, titles that look alike even
    when misspelt), on SQLite by FTS5's bm25 (a rare word shared counts for more than a frequent one)."""
    found = words(typed, leaving_out=COMMON_WORDS)
    if not found:
        return []
    query = _similar_postgres(found, typed) if _postgres() else _similar_sqlite(found)
    if exclude_id:
        query = query.where(Proposal.id != exclude_id)
    query = query.order_by(Proposal.supports.desc(), Proposal.id.desc()).limit(limit)
    return list(db.session.scalars(query.execution_options(**PLANNED_EACH_RUN)))


def _similar_postgres(found: list[str], typed: str) -> Select:
    words_query = func.to_tsquery("english", " | ".join(found))
    condition = literal_column(DOCUMENT).op("@@")(words_query)
    order = [func.ts_rank(literal_column(DOCUMENT), words_query).desc()]
    if _trigrams():
        condition = or_(condition, Proposal.title.op("%")(typed[:200]))
        order.append(func.similarity(Proposal.title, typed[:200]).desc())
    return published().where(condition).order_by(*order)


def _similar_sqlite(found: list[str]) -> Select:
    """FTS5 with any of the words (each quoted: a word typed is never FTS5's syntax), the title counting double."""
    matching = literal_column("proposal_search").op("MATCH")(" OR ".join(f'"{word}"' for word in found))
    rank = func.bm25(literal_column("proposal_search"), 2.0, 1.0)
    return published().join(SIMILAR, SIMILAR.c.rowid == Proposal.id).where(matching).order_by(rank)


def export_rows(filters: Filters) -> list[dict]:
    """As open data, every published proposal the list shows with these filters (on all its pages), in its order;
    the author's name only where they agreed to show it. The list's own conditions and values (_shape, _conditions),
    so a download holds exactly what the list does."""
    shape, values = _shape(filters, partnership.structure())
    query = select(Proposal).where(*_conditions(shape)).order_by(*(column.desc() for column in _order(shape)))
    rows = db.session.scalars(_with_details(query), values)
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
