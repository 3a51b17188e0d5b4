"""Each proposal's calls to action on its own row, kept by triggers on proposal_priority

The public list's and a board's queue's call to action filters checked each proposal's links one by one (an EXISTS
probe of pk_proposal_priority per proposal walked), and each card and queue row read its calls to action with a
subquery. proposal.call_to_action_ids holds its calls to action's priority ids in position order, each between
commas (",3,5,"; NULL for none), so a filter is `call_to_action_ids LIKE '%,3,%'` on the row (or, on PostgreSQL,
the queue's index) already read. The database keeps it, in the same transaction as each insert, delete and update of
a link, so every writer keeps it right: the services, the demo loader, tests' fixtures and the benchmarks' COPY
alike. A trigger writes the whole list again from the links (a proposal has a few), never edits it. The app never
writes it (engage.proposals.models.Proposal).

PostgreSQL: the trigger first locks the proposal's row, then reads its links in a statement of its own, so it sees
the links of a transaction that changed them at the same time and committed first; without the lock each would
write only the links it saw. The queue's index carries the column, so a queue filtered by a call to action walks it
without reading the table; so does the index of published proposals by id, which the public list filtered by a call
to action counts from (b4e6f8a0c2d5).

SQLite: a later batch migration that recreates proposal_priority drops these triggers, and one that recreates
proposal fails at its last step (renaming the copy to proposal: SQLite checks the triggers that name it, and the old
table is gone): such a migration drops them first and creates them again after (the tests that compare the column
with the links run on the migrated schema and would fail).

Revision ID: d9b1f3a5c7e2
Revises: c6a8e0b2d4f7
Create Date: 2026-11-23 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d9b1f3a5c7e2"
down_revision = "c6a8e0b2d4f7"
branch_labels = None
depends_on = None

# One proposal's list, from its links: NULL when it has none (the concatenation of a NULL).
POSTGRESQL_LIST = """
    (SELECT ',' || string_agg(priority_id::text, ',' ORDER BY position) || ','
     FROM proposal_priority WHERE proposal_id = {proposal})
"""
# SQLite before 3.44 has no ORDER BY in an aggregate: group_concat follows its ordered subquery.
SQLITE_LIST = """
    (SELECT ',' || group_concat(priority_id, ',') || ','
     FROM (SELECT priority_id FROM proposal_priority WHERE proposal_id = {proposal} ORDER BY position))
"""

POSTGRESQL = [
    f"""
    CREATE FUNCTION call_to_action_ids_write(changed integer) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- Waits for a transaction changing this proposal's links too; the UPDATE, a statement of its own, then
        -- reads them with what that transaction committed.
        PERFORM FROM proposal WHERE id = changed FOR NO KEY UPDATE;
        UPDATE proposal SET call_to_action_ids = {POSTGRESQL_LIST.format(proposal="changed")} WHERE id = changed;
    END $$
    """,
    """
    CREATE FUNCTION call_to_action_ids_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            PERFORM call_to_action_ids_write(NEW.proposal_id);
        END IF;
        IF TG_OP = 'DELETE' OR OLD.proposal_id <> NEW.proposal_id THEN
            PERFORM call_to_action_ids_write(OLD.proposal_id);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION call_to_action_ids_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE proposal SET call_to_action_ids = NULL WHERE call_to_action_ids IS NOT NULL;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER call_to_action_ids_on_change AFTER INSERT OR UPDATE OR DELETE ON proposal_priority
    FOR EACH ROW EXECUTE FUNCTION call_to_action_ids_keep()
    """,
    """
    CREATE TRIGGER call_to_action_ids_on_truncate AFTER TRUNCATE ON proposal_priority
    FOR EACH STATEMENT EXECUTE FUNCTION call_to_action_ids_empty()
    """,
]

# SQLite serialises writers: nothing to lock.
SQLITE_WRITE = f"""
    UPDATE proposal SET call_to_action_ids = {SQLITE_LIST.format(proposal="proposal.id")} WHERE id IN ({{changed}});
"""
SQLITE = [
    f"""
    CREATE TRIGGER call_to_action_ids_on_insert AFTER INSERT ON proposal_priority
    BEGIN {SQLITE_WRITE.format(changed="NEW.proposal_id")} END
    """,
    f"""
    CREATE TRIGGER call_to_action_ids_on_delete AFTER DELETE ON proposal_priority
    BEGIN {SQLITE_WRITE.format(changed="OLD.proposal_id")} END
    """,
    f"""
    CREATE TRIGGER call_to_action_ids_on_update AFTER UPDATE ON proposal_priority
    BEGIN {SQLITE_WRITE.format(changed="OLD.proposal_id, NEW.proposal_id")} END
    """,
]

# After the triggers: creating them locked proposal_priority against writers until this migration commits, so no
# change falls between the backfill and the triggers.
BACKFILL = "UPDATE proposal SET call_to_action_ids = {list} WHERE id IN (SELECT proposal_id FROM proposal_priority)"

POSTGRESQL_DROPS = [
    "DROP TRIGGER call_to_action_ids_on_change ON proposal_priority",
    "DROP TRIGGER call_to_action_ids_on_truncate ON proposal_priority",
    "DROP FUNCTION call_to_action_ids_keep(), call_to_action_ids_empty(), call_to_action_ids_write(integer)",
]
SQLITE_DROPS = [f"DROP TRIGGER call_to_action_ids_on_{event}" for event in ("insert", "delete", "update")]

QUEUE = ["board_id", "submitted_at", "id"]
PUBLISHED = "WHERE hidden_at IS NULL AND status <> 'draft'"  # engage.proposals.search.PUBLISHED


def indexes_carrying(columns: list[str]) -> None:
    """PostgreSQL: the board's queue index (after the status) and the published proposals' by id carry `columns`."""
    op.drop_index("ix_proposal_board_queue", table_name="proposal")
    op.create_index("ix_proposal_board_queue", "proposal", QUEUE, postgresql_include=["status", *columns])
    op.execute("DROP INDEX ix_proposal_published_id")
    include = f"INCLUDE ({', '.join(columns)})" if columns else ""
    op.execute(f"CREATE INDEX ix_proposal_published_id ON proposal (id) {include} {PUBLISHED}")


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("proposal", sa.Column("call_to_action_ids", sa.Text(), nullable=True))  # SQLite: no recreation
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)
    op.execute(BACKFILL.format(list=(POSTGRESQL_LIST if postgresql else SQLITE_LIST).format(proposal="proposal.id")))
    if postgresql:
        indexes_carrying(["call_to_action_ids"])


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        indexes_carrying([])
    for statement in POSTGRESQL_DROPS if postgresql else SQLITE_DROPS:
        op.execute(statement)
    op.drop_column("proposal", "call_to_action_ids")  # SQLite: ALTER TABLE ... DROP COLUMN, no recreation
