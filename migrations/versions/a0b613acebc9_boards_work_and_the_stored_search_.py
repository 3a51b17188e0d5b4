"""Boards' work and the stored search column, together

Revision ID: a0b613acebc9
Revises: 3ff7b234d365, b7c1e2d3f4a5
Create Date: 2026-11-22 22:01:30.180904

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a0b613acebc9'
down_revision = ('3ff7b234d365', 'b7c1e2d3f4a5')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
