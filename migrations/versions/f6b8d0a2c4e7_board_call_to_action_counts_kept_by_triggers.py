"""Each board's proposals per call to action and status, counted once and kept by triggers on proposal

A board's queue filtered by a call to action counted its matches by finding the first 1,001 of them (its heading
then said "More than 1000"), so a deep page (bench/board_queue.py: call to action 3, page 40, 10,000 proposals in the
queue) materialised, counted and sorted a thousand rows again on every request. With these counters, kept as
board_status_count is (f4d2a7c9e1b3) from each proposal's call_to_action_ids (d9b1f3a5c7e2), the page says exactly how
many match and walks only to its own rows.

The trigger fires on a change of a proposal's board, status or calls to action (the column, which the triggers on
proposal_priority write), whoever makes it. PostgreSQL: one statement writes a change's net counts, in the order of
their keys, so transactions changing the same counters take their locks in one order and never deadlock. SQLite
serialises writers: a decrement, then an increment.

Revision ID: f6b8d0a2c4e7
Revises: e5a7c9b1d3f6
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f6b8d0a2c4e7"
down_revision = "e5a7c9b1d3f6"
branch_labels = None
depends_on = None

# A row's counters as (board, priority, status, change): one for each of its calls to action.
POSTGRESQL_COUNTERS = """
    SELECT {row}.board_id, unnest(string_to_array(trim(BOTH ',' FROM {row}.call_to_action_ids), ','))::integer,
           {row}.status, {change}
"""
POSTGRESQL = [
    f"""
    CREATE FUNCTION board_call_to_action_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- OLD is NULL in an INSERT's trigger, NEW in a DELETE's: their counters are none.
        INSERT INTO board_call_to_action_count (board_id, priority_id, status, proposals)
        SELECT board_id, priority_id, status, sum(change) FROM (
            {POSTGRESQL_COUNTERS.format(row="OLD", change=-1)}
            UNION ALL
            {POSTGRESQL_COUNTERS.format(row="NEW", change=1)}
        ) AS changes (board_id, priority_id, status, change)
        WHERE board_id IS NOT NULL
        GROUP BY board_id, priority_id, status
        HAVING sum(change) <> 0
        ORDER BY board_id, priority_id, status
        ON CONFLICT (board_id, priority_id, status)
        DO UPDATE SET proposals = board_call_to_action_count.proposals + excluded.proposals;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION board_call_to_action_count_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM board_call_to_action_count;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER board_call_to_action_count_on_insert_or_delete AFTER INSERT OR DELETE ON proposal
    FOR EACH ROW EXECUTE FUNCTION board_call_to_action_count_keep()
    """,
    """
    CREATE TRIGGER board_call_to_action_count_on_update AFTER UPDATE OF status, board_id, call_to_action_ids
    ON proposal FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.board_id IS DISTINCT FROM NEW.board_id
        OR OLD.call_to_action_ids IS DISTINCT FROM NEW.call_to_action_ids
    ) EXECUTE FUNCTION board_call_to_action_count_keep()
    """,
    """
    CREATE TRIGGER board_call_to_action_count_on_truncate AFTER TRUNCATE ON proposal
    FOR EACH STATEMENT EXECUTE FUNCTION board_call_to_action_count_empty()
    """,
]

# A row's calls to action as a JSON array, ",3,5," as [3,5] (NULL, no rows, for none).
SQLITE_IDS = "json_each('[' || trim({row}.call_to_action_ids, ',') || ']')"
SQLITE_COUNT_NEW = f"""
    INSERT INTO board_call_to_action_count (board_id, priority_id, status, proposals)
    SELECT NEW.board_id, value, NEW.status, 1 FROM {SQLITE_IDS.format(row="NEW")} WHERE NEW.board_id IS NOT NULL
    ON CONFLICT (board_id, priority_id, status) DO UPDATE SET proposals = proposals + 1;
"""
SQLITE_UNCOUNT_OLD = f"""
    UPDATE board_call_to_action_count SET proposals = proposals - 1
    WHERE board_id = OLD.board_id AND status = OLD.status
    AND priority_id IN (SELECT value FROM {SQLITE_IDS.format(row="OLD")});
"""
SQLITE = [
    f"CREATE TRIGGER board_call_to_action_count_on_insert AFTER INSERT ON proposal BEGIN {SQLITE_COUNT_NEW} END",
    f"CREATE TRIGGER board_call_to_action_count_on_delete AFTER DELETE ON proposal BEGIN {SQLITE_UNCOUNT_OLD} END",
    f"""
    CREATE TRIGGER board_call_to_action_count_on_update AFTER UPDATE OF status, board_id, call_to_action_ids
    ON proposal WHEN OLD.status IS NOT NEW.status OR OLD.board_id IS NOT NEW.board_id
    OR OLD.call_to_action_ids IS NOT NEW.call_to_action_ids
    BEGIN {SQLITE_UNCOUNT_OLD} {SQLITE_COUNT_NEW} END
    """,
]

# After the triggers: creating them locked proposal against writers until this migration commits.
POSTGRESQL_BACKFILL = """
    INSERT INTO board_call_to_action_count (board_id, priority_id, status, proposals)
    SELECT board_id, priority_id, status, count(*) FROM (
        SELECT board_id, unnest(string_to_array(trim(BOTH ',' FROM call_to_action_ids), ','))::integer, status
        FROM proposal WHERE board_id IS NOT NULL
    ) AS counters (board_id, priority_id, status)
    GROUP BY board_id, priority_id, status
"""
SQLITE_BACKFILL = f"""
    INSERT INTO board_call_to_action_count (board_id, priority_id, status, proposals)
    SELECT board_id, value, status, count(*) FROM proposal, {SQLITE_IDS.format(row="proposal")}
    WHERE board_id IS NOT NULL GROUP BY board_id, value, status
"""


def upgrade():
    op.create_table(
        "board_call_to_action_count",
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("proposals", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["board_id"], ["board.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["priority_id"], ["priority.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("board_id", "priority_id", "status"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)
    op.execute(POSTGRESQL_BACKFILL if postgresql else SQLITE_BACKFILL)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for trigger in ("on_insert_or_delete", "on_update", "on_truncate"):
            op.execute(f"DROP TRIGGER board_call_to_action_count_{trigger} ON proposal")
        op.execute("DROP FUNCTION board_call_to_action_count_keep(), board_call_to_action_count_empty()")
    else:
        for trigger in ("on_insert", "on_delete", "on_update"):
            op.execute(f"DROP TRIGGER board_call_to_action_count_{trigger}")
    op.drop_table("board_call_to_action_count")
