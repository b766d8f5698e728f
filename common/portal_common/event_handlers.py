"""Event handlers that never drop a message: `@on_event(ACCOUNT_CREATED)`.

A handler's message is acknowledged only once the handler has returned (its work committed). When it
raises, the message is not lost and not retried in a hot loop: a copy goes to a delay queue of the
handler (`<queue>.retry-<n>s`, a classic queue with a message TTL whose dead-letter exchange is the
default exchange, routed back to the handler's queue), and comes back after the delay, the next
failure waiting longer (`EVENT_RETRY_DELAYS`). After the last delay, or at once for `Unprocessable`,
the message is parked in `<queue>.dead` with an error log naming the event; an operator lists and
replays parked messages with `python -m portal_common.dead_letters` (`make dead-letters`).

RabbitMQ does the waiting (per-queue TTL and dead-lettering), so a delay survives a restart of the
service, and nothing spins while a database is away. A delay queue per delay keeps a short wait from
queueing behind a long one (a TTL only expires messages at the head of a queue). The count of tries
travels in the `x-portal-retries` header.

A message that carries several events (`portal_common.event_messages`) has a worker for each, as if
each had come alone; it is acknowledged once they have all returned, and an event whose handler
raised goes on alone to the delay queue (or is parked), so only it is tried again. A handler that
takes them together (`@on_events`) gets the message's events as one list in one worker, to handle
in one transaction; if it raises, each event goes on alone, and comes back as a list of one.
"""

import json
import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

import eventlet
from kombu import Queue
from nameko.containers import ContainerBeingKilled
from nameko.events import EventHandler

from portal_common import event_messages, metrics
from portal_common.broker import confirmed_publisher
from portal_common.events import EventType

log = logging.getLogger(__name__)
RETRY_DELAYS_CONFIG_KEY = "EVENT_RETRY_DELAYS"
# Seconds before each retry: six tries over about 13 minutes (a database restart, a lock, a deploy),
# then the message is parked for an operator.
DEFAULT_RETRY_DELAYS = (1, 5, 30, 120, 600)
RETRIES_HEADER = "x-portal-retries"
ERROR_HEADER = "x-portal-error"
ERROR_TEXT_MAX = 500
DEAD_SUFFIX = ".dead"
HANDOFF_PAUSE_SECONDS = 1.0  # before a message whose copy the broker did not take is handled again


class Unprocessable(Exception):
    """A message no retry can help (malformed, or a bug's): parked at once."""


def retry_delays(
    config: Mapping[str, Any], key: str = RETRY_DELAYS_CONFIG_KEY, default: Any = DEFAULT_RETRY_DELAYS
) -> tuple[float, ...]:
    """Seconds before each retry, from `config[key]` in any form YAML gives (a number, "1,5,30", a
    list; empty or none: no retry)."""
    value = config.get(key, default)
    if value is None:
        value = []
    elif isinstance(value, (int, float)):
        value = [value]
    elif isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    delays = tuple(float(delay) for delay in value)
    if any(delay <= 0 for delay in delays):
        raise ValueError(f"{key}: every delay is a positive number of seconds")
    return delays


def retry_queue(queue_name: str, delay: float) -> Queue:
    return Queue(
        f"{queue_name}.retry-{delay:g}s",
        durable=True,
        queue_arguments={
            "x-message-ttl": int(delay * 1000),
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": queue_name,
        },
    )


def dead_queue(queue_name: str) -> Queue:
    return Queue(queue_name + DEAD_SUFFIX, durable=True)


class ReliableEventHandler(EventHandler):
    def __init__(self, event: EventType, together: bool = False, **kwargs: Any) -> None:
        self.event = event  # the registry's EventType (nameko's `event_type` is its name)
        self.together = together  # the handler takes a list of events
        super().__init__(event.producer, event.name, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.delays = retry_delays(self.container.config)
        self.publisher = confirmed_publisher(self.container.config)

    def handle_message(self, body: Any, message: Any) -> None:
        together = event_messages.carries_several(message.headers)
        if not together and not self.together:
            super().handle_message(body, message)
            return
        if together and not (body and isinstance(body, list) and all(isinstance(event, dict) for event in body)):
            self._settle(message, Unprocessable("a message of several events that is not a list of them"))
            return
        if self.together:
            self._handle_together(body if together else [body], message)
            return
        several = _Several(message, len(body))
        for index, envelope in enumerate(body):
            try:
                self.container.spawn_worker(
                    self,
                    (envelope,),
                    {},
                    context_data=event_messages.context_data(envelope),
                    handle_result=partial(self._handle_one_of_several, several, envelope),
                )
            except ContainerBeingKilled:  # the message goes back whole once the workers running are done
                several.abandoned = True
                if several.returned(without_worker=len(body) - index):
                    self._settle_several(several)
                return

    def _handle_together(self, events, message):
        alone = len(events) == 1 and not event_messages.carries_several(message.headers)
        context = self.unpack_message_headers(message) if alone else {}
        try:
            self.container.spawn_worker(
                self, (events,), {}, context_data=context, handle_result=partial(self._settle_together, message, events)
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _settle_together(self, message, events, worker_ctx, result=None, exc_info=None):
        for _ in events:
            self._count(exc_info)
        if exc_info is None:
            self.queue_consumer.ack_message(message)
        elif not event_messages.carries_several(message.headers):
            self._settle(message, exc_info[1])
        else:  # each alone from now on: tried again, even for an error only one of them caused
            error = exc_info[1]
            if isinstance(error, Unprocessable):
                error = RuntimeError(f"handled together: {error!r}")
            several = _Several(message, 0)
            several.failed = [(event, error) for event in events]
            self._settle_several(several)
        return result, exc_info

    def _handle_one_of_several(self, several, envelope, worker_ctx, result=None, exc_info=None):
        self._count(exc_info)
        if exc_info is not None:
            several.failed.append((envelope, exc_info[1]))
        if several.returned():
            self._settle_several(several)
        return result, exc_info

    def _settle_several(self, several):
        message = several.message
        if several.abandoned:
            self.queue_consumer.requeue_message(message)
            return
        for envelope, error in several.failed:
            # Alone from now on: a message of its own, as the relay would have published it.
            alone = event_messages.context_headers(envelope)
            try:
                self._set_aside(json.dumps(envelope), alone, message.content_type, message.content_encoding, error)
            except Exception:  # noqa: BLE001 - not taken: the whole message comes back (handlers are idempotent)
                self._hand_back(message)
                return
        self.queue_consumer.ack_message(message)

    def handle_message_processed(self, message: Any, result: Any = None, exc_info: Any = None) -> None:
        self._count(exc_info)
        if exc_info is None:
            self.queue_consumer.ack_message(message)
        else:
            self._settle(message, exc_info[1])

    def _count(self, exc_info):
        labels = (self.container.service_name, self.event.name)
        (metrics.EVENTS_CONSUMED if exc_info is None else metrics.EVENTS_FAILED).labels(*labels).inc()

    def _settle(self, message, error):
        try:
            self._set_aside(message.body, message.headers, message.content_type, message.content_encoding, error)
        except Exception:  # noqa: BLE001 - the copy was not taken: the message goes back as it is
            self._hand_back(message)
            return
        self.queue_consumer.ack_message(message)

    def _hand_back(self, message):
        log.warning("a failed %s could not be set aside: it is handled again", self.event.name, exc_info=True)
        eventlet.sleep(HANDOFF_PAUSE_SECONDS)  # not a hot loop while the broker refuses
        self.queue_consumer.requeue_message(message)

    def _set_aside(self, body, headers, content_type, content_encoding, error):
        """A copy of the message in the next delay queue, or parked (confirmed before the ack)."""
        headers = dict(headers or {})
        tries = int(headers.get(RETRIES_HEADER, 0)) + 1
        headers[RETRIES_HEADER] = tries
        if tries <= len(self.delays) and not isinstance(error, Unprocessable):
            target = retry_queue(self.queue.name, self.delays[tries - 1])
        else:
            target = dead_queue(self.queue.name)
            headers[ERROR_HEADER] = repr(error)[:ERROR_TEXT_MAX]
            metrics.EVENTS_DEAD_LETTERED.labels(self.container.service_name, self.event.name).inc()
            log.error(
                "event %s from %s (event_id %s) parked in %s after %d tries: %r",
                self.event.name,
                self.event.producer,
                _event_id(body, content_type),
                target.name,
                tries,
                error,
            )
        self.publisher.publish(
            body,
            exchange="",
            routing_key=target.name,
            headers=headers,
            declare=[target],
            content_type=content_type,
            content_encoding=content_encoding,
        )


class _Several:
    """A message of several events, while their workers run."""

    def __init__(self, message: Any, events: int) -> None:
        self.message = message
        self.waiting = events  # for a worker's outcome
        self.failed: list[tuple[dict[str, Any], BaseException]] = []
        self.abandoned = False  # some events got no worker: the service is stopping
        self._settled = False

    def returned(self, without_worker: int = 0) -> bool:
        """A worker returned (or `without_worker` events will have none): True, once, when no
        outcome is awaited any more."""
        self.waiting -= without_worker or 1
        if self.waiting or self._settled:
            return False
        self._settled = True
        return True


def _event_id(body, content_type):
    try:
        payload = json.loads(body) if content_type == "application/json" else None
    except ValueError:
        return None
    return payload.get("event_id") if isinstance(payload, dict) else None


on_event = ReliableEventHandler.decorator


def on_events(event: EventType, **kwargs: Any) -> Any:
    """A handler of `event`'s type that takes a list of events (those that travelled together, or
    one), all in one worker, to handle in one transaction. Idempotent as every handler: when it
    raises, each event of the list is tried again alone."""
    return ReliableEventHandler.decorator(event, together=True, **kwargs)
