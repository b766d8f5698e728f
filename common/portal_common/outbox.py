"""The transactional outbox: an event is a row written in the same transaction as the change it
reports, and a relay publishes the rows in batches with publisher confirms, then deletes them (events
of one type that were waiting together travel in one message: `portal_common.event_messages`).

A crash between the commit and the publish delays the event, never loses it: the relay of the
restarted service (or of another instance) publishes what is left. The relay is woken by every
commit that wrote an event, and also looks every `OUTBOX_POLL_SECONDS` for rows a failure left.
Several instances on PostgreSQL claim rows with `FOR UPDATE SKIP LOCKED`, so no two publish the same
row at once; on SQLite (one instance) the relay is the process's only publisher. Delivery stays at
least once: a row published whose delete did not commit is published again, and consumers keep only
what is newer.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import eventlet
from eventlet.event import Event
from kombu import Exchange, Queue
from sqlalchemy import Column, MetaData, String, Table, Text, delete, func, select
from sqlalchemy.orm import Session

from portal_common import event_messages, metrics
from portal_common.batch_publisher import BatchPublisher
from portal_common.db import UtcDateTime
from portal_common.events import REGISTRY, EventType

log = logging.getLogger(__name__)
OUTBOX_TABLE = "outbox"
OUTBOX_BATCH = 100  # rows published per transaction
OUTBOX_POLL_SECONDS = 1.0  # how soon rows left by a failure (broker away, crash) are tried again
# Woken by a commit, the relay waits this long for the commits just behind it: under load they travel
# in the same messages (an order's three events with the next orders'), one delivery for several.
# Not for an event a broadcast queue reads (a session's access changed): that one goes at once.
OUTBOX_GATHER_SECONDS = 0.005


def outbox_table(metadata: MetaData) -> Table:
    """The outbox of the service whose tables are in `metadata` (each service has its own)."""
    return Table(
        OUTBOX_TABLE,
        metadata,
        Column("id", String(26), primary_key=True),  # the event's id: sorts by creation time
        Column("event_type", String(64), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
    )


def event_exchange(service_name: str) -> Exchange:
    """nameko's `<service>.events` topic exchange, declared as its event handlers declare it."""
    return Exchange(f"{service_name}.events", type="topic", durable=True, auto_delete=False)


class OutboxRelay:
    def __init__(
        self, session_factory: Callable[[], Session], table: Table, config: Mapping[str, Any], service_name: str
    ) -> None:
        self.session_factory = session_factory
        self.table = table
        self.service_name = service_name
        self.exchange = event_exchange(service_name)
        consumers_queues = [
            Queue(queue, exchange=self.exchange, routing_key=event.name, durable=True)
            for event in REGISTRY.values()
            if event.producer == service_name
            for queue in event.queues
        ]
        self.publisher = BatchPublisher(config, self.exchange, declare=consumers_queues)
        self._wake, self._at_once = Event(), Event()
        self._backlog_measured = 0.0

    def wake(self, event_types: Iterable[EventType] = ()) -> None:
        """A commit wrote events of these types: publish them, at once when one may not share a
        message (a gateway's broadcast queue reads it), else with the commits just behind it."""
        if not self._at_once.ready() and not all(event_messages.goes_with_others(kind) for kind in event_types):
            self._at_once.send()
        if not self._wake.ready():
            self._wake.send()

    def run(self) -> None:
        """Publish what is in the outbox, whenever woken and every `OUTBOX_POLL_SECONDS`, for as
        long as the process runs."""
        while True:
            with eventlet.Timeout(OUTBOX_POLL_SECONDS, False):
                self._wake.wait()
            if self._wake.ready():
                with eventlet.Timeout(OUTBOX_GATHER_SECONDS, False):
                    self._at_once.wait()
            self._wake, self._at_once = Event(), Event()  # a commit from now on wakes the next round
            try:
                while self.publish_batch() == OUTBOX_BATCH:
                    pass
            except Exception:  # noqa: BLE001 - the rows stay; tried again at the next round
                log.warning("the outbox could not be published now; it is tried again", exc_info=True)
            if time.monotonic() - self._backlog_measured >= OUTBOX_POLL_SECONDS:
                self.measure_backlog()

    def publish_batch(self) -> int:
        """Publish up to `OUTBOX_BATCH` of the oldest rows, wait for the broker's confirms of them all,
        then delete them; answers how many."""
        columns = self.table.c
        with self.session_factory() as session, session.begin():
            rows = session.execute(
                select(columns.id, columns.event_type, columns.payload)
                .order_by(columns.id)
                .limit(OUTBOX_BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            written = [(row.event_type, row.payload) for row in rows]
            self.publisher.publish(event_messages.messages(self.service_name, written))
            for row in rows:
                metrics.EVENTS_PUBLISHED.labels(self.service_name, row.event_type).inc()
            if rows:
                session.execute(delete(self.table).where(columns.id.in_([row.id for row in rows])))
        return len(rows)

    def measure_backlog(self) -> None:
        """The outbox's rows and its oldest one's age, for the metrics (an alert when it grows old)."""
        try:
            with self.session_factory() as session:
                count, oldest = session.execute(select(func.count(), func.min(self.table.c.created_at))).one()
        except Exception:  # noqa: BLE001 - the database away: the next round measures again
            return
        metrics.OUTBOX_BACKLOG.labels(self.service_name).set(count)
        age = 0 if oldest is None else max(0.0, (dt.datetime.now(dt.timezone.utc) - oldest).total_seconds())
        metrics.OUTBOX_OLDEST_SECONDS.labels(self.service_name).set(age)
        self._backlog_measured = time.monotonic()

    def publish_what_is_left(self, seconds: float) -> None:
        """At a graceful stop: what the last commits wrote, for at most `seconds`; then the relay's
        connection closes."""
        try:
            with eventlet.Timeout(seconds, False):
                while self.publish_batch() == OUTBOX_BATCH:
                    pass
        finally:
            self.publisher.close()
