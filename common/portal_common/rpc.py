"""RPC between the gateway and the services, and between services, never waiting past a timeout.

nameko's `RpcProxy` waits for a reply forever. Here every call is bounded by `RPC_TIMEOUT_SECONDS`
and answered 503 when it runs out; the request message expires with it, so a service coming back
does not work through calls nobody waits for any more (a call that already started may still
finish: the services' idempotency makes that safe).
"""
import logging

import eventlet
from kombu.exceptions import OperationalError
from nameko.exceptions import UnknownService
from nameko.rpc import Rpc, RpcProxy

from portal_common.broker import BROKER_GONE
from portal_common.errors import ServiceUnavailable

log = logging.getLogger(__name__)
# Failures of the bus itself (or a service not there): the caller may try again later.
UNAVAILABLE = (eventlet.Timeout, UnknownService, OperationalError, ConnectionError, OSError)

RPC_TIMEOUT_CONFIG_KEY = "RPC_TIMEOUT_SECONDS"
DEFAULT_RPC_TIMEOUT_SECONDS = 10.0


class TimedProxy:
    def __init__(self, proxy, timeout):
        self._proxy = proxy
        self._timeout = timeout

    def __getattr__(self, method_name):
        method = getattr(self._proxy, method_name)

        def call(*args, **kwargs):
            try:
                with eventlet.Timeout(self._timeout):
                    return method(*args, **kwargs)
            except UNAVAILABLE:
                raise ServiceUnavailable(
                    f"The {self._proxy.service_name} service did not answer in time.",
                    {"service": self._proxy.service_name},
                ) from None

        return call


# For calls made on the side of a request that has already succeeded (a best-effort heads-up whose
# event follows anyway): well inside the gateway's own timeout, so the person still gets the answer.
HEADS_UP_TIMEOUT_SECONDS = 2.0


class ServiceRpc(RpcProxy):
    def __init__(self, target_service, timeout=None, **options):
        self.fixed_timeout = timeout
        super().__init__(target_service, **options)

    def setup(self):
        configured = float(self.container.config.get(RPC_TIMEOUT_CONFIG_KEY, DEFAULT_RPC_TIMEOUT_SECONDS))
        self.timeout = min(configured, self.fixed_timeout) if self.fixed_timeout else configured
        self.options["expiration"] = self.timeout
        super().setup()

    def get_dependency(self, worker_ctx):
        return TimedProxy(super().get_dependency(worker_ctx), self.timeout)


class ServiceRpcEntrypoint(Rpc):
    """nameko's `@rpc`, surviving a broker that goes away while a call is being answered.

    nameko sends the reply after the worker, outside its error handling: when the broker is gone
    at that moment, the error ends the worker's thread and nameko kills the whole service (the
    process exits). Here the reply is given up instead: the caller answers 503 at its timeout. (On
    the dead connection the request cannot be acknowledged: the broker may deliver it again, until
    it expires with the caller's timeout; the services' idempotency makes that safe.)"""

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_GONE:
            log.warning("the reply to %s could not be sent: the broker is away", worker_ctx.call_id, exc_info=True)
            self.rpc_consumer.queue_consumer.ack_message(message)  # given up (a no-op on a dead connection)
            return result, exc_info


rpc = ServiceRpcEntrypoint.decorator

