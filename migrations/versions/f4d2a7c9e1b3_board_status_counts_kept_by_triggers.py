"""Each board's proposals per status, counted once and kept by triggers on proposal

A board's queue showed its counts per status by counting the board's proposals on every request: at 10,000 proposals
in the queue (bench/board_queue.py) an index scan of 4.3 ms of database time and most of a millisecond of Python,
the largest part of the page. The counters are kept by the database, in the same transaction as each insert, delete
and change of a proposal's status or board, so every writer keeps them right: the services, the demo loader, tests'
fixtures and the benchmarks' COPY alike. An increment is `INSERT ... ON CONFLICT DO UPDATE SET proposals = proposals
+ 1` and a decrement an UPDATE of the row: concurrent transactions queue on the counter's row and lose no update.
Unrelated updates of a proposal (its supporters, its assignee) do not fire them.

SQLite: a table that a later migration recreates in batch mode loses its triggers; such a migration must create
them again (the tests that compare the counters with a real count run on the migrated schema and would fail).

Revision ID: f4d2a7c9e1b3
Revises: 1c0b135e42cd
Create Date: 2026-11-24 02:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f4d2a7c9e1b3"
down_revision = "1c0b135e42cd"
branch_labels = None
depends_on = None

POSTGRESQL = [
    """
    CREATE FUNCTION board_status_count_change(board integer, name varchar, change integer) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF board IS NULL THEN  -- a draft goes to a board when it is submitted
            RETURN;
        ELSIF change > 0 THEN
            INSERT INTO board_status_count (board_id, status, proposals) VALUES (board, name, change)
            ON CONFLICT (board_id, status) DO UPDATE SET proposals = board_status_count.proposals + change;
        ELSE  -- the proposal was counted when it came, so its row is there
            UPDATE board_status_count SET proposals = proposals + change WHERE board_id = board AND status = name;
        END IF;
    END $$
    """,
    """
    CREATE FUNCTION board_status_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM board_status_count_change(NEW.board_id, NEW.status, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM board_status_count_change(OLD.board_id, OLD.status, -1);
        -- A move's two counters in one order, (board, status), whichever way it goes: two transactions moving
        -- proposals opposite ways between the same statuses lock them in the same order, so never in a cycle.
        ELSIF (NEW.board_id, NEW.status) < (OLD.board_id, OLD.status) THEN
            PERFORM board_status_count_change(NEW.board_id, NEW.status, 1);
            PERFORM board_status_count_change(OLD.board_id, OLD.status, -1);
        ELSE
            PERFORM board_status_count_change(OLD.board_id, OLD.status, -1);
            PERFORM board_status_count_change(NEW.board_id, NEW.status, 1);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION board_status_count_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM board_status_count;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER board_status_count_on_insert_or_delete AFTER INSERT OR DELETE ON proposal
    FOR EACH ROW EXECUTE FUNCTION board_status_count_keep()
    """,
    """
    CREATE TRIGGER board_status_count_on_update AFTER UPDATE OF status, board_id ON proposal
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.board_id IS DISTINCT FROM NEW.board_id)
    EXECUTE FUNCTION board_status_count_keep()
    """,
    """
    CREATE TRIGGER board_status_count_on_truncate AFTER TRUNCATE ON proposal
    FOR EACH STATEMENT EXECUTE FUNCTION board_status_count_empty()
    """,
]

# SQLite serialises writers: no order of locks to keep.
SQLITE_COUNT_NEW = """
    INSERT INTO board_status_count (board_id, status, proposals) SELECT NEW.board_id, NEW.status, 1
    WHERE NEW.board_id IS NOT NULL ON CONFLICT (board_id, status) DO UPDATE SET proposals = proposals + 1;
"""
SQLITE_UNCOUNT_OLD = """
    UPDATE board_status_count SET proposals = proposals - 1 WHERE board_id = OLD.board_id AND status = OLD.status;
"""
SQLITE = [
    f"CREATE TRIGGER board_status_count_on_insert AFTER INSERT ON proposal BEGIN {SQLITE_COUNT_NEW} END",
    f"CREATE TRIGGER board_status_count_on_delete AFTER DELETE ON proposal BEGIN {SQLITE_UNCOUNT_OLD} END",
    f"""
    CREATE TRIGGER board_status_count_on_update AFTER UPDATE OF status, board_id ON proposal
    WHEN OLD.status IS NOT NEW.status OR OLD.board_id IS NOT NEW.board_id
    BEGIN {SQLITE_UNCOUNT_OLD} {SQLITE_COUNT_NEW} END
    """,
]

# After the triggers: creating them locked proposal against writers until this migration commits, so no change
# falls between the count and the triggers.
BACKFILL = """
    INSERT INTO board_status_count (board_id, status, proposals)
    SELECT board_id, status, count(*) FROM proposal WHERE board_id IS NOT NULL GROUP BY board_id, status
"""


def upgrade():
    op.create_table(
        "board_status_count",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("proposals", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["board.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("board_id", "status"),
    )
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)
    op.execute(BACKFILL)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for trigger in ("on_insert_or_delete", "on_update", "on_truncate"):
            op.execute(f"DROP TRIGGER board_status_count_{trigger} ON proposal")
        for function in ("keep()", "empty()", "change(integer, varchar, integer)"):
            op.execute(f"DROP FUNCTION board_status_count_{function}")
    else:
        for trigger in ("on_insert", "on_delete", "on_update"):
            op.execute(f"DROP TRIGGER board_status_count_{trigger}")
    op.drop_table("board_status_count")
