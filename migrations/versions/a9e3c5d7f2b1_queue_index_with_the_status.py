"""PostgreSQL: a board's queue index carries the status, so a filtered page walks it without reading the table

Measured on bench/board_queue.py's queue of 10,000 proposals, call to action 3, page 40: the first 1,001 matches in
the queue's order were found by hashing the board's 10,000 open proposals with the call to action's 16,000 links and
sorting (7.2 ms); with the status in the index, the planner walks it in order, index only, checking each proposal's
link by its primary key, and stops at the 1,001st (2,875 index entries: 3.1 ms). SQLite, the embedded default, is not
for that size and has no INCLUDE.

Revision ID: a9e3c5d7f2b1
Revises: f4d2a7c9e1b3
Create Date: 2026-11-24 03:00:00

"""

from alembic import op

revision = "a9e3c5d7f2b1"
down_revision = "f4d2a7c9e1b3"
branch_labels = None
depends_on = None

COLUMNS = ["board_id", "submitted_at", "id"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_proposal_board_queue", table_name="proposal")
        op.create_index("ix_proposal_board_queue", "proposal", COLUMNS, postgresql_include=["status"])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_proposal_board_queue", table_name="proposal")
        op.create_index("ix_proposal_board_queue", "proposal", COLUMNS)
