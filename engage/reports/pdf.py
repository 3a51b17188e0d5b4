"""A published report as a PDF, for printing and for the council's website: the page's own partial
(templates/reports/_report.html) in a document of its own (templates/reports/print.html) with print styles
(print.css beside this file), drawn by WeasyPrint. Noto Sans and Noto Sans Bengali (Debian's fonts-noto-core) draw
both languages; every heading is a bookmark (WeasyPrint's own rule for h1-h6); the document's title and language
are its <title> and <html lang>.

A published report never changes, so each language's PDF is drawn once per process and kept."""

from pathlib import Path

from flask import render_template, request

PRINT_CSS = Path(__file__).with_name("print.css")
_kept: dict[tuple, bytes] = {}
_KEEP_AT_MOST = 16


def html_of(report) -> str:
    return render_template("reports/print.html", report=report, figures=report.figures or {})


def draw(html: str, base_url: str) -> bytes:
    """A PDF of a page's HTML, its links made absolute with base_url."""
    from weasyprint import CSS, HTML  # loads Pango: only where a PDF is drawn

    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def of_report(report, lang: str) -> bytes:
    key = (report.id, report.version, lang, request.url_root)
    document = _kept.get(key)
    if document is None:
        document = draw(html_of(report), request.url_root)
        if len(_kept) >= _KEEP_AT_MOST:
            _kept.clear()
        _kept[key] = document
    return document
