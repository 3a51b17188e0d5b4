"""A published report as a PDF, for printing and for the council's website: the page's own partial
(templates/reports/_report.html) in a document of its own (templates/reports/print.html) with print styles
(print.css beside this file), drawn by WeasyPrint. Noto Sans and Noto Sans Bengali (Debian's fonts-noto-core) draw
both languages; every heading is a bookmark (WeasyPrint's own rule for h1-h6); the document's title and language
are its <title> and <html lang>; its links lead to the public site (PUBLIC_URL).

Drawing a year's report takes WeasyPrint seconds (measured on the 2-core development machine: a report with 500 work
programme items, 20 wards and 30 escalations, 176 pages, 8.5 s in English and 11 s in Bengali), so each language's
PDF is drawn once and kept in the database (ReportDocument): a published report never changes. The first request
for it draws it, unless draw_ahead() did (the worker, when a report is published)."""

from pathlib import Path

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engage.extensions import db
from engage.reports.models import AnnualReport, ReportDocument

PRINT_CSS = Path(__file__).with_name("print.css")


def html_of(report: AnnualReport) -> str:
    return render_template("reports/print.html", report=report, figures=report.figures or {})


def draw(html: str, base_url: str) -> bytes:
    """A PDF of a page's HTML, its links made absolute with base_url."""
    from weasyprint import CSS, HTML  # loads Pango: only where a PDF is drawn

    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def _drawn(report: AnnualReport, lang: str) -> bytes:
    base_url = current_app.config["PUBLIC_URL"].rstrip("/") + "/"
    if has_request_context():
        return draw(html_of(report), base_url)
    with current_app.test_request_context(f"/reports/{report.label}.pdf", base_url=base_url), force_locale(lang):
        return draw(html_of(report), base_url)


def _keep(report: AnnualReport, lang: str, document: bytes) -> None:
    """Kept unless another process kept its own first (the same document)."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(ReportDocument)
    db.session.execute(insert.values(report_id=report.id, lang=lang, pdf=document).on_conflict_do_nothing())


def of_report(report: AnnualReport, lang: str) -> bytes:
    """The published report's PDF in the page's language (lang): the kept one, else drawn now and kept (the caller
    commits)."""
    kept = db.session.scalar(
        db.select(ReportDocument.pdf).where(ReportDocument.report_id == report.id, ReportDocument.lang == lang)
    )
    if kept is not None:
        return kept
    document = _drawn(report, lang)
    _keep(report, lang, document)
    return document


def draw_ahead(report_id: int) -> None:
    """Draw and keep a published report's PDF in every language, so that no visitor waits for it (the worker runs
    this when a report is published; the caller commits)."""
    report = db.session.get(AnnualReport, report_id)
    if report is None or report.state != "published":
        return
    for lang in current_app.config["LANGUAGES"]:
        of_report(report, lang)
