"""RPC between the gateway and the services, and between services, never waiting past a timeout.

nameko's `RpcProxy` waits for a reply forever. Here every call is bounded by `RPC_TIMEOUT_SECONDS`
and answered 503 when it runs out; the request message expires with it, so a service coming back
does not work through calls nobody waits for any more (a call that already started may still
finish: the services' idempotency makes that safe).
"""

import functools
import logging
import sys
import time
import zlib
from collections.abc import Callable
from typing import Any

import eventlet
from kombu import compression
from kombu.exceptions import OperationalError
from kombu.utils import json
from nameko.amqp.publish import Publisher
from nameko.exceptions import UnknownService, UnserializableValueError, serialize
from nameko.rpc import MethodProxy, Rpc, RpcProxy, get_rpc_exchange

from portal_common import metrics
from portal_common.broker import BROKER_GONE, pooled_publisher, pooled_publisher_of
from portal_common.errors import ServiceUnavailable

log = logging.getLogger(__name__)
# Failures of the bus itself (or a service not there): the caller may try again later.
UNAVAILABLE = (eventlet.Timeout, UnknownService, OperationalError, ConnectionError, OSError)

RPC_TIMEOUT_CONFIG_KEY = "RPC_TIMEOUT_SECONDS"
COMPRESSED_REPLY_BYTES = 4096  # smaller replies cost more to compress than they save on the bus
REPLY_COMPRESSION = "zlib"
# kombu's zlib at its fastest level in these processes: a 16 KB page of a list shrinks about as much
# (to 640 bytes, against 600) in two thirds of the time. Whoever reads it needs nothing: it is zlib.
compression.register(
    functools.partial(zlib.compress, level=1),
    zlib.decompress,
    "application/x-gzip",
    aliases=["gzip", REPLY_COMPRESSION],
)
DEFAULT_RPC_TIMEOUT_SECONDS = 10.0


class _RequestPublisher(Publisher):
    """Calls are published on the process's pooled publisher, without the broker's confirm
    (`portal_common.broker.PooledPublisher`). A call the broker did not take is answered as one
    nobody replied to: 503 at the caller's timeout, which is how a call to a service that is down is
    answered anyway. (nameko raised UnknownService at once, from the confirm, for a service that had
    never started: that too is now the timeout's 503.) nameko asks for `mandatory` delivery, which
    without confirms nothing would read back: it is not asked. A call to an exchange not declared yet
    (no service started) would close the pooled channel unnoticed: the exchange is declared first.
    The publisher's own options (expiration, serializer, delivery mode, priority, compression,
    retries, headers) are kept; confirms and `declare` are not."""

    def publish(self, payload: Any, **kwargs: Any) -> None:
        headers = {**self.publish_kwargs.get("headers", {}), **kwargs.get("headers", {})}
        pooled_publisher_of(self.amqp_uri, self.ssl, self.login_method).publish(
            payload,
            exchange=kwargs["exchange"],
            declare_exchange=True,
            routing_key=kwargs["routing_key"],
            reply_to=kwargs.get("reply_to"),
            correlation_id=kwargs.get("correlation_id"),
            headers={**headers, **kwargs.get("extra_headers", {})},
            expiration=self.expiration,
            serializer=self.serializer,
            delivery_mode=self.delivery_mode,
            priority=self.priority,
            compression=self.compression,
            retry_policy=self.retry_policy,
        )


MethodProxy.publisher_cls = _RequestPublisher


class TimedProxy:
    def __init__(self, proxy: Any, timeout: float) -> None:
        self._proxy = proxy
        self._timeout = timeout

    def __getattr__(self, method_name: str) -> Callable[..., Any]:
        method = getattr(self._proxy, method_name)

        def call(*args: Any, **kwargs: Any) -> Any:
            started, outcome = time.perf_counter(), "error"
            try:
                with eventlet.Timeout(self._timeout):
                    answer = method(*args, **kwargs)
                outcome = "ok"
                return answer
            except UNAVAILABLE:
                outcome = "timeout"
                raise ServiceUnavailable(
                    f"The {self._proxy.service_name} service did not answer in time.",
                    {"service": self._proxy.service_name},
                ) from None
            finally:
                metrics.RPC_CALLS.labels(self._proxy.service_name, method_name, outcome).observe(
                    time.perf_counter() - started
                )

        return call


# For the second step of a request whose first step has succeeded, when an event would carry the
# same change anyway: well inside the gateway's own timeout, so the person still gets the answer.
FOLLOW_UP_TIMEOUT_SECONDS = 2.0


class ServiceRpc(RpcProxy):
    def __init__(self, target_service: str, timeout: float | None = None, **options: Any) -> None:
        self.fixed_timeout = timeout
        super().__init__(target_service, **options)

    def setup(self) -> None:
        configured = float(self.container.config.get(RPC_TIMEOUT_CONFIG_KEY, DEFAULT_RPC_TIMEOUT_SECONDS))
        self.timeout = min(configured, self.fixed_timeout) if self.fixed_timeout else configured
        self.options["expiration"] = self.timeout
        super().setup()

    def get_dependency(self, worker_ctx: Any) -> TimedProxy:
        return TimedProxy(super().get_dependency(worker_ctx), self.timeout)


class ServiceRpcEntrypoint(Rpc):
    """nameko's `@rpc`, with its reply serialized once, compressed by kombu when it is large, and
    surviving a broker that goes away while a call is being answered.

    A page of a list is tens of KB of JSON that the service, the broker and the caller each pay
    for by the byte; zlib takes it to an eighth. nameko sends the reply after the worker, outside
    its error handling: when the broker is gone at that moment, the error ends the worker's thread
    and nameko kills the whole service (the process exits). Here the reply is given up instead: the
    caller answers 503 at its timeout. (On the dead connection the request cannot be acknowledged:
    the broker may deliver it again, until it expires with the caller's timeout; the services'
    idempotency makes that safe.)"""

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            result, exc_info = self._reply(message, result, exc_info)
        except BROKER_GONE:
            log.warning("the reply to %s could not be sent: the broker is away", worker_ctx.call_id, exc_info=True)
        self.rpc_consumer.queue_consumer.ack_message(message)  # a no-op on a dead connection
        return result, exc_info

    def _reply(self, message, result, exc_info):
        config = self.container.config
        error = None if exc_info is None else serialize(exc_info[1])
        try:
            body = json.dumps({"result": result, "error": error})
        except (TypeError, ValueError):  # nameko's own answer to a result it cannot send
            exc_info = sys.exc_info()
            body = json.dumps({"result": None, "error": serialize(UnserializableValueError(result))})
            result = None
        pooled_publisher(config).publish(
            body,
            exchange=get_rpc_exchange(config),
            routing_key=message.properties["reply_to"],
            correlation_id=message.properties.get("correlation_id"),
            content_type="application/json",
            content_encoding="utf-8",
            compression=REPLY_COMPRESSION if len(body) >= COMPRESSED_REPLY_BYTES else None,
        )
        return result, exc_info


rpc = ServiceRpcEntrypoint.decorator
