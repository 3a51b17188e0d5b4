"""The public work programme pages: a board's published programme for a year, and one of its items."""

from flask import Blueprint, abort, render_template

from engage.partnership import services as partnership
from engage.programmes import services as programmes

bp = Blueprint("programmes", __name__)


def status_context() -> dict:
    """What the work programme templates need: the items' statuses, their tag colours, year labels."""
    return {
        "item_statuses": programmes.STATUS_LABELS,
        "item_colours": programmes.STATUS_COLOURS,
        "year_label": programmes.year_label,
    }


bp.context_processor(status_context)


def _published(slug: str, year: int, with_items: bool = True):
    """The board and its programme for the year, or 404 while it is not published."""
    board = partnership.board_by_slug(slug)
    programme = programmes.find_published(board, year, with_items) if board else None
    if programme is None:
        abort(404)
    return board, programme


@bp.get("/boards/<slug:slug>/work-programme/<year:year>")
def programme(slug: str, year: int):
    board, programme = _published(slug, year)
    meetings = programmes.meetings_in(board, year)
    return render_template("programmes/programme.html", board=board, programme=programme, meetings=meetings)


@bp.get("/boards/<slug:slug>/work-programme/<year:year>/items/<int:item_id>")
def item(slug: str, year: int, item_id: int):
    board, programme = _published(slug, year, with_items=False)
    item = programmes.item_in(programme, item_id) or abort(404)
    proposals = programmes.proposals_of(item)
    return render_template("programmes/item.html", board=board, programme=programme, item=item, proposals=proposals)
