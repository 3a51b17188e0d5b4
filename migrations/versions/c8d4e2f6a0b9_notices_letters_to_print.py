"""Letters to print: a notice's channel, and the postal address of a resident a proposal was recorded for

A resident recorded without an email address but with a postal address gets each notice as a letter the
secretariat prints. Both columns are added in place (no batch: proposal's SQLite triggers stay as they are).

Revision ID: c8d4e2f6a0b9
Revises: a3c5e7f9b1d4
Create Date: 2026-12-07 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c8d4e2f6a0b9"
down_revision = "a3c5e7f9b1d4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notice", sa.Column("channel", sa.String(length=10), server_default="email", nullable=False))
    op.add_column("proposal", sa.Column("contact_address", sa.Text(), server_default="", nullable=False))


def downgrade():
    op.drop_column("notice", "channel")
    op.drop_column("proposal", "contact_address")
