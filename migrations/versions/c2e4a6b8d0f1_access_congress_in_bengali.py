"""A congress's title, venue and access information, and a workshop's title, in Bengali as well

Revision ID: c2e4a6b8d0f1
Revises: c8d4e2f6a0b9
Create Date: 2026-12-07 23:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c2e4a6b8d0f1"
down_revision = "c8d4e2f6a0b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("congress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_bn", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("venue_bn", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("venue_access_bn", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_bn", sa.String(length=200), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("title_bn")
    with op.batch_alter_table("congress", schema=None) as batch_op:
        batch_op.drop_column("venue_access_bn")
        batch_op.drop_column("venue_bn")
        batch_op.drop_column("title_bn")
