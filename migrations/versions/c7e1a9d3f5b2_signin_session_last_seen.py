"""When each session was last used, for its idle limit (its created_at serves the absolute limit)

A session already open counts as last used when it began: one older than its limits ends at its next request.

Revision ID: c7e1a9d3f5b2
Revises: a3c5e7f9b1d4
Create Date: 2026-12-07 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c7e1a9d3f5b2"
down_revision = "a3c5e7f9b1d4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_session") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE user_session SET last_seen_at = created_at")
    with op.batch_alter_table("user_session") as batch:
        batch.alter_column("last_seen_at", existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table("user_session") as batch:
        batch.drop_column("last_seen_at")
