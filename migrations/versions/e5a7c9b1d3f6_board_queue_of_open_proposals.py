"""PostgreSQL: a board's open proposals in the queue's order, so a queue filtered by a call to action walks only them

Measured on bench/board_queue.py's queue of 10,000 open proposals (and 3,870 finished ones), call to action 3, page
40: the walk of the board's queue index to the 1,000th match read 3,327 entries, checking each one's status and calls
to action (1.2–1.5 ms by EXPLAIN ANALYZE); this index holds only the open proposals (engage.triage.queue.OPEN, the
queue's default), so the same walk reads 2,874 smaller entries and checks only their calls to action (0.58 ms). The
planner uses it where a statement's statuses are among these (they are written into the queue's statements). SQLite,
the embedded default, is not for that size and has no INCLUDE.

Revision ID: e5a7c9b1d3f6
Revises: d9b1f3a5c7e2
Create Date: 2026-11-23 15:20:00

"""

from alembic import op

revision = "e5a7c9b1d3f6"
down_revision = "d9b1f3a5c7e2"
branch_labels = None
depends_on = None

OPEN = "'submitted', 'referred', 'under_review', 'more_info_requested', 'escalated'"  # engage.triage.queue.OPEN


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_proposal_board_open ON proposal (board_id, submitted_at, id) "
            f"INCLUDE (call_to_action_ids) WHERE status IN ({OPEN})"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposal_board_open")
