"""A board's meetings in its workspace (/workspace/<board>/meetings/), and their public pages and calendar feed."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.forms import ButtonForm
from engage.accounts.policy import requires_board
from engage.calendar import Event, calendar
from engage.congress.planning import LONDON, london_day
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.notices import services as notices
from engage.partnership import services as partnership
from engage.partnership.models import Board
from engage.programmes import meeting_forms as forms
from engage.programmes import meetings
from engage.programmes.models import Meeting
from engage.time import utcnow

bp = Blueprint("meetings", __name__, url_prefix="/workspace/<slug:board>/meetings")
public = Blueprint("board_meetings", __name__, url_prefix="/boards/<slug:slug>")


def _meeting(board: Board, meeting_id: int) -> Meeting:
    meeting = meetings.meeting_of(board, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _organiser_only(board: Board) -> None:
    if not meetings.organises(current_user, board):
        abort(403)


def _show(board: Board, meeting: Meeting):
    return redirect(url_for("meetings.show", board=board.slug, meeting_id=meeting.id))


def _done(form, service, *args, **kwargs) -> tuple[bool, object]:
    """Run one service with the acting person; commit and give its result, or put its refusal on the form."""
    try:
        result = service(*args, actor=current_user, **kwargs)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return False, None
    db.session.commit()
    return True, result


@bp.get("/")
@requires_board
def index(board: Board):
    return render_template(
        "meetings/workspace/index.html",
        board=board,
        meetings=meetings.board_meetings(board),
        organiser=meetings.organises(current_user, board),
        now=utcnow(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires_board
def create(board: Board):
    _organiser_only(board)
    form = forms.MeetingForm()
    if form.validate_on_submit():
        created, meeting = _done(form, meetings.create_meeting, board, **_when_and_where(form))
        if created:
            flash(_("The meeting is added. Add its agenda items, then publish the agenda."), "success")
            return _show(board, meeting)
    return render_template("meetings/workspace/meeting_form.html", board=board, form=form, meeting=None)


def _when_and_where(form) -> dict:
    return {"day": form.date.data, "starts": form.starts.clock, "ends": form.ends.clock, "place": form.place.data}


@bp.get("/<int:meeting_id>")
@requires_board
def show(board: Board, meeting_id: int):
    meeting = _meeting(board, meeting_id)
    return render_template(
        "meetings/workspace/show.html",
        board=board,
        meeting=meeting,
        organiser=meetings.organises(current_user, board),
        member=meetings.is_member(current_user, board),
        labels=forms.ATTENDANCE_LABELS,
        button=ButtonForm(),
        now=utcnow(),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires_board
def edit(board: Board, meeting_id: int):
    _organiser_only(board)
    meeting = _meeting(board, meeting_id)
    form = forms.MeetingForm()
    if not form.is_submitted():
        _fill(form, meeting)
    if form.validate_on_submit() and _done(form, meetings.change_meeting, meeting, **_when_and_where(form))[0]:
        flash(_("The meeting is changed."), "success")
        return _show(board, meeting)
    return render_template("meetings/workspace/meeting_form.html", board=board, form=form, meeting=meeting)


def _fill(form, meeting: Meeting) -> None:
    day = london_day(meeting.starts_at)
    form.date.raw_data = [str(day.day), str(day.month), str(day.year)]
    form.starts.data = _london_clock(meeting.starts_at)
    form.ends.data = _london_clock(meeting.ends_at)
    form.place.data = meeting.place


def _london_clock(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).astimezone(LONDON).strftime("%H:%M")


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@requires_board
def cancel(board: Board, meeting_id: int):
    _organiser_only(board)
    meeting = _meeting(board, meeting_id)
    button = ButtonForm()
    if button.validate_on_submit():
        if _press(meetings.cancel_meeting, meeting):
            flash(_("The meeting is cancelled."), "success")
        return _show(board, meeting)
    return render_template("meetings/workspace/cancel.html", board=board, meeting=meeting, button=button)


def _press(service, *args, **kwargs) -> bool:
    """A button: do it, or flash why not."""
    try:
        service(*args, actor=current_user, **kwargs)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "important")
        return False
    db.session.commit()
    return True


@bp.post("/<int:meeting_id>/publish-agenda")
@requires_board
def publish_agenda(board: Board, meeting_id: int):
    meeting = _meeting(board, meeting_id)
    if ButtonForm().validate_on_submit() and _press(meetings.publish_agenda, meeting):
        flash(_("The agenda is published."), "success")
    return _show(board, meeting)


@bp.post("/<int:meeting_id>/publish-minutes")
@requires_board
def publish_minutes(board: Board, meeting_id: int):
    meeting = _meeting(board, meeting_id)
    if ButtonForm().validate_on_submit() and _press(meetings.publish_minutes, meeting):
        flash(_("The minutes are published."), "success")
    return _show(board, meeting)


@bp.route("/<int:meeting_id>/items/new", methods=["GET", "POST"])
@requires_board
def add_item(board: Board, meeting_id: int):
    meeting = _meeting(board, meeting_id)
    form = forms.ItemForm()
    if (
        form.validate_on_submit()
        and _done(form, meetings.submit_item, meeting, title=form.title.data, paper=form.paper.data or "")[0]
    ):
        flash(_("The item is on the agenda."), "success")
        return _show(board, meeting)
    return render_template(
        "meetings/workspace/item.html",
        board=board,
        meeting=meeting,
        form=form,
        guaranteed=meetings.is_member(current_user, board),
    )


def _item(meeting: Meeting, item_id: int):
    item = meetings.item_of(meeting, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/<int:meeting_id>/items/<int:item_id>/drop", methods=["GET", "POST"])
@requires_board
def drop_item(board: Board, meeting_id: int, item_id: int):
    meeting = _meeting(board, meeting_id)
    item = _item(meeting, item_id)
    form = forms.DropForm()
    if form.validate_on_submit() and _done(form, meetings.drop_item, item, reason=form.reason.data)[0]:
        flash(_("The item is taken off the agenda."), "success")
        return _show(board, meeting)
    return render_template("meetings/workspace/drop.html", board=board, meeting=meeting, item=item, form=form)


@bp.post("/<int:meeting_id>/items/<int:item_id>/<any(up, down):direction>")
@requires_board
def move_item(board: Board, meeting_id: int, item_id: int, direction: str):
    meeting = _meeting(board, meeting_id)
    item = _item(meeting, item_id)
    if ButtonForm().validate_on_submit():
        _press(meetings.move_item, item, step=-1 if direction == "up" else 1)
    return _show(board, meeting)


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@requires_board
def minutes(board: Board, meeting_id: int):
    _organiser_only(board)
    meeting = _meeting(board, meeting_id)
    form = forms.MinutesForm()
    if not form.is_submitted():
        form.minutes.data = meeting.minutes
    if form.validate_on_submit() and _done(form, meetings.write_minutes, meeting, minutes=form.minutes.data)[0]:
        flash(_("The minutes are saved."), "success")
        return _show(board, meeting)
    return render_template("meetings/workspace/minutes.html", board=board, meeting=meeting, form=form)


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@requires_board
def attendance(board: Board, meeting_id: int):
    meeting = _meeting(board, meeting_id)
    people = meetings.attendance_choices(board, current_user)
    if not people:
        abort(403)
    form = forms.AttendanceForm()
    form.offer(people)
    if form.validate_on_submit():
        person = next(p for p in people if str(p.id) == form.person.data)
        if _done(
            form,
            meetings.record_attendance,
            meeting,
            person=person,
            status=form.status.data,
            proxy_name=form.proxy_name.data or "",
            proxy_role=form.proxy_role.data or "",
        )[0]:
            flash(_("Attendance is recorded for %(name)s.", name=person.name), "success")
            return _show(board, meeting)
    return render_template("meetings/workspace/attendance.html", board=board, meeting=meeting, form=form)


# Public ------------------------------------------------------------------------------------------------------


def _board(slug: str) -> Board:
    board = partnership.board_by_slug(slug)
    if board is None:
        abort(404)
    return board


@public.get("/meetings/<int:meeting_id>")
def meeting(slug: str, meeting_id: int):
    board = _board(slug)
    return render_template(
        "meetings/show.html", board=board, meeting=_meeting(board, meeting_id), labels=forms.ATTENDANCE_LABELS
    )


@public.get("/meetings.ics")
def feed(slug: str):
    board = _board(slug)
    host = urlsplit(notices.public_link("/")).hostname
    events = [
        Event(
            uid=f"meeting-{m.id}@{host}",
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            summary=_("%(board)s meeting", board=board.localised("name", language())),
            location=m.place,
            url=notices.public_link(url_for("board_meetings.meeting", slug=slug, meeting_id=m.id)),
            sequence=int(m.updated_at.timestamp()) // 60 % 2**31,  # grows with each change, so calendars update
            cancelled=m.cancelled_at is not None,
        )
        for m in meetings.all_meetings(board)
    ]
    response = Response(calendar(events, name=board.localised("name", language())), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{slug}-meetings.ics"'
    return response
