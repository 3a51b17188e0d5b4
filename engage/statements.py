"""What the lists' statements share: they are built once per process for each shape of filters (building one cost
more than running it), and take their values at each run."""

from functools import lru_cache

from sqlalchemy import BindParameter, Connection, Executable, Integer, bindparam, false, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

# A statement run with this option is planned for its own values at every run, never prepared: a person's words (a
# rare word and a common one need plans of their own, and once psycopg prepares a statement PostgreSQL may serve
# every run with one generic plan, 5 ms for a rare word where its own plan takes under 1).
PLANNED_EACH_RUN = {"planned_each_run": True}


def given(name: str, type_=None, *, ours: bool = True, expanding: bool = False) -> BindParameter:
    """A value the statement takes at each run. Ours (ids from the partnership's structure, a status of our own, a
    time, a page's numbers: nothing anyone typed) is written in at execution time, so the statement is the same text
    each time it is asked for: psycopg prepares it, and PostgreSQL plans it once per connection instead of at every
    request. What a person typed is bound, never SQL."""
    return bindparam(name, type_=type_, expanding=expanding, literal_execute=ours)


def state_of(value, found) -> str | None:
    """A filter's state: None when not asked for, "id" when its value was found, "unknown" when nobody has heard of
    it (then nothing matches)."""
    return None if not value else ("id" if found is not None else "unknown")


def equals(column, state: str | None, name: str, *, ours: bool = True):
    """A filter's condition: None for no condition; for "id", column = the value given as name; for "unknown",
    nothing."""
    return _filter(state, column == given(name, ours=ours))


def contains(column, state: str | None, name: str, *, ours: bool = True):
    """As equals, for a value that is part of the column's text: strpos(column, the value) > 0. (PostgreSQL checks
    it for each row a walk of an index reads, the call to action filters' thousands: strpos takes two thirds of the
    time LIKE '%' || the value || '%' takes, and that was more than the walk itself.)"""
    return _filter(state, func.strpos(column, given(name, column.type, ours=ours)) > literal_column("0"))


class strpos(GenericFunction):  # noqa: N801 (named as the SQL function, which func.strpos finds)
    """strpos(text, part): where part starts in text, counted from 1, or 0 when it is not there."""

    type = Integer()
    inherit_cache = True


@compiles(strpos, "sqlite")
def _instr(element, compiler, **kw) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"  # SQLite's name for it


def _filter(state: str | None, condition):
    return None if state is None else (false() if state == "unknown" else condition)


def plan_each_run(cursor, statement, parameters, context) -> bool | None:
    """The engine's do_execute (psycopg): a statement with PLANNED_EACH_RUN is sent unprepared."""
    if context.execution_options.get("planned_each_run"):
        cursor.execute(statement, parameters, prepare=False)
        return True
    return None


def rows(connection: Connection, statement: Executable, values: dict) -> list[tuple]:
    """A statement's rows, every value in it ours (see given), as plain tuples. On PostgreSQL it runs straight on the
    connection's psycopg connection, as the text SQLAlchemy writes with those values, kept per process for each
    statement and values (a board's queue is asked for the same pages over and over): SQLAlchemy neither writes the
    text again nor wraps the cursor and each row in its own objects, 0.65 M instructions of a queue page's 8.9 M.
    The engine's before_cursor_execute listeners still hear of it (tests count statements with them). SQLite, the
    embedded default, returns times as text that SQLAlchemy turns into datetimes: there it runs through SQLAlchemy."""
    if connection.dialect.name != "postgresql":
        return connection.execute(statement, values).all()
    text = _written(statement, tuple((name, _frozen(value)) for name, value in values.items()), connection.dialect)
    dbapi = connection.connection.dbapi_connection
    listeners = connection.engine.dispatch.before_cursor_execute
    with dbapi.cursor() as cursor:
        if listeners:
            listeners(connection, cursor, text, None, None, False)
        return cursor.execute(text).fetchall()


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


@lru_cache(maxsize=2048)
def _written(statement: Executable, values: tuple, dialect) -> str:
    """The statement's text with its values written in, refusing any given at run time that is not ours (the values
    fixed in it, a separator say, are the code's own)."""
    binds = statement.compile(dialect=dialect).binds.values()
    theirs = [bind.key for bind in binds if bind.required and not bind.literal_execute]
    if theirs:
        raise ValueError(f"values someone typed are bound, never written into SQL: {theirs}")
    return str(statement.params(dict(values)).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
