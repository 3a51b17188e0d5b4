"""A published annual report's PDF in each language, drawn once and kept.

Revision ID: b7d9f1a3c5e8
Revises: e1a3c5f7b9d2
Create Date: 2026-12-08 01:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b7d9f1a3c5e8"
down_revision = "e1a3c5f7b9d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "annual_report_document",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["annual_report.id"],
            name=op.f("fk_annual_report_document_report_id_annual_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "lang", name=op.f("pk_annual_report_document")),
    )


def downgrade():
    op.drop_table("annual_report_document")
