"""A statement whose values are all ours runs as its text with them written in (engage.statements.rows)."""

import pytest
from sqlalchemy import select
from support import DATABASE_URL, QueryCounter, need

from engage.extensions import db
from engage.partnership.models import Board
from engage.statements import given, rows

BOARD = Board.__table__
# The boards with some ids, and a text fixed in the statement (a separator, as the queue's counters have).
NAMED = (
    select(BOARD.c.slug, BOARD.c.slug + " · " + BOARD.c.slug)
    .where(BOARD.c.id.in_(given("ids", expanding=True)), BOARD.c.tier != given("tier"))
    .order_by(BOARD.c.id)
)


def test_rows_are_sqlalchemys_for_each_of_its_values_and_listeners_hear_of_them(app):
    """Kept per statement and values: other values are other rows, never the text of the first. Whatever runs it,
    the engine's listeners (and so the tests' statement counts) hear of each run."""
    with app.app_context():
        connection = db.session.connection()
        ids = db.session.scalars(select(BOARD.c.id).order_by(BOARD.c.id)).all()
        for chosen in (ids[:2], ids[1:4], ids[:2], [0]):
            values = {"ids": chosen, "tier": "no such tier"}
            with QueryCounter(db.engine) as counter:
                found = rows(connection, NAMED, values)
            assert [tuple(row) for row in found] == [tuple(row) for row in connection.execute(NAMED, values)]
            assert len(found) == len(chosen) - (0 in chosen) and counter.count == 1
        assert found == [] and rows(connection, NAMED, {"ids": ids[:1], "tier": "no such tier"})[0][1].count("·") == 1


@pytest.mark.postgres
def test_a_value_someone_typed_is_never_written_into_sql(app):
    need("database", DATABASE_URL)
    typed = select(BOARD.c.slug).where(BOARD.c.slug == given("slug", ours=False))
    with app.app_context(), pytest.raises(ValueError, match="slug"):
        rows(db.session.connection(), typed, {"slug": "'; DROP TABLE board; --"})
