"""Database plumbing every service uses: engines, and datetimes that are always aware UTC on the
Python side.

SQLite (the default) gets WAL, a busy timeout and foreign keys; PostgreSQL gets psycogreen so a
query waits cooperatively instead of stalling every greenthread of the process.
"""

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:  # it imports this module
    from portal_common.unit_of_work import UnitOfWork

SQLITE_BUSY_TIMEOUT_MS = 5000


class UtcDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite has no time zones), always returned aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


def _green_postgres():
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def with_driver(uri: str) -> str:
    """`postgresql://` means psycopg2 here (SQLAlchemy 2.1 would pick psycopg 3, which psycogreen
    does not make cooperative)."""
    if uri.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg2://" + uri.split("://", 1)[1]
    return uri


def make_engine(uri: str, **options: Any) -> Engine:
    uri = with_driver(uri)
    if uri.startswith("postgresql"):
        _green_postgres()
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 10)
        options.setdefault("pool_pre_ping", True)
    engine = create_engine(uri, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_once(uow: "UnitOfWork", make_row: Callable[[], Any]) -> None:
    """Insert a row in a transaction of its own, unless another request just did: on PostgreSQL two
    requests can both see the row missing, and the primary key decides. Lock and update it after."""
    with uow:
        uow.session.add(make_row())
        try:
            uow.commit()
        except IntegrityError:
            pass


def keep_newest(
    uow: "UnitOfWork",
    model: type[Any],
    key: Any,
    version: int,
    make_row: Callable[[], Any],
    apply: Callable[[Any], object],
) -> bool:
    """A row kept from another service's events: made once (by `make_row`, at version 0), then
    changed by `apply(row)` only when `version` is newer than the row's, so an event that arrives
    twice or late changes nothing. Answers whether it changed."""
    with uow:
        known = uow.session.get(model, key) is not None
    if not known:
        create_once(uow, make_row)
    with uow:
        row = uow.session.get(model, key, with_for_update=True)
        if version <= row.version:
            return False
        apply(row)
        row.version = version
        uow.commit()
        return True
