"""The unit of work of use-case tests: a service's own unit of work, with its repositories, over
its tables in an in-memory SQLite database, and the events its use cases stage read back from the
outbox they were written to. No broker, no other service, no HTTP: a use case runs in milliseconds,
so a service's own rules are tested here and the end-to-end suite keeps what crosses services.

The fake is the database under the repositories, not the repositories: billing's conditional
updates (a renewal won once, an inventory subscription claimed once) are rules of their own, and a
dict standing in for them would test a second implementation of them rather than the one that runs.
"""

import json
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.pool import StaticPool

from portal_common.outbox import OUTBOX_TABLE
from portal_common.unit_of_work import UnitOfWork

ACTOR = "employee-1"
REQUEST_ID = "request-1"

UnitOfWorkT = TypeVar("UnitOfWorkT", bound=UnitOfWork)


def _foreign_keys_on(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def in_memory(
    unit_of_work: type[UnitOfWorkT], base: type[DeclarativeBase], producer: str, actor: str | None = ACTOR
) -> UnitOfWorkT:
    """The service's `unit_of_work` over a fresh in-memory database of `base`'s tables, as a worker
    of `producer` signed in as `actor` (None: the system) would get it."""
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _foreign_keys_on)
    base.metadata.create_all(engine)
    recording = type(f"InMemory{unit_of_work.__name__}", (RecordingUnitOfWork, unit_of_work), {})
    uow = recording(
        sessionmaker(bind=engine, expire_on_commit=False),
        base.metadata.tables[OUTBOX_TABLE],
        actor=actor,
        request_id=REQUEST_ID if actor else None,
        producer=producer,
    )
    uow.engine = engine
    return uow


class RecordingUnitOfWork(UnitOfWork):
    """What a test reads back of the use cases it ran. One connection is shared by every session of
    the test (`StaticPool`), so the database lives as long as the engine; the use cases run one
    after the other, as a worker runs them."""

    commits = 0
    engine: Engine

    def commit(self) -> None:
        super().commit()
        self.commits += 1

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The envelopes committed so far (of one type, if given), oldest first."""
        return [payload for name, payload in self._outbox_rows() if event_type in (None, name)]

    def activity(self) -> list[tuple[str, str]]:
        """The audit entries committed so far, as (type, summary)."""
        return [
            (payload["type"], payload["summary"]) for name, payload in self._outbox_rows() if name.endswith("_activity")
        ]

    def _outbox_rows(self) -> list[tuple[str, dict[str, Any]]]:
        table = self._outbox
        assert table is not None
        with self.engine.connect() as connection:
            rows = connection.execute(select(table.c.event_type, table.c.payload).order_by(table.c.id)).all()
        return [(name, json.loads(payload)) for name, payload in rows]
