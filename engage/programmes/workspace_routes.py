"""The boards' work programme pages: the years, a year's programme and its items, publishing, progress updates;
PEG's roll-up of every board's progress; the secretariat's view of who has published next year's programme."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.forms import ButtonForm
from engage.accounts.policy import requires, requires_board, secretariat
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.partnership.models import Board
from engage.programmes import meetings
from engage.programmes import services as programmes
from engage.programmes.forms import ItemForm, UpdateForm
from engage.programmes.routes import status_context
from engage.proposals import services as proposals

bp = Blueprint("work_programmes", __name__)
bp.context_processor(status_context)
YEAR = "/workspace/<slug:board>/work-programme/<year:year>"


def _programme(board: Board, year: int):
    return programmes.find(board, year, with_items=False) or abort(404)


def _item(board: Board, year: int, item_id: int):
    programme = _programme(board, year)
    return programme, programmes.item_in(programme, item_id) or abort(404)


def _item_form():
    form = ItemForm()
    calls = proposals.current_calls_to_action()
    form.offer(calls, programmes.organisations(), language())
    return form, calls


def _saved(form, board: Board, year: int, done: str, change):
    """Make the change the form asks for and go to the item's page; or undo it and show why on the form (None)."""
    try:
        item = change()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return None
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".item", board=board.slug, year=year, item_id=item.id))


@bp.get("/workspace/<slug:board>/work-programme/")
@requires_board
def years(board: Board):
    return render_template("programmes/workspace/years.html", board=board, years=programmes.years_of(board))


@bp.get(YEAR)
@requires_board
def show(board: Board, year: int):
    return render_template(
        "programmes/workspace/show.html",
        board=board,
        year=year,
        programme=programmes.find(board, year),
        meetings=programmes.meetings_in(board, year),
        button=ButtonForm(),
    )


@bp.route(f"{YEAR}/items/new", methods=["GET", "POST"])
@requires_board
def add_item(board: Board, year: int):
    form, calls = _item_form()
    if form.validate_on_submit():
        done = _("The item is added to the work programme.")
        saved = _saved(
            form, board, year, done, lambda: programmes.plan_item(board, year, current_user, **form.fields(calls))
        )
        if saved:
            return saved
    return render_template("programmes/workspace/item_form.html", board=board, year=year, form=form, item=None)


@bp.get(f"{YEAR}/items/<int:item_id>")
@requires_board
def item(board: Board, year: int, item_id: int):
    programme, item = _item(board, year, item_id)
    return render_template(
        "programmes/workspace/item.html",
        board=board,
        programme=programme,
        item=item,
        proposals=programmes.proposals_of(item, public_only=False),
    )


@bp.route(f"{YEAR}/items/<int:item_id>/edit", methods=["GET", "POST"])
@requires_board
def edit_item(board: Board, year: int, item_id: int):
    item = _item(board, year, item_id)[1]
    form, calls = _item_form()
    if form.validate_on_submit():
        return _saved(
            form,
            board,
            year,
            _("The item is changed."),
            lambda: programmes.edit_item(item, current_user, **form.fields(calls)),
        )
    if not form.is_submitted():
        form.show(item)
    return render_template("programmes/workspace/item_form.html", board=board, year=year, form=form, item=item)


@bp.route(f"{YEAR}/items/<int:item_id>/update", methods=["GET", "POST"])
@requires_board
def post_update(board: Board, year: int, item_id: int):
    item = _item(board, year, item_id)[1]
    form = UpdateForm()
    if not form.is_submitted():
        form.status.data = item.status
    if form.validate_on_submit():
        saved = _saved(
            form,
            board,
            year,
            _("Your update is posted."),
            lambda: programmes.post_update(item, current_user, status=form.status.data, body=form.body.data).item,
        )
        if saved:
            return saved
    return render_template("programmes/workspace/update.html", board=board, year=year, item=item, form=form)


@bp.post(f"{YEAR}/publish")
@requires_board
def publish(board: Board, year: int):
    programme = programmes.find(board, year) or abort(404)
    if ButtonForm().validate_on_submit():
        try:
            programmes.publish(programme, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "important")
        else:
            db.session.commit()
            flash(_("The work programme is published."), "success")
    return redirect(url_for(".show", board=board.slug, year=year))


@bp.get("/workspace/<slug:board>/progress")
@requires_board
def progress(board: Board):
    """PEG's roll-up of every board's items this year; only the executive tier's workspace has it."""
    if board.tier != meetings.EXECUTIVE:
        abort(404)
    year = programmes.municipal_year(programmes.today())
    return render_template(
        "programmes/workspace/progress.html",
        board=board,
        year=year,
        by_call=programmes.progress_by_call_to_action(year),
        by_board=programmes.progress_by_board(year),
    )


@bp.get("/secretariat/work-programmes")
@requires(secretariat)
def overview():
    year = programmes.municipal_year(programmes.today()) + 1
    return render_template(
        "programmes/workspace/overview.html", year=year, boards=programmes.publication_overview(year)
    )
