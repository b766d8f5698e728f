"""The pool webhook deliveries are posted from: at most `WEBHOOKS_AT_ONCE` at a time, one per
endpoint (`usecases.deliveries` claims them so), each with its own deadline; it outlives the timer's
workers that fill it."""

import logging

import eventlet
from eventlet.greenpool import GreenPool
from nameko.extensions import DependencyProvider

from portal_common.event_handlers import retry_delays

from notifications.adapters.webhook_http import TIMEOUT_SECONDS
from notifications.domain.webhooks import DEFAULT_RETRY_DELAYS

log = logging.getLogger(__name__)
AT_ONCE_CONFIG_KEY = "WEBHOOKS_AT_ONCE"
AT_ONCE = 50
ALLOW_PRIVATE_CONFIG_KEY = "WEBHOOKS_ALLOW_PRIVATE"
RETRY_DELAYS_CONFIG_KEY = "WEBHOOK_RETRY_DELAYS"


class Sender:
    def __init__(self, at_once, allow_private, delays):
        self.pool = GreenPool(at_once)
        self.busy = set()  # endpoints with a delivery in flight from this process
        self.allow_private, self.delays = allow_private, delays

    def free(self):
        return self.pool.free()

    def spawn(self, endpoint_id, send):
        self.busy.add(endpoint_id)

        def run():
            try:
                send()
            except Exception:  # noqa: BLE001 - the delivery's lease runs out and it is tried again
                log.exception("a webhook delivery to endpoint %s was not recorded", endpoint_id)
            finally:
                self.busy.discard(endpoint_id)

        self.pool.spawn_n(run)


class WebhookSender(DependencyProvider):
    def setup(self):
        config = self.container.config
        allow_private = str(config.get(ALLOW_PRIVATE_CONFIG_KEY, "false")).lower() in ("true", "1", "yes")
        self.sender = Sender(
            int(config.get(AT_ONCE_CONFIG_KEY, AT_ONCE)),
            allow_private,
            retry_delays(config, RETRY_DELAYS_CONFIG_KEY, DEFAULT_RETRY_DELAYS),
        )

    def kill(self):
        for thread in list(self.sender.pool.coroutines_running):
            thread.kill()

    def stop(self):
        """Let the tries in flight finish (one deadline), so a deploy does not post them twice."""
        with eventlet.Timeout(TIMEOUT_SECONDS + 2, False):
            self.sender.pool.waitall()
        self.kill()

    def get_dependency(self, worker_ctx):
        return self.sender
