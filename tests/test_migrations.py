"""`flask db upgrade` on an empty database gives exactly the models' schema, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from support import DATABASE_URL, drop_database, make_database, need

from engage import create_app
from engage.extensions import db

HAND_MADE = {
    "ix_proposal_fulltext",
    "ix_proposal_title_trigram",
    "ix_proposal_published_newest",
    "ix_proposal_published_supported",
    "ix_proposal_ward_supported",
    "ix_proposal_published_id",
    "ix_proposal_board_status_age",
    "ix_proposal_board_supported",
    "ix_proposal_board_open",
    "ix_queued_call_to_action_open",
    "ix_proposal_search_document",
    "search_document",  # proposal's generated full-text column, PostgreSQL only
    # proposal's FTS5 index and its shadow tables, SQLite only (c4e6a8b0d2f1)
    "proposal_search",
    "proposal_search_data",
    "proposal_search_idx",
    "proposal_search_docsize",
    "proposal_search_config",
}  # made by hand in its migration, as in migrations/env.py


def included_differences(connection) -> list:
    """Alembic does not compare an index's INCLUDE columns (PostgreSQL): the models' against the database's."""
    if connection.dialect.name != "postgresql":
        return []
    made = dict(connection.execute(text("SELECT indexname, indexdef FROM pg_indexes")).all())
    wanted = {
        index.name: f"INCLUDE ({', '.join(index.dialect_options['postgresql']['include'])})"
        for table in db.metadata.tables.values()
        for index in table.indexes
        if index.dialect_options["postgresql"]["include"]
    }
    return [(name, include, made.get(name)) for name, include in wanted.items() if include not in made.get(name, "")]


def schema_differences(url: str) -> list:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENGAGE_ENV": "test"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            opts = {"compare_type": True, "include_object": lambda o, name, type_, *_: name not in HAND_MADE}
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, db.metadata) + included_differences(connection)
        downgrade(revision="base")
        db.engine.dispose()
    return differences


def test_migrations_match_the_models_on_sqlite(tmp_path):
    assert schema_differences(f"sqlite:///{tmp_path / 'fresh.db'}") == []


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql():
    need("database", DATABASE_URL)
    url = make_database(DATABASE_URL, "migrations")
    try:
        assert schema_differences(url) == []
    finally:
        drop_database(url)
