"""pg_trgm for proposals whose titles look alike (PostgreSQL only, where the database lets us install it)

Revision ID: c3f1d2a9b7e4
Revises: a086a73eee2b
Create Date: 2026-11-22 19:40:00

"""

from alembic import op

revision = "c3f1d2a9b7e4"
down_revision = "a086a73eee2b"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # Without the privilege to install it, similar proposals fall back to full-text matching alone.
    op.execute(
        """
        DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE INDEX IF NOT EXISTS ix_proposal_title_trigram ON proposal USING gin (title gin_trgm_ops);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_trgm is not available: similar proposals use full-text search only';
        END
        $$;
        """
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_proposal_title_trigram")
