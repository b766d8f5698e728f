"""Agents' reports handed to the broker in batches, each report answered once the broker confirms it.

A request puts its report on a queue and waits; a free lane (a green thread with a connection of its
own) takes everything waiting (up to `BATCH_MAX`), publishes it as one persistent, mandatory message
(`agent_reports_received` of the event registry) on a channel in confirm mode, and waits for the broker's confirm. The
guarantee is the same as publishing one by one (a 202 means the broker holds the report in
monitoring's durable queue; a report no queue takes is a 503), at a fraction of the cost per report
for the gateway, the broker and monitoring alike: one message, one confirm and one acknowledgement
per batch.

A batch that fails on a dead connection is sent again, once, on a new one: monitoring stores a
report once by its id, so a report the broker got twice is kept once. Nothing waits without a bound:
each request gives up with a 503 at its deadline (`timeout`), writes to the broker time out, and a
failed connection is dropped without the closing handshake (which waits for a broker that may
never answer).
"""

import json
import logging

import eventlet
from amqp import Message
from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider

from portal_common.batches import Batches
from portal_common.clock import utc_now
from portal_common.errors import ServiceUnavailable
from portal_common.events import AGENT_REPORTS_RECEIVED
from portal_common.ids import new_id
from portal_common.rpc import DEFAULT_RPC_TIMEOUT_SECONDS, RPC_TIMEOUT_CONFIG_KEY

BATCH_MAX = 200  # reports in one message: 5 MB at the worst (2,000-character errors all escaped), under 16 MB
LANES = 2  # batches on their way at once: one sent while the one before awaits its confirm
PERSISTENT = 2
log = logging.getLogger(__name__)


class BatchPublisher:
    """Reports in, batches out, on `LANES` connections: a batch is on its way while the one before
    waits for its confirm (the broker confirms a persistent message once it is on disk)."""

    def __init__(self, amqp_uri, exchange, routing_key, timeout, lanes=LANES):
        self.batches = Batches(
            None,
            BATCH_MAX,
            timeout,
            lambda: _unavailable("The message broker did not confirm the report in time.", "broker"),
        )
        self.lanes = [Lane(amqp_uri, exchange, routing_key, timeout) for _ in range(lanes)]

    def publish(self, report):
        """Block this request until the broker has confirmed the report, or its deadline."""
        self.batches.submit(report)

    def run(self):
        """Each lane takes the next batch when it is free, for as long as the process runs."""
        pool = eventlet.GreenPool(len(self.lanes))
        for lane in self.lanes:
            pool.spawn(self.batches.run, lane.deliver)
        try:
            pool.waitall()
        finally:  # the container stops this thread: the lanes stop with it
            for thread in list(pool.coroutines_running):
                thread.kill()

    def close(self):
        for lane in self.lanes:
            lane.close()


class Lane:
    """One connection to the broker, with a channel in confirm mode: one batch at a time."""

    def __init__(self, amqp_uri, exchange, routing_key, timeout):
        self.amqp_uri, self.exchange, self.routing_key, self.timeout = amqp_uri, exchange, routing_key, timeout
        self._connection = self._channel = None

    def deliver(self, batch):
        for attempt in (1, 2):
            try:
                return [self._send(batch)] * len(batch)
            except Exception:  # noqa: BLE001 - any failure of the connection: a new one, then 503
                log.warning("publishing %d reports failed (attempt %d)", len(batch), attempt, exc_info=True)
                self.close()
        return [_unavailable("The message broker did not take the report.", "broker")] * len(batch)

    def _send(self, reports):
        """None once the broker holds the message in a queue, or the error for each of its reports."""
        channel = self._open()
        heard = {}
        channel.events["basic_ack"] = {lambda tag, multiple: heard.setdefault("confirmed", True)}
        channel.events["basic_nack"] = {lambda tag, multiple: heard.setdefault("confirmed", False)}
        # An unroutable message comes back, then is confirmed all the same.
        channel.events["basic_return"] = {lambda *returned: heard.setdefault("returned", True)}
        batch_id = new_id()
        payload = AGENT_REPORTS_RECEIVED.envelope(batch_id, 1, utc_now(), reports=reports)
        message = Message(
            json.dumps(payload), content_type="application/json", content_encoding="utf-8", delivery_mode=PERSISTENT
        )
        channel.basic_publish(message, exchange=self.exchange, routing_key=self.routing_key, mandatory=True)
        while "confirmed" not in heard:
            self._connection.drain_events(timeout=self.timeout)
        if heard.get("returned"):
            return _unavailable("Monitoring is not ready to take reports yet.", "monitoring")
        if not heard["confirmed"]:
            return _unavailable("The message broker did not take the report.", "broker")
        return None

    def _open(self):
        if self._channel is None:
            self._connection = Connection(
                self.amqp_uri,
                heartbeat=0,
                connect_timeout=self.timeout,
                transport_options={"write_timeout": self.timeout},
            )
            self._connection.connect()
            self._channel = self._connection.channel()
            self._channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)
            self._channel.confirm_select()
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
    """`self.reports.publish(report)`: the report in a nameko event of this service
    (`agent_reports_received`, with the others of its batch), confirmed."""

    def setup(self):
        config = self.container.config
        timeout = float(config.get(RPC_TIMEOUT_CONFIG_KEY, DEFAULT_RPC_TIMEOUT_SECONDS))
        self.publisher = BatchPublisher(
            config[AMQP_URI_CONFIG_KEY], f"{self.container.service_name}.events", AGENT_REPORTS_RECEIVED.name, timeout
        )

    def start(self):
        self.container.spawn_managed_thread(self.publisher.run)

    def stop(self):
        self.publisher.close()

    def get_dependency(self, worker_ctx):
        return self.publisher
