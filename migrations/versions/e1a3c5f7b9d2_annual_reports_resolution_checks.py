"""The annual report and its commentaries; "did this resolve what you raised?"; the congress workshop a proposal came
from.

Revision ID: e1a3c5f7b9d2
Revises: c2e4a6b8d0f1
Create Date: 2026-12-08 01:27:21.553979

"""

import sqlalchemy as sa
from alembic import op

revision = "e1a3c5f7b9d2"
down_revision = "c2e4a6b8d0f1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "resolution_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=True),
        sa.Column("answer", sa.String(length=10), nullable=True),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("why_public", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["work_programme_item.id"],
            name=op.f("fk_resolution_check_item_id_work_programme_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_resolution_check_proposal_id_proposal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolution_check")),
    )
    with op.batch_alter_table("resolution_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resolution_check_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index("ix_resolution_check_to_ask", ["asked_at", "due_at"], unique=False)

    op.create_table(
        "annual_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("figures_at", sa.DateTime(), nullable=True),
        sa.Column("foreword", sa.Text(), nullable=False),
        sa.Column("foreword_bn", sa.Text(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_annual_report_agenda_item_id_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["user.id"], name=op.f("fk_annual_report_approved_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["user.id"], name=op.f("fk_annual_report_published_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["user.id"], name=op.f("fk_annual_report_started_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_report")),
        sa.UniqueConstraint("year", name=op.f("uq_annual_report_year")),
    )
    op.create_table(
        "report_commentary",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_bn", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"], ["priority.id"], name=op.f("fk_report_commentary_priority_id_priority")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["annual_report.id"],
            name=op.f("fk_report_commentary_report_id_annual_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "priority_id", name=op.f("pk_report_commentary")),
    )
    op.create_table(
        "workshop_proposal",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_workshop_proposal_proposal_id_proposal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshop.id"], name=op.f("fk_workshop_proposal_workshop_id_workshop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_workshop_proposal")),
    )
    op.create_index("ix_workshop_proposal_workshop_id", "workshop_proposal", ["workshop_id"])


def downgrade():
    op.drop_table("workshop_proposal")
    op.drop_table("report_commentary")
    op.drop_table("annual_report")
    with op.batch_alter_table("resolution_check", schema=None) as batch_op:
        batch_op.drop_index("ix_resolution_check_to_ask")
        batch_op.drop_index(batch_op.f("ix_resolution_check_proposal_id"))

    op.drop_table("resolution_check")
