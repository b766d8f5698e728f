"""Agents' reports handed to the broker in batches, each report answered once the broker confirms it.

A request puts its report on a queue and waits; one green thread takes everything waiting (up to
`BATCH_MAX`), publishes it as persistent, mandatory messages on a channel in confirm mode, and waits
once for the broker's confirms of the whole batch. The guarantee is the same as publishing one by
one (a 202 means the broker holds the report in monitoring's durable queue; a report no queue takes
is a 503), at a fraction of the cost per report: one wait per batch instead of one per report.

A batch that fails on a dead connection is sent again, once, on a new one: monitoring stores a
report once by its id, so a report the broker got twice is kept once. Nothing waits without a bound:
each request gives up with a 503 at its deadline (`timeout`), writes to the broker time out, and a
failed connection is dropped without the closing handshake (which waits for a broker that may
never answer).
"""
import json
import logging

from amqp import Message
from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider

from portal_common.batches import Batches
from portal_common.errors import ServiceUnavailable
from portal_common.rpc import DEFAULT_RPC_TIMEOUT_SECONDS, RPC_TIMEOUT_CONFIG_KEY

BATCH_MAX = 200
PERSISTENT = 2
log = logging.getLogger(__name__)


class Returned(Exception):
    """The broker had no queue for the message (monitoring has never started on this broker)."""


class BatchPublisher:
    def __init__(self, amqp_uri, exchange, timeout):
        self.amqp_uri, self.exchange, self.timeout = amqp_uri, exchange, timeout
        self.batches = Batches(self._deliver, BATCH_MAX, timeout, lambda: _unavailable(
            "The message broker did not confirm the report in time.", "broker"))
        self.run = self.batches.run
        self._connection = self._channel = None

    def publish(self, routing_key, payload):
        """Block this request until the broker has confirmed the message, or its deadline."""
        self.batches.submit((routing_key, json.dumps(payload)))

    def _deliver(self, batch):
        for attempt in (1, 2):
            try:
                return self._send(batch)
            except Exception:  # noqa: BLE001 - any failure of the connection: a new one, then 503
                log.warning("publishing %d reports failed (attempt %d)", len(batch), attempt, exc_info=True)
                self.close()
        return [_unavailable("The message broker did not take the report.", "broker") for _ in batch]

    def _send(self, batch):
        channel = self._open()
        unconfirmed, refused = set(), set()

        def confirmed(tag, multiple):
            unconfirmed.difference_update([t for t in unconfirmed if t <= tag] if multiple else [tag])

        def nacked(tag, multiple):
            settled = [t for t in unconfirmed if t <= tag] if multiple else [tag]
            refused.update(settled)
            unconfirmed.difference_update(settled)

        def returned(exc, exchange, routing_key, message):
            refused.add(int(message.properties["message_id"]))

        channel.events["basic_ack"] = {confirmed}
        channel.events["basic_nack"] = {nacked}
        channel.events["basic_return"] = {returned}
        for routing_key, body in batch:
            self._tag += 1
            unconfirmed.add(self._tag)
            message = Message(body, content_type="application/json", content_encoding="utf-8",
                              delivery_mode=PERSISTENT, message_id=str(self._tag))
            channel.basic_publish(message, exchange=self.exchange, routing_key=routing_key, mandatory=True)
        first = self._tag - len(batch) + 1
        while unconfirmed:
            self._connection.drain_events(timeout=self.timeout)
        return [_unavailable("Monitoring is not ready to take reports yet.", "monitoring")
                if first + index in refused else None for index in range(len(batch))]

    def _open(self):
        if self._channel is None:
            self._connection = Connection(self.amqp_uri, heartbeat=0, connect_timeout=self.timeout,
                                          transport_options={"write_timeout": self.timeout})
            self._connection.connect()
            self._channel = self._connection.channel()
            self._channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)
            self._channel.confirm_select()
            self._tag = 0  # a channel in confirm mode numbers its messages from 1
        return self._channel

    def close(self):
        """Drop the connection without the closing handshake."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.collect()
            except Exception:  # noqa: BLE001 - it is being thrown away
                pass


def _unavailable(message, service):
    return ServiceUnavailable(message, {"service": service})


class ReportPublisher(DependencyProvider):
    """`self.reports.publish(event_type, payload)`: a nameko event of this service, confirmed."""

    def setup(self):
        config = self.container.config
        timeout = float(config.get(RPC_TIMEOUT_CONFIG_KEY, DEFAULT_RPC_TIMEOUT_SECONDS))
        self.publisher = BatchPublisher(config[AMQP_URI_CONFIG_KEY], f"{self.container.service_name}.events",
                                        timeout)

    def start(self):
        self.container.spawn_managed_thread(self.publisher.run)

    def stop(self):
        self.publisher.close()

    def get_dependency(self, worker_ctx):
        return self.publisher
