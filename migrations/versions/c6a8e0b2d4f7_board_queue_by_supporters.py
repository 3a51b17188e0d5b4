"""PostgreSQL: a board's queue by supporters, so "most supported" walks an index in order and stops at its matches

Measured on bench/board_queue.py's queue of 10,000 proposals, overdue and most supported: the first 1,001 overdue
proposals by supporters were found by reading all 4,662 waiting ones from the (board, status, age) index and sorting
them (6.6 ms); with this index the planner walks it in the page's order, index only, and stops at the 1,001st match
(1.2 ms). SQLite, the embedded default, is not for that size and has no INCLUDE.

Revision ID: c6a8e0b2d4f7
Revises: b4e6f8a0c2d5
Create Date: 2026-11-23 04:40:00

"""

from alembic import op

revision = "c6a8e0b2d4f7"
down_revision = "b4e6f8a0c2d5"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_proposal_board_supported ON proposal (board_id, supports DESC, submitted_at, id) "
            "INCLUDE (status)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposal_board_supported")
