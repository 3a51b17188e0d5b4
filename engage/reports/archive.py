"""The published reports, as the public pages read them: a draft, or one put to PEG or approved, is never found here."""

from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.reports.models import AnnualReport, ReportCommentary


def published_reports() -> list[AnnualReport]:
    """Every published report, newest year first (the archive lists them; nothing of their figures is loaded)."""
    query = (
        db.select(AnnualReport)
        .where(AnnualReport.state == "published")
        .order_by(AnnualReport.year.desc())
        .options(db.defer(AnnualReport.figures))
    )
    return list(db.session.scalars(query))


def published(year: int) -> AnnualReport | None:
    """The year's report if it is published, with its commentaries and their calls to action."""
    query = (
        db.select(AnnualReport)
        .where(AnnualReport.year == year, AnnualReport.state == "published")
        .options(selectinload(AnnualReport.commentaries).joinedload(ReportCommentary.priority))
    )
    return db.session.scalars(query).first()


def commentaries(report: AnnualReport) -> dict[int, ReportCommentary]:
    """A report's commentaries by the number of their call to action."""
    return {commentary.priority.number: commentary for commentary in report.commentaries}
