"""The partnership's annual report: one per municipal year (1 July – 30 June), its figures computed from the data by
a worker, its narrative written by the secretariat, put to PEG, approved, then published with its figures frozen."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership.models import Priority
from engage.programmes.models import AgendaItem
from engage.time import utcnow

# draft: the secretariat writes it; put_to_peg: an item on PEG's next agenda; approved: PEG agreed it (recorded);
# published: public at /reports/<label>, its figures and words never change again.
STATES = ("draft", "put_to_peg", "approved", "published")


class AnnualReport(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)  # 2026: 1 July 2026 – 30 June 2027 ("2026-27")
    state: Mapped[str] = mapped_column(String(20), default="draft")  # one of STATES
    # Percent done while a worker computes the figures; None when nothing is being prepared.
    progress: Mapped[int | None]
    figures: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))  # as engage.reports.figures computes them
    figures_at: Mapped[datetime | None]
    foreword: Mapped[str] = mapped_column(Text, default="")
    foreword_bn: Mapped[str] = mapped_column(Text, default="")
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    agenda_item: Mapped[AgendaItem | None] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    commentaries: Mapped[list["ReportCommentary"]] = relationship(back_populates="report", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"


class ReportCommentary(db.Model):
    """The secretariat's commentary on one call to action in a report, in English and Bengali."""

    report_id: Mapped[int] = mapped_column(ForeignKey("annual_report.id", ondelete="CASCADE"), primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    text_bn: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[AnnualReport] = relationship(back_populates="commentaries")
    priority: Mapped[Priority] = relationship()


class ReportDocument(db.Model):
    """A published report's PDF in one language, drawn once (engage.reports.pdf) and kept: the report never changes,
    and drawing a year's report takes WeasyPrint some seconds."""

    __tablename__ = "annual_report_document"

    report_id: Mapped[int] = mapped_column(ForeignKey("annual_report.id", ondelete="CASCADE"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(5), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
