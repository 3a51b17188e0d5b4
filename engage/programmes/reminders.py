"""Reminders to publish next year's work programme by 30 June, as the terms of reference ask.

Who: the board's chairs and officers, who publish it; a board with neither has all its members told, so someone
always is. When: from 1 June, once in each week of June (1–7, 8–14, 15–21, 22–28, 29–30), until the board
publishes. The job may run as often as it likes: the week is in each notice's idempotency key, so each person
gets each week's reminder once.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.accounts.models import BOARD_ROLES, RoleGrant
from engage.extensions import db
from engage.notices import services as notices
from engage.partnership.models import Board
from engage.programmes.models import WorkProgramme
from engage.programmes.services import municipal_year, today, year_label

PUBLISHERS = ("board_chair", "board_officer")


def reminder_week(day: date) -> int | None:
    """Which week of June a day is in (0 for 1–7 June), or None outside June."""
    return (day.day - 1) // 7 if day.month == 6 else None


def unpublished_boards(year: int) -> list[Board]:
    """The boards that have not published their programme for a municipal year."""
    published = select(WorkProgramme.board_id).where(
        WorkProgramme.year == year, WorkProgramme.published_at.is_not(None)
    )
    query = select(Board).where(Board.id.not_in(published)).order_by(Board.position, Board.id)
    return list(db.session.scalars(query))


def who_to_remind(board_ids: list[int]) -> dict[int, list]:
    """board id -> the people to remind: its chairs and officers, or all its members if it has neither."""
    query = (
        select(RoleGrant)
        .where(RoleGrant.board_id.in_(board_ids), RoleGrant.role.in_(BOARD_ROLES))
        .options(selectinload(RoleGrant.user))
        .order_by(RoleGrant.id)
    )
    grants: dict[int, list[RoleGrant]] = {}
    for grant in db.session.scalars(query):
        if grant.user.disabled_at is None:
            grants.setdefault(grant.board_id, []).append(grant)
    people = {}
    for board_id, held in grants.items():
        publishers = [g for g in held if g.role in PUBLISHERS] or held
        people[board_id] = list({g.user.id: g.user for g in publishers}.values())
    return people


def send_publication_reminders(day: date | None = None) -> int:
    """The scheduled job: remind the boards that have not published next municipal year's programme, in June.
    Returns how many reminders are due this week; each is written once, however often the job runs."""
    day = day or today()
    week = reminder_week(day)
    if week is None:
        return 0
    year = municipal_year(day) + 1
    boards = unpublished_boards(year)
    people = who_to_remind([board.id for board in boards])
    due = 0
    for board in boards:
        for person in people.get(board.id, []):
            key = f"work-programme-reminder:{board.id}:{year}:{week}:{person.id}"
            context = {
                "name": person.name,
                "board": board.localised("name", person.language),
                "year": year_label(year),
                "url": notices.public_link(f"/workspace/{board.slug}/work-programme/{year_label(year)}"),
            }
            if notices.queue("work_programme_reminder", person.email, key, context, person.language, person):
                due += 1
    db.session.flush()
    return due
