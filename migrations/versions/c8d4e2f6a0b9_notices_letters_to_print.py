"""Letters to print: a notice's channel; the postal address of a resident a proposal was recorded for; the phone
number and postal address of someone registered for a congress on their behalf, who may have no email address

A resident recorded without an email address but with a postal address gets each notice as a letter the
secretariat prints. The columns are added in place (no batch: proposal's SQLite triggers stay as they are). One live
registration per email address and congress, as before; registrations without an email address are not one person.

Revision ID: c8d4e2f6a0b9
Revises: c4e6a8b0d2f1
Create Date: 2026-12-07 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c8d4e2f6a0b9"
down_revision = "c4e6a8b0d2f1"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notice", sa.Column("channel", sa.String(length=10), server_default="email", nullable=False))
    op.add_column("proposal", sa.Column("contact_address", sa.Text(), server_default="", nullable=False))
    op.add_column("registration", sa.Column("phone", sa.String(length=40), server_default="", nullable=False))
    op.add_column("registration", sa.Column("address", sa.Text(), server_default="", nullable=False))
    live_email_index("status != 'cancelled' AND email != ''")


def downgrade():
    live_email_index("status != 'cancelled'")
    op.drop_column("registration", "address")
    op.drop_column("registration", "phone")
    op.drop_column("notice", "channel")
    op.drop_column("proposal", "contact_address")


def live_email_index(where: str) -> None:
    op.drop_index("uq_registration_live_email", table_name="registration")
    condition = {"sqlite_where": sa.text(where), "postgresql_where": sa.text(where)}
    op.create_index("uq_registration_live_email", "registration", ["congress_id", "email"], unique=True, **condition)
