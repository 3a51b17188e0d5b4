"""The annual report's staff pages: the secretariat starts a year's report, watches its figures being prepared,
writes the narrative, puts it to PEG, records PEG's approval and publishes it (/secretariat/reports/); PEG's members
read the drafts; each board sees its own figures in its workspace (/workspace/<board>/annual-report)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.forms import ButtonForm
from engage.accounts.policy import requires, requires_board
from engage.errors import DomainError
from engage.extensions import db
from engage.forms import show_error
from engage.i18n import gettext as _
from engage.i18n import language
from engage.i18n import lazy_gettext as _l
from engage.partnership.models import Board
from engage.programmes import services as programmes
from engage.proposals import services as proposals
from engage.reports import services as reports
from engage.reports.forms import narrative_form
from engage.reports.models import AnnualReport

bp = Blueprint("reports_staff", __name__, url_prefix="/secretariat/reports")
workspace = Blueprint("report_figures", __name__)

STATE_LABELS = {
    "draft": _l("Draft"),
    "put_to_peg": _l("With PEG"),
    "approved": _l("Approved by PEG"),
    "published": _l("Published"),
}
STATE_COLOURS = {"draft": "grey", "put_to_peg": "blue", "approved": "turquoise", "published": "green"}


@bp.context_processor
def _states() -> dict:
    return {"state_labels": STATE_LABELS, "state_colours": STATE_COLOURS, "year_label": programmes.year_label}


def _report(year: int) -> AnnualReport:
    return reports.by_year(year) or abort(404)


def _show(year: int):
    return redirect(url_for("reports_staff.show", year=year))


@bp.get("/")
@requires(reports.reads_drafts)
def index():
    return render_template(
        "reports/staff/index.html", years=reports.overview(), runs_reports=reports.runs_reports(current_user)
    )


@bp.get("/<year:year>")
@requires(reports.reads_drafts)
def show(year: int):
    report = _report(year)
    return render_template(
        "reports/staff/show.html",
        report=report,
        figures=report.figures,
        ready=reports.ready(report),
        on_the_agenda=reports.on_the_agenda(report),
        runs_reports=reports.runs_reports(current_user),
        records_approval=reports.records_approval(current_user),
    )


# Each step: a page that says what will happen, and its button (POST, then back to the report) ----------------------

STEPS = {
    "start": (
        _l("Start the annual report for %(year)s"),
        _l(
            "The figures are prepared from what the platform holds for the municipal year (1 July to 30 June). "
            "This takes a minute or two; you can write the narrative meanwhile."
        ),
        _l("Start the report"),
    ),
    "refresh": (
        _l("Prepare the figures of %(year)s again"),
        _l(
            "The figures are prepared again from today's data. A report already put to PEG goes back to draft: "
            "PEG must see it again and approve it."
        ),
        _l("Prepare the figures again"),
    ),
    "put_to_peg": (
        _l("Put the annual report for %(year)s to PEG"),
        _l(
            "The report becomes an item on the agenda of PEG's next meeting, with a link to this draft. If you "
            "change the narrative or the figures afterwards, it goes back to draft and must be put to PEG again."
        ),
        _l("Put the report to PEG"),
    ),
    "record_approval": (
        _l("Record PEG's approval of the annual report for %(year)s"),
        _l("Record this once PEG has agreed the report. Then the secretariat can publish it."),
        _l("Record PEG's approval"),
    ),
    "publish": (
        _l("Publish the annual report for %(year)s"),
        _l(
            "Everyone can read the report from now on. Its figures and words are frozen as they are: later changes "
            "in the data do not change a published report."
        ),
        _l("Publish the report"),
    ),
}
DONE = {
    "start": _l("The report is started. Its figures are being prepared."),
    "refresh": _l("The figures are being prepared again."),
    "put_to_peg": _l("The report is on the agenda of PEG's next meeting."),
    "record_approval": _l("PEG's approval is recorded. You can publish the report now."),
    "publish": _l("The report is published."),
}
NOT_HANDED_OVER = _l(
    "The figures could not be handed to the worker just now: they will be, within a quarter of an hour. You can "
    "write the narrative meanwhile."
)


def _step(step: str, year: int, report: AnnualReport | None, run):
    """A step's page, and on its button: the service, one commit, then back to the report (or the refusal shown)."""
    button = ButtonForm()
    refusal = None
    if button.validate_on_submit():
        try:
            done = run()
        except DomainError as error:
            db.session.rollback()
            refusal = error.message
        else:
            db.session.commit()
            flash(str(DONE[step]), "success")
            if step in ("start", "refresh") and not reports.hand_over(done.id):
                flash(str(NOT_HANDED_OVER), "important")
            if step == "publish":
                reports.hand_over(done.id, reports.DRAW_TASK)
            return _show(year)
    heading, consequence, label = STEPS[step]
    return render_template(
        "reports/staff/step.html",
        year=year,
        report=report,
        heading=heading % {"year": programmes.year_label(year)},
        consequence=consequence,
        label=label,
        button=button,
        refusal=refusal,
        warning=step == "publish",
    )


@bp.route("/<year:year>/start", methods=["GET", "POST"])
@requires(reports.runs_reports)
def start(year: int):
    if reports.by_year(year) is not None:
        return _show(year)
    return _step("start", year, None, lambda: reports.start(year, current_user))


def _lifecycle_step(step: str, path: str, rule, service) -> None:
    """A step of an existing report at /<year>/<path>: its page for those the rule allows, and its service."""

    def view(year: int):
        report = _report(year)
        return _step(step, year, report, lambda: service(report, current_user))

    view.__name__ = step
    bp.add_url_rule(f"/<year:year>/{path}", view_func=requires(rule)(view), methods=["GET", "POST"])


_lifecycle_step("refresh", "refresh", reports.runs_reports, reports.refresh)
_lifecycle_step("put_to_peg", "put-to-peg", reports.runs_reports, reports.put_to_peg)
_lifecycle_step("record_approval", "approval", reports.records_approval, reports.record_approval)
_lifecycle_step("publish", "publish", reports.runs_reports, reports.publish)


@bp.route("/<year:year>/narrative", methods=["GET", "POST"])
@requires(reports.runs_reports)
def narrative(year: int):
    report = _report(year)
    if report.state == "published":
        flash(_("This report is published: its figures and words no longer change"), "important")
        return _show(year)
    calls = list(proposals.current_calls_to_action().values())
    form = narrative_form(calls, language())
    if not form.is_submitted():
        _fill(form, report)
    if form.validate_on_submit():
        try:
            reports.write(
                report,
                current_user,
                version=form.version.data,
                foreword=form.foreword.data or "",
                foreword_bn=form.foreword_bn.data or "",
                commentaries=form.commentaries(),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The narrative is saved."), "success")
            return _show(year)
    return render_template("reports/staff/narrative.html", report=report, form=form)


def _fill(form, report: AnnualReport) -> None:
    form.version.data = report.version
    form.foreword.data, form.foreword_bn.data = report.foreword, report.foreword_bn
    written = reports.commentaries_of(report)
    for call, english, bengali in form.commentary_fields():
        if call.id in written:
            english.data, bengali.data = written[call.id].text, written[call.id].text_bn


# A board's own figures, in its workspace ---------------------------------------------------------------------------


@workspace.get("/workspace/<slug:board>/annual-report")
@requires_board
def board_figures(board: Board):
    report, entry = reports.board_figures(board)
    return render_template(
        "reports/workspace.html",
        board=board,
        report=report,
        entry=entry,
        item_statuses=programmes.STATUS_LABELS,
        item_colours=programmes.STATUS_COLOURS,
        state_labels=STATE_LABELS,
        year_label=programmes.year_label,
    )
