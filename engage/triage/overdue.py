"""Each working day, a board's chairs and officers are sent one list of its proposals past the board's target for
acknowledging them (Board.acknowledgement_days, counted in working days as the queue counts them).

One notice per person a day, never one per proposal: it lists every proposal past the target that day (the oldest
first, up to LISTED of them, with how many there are in all), so each day's list stands on its own and a proposal
stays on it until the board starts its review. Who: the people the work programme reminders go to (a board's chairs
and officers, or all its members when it has neither). The day is in each notice's idempotency key, so the job may
run as often as it likes.
"""

from datetime import date

from sqlalchemy import func, select

from engage.extensions import db
from engage.notices import services as notices
from engage.partnership.models import Board
from engage.programmes.reminders import who_to_remind
from engage.programmes.services import today
from engage.proposals.models import Proposal
from engage.triage.queue import WAITING, overdue_before
from engage.triage.services import listed

LISTED = 50


def overdue(board: Board, day: date) -> tuple[list[Proposal], int]:
    """The first LISTED of the board's proposals past its target on `day`, oldest first, and how many there are."""
    past = (
        Proposal.board_id == board.id,
        Proposal.status.in_(WAITING),
        Proposal.submitted_at < overdue_before(board, day),
    )
    first = select(Proposal).where(*past).order_by(Proposal.submitted_at, Proposal.id).limit(LISTED)
    return list(db.session.scalars(first)), db.session.scalar(select(func.count()).where(*past))


def send_overdue_digests(day: date | None = None) -> int:
    """The scheduled job: on a working day, each board's list of proposals past its target to its chairs and
    officers. Returns how many notices are due today; each is written once, however often the job runs."""
    day = day or today()
    if day.weekday() >= 5:
        return 0
    boards = list(db.session.scalars(select(Board).order_by(Board.position, Board.id)))
    people = who_to_remind([board.id for board in boards])
    due = 0
    for board in boards:
        proposals, count = overdue(board, day)
        if not proposals:
            continue
        for person in people.get(board.id, []):
            context = {
                "name": person.name,
                "board": board.localised("name", person.language),
                "days": board.acknowledgement_days,
                "queue_url": notices.public_link(f"/workspace/{board.slug}/?age=overdue"),
                **listed(proposals, board),
                "count": count,
            }
            key = f"proposals-overdue:{board.id}:{day.isoformat()}:{person.id}"
            if notices.queue("proposals_overdue", person.email, key, context, person.language, person):
                due += 1
    db.session.flush()
    return due
