"""The annual report's lifecycle: the secretariat starts a municipal year's report, a worker prepares its figures,
the secretariat writes the narrative, puts the report to PEG (an item on PEG's next meeting's agenda), records PEG's
approval and publishes it.

Rules kept here:
- only the secretariat and admins start, prepare again, write, put to PEG and publish; PEG's approval is recorded by
  the secretariat or one of PEG's chairs; one report per municipal year, and none for a year not yet begun;
- what PEG approves is what is published: a change to the narrative or the figures of a report already put to PEG
  (or approved) takes it back to draft, and it must be put to PEG and approved again;
- a published report never changes: its figures are not prepared again and its words are not edited;
- the report's version guards the narrative against two people editing at once: the later save is refused (with
  what it typed kept on its form) instead of overwriting the first.
"""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.exc import StaleDataError

from engage.accounts.models import BOARD_ROLES, Person
from engage.accounts.policy import has_role, secretariat
from engage.audit import services as audit
from engage.errors import DomainError
from engage.extensions import db
from engage.i18n import lazy_gettext as _l
from engage.partnership import services as partnership
from engage.partnership.models import Board
from engage.programmes import meetings
from engage.programmes import services as programmes
from engage.proposals import services as proposals
from engage.reports import figures
from engage.reports.models import AnnualReport, ReportCommentary
from engage.time import utcnow

log = logging.getLogger(__name__)
PEG = "partnership-executive-group"
PREPARE_TASK = "worker.tasks.prepare_annual_report"
DRAW_TASK = "worker.tasks.draw_report_pdfs"  # a published report's PDFs, drawn ahead of its first visitor
FOREWORD_LIMIT = 10_000
COMMENTARY_LIMIT = 5_000
STUCK_SECONDS = 600  # a preparation whose progress has not moved for this long is handed to the worker again
YEARS_BACK = 2  # the years the secretariat's list offers before this one, besides any year with a report

CHANGED = _l(
    "Someone else changed this report while you were editing it. Your text is still here: compare it with the "
    "report, then save again"
)

MOVED_ON = _l("Someone else changed this report a moment ago. Look at it again, then try again")

# Who may do what ----------------------------------------------------------------------------------------------


def runs_reports(user: Person) -> bool:
    """The secretariat and admins start, write, put to PEG and publish reports."""
    return secretariat(user)


def sits_on_peg(user: Person) -> bool:
    """A member, chair or officer of PEG."""
    board = partnership.attached_board(PEG)
    return board is not None and any(has_role(user, role, board.id) for role in BOARD_ROLES)


def reads_drafts(user: Person) -> bool:
    """Who sees a report before it is published: the secretariat, admins and PEG's members, chairs and officers."""
    return runs_reports(user) or sits_on_peg(user)


def records_approval(user: Person) -> bool:
    """PEG's approval is recorded by the secretariat (as the clerk of PEG) or by one of PEG's chairs."""
    board = partnership.attached_board(PEG)
    return runs_reports(user) or (board is not None and has_role(user, "board_chair", board.id))


def _must_run(actor: Person) -> None:
    if not runs_reports(actor):
        raise DomainError(_l("Only the secretariat can do this"))


def _not_published(report: AnnualReport) -> None:
    if report.state == "published":
        raise DomainError(_l("This report is published: its figures and words no longer change"))


# Reading -------------------------------------------------------------------------------------------------------


def current_year() -> int:
    return programmes.municipal_year(programmes.today())


def by_year(year: int) -> AnnualReport | None:
    """A municipal year's report with its commentaries, or None."""
    query = select(AnnualReport).where(AnnualReport.year == year).options(selectinload(AnnualReport.commentaries))
    return db.session.scalar(query)


def overview() -> list[tuple[int, AnnualReport | None]]:
    """The years the secretariat's list shows, newest first, each with its report (None when not started): this
    year, the YEARS_BACK before it, and every year that has a report."""
    query = select(AnnualReport).options(defer(AnnualReport.figures))  # a list of states: not every year's figures
    reports = {report.year: report for report in db.session.scalars(query)}
    now = current_year()
    years = sorted(set(reports) | set(range(now - YEARS_BACK, now + 1)), reverse=True)
    return [(year, reports.get(year)) for year in years]


def latest_with_figures() -> AnnualReport | None:
    """The report of the latest year whose figures are prepared, draft or published."""
    query = select(AnnualReport).where(AnnualReport.figures.is_not(None)).order_by(AnnualReport.year.desc()).limit(1)
    return db.session.scalar(query)


def board_figures(board: Board) -> tuple[AnnualReport | None, dict | None]:
    """A board's own entry in the figures of the latest report that has figures (and that report), or Nones."""
    report = latest_with_figures()
    if report is None:
        return None, None
    entry = next((each for each in report.figures.get("boards", []) if each.get("slug") == board.slug), None)
    return report, entry


def commentaries_of(report: AnnualReport) -> dict[int, ReportCommentary]:
    """The report's commentaries by the id of their call to action."""
    return {each.priority_id: each for each in report.commentaries}


def ready(report: AnnualReport) -> bool:
    """Whether the figures are prepared (and no new preparation is under way)."""
    return report.figures is not None and report.progress is None


# Starting and preparing ----------------------------------------------------------------------------------------


def start(year: int, actor: Person) -> AnnualReport:
    """Start a municipal year's report (a draft whose figures are still to be prepared, progress 0): one per year,
    for this year or one gone by. The caller commits, then hands the id to the worker (hand_over)."""
    _must_run(actor)
    if year > current_year():
        raise DomainError(_l("A report can be started once its municipal year has begun"))
    if by_year(year) is not None:
        raise DomainError(_l("There is already a report for %(year)s", year=programmes.year_label(year)))
    report = AnnualReport(year=year, state="draft", progress=0, started_by_id=actor.id)
    try:
        with db.session.begin_nested():  # someone else may have started it meanwhile: the unique year says so
            db.session.add(report)
    except IntegrityError as error:
        raise DomainError(_l("There is already a report for %(year)s", year=programmes.year_label(year))) from error
    audit.record(actor, "start_annual_report", report, year=year)
    return report


def refresh(report: AnnualReport, actor: Person) -> AnnualReport:
    """Prepare a draft's figures again from today's data (hand the id to the worker after the commit). Never once
    published; a report already put to PEG goes back to draft, as its figures will change."""
    _must_run(actor)
    _not_published(report)
    report.progress = 0
    _back_to_draft(report)
    _flush(MOVED_ON)
    audit.record(actor, "refresh_annual_report", report)
    return report


def hand_over(report_id: int, task: str = PREPARE_TASK) -> bool:
    """After the commit: ask the worker to prepare the report's figures (or, DRAW_TASK, to draw a published report's
    PDFs). False when the broker did not take it: the page keeps saying it is being prepared, and the relay hands it
    over again (stuck_preparations); a PDF not drawn ahead is drawn by its first request."""
    try:
        current_app.extensions["celery"].send_task(task, args=[report_id], retry=False)
    except Exception:  # noqa: BLE001 - whatever the broker does, the request goes on; the relay hands it over later
        log.warning("broker unavailable: annual report %s not handed to the worker", report_id)
        return False
    return True


def stuck_preparations(now: datetime | None = None) -> list[int]:
    """Reports whose figures have not moved on for STUCK_SECONDS while being prepared (the broker was away when the
    page handed them over, or a worker died mid-way): their ids, each marked as handed over again now, for the relay
    to hand to the worker after the commit. A preparation that is alive writes its progress more often than that."""
    table = AnnualReport.__table__
    cutoff = (now or utcnow()) - timedelta(seconds=STUCK_SECONDS)
    stuck = and_(table.c.progress.is_not(None), table.c.published_at.is_(None), table.c.updated_at < cutoff)
    ids = list(db.session.scalars(select(table.c.id).where(stuck)))
    if ids:
        db.session.execute(update(table).where(table.c.id.in_(ids)).values(updated_at=utcnow()))
    return ids


def prepare(report_id: int) -> bool:
    """What the worker runs: compute the report's figures, writing the percent done as it goes (each in a short
    transaction of its own, so the secretariat's page shows it at once), then store them (figures, when, progress
    None) in the caller's transaction. A published report, or one gone, is left alone: False."""
    report = db.session.get(AnnualReport, report_id)
    if report is None or report.state == "published":
        return False

    def progress(percent: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(_unpublished(report_id).values(progress=max(0, min(99, int(percent)))))

    computed = figures.compute(report.year, progress=progress)
    # Neither the version nor a published report is touched: an edit of the narrative meanwhile stays valid.
    stored = db.session.execute(
        _unpublished(report_id).values(figures=computed, figures_at=utcnow(), progress=None)
    ).rowcount
    return stored == 1


def prepare_now(report: AnnualReport) -> AnnualReport:
    """Compute and store a draft's figures at once, in the caller's transaction and without progress: for `flask
    demo`, where no worker is waiting and the report is not committed yet."""
    _not_published(report)
    report.figures = figures.compute(report.year)
    report.figures_at, report.progress = utcnow(), None
    db.session.flush()
    return report


def _unpublished(report_id: int):
    table = AnnualReport.__table__
    return update(table).where(table.c.id == report_id, table.c.published_at.is_(None))


# The narrative -------------------------------------------------------------------------------------------------


def write(
    report: AnnualReport,
    actor: Person,
    *,
    foreword: str,
    foreword_bn: str,
    commentaries: dict[int, tuple[str, str]] | None = None,
    version: int | None = None,
) -> bool:
    """Save the narrative: the foreword and a commentary per call to action of the current plan (`commentaries`:
    priority id -> (English, Bengali); the calls left out keep theirs). Given the `version` a form showed, refused when
    someone saved since the form was opened; without it, still refused when someone saves between this reading and
    this writing (the version column in the UPDATE). Refused once published. A change to a report already put to PEG
    takes it back to draft (it must be put to PEG and approved again). Returns whether anything changed."""
    _must_run(actor)
    _not_published(report)
    commentaries = commentaries or {}
    if version is not None and report.version != version:
        raise DomainError(CHANGED)
    _within(foreword, FOREWORD_LIMIT, "foreword")
    _within(foreword_bn, FOREWORD_LIMIT, "foreword_bn")
    calls = {call.id for call in proposals.current_calls_to_action().values()}
    if not set(commentaries) <= calls:
        raise DomainError(_l("Write commentaries only for the current plan's calls to action"))
    for priority_id, (text, text_bn) in commentaries.items():
        _within(text, COMMENTARY_LIMIT, f"commentary_{priority_id}")
        _within(text_bn, COMMENTARY_LIMIT, f"commentary_{priority_id}_bn")
    changed = _set_words(report, foreword, foreword_bn, commentaries)
    if changed:
        _back_to_draft(report)
        report.updated_at = utcnow()  # the report's row changes, so its version moves on, even for a commentary
        _flush()
        audit.record(actor, "write_annual_report", report, changed=changed)
    return bool(changed)


def _within(text: str, limit: int, field: str) -> None:
    if len(text) > limit:
        raise DomainError(_l("Use %(limit)s characters or fewer", limit=limit), field=field)


def _set_words(report: AnnualReport, foreword: str, foreword_bn: str, commentaries: dict) -> list[str]:
    """Put the words on the report; the names of what changed. Nothing is written before _flush, which turns a lost
    race into the editor's message."""
    kept = commentaries_of(report)
    changed = [
        name for name, text in (("foreword", foreword), ("foreword_bn", foreword_bn)) if getattr(report, name) != text
    ]
    report.foreword, report.foreword_bn = foreword, foreword_bn
    for priority_id, (text, text_bn) in sorted(commentaries.items()):
        found = kept.get(priority_id)
        if found is None:
            if not (text or text_bn):
                continue
            found = ReportCommentary(priority_id=priority_id, text="", text_bn="")
            report.commentaries.append(found)
        if (found.text, found.text_bn) != (text, text_bn):
            found.text, found.text_bn = text, text_bn
            changed.append(f"commentary {priority_id}")
    return changed


def _back_to_draft(report: AnnualReport) -> None:
    """What PEG saw is no longer what would be published: PEG must see it and approve it again."""
    if report.state in ("put_to_peg", "approved"):
        report.state = "draft"
        report.approved_at = report.approved_by_id = None


def _flush(lost=CHANGED) -> None:
    """Write now, so a change that lost a race is refused here (saying `lost`) rather than at the commit."""
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        raise DomainError(lost) from error


# PEG and publishing --------------------------------------------------------------------------------------------


def put_to_peg(report: AnnualReport, actor: Person) -> AnnualReport:
    """Put a draft whose figures are prepared and whose foreword is written to PEG: an item on the agenda of PEG's
    next meeting that is not cancelled (the same item again if it is still on that meeting's agenda). A report whose
    item came off the agenda (its meeting cancelled, or the item dropped) is put to PEG's next meeting again."""
    _must_run(actor)
    if report.state == "put_to_peg" and on_the_agenda(report):
        raise DomainError(_l("The report is already on the agenda of PEG's next meeting"))
    if report.state not in ("draft", "put_to_peg"):
        raise DomainError(_l("Only a draft can be put to PEG"))
    if not ready(report):
        raise DomainError(_l("Wait until the figures are prepared, then put the report to PEG"))
    if not (report.foreword.strip() and report.foreword_bn.strip()):
        raise DomainError(_l("Write the foreword in English and in Bengali before putting the report to PEG"))
    board = partnership.board_by_slug(PEG)
    meeting = meetings.next_meeting(board) if board is not None else None
    if meeting is None:
        raise DomainError(_l("PEG has no meeting coming up. Schedule a PEG meeting first, then put the report to PEG."))
    item = report.agenda_item
    if item is None or item.meeting_id != meeting.id or item.dropped_at is not None:
        item = meetings.submit_item(
            meeting, actor, title=f"Annual report {report.label}: for approval", paper=_paper(report)
        )
    report.agenda_item_id = item.id
    report.agenda_item = item
    report.state = "put_to_peg"
    _flush(MOVED_ON)
    audit.record(actor, "put_annual_report_to_peg", report, meeting=meeting.id, agenda_item=item.id)
    return report


def on_the_agenda(report: AnnualReport) -> bool:
    """Whether the report's item is still on the agenda of a PEG meeting that goes ahead."""
    item = report.agenda_item
    return item is not None and item.dropped_at is None and item.meeting.cancelled_at is None


def _paper(report: AnnualReport) -> str:
    link = current_app.config["PUBLIC_URL"] + f"/secretariat/reports/{report.label}"
    return (
        f"The partnership's annual report for {report.label}, for PEG's approval before it is published.\n\n"
        f"Read the draft: {link}"
    )


def record_approval(report: AnnualReport, actor: Person) -> AnnualReport:
    """Record that PEG approved the report put to it (the secretariat or one of PEG's chairs records it)."""
    if not records_approval(actor):
        raise DomainError(_l("Only the secretariat or PEG's chair can record PEG's approval"))
    if report.state != "put_to_peg":
        raise DomainError(_l("Put the report to PEG before recording its approval"))
    if not on_the_agenda(report):
        raise DomainError(_l("The report is no longer on a PEG agenda: put it to PEG's next meeting first"))
    report.state = "approved"
    report.approved_at = utcnow()
    report.approved_by_id = actor.id
    _flush(MOVED_ON)
    audit.record(actor, "approve_annual_report", report)
    return report


def publish(report: AnnualReport, actor: Person) -> AnnualReport:
    """Publish a report PEG approved: public from now on, its figures and words frozen as they are."""
    _must_run(actor)
    _not_published(report)
    if report.state != "approved":
        raise DomainError(_l("Only a report PEG has approved can be published"))
    report.state = "published"
    report.published_at = utcnow()
    report.published_by_id = actor.id
    _flush(MOVED_ON)
    audit.record(actor, "publish_annual_report", report)
    return report
