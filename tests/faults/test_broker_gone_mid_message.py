"""The two moments a vanishing broker used to kill a whole service, made to happen on purpose on a
service of the test's own (a broker restart under load hits them only by chance):

- a reply that cannot be sent (the broker gone): the service stays up and answers the next call;
- a message acknowledged on a connection the broker has just dropped (the socket's own error).
"""

import eventlet
from kombu.exceptions import OperationalError
from nameko.messaging import QueueConsumer
from nameko.standalone.rpc import ServiceRpcProxy

from portal_common.rpc import ServiceRpcEntrypoint, rpc

failures = []


class Echo:
    name = "fault_echo"

    @rpc
    def echo(self, value):
        return value


def test_a_reply_the_broker_cannot_take_does_not_kill_the_service(container_factory, rabbit_config, monkeypatch):
    container = container_factory(Echo, rabbit_config)
    container.start()
    sent = ServiceRpcEntrypoint._reply  # what sends the replies

    def broker_gone_once(self, message, result, exc_info):
        if not failures:
            failures.append(result)
            raise OperationalError("[Errno 104] Connection reset by peer")
        return sent(self, message, result, exc_info)

    monkeypatch.setattr(ServiceRpcEntrypoint, "_reply", broker_gone_once)
    with ServiceRpcProxy("fault_echo", rabbit_config, timeout=5) as proxy:
        proxy.echo.call_async("lost")
        with eventlet.Timeout(5):
            while not failures:
                eventlet.sleep(0.01)
        # The service is alive: the next call is answered (the lost one's caller answers 503 at its timeout).
        assert proxy.echo("next") == "next"
        assert proxy.echo("and the next") == "and the next"
    assert failures == ["lost"]
    assert not container._died.ready()


class DeadSocketMessage:
    class channel:  # noqa: N801 - shaped like kombu's
        connection = object()  # still set: the drop has not been noticed yet

    def ack(self):
        raise ConnectionResetError(104, "Connection reset by peer")

    requeue = ack


def test_settling_a_message_on_a_dropped_connection_is_not_fatal():
    consumer = QueueConsumer.__new__(QueueConsumer)
    message = DeadSocketMessage()
    assert consumer.ack_message(message) is None
    assert consumer.requeue_message(message) is None
