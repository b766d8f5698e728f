"""Statements a hot path runs on every request, compiled once for the database's dialect and run on
the session's own DB-API connection, inside its transaction.

SQLAlchemy's execution of a prebuilt Core statement costs several times the query itself (measured
here on SQLite, a lookup by key: about 50 µs against 6), for an execution context, its parameters
and a result object rebuilt each time; a sale runs a dozen statements. What it converts stays
converted as SQLAlchemy converts it: every value, None included, goes through its column type's own
processors for the dialect (aware datetimes, JSON, SQLite's booleans), and the SQL is the dialect's
compilation of the same statement (a fixed `IN` list included). A driver's error is raised as
SQLAlchemy raises it (a broken constraint is an `IntegrityError`).

What it does not do, and refuses where it could matter: a list given as a parameter (an expanding
`bindparam`), a parameter name the driver would need escaped, a Numeric or Float column read back
(psycopg2's converter for it depends on what the driver reports), a default computed at insert.
Statement events are not fired (none are listened to here), a converter's own error (a naive
datetime) is raised as it is rather than as a `StatementError`, and a lost connection is found by the
session's next use rather than marked at once. Where SQLAlchemy sends several rows as one INSERT
(psycopg2), `insert_rows` leaves several rows to it.
"""

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import ColumnDefault, Numeric, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

Row = tuple[Any, ...]


@dataclasses.dataclass(frozen=True)
class _Compiled:
    """A statement as one dialect runs it."""

    sql: str
    required: frozenset[str]  # the parameters each call gives
    order: tuple[str, ...] | None  # a positional driver's order of them; None: it takes a mapping
    fixed: dict[str, Any]  # the values compiled into the statement (an IN list's), processed
    binders: dict[str, Callable[[Any], Any]]  # by parameter: its type's processor for the driver
    loaders: tuple[Callable[[Any], Any] | None, ...]  # by column of the rows it answers

    def arguments(self, params: Mapping[str, Any]) -> Any:
        missing = self.required - params.keys()
        if missing:
            raise ValueError(f"parameters missing: {sorted(missing)}")
        values = dict(self.fixed)
        for name, value in params.items():
            process = self.binders.get(name)
            values[name] = value if process is None else process(value)
        return values if self.order is None else [values[name] for name in self.order]

    def loaded(self, rows: Iterable[Row]) -> list[Row]:
        if not any(self.loaders):
            return [tuple(row) for row in rows]
        return [
            tuple(value if load is None else load(value) for load, value in zip(self.loaders, row, strict=True))
            for row in rows
        ]


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
    binds = compiled.binds
    required = frozenset(name for name, bind in binds.items() if bind.required)
    if any(binds[name].expanding for name in required):
        raise ValueError("a list given as a parameter is not prepared: run the statement through the session")
    expanded = compiled.construct_expanded_state(dict.fromkeys(required))
    if not required <= expanded.parameters.keys():  # a name the driver needs escaped: not handled here
        raise ValueError(f"parameter names the driver escapes: {sorted(required - expanded.parameters.keys())}")
    binders = {}
    for name, bind in binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            for each in expanded.parameter_expansion.get(name, [name]):
                binders[each] = process
    fixed = {
        name: binders[name](value) if name in binders else value
        for name, value in expanded.parameters.items()
        if name not in required
    }
    columns = getattr(statement, "exported_columns", ())
    if any(isinstance(column.type, Numeric) for column in columns):
        raise ValueError("a Numeric or Float column read back is not prepared: run the statement through the session")
    return _Compiled(
        sql=expanded.statement,
        required=required,
        order=tuple(expanded.positiontup or ()) if compiled.positional else None,
        fixed=fixed,
        binders={name: process for name, process in binders.items() if name in required},
        loaders=tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns),
    )


class Prepared:
    """A Core statement, compiled the first time it runs on a dialect. `rows()` answers what it
    selects (or returns) as tuples; `run_many()` runs it once per set of parameters (an INSERT of
    several rows)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[Dialect, _Compiled] = {}  # an engine's: a process keeps its engines

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect)
        if compiled is None:
            compiled = self._by_dialect[dialect] = _compile(self.statement, dialect)
        return compiled

    def rows(self, session: Session, **params: Any) -> list[Row]:
        with self._cursor(session) as (compiled, cursor):
            cursor.execute(compiled.sql, compiled.arguments(params))
            return compiled.loaded(cursor.fetchall()) if cursor.description else []

    def run_many(self, session: Session, params: Sequence[Mapping[str, Any]]) -> None:
        with self._cursor(session) as (compiled, cursor):
            cursor.executemany(compiled.sql, [compiled.arguments(each) for each in params])

    @contextlib.contextmanager
    def _cursor(self, session: Session) -> Iterator[tuple[_Compiled, Any]]:
        """The statement for the session's database, and a cursor in the session's transaction; the
        driver's errors raised as SQLAlchemy raises them (a broken constraint is an IntegrityError)."""
        connection = session.connection()
        dialect = connection.dialect
        compiled = self._for(dialect)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            yield compiled, cursor
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(compiled.sql, None, error, dialect.loaded_dbapi.Error, dialect=dialect) from error
        finally:
            cursor.close()


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (values by column name, the same columns in each) in the session's
    transaction, with the Python-side defaults of the columns they leave out, as SQLAlchemy writes
    them (a default computed at insert is refused); a column with neither takes the database's
    default, or NULL."""
    if not rows:
        return
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError("rows inserted together have the same columns set")
    statement, defaults = _insert_of(table, frozenset(rows[0]))
    if len(rows) > 1 and session.get_bind().dialect.use_insertmanyvalues_wo_returning:
        session.execute(insert(table), rows)  # one INSERT of them all, not a round trip each
    else:
        statement.run_many(session, [{**defaults, **row} for row in rows])


@functools.cache
def _insert_of(table: Table, columns: frozenset[str]) -> tuple[Prepared, dict[str, Any]]:
    defaults = {}
    for column in table.columns:
        default = column.default
        if column.name not in columns and default is not None:
            if not isinstance(default, ColumnDefault) or not default.is_scalar:
                raise ValueError(f"{table.name}.{column.name}: a default computed at insert is not prepared")
            defaults[column.name] = default.arg
    names = sorted(columns | defaults.keys())
    statement = insert(table).values({name: bindparam(name, type_=table.columns[name].type) for name in names})
    return Prepared(statement), defaults
