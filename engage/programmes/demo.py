"""Demo work programmes for `flask demo`: this municipal year's published for every board, with items in every
status and a few updates; next year's published by some boards and not yet by others. Running it again adds
nothing to a programme that already has items."""

from datetime import date, timedelta

from engage.accounts.models import Person
from engage.partnership import services as partnership
from engage.partnership.models import Board
from engage.programmes import services as programmes
from engage.proposals import services as proposals

ITEMS = [
    ("Map who is not reaching our services, ward by ward", "Share the map with every partner and agree three changes."),
    ("Joint workshop with residents at the congress", "At least 40 residents take part; their ideas go to the board."),
    ("Report to the Partnership Executive Group", "A progress report at every second PEG meeting."),
    ("Review what residents proposed this year", "Every proposal routed to the board has a decision and a reason."),
]
STATUSES = ["on_track", "at_risk", "done", "off_track", "not_started"]
UPDATES = {
    "on_track": "Partners met in the spring and agreed the plan; the work is going as planned.",
    "at_risk": "Two partners have not yet named a lead, so the date may slip. The chair is following up.",
    "done": "Done and reported to the board.",
    "off_track": "Funding fell through; the board will agree a new approach at its next meeting.",
}


def make(actor: Person, today: date | None = None) -> int:
    """Add the demo programmes; returns how many programmes gained items."""
    year = programmes.municipal_year(today or programmes.today())
    calls = proposals.current_calls_to_action().values()
    made = 0
    for number, board in enumerate(partnership.boards()):
        led = [call for call in calls if call.lead_board_id == board.id]
        made += _programme(board, year, actor, led, offset=number, publish=True)
        if number % 2 == 0:
            made += _programme(board, year + 1, actor, led, offset=number + 1, publish=True)
        elif number % 4 == 1:
            made += _programme(board, year + 1, actor, led, offset=number + 1, publish=False, how_many=1)
    return made


def _programme(board: Board, year: int, actor: Person, led: list, offset: int, publish: bool, how_many: int = 3):
    programme = programmes.programme(board, year)
    if programme.items:
        return 0
    for position in range(how_many):
        title, target = ITEMS[(offset + position) % len(ITEMS)]
        item = programmes.add_item(
            programme,
            actor,
            title=title,
            description=f"{title}, led by the {board.name}.",
            target=target,
            due_on=date(year + 1, 3, 31) - timedelta(days=60 * position),
            lead_organisation_id=board.organisations[position % len(board.organisations)].id
            if board.organisations
            else None,
            calls_to_action=led[:1],
        )
        status = STATUSES[(offset + position) % len(STATUSES)]
        if status in UPDATES and publish:
            programmes.post_update(item, actor, status=status, body=UPDATES[status])
    if publish:
        programmes.publish(programme, actor)
    return 1
