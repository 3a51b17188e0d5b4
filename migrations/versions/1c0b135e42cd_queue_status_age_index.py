"""PostgreSQL: an index for a board's queue by status and age, covering what its filtered page and count read

Measured on bench/board_queue.py's queue of 10,000 proposals, "past the acknowledgement target, most supported":
the count and the page read the table's rows (bitmap heap scans, 10 and 8 ms); with this index both are index-only
scans (about 1 ms each). SQLite, the embedded default, is not for that size and has no INCLUDE.

Revision ID: 1c0b135e42cd
Revises: b6c60d24fde1
Create Date: 2026-11-23 00:09:36

"""

from alembic import op

revision = "1c0b135e42cd"
down_revision = "b6c60d24fde1"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        columns = "(board_id, status, submitted_at) INCLUDE (supports, id)"
        op.execute(f"CREATE INDEX ix_proposal_board_status_age ON proposal {columns}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposal_board_status_age")
