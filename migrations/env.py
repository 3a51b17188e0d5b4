"""Alembic environment: the app's engine and the models' metadata, batch mode so SQLite can alter tables."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

db = current_app.extensions["migrate"].db
# Indexes (a column, a virtual table) made by hand in migrations, which Alembic cannot compare.
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
}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ in ("index", "column", "table") and name in HAND_MADE)


def run_migrations_offline() -> None:
    context.configure(url=db.engine.url, target_metadata=db.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logging.getLogger("alembic.env").info("No changes in schema detected.")

    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            process_revision_directives=skip_empty,
            render_as_batch=True,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
