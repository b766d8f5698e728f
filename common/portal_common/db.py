"""Database plumbing every service uses: one engine per service from `DB_URIS`, a unit of work per
use, and datetimes that are always aware UTC on the Python side.

SQLite (the default) gets WAL, a busy timeout and foreign keys; PostgreSQL gets psycogreen so a
query waits cooperatively instead of stalling every greenthread of the process.
"""
import datetime as dt

from nameko_sqlalchemy import Database
from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 5000


class UtcDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite has no time zones), always returned aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
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


def with_driver(uri):
    """`postgresql://` means psycopg2 here (SQLAlchemy 2.1 would pick psycopg 3, which psycogreen
    does not make cooperative)."""
    if uri.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg2://" + uri.split("://", 1)[1]
    return uri


def make_engine(uri, **options):
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


class UnitOfWork:
    """One transaction. `commit()` is explicit; leaving the block without it rolls back.

    Use cases `emit()` domain events; only events of a committed transaction are handed on through
    `committed_events`, for the service to dispatch after commit.
    """

    def __init__(self, session_factory):
        self._session_factory = session_factory
        self._pending = []
        self.committed_events = []
        self.session = None

    def __enter__(self):
        self.session = self._session_factory()
        self._pending = []
        return self

    def __exit__(self, *exc_info):
        # close() rolls back what was not committed and detaches the objects with their loaded
        # state intact (a rollback() would expire them), so use cases can still read them.
        self.session.close()
        self._pending = []

    def commit(self):
        self.session.commit()
        self.committed_events.extend(self._pending)
        self._pending = []

    def emit(self, event_type, payload):
        self._pending.append((event_type, payload))

    def take_events(self):
        events, self.committed_events = self.committed_events, []
        return events


def create_once(uow, make_row):
    """Insert a row in a transaction of its own, unless another request just did: on PostgreSQL two
    requests can both see the row missing, and the primary key decides. Lock and update it after."""
    with uow:
        uow.session.add(make_row())
        try:
            uow.commit()
        except IntegrityError:
            pass


class UnitOfWorkProvider(Database):
    """nameko-sqlalchemy's `Database` (same `DB_URIS` key, `<service>:<Base>`), handing each worker
    a `UnitOfWork` instead of a long-lived session."""

    def setup(self):
        service_name = self.container.service_name
        key = f"{service_name}:{self.declarative_base.__name__}"
        self.db_uri = self.container.config["DB_URIS"][key]
        self.engine = make_engine(self.db_uri, **self.engine_options)
        self.Session = sessionmaker(bind=self.engine, expire_on_commit=False)

    def get_dependency(self, worker_ctx):
        return UnitOfWork(self.Session)

    def worker_teardown(self, worker_ctx):
        pass
