"""SQLite: each proposal's title and problem in an FTS5 index, kept by triggers, for proposals like one being written

On the embedded default, proposals like one being written were found by LIKE on each word typed and ordered by
supports, so common words decided the match ("Warm spaces for older people in winter" listed a careers fair and
potholes before "Warm spaces in winter"). FTS5 ranks by bm25, which weighs a word by how rare it is among the
proposals. The index holds the title and the problem (what the question pages send) of every proposal, drafts
too (engage.proposals.search.similar keeps to published ones), its rows the proposals' ids. The porter tokenizer
over unicode61 matches "pothole" with "potholes"; it leaves Bengali words whole (their vowel signs included).

An external-content table: the text stays in proposal; the triggers tell the index of every insert, change of title
or problem and delete, whoever makes them. PostgreSQL keeps its own full-text search (b7c1e2d3f4a5).

SQLite: a later batch migration that recreates proposal must drop these triggers first and create them again after
(as d9b1f3a5c7e2 says of its own).

Revision ID: c4e6a8b0d2f1
Revises: c7e1a9d3f5b2
Create Date: 2026-12-07 23:00:00

"""

from alembic import op

revision = "c4e6a8b0d2f1"
down_revision = "c7e1a9d3f5b2"
branch_labels = None
depends_on = None

# engage.proposals.search.SIMILAR reads this table; not in the models (SQLite only).
ADD = "INSERT INTO proposal_search (rowid, title, problem) VALUES (NEW.id, NEW.title, NEW.problem);"
REMOVE = (
    "INSERT INTO proposal_search (proposal_search, rowid, title, problem) "
    "VALUES ('delete', OLD.id, OLD.title, OLD.problem);"
)
SQLITE = [
    "CREATE VIRTUAL TABLE proposal_search USING fts5(title, problem, content='proposal', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER proposal_search_on_insert AFTER INSERT ON proposal BEGIN {ADD} END",
    f"CREATE TRIGGER proposal_search_on_delete AFTER DELETE ON proposal BEGIN {REMOVE} END",
    f"CREATE TRIGGER proposal_search_on_update AFTER UPDATE OF title, problem ON proposal BEGIN {REMOVE} {ADD} END",
    "INSERT INTO proposal_search (proposal_search) VALUES ('rebuild')",
]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS proposal_search_on_{trigger}")
        op.execute("DROP TABLE IF EXISTS proposal_search")
