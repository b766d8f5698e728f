"""nameko 2.14's consumers, made to live through a broker that goes away and comes back; and the
publisher every service publishes with.

Imported by `portal_common.rpc`, so every service and the gateway run with it. Two things nameko
gets wrong when RabbitMQ restarts under load:

- It acknowledges (or requeues) a message only while the connection is up, and ignores amqp's
  ConnectionError should it close meanwhile; but a connection the broker has just dropped fails
  with the socket's own errors (reset, broken pipe), and those end the thread, which makes nameko
  kill the whole service (the process exits). Here they are ignored too: the message is the
  broker's again anyway, its channel being gone.
- It reconnects with kombu's default back-off, one more second of wait after every failed attempt,
  up to 30 seconds: after an outage of a minute, a service would come back half a minute after the
  broker. Here attempts are at most `RECONNECT_MAX_SECONDS` apart.
"""

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, DEFAULT_TRANSPORT_OPTIONS
from nameko.messaging import QueueConsumer

log = logging.getLogger(__name__)
# What the bus raises when the broker has gone away under a connection.
BROKER_GONE = (OperationalError, AMQPError, ConnectionError, OSError)
RECONNECT_MAX_SECONDS = 3


def _unless_gone(settle):
    def settle_unless_gone(self: Any, message: Any) -> None:
        try:
            settle(self, message)
        except BROKER_GONE:
            log.warning("a message could not be settled: the broker connection is gone", exc_info=True)

    settle_unless_gone.__wrapped__ = settle  # type: ignore[attr-defined]  # marks the patch as applied (below)
    return settle_unless_gone


@contextlib.contextmanager
def _establish_connection_promptly(self):
    with self.create_connection() as connection:
        connection.ensure_connection(
            self.on_connection_error,
            self.connect_max_retries,
            interval_start=1,
            interval_step=1,
            interval_max=RECONNECT_MAX_SECONDS,
        )
        yield connection


if not hasattr(QueueConsumer.ack_message, "__wrapped__"):
    QueueConsumer.ack_message = _unless_gone(QueueConsumer.ack_message)
    QueueConsumer.requeue_message = _unless_gone(QueueConsumer.requeue_message)
    QueueConsumer.establish_connection = _establish_connection_promptly


def unconfirmed_publisher(config: Mapping[str, Any], **options: Any) -> Any:
    """A publisher of this process's broker that does not wait for the broker's confirm: for RPC
    replies. A reply lost on its way was never sent again with confirms either (the request is
    acknowledged whatever became of it): the caller's timeout answers it, a 503, as before. Waiting
    for each reply's confirm cost every call a round trip to the broker: a fifth of the accounts
    service's CPU under a load of orders."""
    return _publisher(config, confirms=False, **options)


def confirmed_publisher(config: Mapping[str, Any], **options: Any) -> Any:
    """A publisher of this process's broker (`AMQP_URI`, `AMQP_SSL`) that waits for each message's
    confirm: a message published is then the broker's, or the publish raised."""
    return _publisher(config, confirms=True, **options)


def _publisher(config: Mapping[str, Any], confirms: bool, **options: Any) -> Any:
    publisher = Publisher(
        config[AMQP_URI_CONFIG_KEY], ssl=config.get(AMQP_SSL_CONFIG_KEY), use_confirms=confirms, **options
    )
    # nameko's Publisher writes `confirm_publish` into a dict all its instances share, which pooled
    # connections keep and read again when they reconnect: one publisher without confirms would
    # then take them from every other (the event handlers' retries among them). Each has its own here.
    publisher.transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": confirms}
    return publisher
