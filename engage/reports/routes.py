"""The public annual reports: the archive of published reports, each report's page, and its PDF, CSV and JSON.

Only a published report is ever shown here (anything else, and any address that is no municipal year, is a 404).
A published report never changes, so what anonymous visitors are sent may be kept by their browser and by caches."""

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date
from flask_login import current_user

from engage.extensions import db
from engage.i18n import gettext, language, own_language
from engage.reports import archive, charts, downloads, labels, pdf
from engage.reports.figures import THRESHOLD

bp = Blueprint("reports", __name__, url_prefix="/reports")

# How long a cache may keep a page: a report for a day (it never changes, but its page's layout may), the archive
# for five minutes (a newly published report joins it).
REPORT_MAX_AGE = 24 * 3600
ARCHIVE_MAX_AGE = 300


def cacheable(response: Response, max_age: int) -> Response:
    """A response anyone may keep for max_age seconds, when it is the same for every anonymous visitor: never one to
    a signed-in person (their menu is on it; the app makes it no-store) nor one to ?lang=, which sets a cookie."""
    response.vary.add("Accept-Language")
    if not current_user.is_authenticated and not request.args:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    return response


def _published(year: int):
    report = archive.published(year)
    if report is None:
        abort(404)
    return report


@bp.get("/")
def index():
    page = render_template("reports/archive.html", reports=archive.published_reports())
    return cacheable(Response(page), ARCHIVE_MAX_AGE)


@bp.get("/<year:year>")
def report(year: int):
    report = _published(year)
    page = render_template("reports/report.html", report=report, figures=report.figures or {})
    return cacheable(Response(page), REPORT_MAX_AGE)


def _download(body, mimetype: str, report, extension: str, disposition: str = "attachment") -> Response:
    response = Response(body, mimetype=mimetype)
    filename = f"tower-hamlets-partnership-annual-report-{report.label}.{extension}"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return cacheable(response, REPORT_MAX_AGE)


@bp.get("/<year:year>.csv")
def report_csv(year: int):
    report = _published(year)
    return _download(downloads.as_csv(report.figures or {}), "text/csv", report, "csv")


@bp.get("/<year:year>.json")
def report_json(year: int):
    report = _published(year)
    return _download(downloads.as_json(report.figures or {}), "application/json", report, "json")


@bp.get("/<year:year>.pdf")
def report_pdf(year: int):
    report = _published(year)
    document = pdf.of_report(report, language())
    db.session.commit()  # the PDF kept, when it was drawn now
    return _download(document, "application/pdf", report, "pdf", disposition="inline")


# What the report's templates use (templates/reports/_report.html, its charts and the call to action's page): global,
# as the secretariat's preview of a draft draws the same partial.


@bp.app_template_global()
def local(row: dict, field: str):
    """A figure's name (a call to action's title, a board's name) in the page's language when it has one, else the
    English, marked English on a Bengali page."""
    if language() != "en":
        text = row.get(f"{field}_{language()}")
        if text:
            return own_language(text)
    return own_language(row.get(field) or "")


@bp.app_template_global()
def narrative(english: str, bengali: str):
    """What the secretariat wrote (a foreword, a commentary) in the page's language when written in it, else in the
    other, marked with its language; escaped as text, its line breaks kept by the element showing it."""
    english, bengali = english or "", bengali or ""
    first, second = (bengali, english) if language() == "bn" else (english, bengali)
    return own_language(first if first.strip() else second)


@bp.app_template_global()
def people(value, threshold: int | None = None):
    """A count of people: None (too few to publish) as "fewer than 5"."""
    if value is None:
        return gettext("fewer than %(threshold)s", threshold=threshold or THRESHOLD)
    return value


@bp.app_template_global()
def report_commentaries(report) -> dict:
    return archive.commentaries(report) if report is not None else {}


@bp.app_template_global()
def figure_number(value):
    """A figure as the pages write it: a fraction to one decimal place (a median of 2.5 days), whole numbers as
    they are."""
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return value


@bp.app_template_global()
def day(value: str | None) -> str:
    """A day of the figures (ISO, like 2027-05-01) as the pages write days: 1 May 2027."""
    if not value:
        return ""
    try:
        return format_date(date.fromisoformat(value[:10]), "d MMMM yyyy")
    except ValueError:
        return value


bp.add_app_template_global(charts.bars, "chart_bars")
bp.add_app_template_global(charts.label_rows, "label_rows")
bp.add_app_template_global(charts.ward_rows, "ward_rows")
bp.add_app_template_global(labels, "report_labels")
