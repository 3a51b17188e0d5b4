"""Loading and reading the partnership's structure."""

import json
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.errors import DomainError
from engage.extensions import db
from engage.partnership.models import Board, Organisation, Plan, Priority, Ward

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
    """Route the current plan's call to action `number` to another lead board (proposals already routed stay)."""
    from engage.audit import services as audit

    priority = call_to_action(number)
    board = db.session.scalar(select(Board).filter_by(slug=board_slug))
    if priority is None or board is None:
        raise DomainError(_l("Choose a board"), field=f"call_{number}")
    if priority.lead_board_id != board.id:
        audit.record(actor, "route", priority, from_board=priority.lead_board_id, to_board=board.id)
        priority.lead_board = board
        db.session.flush()
    return priority
