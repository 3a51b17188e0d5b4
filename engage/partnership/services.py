"""Loading and reading the partnership's structure."""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import make_transient_to_detached, selectinload

from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.partnership.models import Board, Localised, Organisation, Plan, Priority, Ward

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "tower-hamlets.json"


def _upsert(model, slug: str, **fields):
    row = db.session.scalar(select(model).filter_by(slug=slug))
    if row is None:
        row = model(slug=slug)
        db.session.add(row)
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    return row


def seed(path: Path = DATA_FILE) -> None:
    """Create or update the partnership's structure from a data file; running it twice changes nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    organisations = {o["slug"]: _upsert(Organisation, **o) for o in data["organisations"]}
    for ward in data["wards"]:
        _upsert(Ward, **ward)
    boards = {}
    for position, spec in enumerate(data["boards"]):
        fields = {k: v for k, v in spec.items() if k != "organisations"}
        board = boards[spec["slug"]] = _upsert(Board, position=position, **fields)
        board.organisations = [organisations[slug] for slug in spec["organisations"]]
    db.session.flush()
    for spec in data["plans"]:
        fields = {k: v for k, v in spec.items() if k != "priorities"}
        plan = _upsert(Plan, **fields)
        db.session.flush()
        for p in spec["priorities"]:
            _seed_priority(plan, p, boards)
    db.session.flush()
    forget_structure()
    structure()  # read at once, so the first page after a seed costs what every other one does


def _seed_priority(plan: Plan, spec: dict, boards: dict[str, Board]) -> None:
    priority = db.session.scalar(select(Priority).filter_by(plan_id=plan.id, number=spec["number"]))
    if priority is None:
        priority = Priority(plan=plan, number=spec["number"])
        db.session.add(priority)
    priority.title = spec["title"]
    priority.title_bn = spec["title_bn"]
    priority.lead_board = boards.get(spec["lead_board"])
    priority.interested_boards = [boards[slug] for slug in spec["interested_boards"]]


def current_plan() -> Plan | None:
    return db.session.scalar(
        select(Plan).filter_by(current=True).options(selectinload(Plan.priorities).joinedload(Priority.lead_board))
    )


def plan_by_slug(slug: str) -> Plan | None:
    return db.session.scalar(select(Plan).filter_by(slug=slug).options(selectinload(Plan.priorities)))


def all_plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.start_year.desc())))


def call_to_action(number: int) -> Priority | None:
    return db.session.scalar(
        select(Priority)
        .join(Plan)
        .filter(Plan.current.is_(True), Priority.number == number)
        .options(selectinload(Priority.interested_boards), selectinload(Priority.lead_board))
    )


def boards() -> list[Board]:
    return list(db.session.scalars(select(Board).order_by(Board.position).options(selectinload(Board.led_priorities))))


def board_by_slug(slug: str) -> Board | None:
    return db.session.scalar(
        select(Board)
        .filter_by(slug=slug)
        .options(selectinload(Board.led_priorities), selectinload(Board.organisations))
    )


def interested_priorities(board: Board) -> list[Priority]:
    """Current-plan priorities this board follows without leading them."""
    return list(
        db.session.scalars(
            select(Priority)
            .join(Plan)
            .filter(Plan.current.is_(True), Priority.interested_boards.contains(board))
            .order_by(Priority.number)
        )
    )


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


def set_lead_board(number: int, board_slug: str, actor) -> Priority:
    """Route the current plan's call to action `number` to another lead board (proposals already routed stay). The
    new lead is no longer one of the other boards involved: a board leads a call to action or follows it, not both."""
    from engage.audit import services as audit

    priority = call_to_action(number)
    board = db.session.scalar(select(Board).filter_by(slug=board_slug))
    if priority is None or board is None:
        raise DomainError(_l("Choose a board"), field=f"call_{number}")
    if priority.lead_board_id != board.id:
        audit.record(actor, "route", priority, from_board=priority.lead_board_id, to_board=board.id)
        priority.lead_board = board
        if board in priority.interested_boards:
            priority.interested_boards.remove(board)
        db.session.flush()
        forget_structure()
    return priority


# --------------------------------------------------------------------------------------------------------------------
# The structure as the public pages read it: plain rows, kept by each process for a short while, since it changes
# a few times a year (the seed, the routing table) and the busiest pages would otherwise ask for it every time.

STRUCTURE_SECONDS = 60


@dataclass(frozen=True)
class WardRow:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class BoardRow(Localised):
    id: int
    slug: str
    name: str
    name_bn: str


@dataclass(frozen=True)
class PriorityRow(Localised):
    id: int
    number: int
    title: str
    title_bn: str


@dataclass(frozen=True)
class PlanRow(Localised):
    title: str
    title_bn: str
    vision: str
    vision_bn: str
    start_year: int
    end_year: int
    priorities: list[PriorityRow]


@dataclass(eq=False)  # compared (and hashed) by identity: a structure read later is another one
class Structure:
    wards: list[WardRow]  # by name
    organisations: list[OrganisationRow]  # by name
    boards: list[BoardRow]  # in the structure's order
    priorities: dict[int, PriorityRow]  # every plan's, by id
    plan: PlanRow | None  # the current one
    calls_to_action: dict[int, PriorityRow] = field(init=False)  # the current plan's, by number
    ward_ids: dict[str, int] = field(init=False)
    board_ids: dict[str, int] = field(init=False)
    kept_boards: dict[str, Board] = field(default_factory=dict)  # by slug, detached: see attached_board()

    def __post_init__(self):
        self.calls_to_action = {p.number: p for p in self.plan.priorities} if self.plan else {}
        self.ward_ids = {w.slug: w.id for w in self.wards}
        self.board_ids = {b.slug: b.id for b in self.boards}
        self.wards_by_id = {w.id: w for w in self.wards}
        self.boards_by_id = {b.id: b for b in self.boards}


_structures: dict[int, tuple[float, Structure]] = {}  # by engine, with when it was read


def structure() -> Structure:
    """The partnership's wards, organisations, boards and plans' priorities, read at most every STRUCTURE_SECONDS."""
    key = id(db.engine)
    kept = _structures.get(key)
    now = time.monotonic()
    if kept is None or now - kept[0] > STRUCTURE_SECONDS:
        kept = _structures[key] = (now, _read_structure())
    return kept[1]


def forget_structure() -> None:
    """The structure has changed in this transaction: read it again (in this process; others see the change within
    STRUCTURE_SECONDS), and once more should the transaction be rolled back."""
    _structures.clear()
    db.session.info["structure_changed"] = True


def _read_structure() -> Structure:
    def rows(*columns, order_by=None):
        return db.session.execute(select(*columns).order_by(order_by)).all()

    links = db.session.execute(
        select(Priority.id, Priority.number, Priority.title, Priority.title_bn, Plan.current)
        .join(Plan)
        .order_by(Priority.number)
    ).all()
    priorities = {r.id: PriorityRow(*r[:4]) for r in links}
    plan = db.session.scalar(select(Plan).filter_by(current=True))
    boards = db.session.scalars(select(Board).order_by(Board.position)).all()
    return Structure(
        wards=[WardRow(*r) for r in rows(Ward.id, Ward.slug, Ward.name, order_by=Ward.name)],
        organisations=[
            OrganisationRow(*r)
            for r in rows(Organisation.id, Organisation.slug, Organisation.name, order_by=Organisation.name)
        ],
        boards=[BoardRow(b.id, b.slug, b.name, b.name_bn) for b in boards],
        priorities=priorities,
        plan=PlanRow(
            plan.title,
            plan.title_bn,
            plan.vision,
            plan.vision_bn,
            plan.start_year,
            plan.end_year,
            [priorities[r.id] for r in links if r.current],
        )
        if plan
        else None,
        kept_boards={b.slug: _detached_copy(b) for b in boards},
    )


def _detached_copy(board: Board) -> Board:
    """A board's columns as they were read, in an instance of no session (the one read stays in its own)."""
    copy = Board(**{column.key: getattr(board, column.key) for column in Board.__mapper__.column_attrs})
    make_transient_to_detached(copy)
    return copy


def attached_board(slug: str) -> Board | None:
    """The board with this slug in this request's session, without asking the database: merged from the structure's
    copy as it was read (boards change only with the seed; see STRUCTURE_SECONDS). Its relationships load when
    first used, as any board's."""
    kept = structure().kept_boards.get(slug)
    return None if kept is None else db.session.merge(kept, load=False)


def _after_commit(session) -> None:
    session.info.pop("structure_changed", None)


def _after_rollback(session, _previous) -> None:
    if session.info.pop("structure_changed", False):
        _structures.clear()


event.listen(db.session, "after_commit", _after_commit)
event.listen(db.session, "after_soft_rollback", _after_rollback)
