"""One transaction per use, its repositories, and the events it reports written in it (the outbox).

Each service's unit of work (`<service>.adapters.unit_of_work`) declares its repositories, bound to
the session when it opens, as cosmicpython's are: use cases read and write through `uow.<repository>`
and never touch the session, so their tests hand them one over an in-memory database
(`tests/in_memory.py`). Use cases `emit()` events of the registry (`portal_common.events`);
`commit()` writes them to the service's outbox table in the same transaction as the change, then
wakes the relay (`portal_common.outbox`) that publishes them.
"""

import contextlib
import copy
import datetime as dt
import json
import typing
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Self

from nameko_sqlalchemy import Database
from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from portal_common import request_context
from portal_common.db import make_engine
from portal_common.events import EventType, checked
from portal_common.outbox import OUTBOX_TABLE, OutboxRelay
from portal_common.prepared import insert_rows
from portal_common.repository import Repository

# What `commit()` (or a flush) raises when a row breaks a constraint of the database (a unique key a
# concurrent request took first), so that use cases can answer it without knowing the database library.
ConstraintViolated = IntegrityError

OUTBOX_STOP_SECONDS = 5  # a graceful stop publishes what is left, for at most this long


class UnitOfWork:
    """`with uow:` opens a session and the repositories on it; `commit()` is explicit, and leaving
    the block without it rolls back. Events are stamped with the request's actor and id."""

    repositories: ClassVar[dict[str, type[Repository]]] = {}  # the declared ones, by attribute name

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.repositories = {
            name: hint
            for name, hint in typing.get_type_hints(cls).items()
            if isinstance(hint, type) and issubclass(hint, Repository)
        }

    def __init__(
        self,
        session_factory: Callable[[], Session],
        outbox: Table | None = None,
        on_commit: Callable[[list[EventType]], None] | None = None,
        actor: str | None = None,
        request_id: str | None = None,
        producer: str | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.producer = producer  # the service whose outbox this is
        self._outbox = outbox
        self._on_commit = on_commit
        self.actor, self.request_id = actor, request_id
        self._pending: list[tuple[Any, dict[str, Any], Any]] = []
        self.session: Any = None  # an sqlalchemy Session inside `with uow:`

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self._pending = []
        self.open_repositories(self.session)
        return self

    def open_repositories(self, session: Session) -> None:
        """Binds every repository the service's unit of work declares (`subscriptions: Subscriptions`)
        to the session."""
        for name, repository in self.repositories.items():
            setattr(self, name, repository(session))

    def __exit__(self, *exc_info: object) -> None:
        # close() rolls back what was not committed and detaches the objects with their loaded
        # state intact (a rollback() would expire them), so use cases can still read them.
        self.session.close()
        self._pending = []

    def another(self) -> Self:
        """A unit of work of its own, of the same kind, for work that runs beside this one (a green
        thread)."""
        twin = copy.copy(self)
        twin.session, twin._pending = None, []
        return twin

    def as_system(self) -> Self:
        """A unit of work of its own for what the system does by itself, whichever request's worker
        started it: its events (and audit entries) carry no actor and no request id."""
        twin = self.another()
        twin.actor = twin.request_id = None
        return twin

    @contextlib.contextmanager
    def for_request(self, request_id: str | None) -> Iterator[None]:
        """Events staged inside carry `request_id`: work that stores what several requests sent at
        once (agents' reports) stamps each one's events with the request that caused them."""
        kept, self.request_id = self.request_id, request_id
        try:
            yield
        finally:
            self.request_id = kept

    def rollback(self) -> None:
        """Drop what the transaction holds so far and go on in a new one, inside the same `with uow:`."""
        self._pending = []
        self.session.rollback()

    def flush(self) -> None:
        """Send what the repositories hold so far (ids, constraints) without committing."""
        self.session.flush()

    def emit(
        self,
        event_type: EventType,
        entity_id: str,
        version: int,
        now: dt.datetime,
        as_actor: str | None = None,
        **data: Any,
    ) -> None:
        """Stage an event of the registry about the entity at `version`; written at commit. Its actor
        is the request's, or `as_actor` where no one is signed in yet (a sign-in)."""
        payload = event_type.envelope(entity_id, version, now, as_actor or self.actor, self.request_id, **data)
        self._pending.append((event_type, checked(event_type, payload), now))

    def commit(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            if self._outbox is None:
                raise RuntimeError("events emitted in a unit of work that has no outbox")
            insert_rows(
                self.session,
                self._outbox,
                [
                    {
                        "id": payload["event_id"],
                        "event_type": event_type.name,
                        "payload": json.dumps(payload),
                        "created_at": now,
                    }
                    for event_type, payload, now in pending
                ],
            )
        self.session.commit()
        if pending and self._on_commit is not None:
            self._on_commit([event_type for event_type, _, _ in pending])


class UnitOfWorkProvider(Database):
    """nameko-sqlalchemy's `Database` (same `DB_URIS` key, `<service>:<Base>`), handing each worker
    the service's unit of work, and running the service's outbox relay."""

    def __init__(self, declarative_base: Any, unit_of_work: type[UnitOfWork] = UnitOfWork, **options: Any) -> None:
        super().__init__(declarative_base, **options)
        self.unit_of_work = unit_of_work

    def setup(self) -> None:
        service_name = self.container.service_name
        key = f"{service_name}:{self.declarative_base.__name__}"
        self.db_uri = self.container.config["DB_URIS"][key]
        self.engine = make_engine(self.db_uri, **self.engine_options)
        self.Session = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.outbox = self.declarative_base.metadata.tables[OUTBOX_TABLE]
        self.relay = OutboxRelay(self.Session, self.outbox, self.container.config, service_name)

    def start(self) -> None:
        self.container.spawn_managed_thread(self.relay.run)

    def stop(self) -> None:
        self.relay.publish_what_is_left(OUTBOX_STOP_SECONDS)

    def get_dependency(self, worker_ctx: Any) -> UnitOfWork:
        actor, request_id = request_context.of_worker(worker_ctx)
        return self.unit_of_work(
            self.Session, self.outbox, self.relay.wake, actor, request_id, self.container.service_name
        )

    def worker_teardown(self, worker_ctx: Any) -> None:
        pass
