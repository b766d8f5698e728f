"""Publishing a batch of messages with publisher confirms and one wait for them all, as RabbitMQ's
guide to confirms advises, instead of a round trip to the broker per message (nameko's `Publisher`
waits for each). The outbox relay publishes its rows this way.

The channel is the publisher's own, in confirm mode: the broker confirms each message it has taken
by its delivery tag (one by one or many at once), and `publish` returns only when every message of
the batch is confirmed; a refusal (nack) or no answer within `CONFIRMS_WAIT_SECONDS` raises
`NotConfirmed`, a broken connection its own error, and the caller keeps what it would have deleted.
"""

import time
from collections.abc import Iterable, Mapping
from typing import Any

import eventlet
from eventlet.semaphore import Semaphore
from kombu import Connection, Exchange, Producer
from nameko.constants import AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY

CONFIRMS_WAIT_SECONDS = 5.0  # for the broker's confirms of a batch, then it is published again later
CONNECT_TIMEOUT_SECONDS = 5.0
CLOSE_WAIT_SECONDS = 2.0  # at a stop: for the batch being published, then for the broker's goodbye


class NotConfirmed(Exception):
    """The broker refused a message of the batch, or did not confirm it in time."""


class BatchPublisher:
    def __init__(self, config: Mapping[str, Any], exchange: Exchange, declare: Iterable[Any] = ()) -> None:
        self.amqp_uri = config[AMQP_URI_CONFIG_KEY]
        self.ssl = config.get(AMQP_SSL_CONFIG_KEY)
        self.exchange = exchange
        self.declare = [exchange, *declare]
        self._lock = Semaphore()  # one batch at a time on the channel (the relay, and a graceful stop)
        self._closed = False
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._published = 0  # the delivery tag of the channel's last message
        self._unconfirmed: set[int] = set()
        self._refused = False

    def publish(self, messages: list[dict[str, Any]]) -> None:
        """Each message is the keyword arguments of kombu's `Producer.publish` (body, routing_key,
        headers, ...), published persistent to the exchange. Returns when the broker has confirmed
        them all. A connection found broken is made again once, and the batch published on it."""
        if not messages:
            return
        with self._lock:
            # One more try on a new connection when the one kept had gone while idle (a broker restart).
            attempts = 1 if self._connection is None else 2
            for attempt in range(attempts):
                try:
                    self._publish(messages)
                    return
                except Exception as error:
                    self._drop()
                    if isinstance(error, NotConfirmed) or attempt == attempts - 1:
                        raise
                except BaseException:  # a timeout or a kill from outside: no half-counted channel kept
                    self._drop()
                    raise

    def close(self) -> None:
        """For good (a graceful stop): after the batch being published, if it ends in time."""
        self._closed = True
        acquired = self._lock.acquire(timeout=CLOSE_WAIT_SECONDS)
        try:
            connection = self._connection
            if connection is not None and acquired:
                with eventlet.Timeout(CLOSE_WAIT_SECONDS, False):
                    connection.close()
            self._drop()
        finally:
            if acquired:
                self._lock.release()

    def _drop(self) -> None:
        """Let the connection go without waiting for the broker (it may be gone, or blocked)."""
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            try:
                connection.collect()
            except Exception:  # noqa: BLE001, S110 - a broken connection goes as it can
                pass

    def _publish(self, messages: list[dict[str, Any]]) -> None:
        producer = self._open()
        self._refused = False
        for message in messages:
            producer.publish(exchange=self.exchange, delivery_mode=2, **message)
            self._published += 1
            self._unconfirmed.add(self._published)
        deadline = time.monotonic() + CONFIRMS_WAIT_SECONDS
        while self._unconfirmed and not self._refused:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                self._connection.drain_events(timeout=remaining)  # type: ignore[union-attr]
            except TimeoutError:  # socket.timeout
                raise NotConfirmed(
                    f"{len(self._unconfirmed)} messages not confirmed in {CONFIRMS_WAIT_SECONDS} s"
                ) from None
        if self._refused:
            raise NotConfirmed("the broker refused a message of the batch")

    def _open(self) -> Producer:
        if self._closed:
            raise RuntimeError("the publisher is closed")
        if self._producer is None:
            # Kept before anything can fail, so that a failure lets it go (`_drop`).
            self._connection = connection = Connection(
                self.amqp_uri, ssl=self.ssl, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
            connection.connect()
            channel = connection.channel()
            for entity in self.declare:
                entity(channel).declare()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._confirmed)
            channel.events["basic_nack"].add(self._nacked)
            self._producer = Producer(channel)
            self._published, self._unconfirmed = 0, set()
        return self._producer

    def _confirmed(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed = {tag for tag in self._unconfirmed if tag > delivery_tag}
        else:
            self._unconfirmed.discard(delivery_tag)

    def _nacked(self, delivery_tag: int, multiple: bool) -> None:
        self._confirmed(delivery_tag, multiple)
        self._refused = True
