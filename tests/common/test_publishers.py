"""RPC calls and replies go without publisher confirms, on one pooled publisher a process keeps; the
event handlers' publisher keeps its confirms (nameko's Publisher writes `confirm_publish` into a dict
its instances share, and pooled connections read it again when they reconnect)."""

import time
import types

import kombu
import pytest
from nameko.amqp.publish import Publisher
from nameko.rpc import MethodProxy, get_rpc_exchange

from portal_common.broker import confirmed_publisher, pooled_publisher
from portal_common.rpc import ServiceRpcEntrypoint  # importing it sets the calls' publisher

CONFIG = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/unused"}


def test_calls_and_replies_share_one_unconfirmed_publisher_and_leave_the_others_confirmed():
    shared = Publisher.transport_options.get("confirm_publish")
    calls = pooled_publisher(CONFIG)
    assert pooled_publisher(dict(CONFIG)) is calls  # one a process, not one a message
    assert calls.connection.transport_options["confirm_publish"] is False
    assert confirmed_publisher(CONFIG).transport_options["confirm_publish"] is True
    assert Publisher.transport_options.get("confirm_publish") == shared  # nameko's shared dict untouched


@pytest.fixture
def rpc_queue(rabbit_config):
    """A connection to the test's fresh vhost, and a queue the test binds to the RPC exchange (once
    a call has declared it) where a service's calls would arrive."""
    exchange = get_rpc_exchange(rabbit_config)
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:
        yield connection, kombu.Queue("calls", exchange=exchange, routing_key="billing.place_order", durable=False)


def first_message(queue):
    """Published without a confirm: it may reach the queue a moment later."""
    for _ in range(50):
        message = queue.get(no_ack=True)
        if message is not None:
            return message
        time.sleep(0.1)
    raise AssertionError("nothing arrived")


def test_a_call_declares_its_exchange_and_carries_what_the_reply_needs(rabbit_config, rpc_queue):
    connection, queue = rpc_queue
    exchange = get_rpc_exchange(rabbit_config)
    call = MethodProxy.publisher_cls(rabbit_config["AMQP_URI"], serializer="json", expiration=7)
    for number in (1, 2):  # the exchange does not exist before the first: declared, then remembered
        call.publish(
            {"args": [number], "kwargs": {}},
            exchange=exchange,
            routing_key="billing.nobody",
            mandatory=True,
            reply_to="reply-queue",
            correlation_id=f"call-{number}",
            extra_headers={"nameko.call_id_stack": ["gateway.x.1"]},
        )
    exchange(connection.default_channel).declare(passive=True)  # raises when it does not exist
    bound = queue(connection.default_channel)
    bound.declare()
    call.publish(
        {"args": [3], "kwargs": {}},
        exchange=exchange,
        routing_key="billing.place_order",
        mandatory=True,  # not asked of the broker: without confirms nothing would read it back
        reply_to="reply-queue",
        correlation_id="call-3",
        extra_headers={"nameko.call_id_stack": ["gateway.x.1"]},
    )
    message = first_message(bound)
    assert message.payload == {"args": [3], "kwargs": {}}
    assert message.properties["reply_to"] == "reply-queue"
    assert message.properties["correlation_id"] == "call-3"
    assert message.properties["expiration"] == "7000"
    assert message.headers["nameko.call_id_stack"] == ["gateway.x.1"]
    assert message.delivery_info["routing_key"] == "billing.place_order"
    assert message.properties["delivery_mode"] == 2


def test_a_reply_goes_to_the_callers_queue_with_its_correlation_id(rabbit_config, rpc_queue):
    connection, _ = rpc_queue
    replies = kombu.Queue(
        "replies", exchange=get_rpc_exchange(rabbit_config), routing_key="reply-queue", durable=False
    )(connection.default_channel)
    replies.declare()
    entrypoint = ServiceRpcEntrypoint.__new__(ServiceRpcEntrypoint)  # only its container's config is read
    entrypoint.container = types.SimpleNamespace(config=rabbit_config)
    request = types.SimpleNamespace(properties={"reply_to": "reply-queue", "correlation_id": "call-9"})
    entrypoint._reply(request, {"id": "order-1"}, None)
    message = first_message(replies)
    assert message.payload == {"result": {"id": "order-1"}, "error": None}
    assert message.properties["correlation_id"] == "call-9"
