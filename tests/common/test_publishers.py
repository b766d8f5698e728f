"""RPC calls and replies go without publisher confirms, and that choice stays theirs: nameko's Publisher writes
`confirm_publish` into a dict its instances share (and pooled connections read again when they
reconnect), so a reply publisher must not take confirms from the event handlers' (their retries and parked events)."""

import contextlib
import socket
import time

import kombu
import pytest
from nameko.amqp import publish
from nameko.amqp.publish import Publisher
from nameko.rpc import MethodProxy

import portal_common.rpc  # noqa: F401 - what sets the calls' publisher
from portal_common.broker import KeptChannelPublisher, confirmed_publisher, unconfirmed_publisher

CONFIG = {"AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/unused"}


class Published(Exception):
    """Raised where the message would be handed to the broker."""


@pytest.fixture
def connections(monkeypatch):
    """The transport options each publish asked its connection for."""
    asked = []

    @contextlib.contextmanager
    def producer(amqp_uri, confirms, ssl=None, login_method=None, transport_options=None):
        asked.append((confirms, dict(transport_options)))
        raise Published()
        yield  # pragma: no cover - a generator for contextmanager

    monkeypatch.setattr(publish, "get_producer", producer)
    return asked


def test_replies_and_calls_go_unconfirmed_on_a_kept_channel_and_the_others_stay_confirmed(connections):
    """A call the broker did not take is the caller's timeout, a 503, as a service that is down is."""
    shared = Publisher.transport_options.get("confirm_publish")
    assert isinstance(unconfirmed_publisher(CONFIG), KeptChannelPublisher)
    assert issubclass(MethodProxy.publisher_cls, KeptChannelPublisher)  # the calls' publisher
    assert KeptChannelPublisher.use_confirms is False
    with pytest.raises(Published):
        confirmed_publisher(CONFIG).publish("{}", routing_key="somewhere")
    assert [(confirms, options["confirm_publish"]) for confirms, options in connections] == [(True, True)]
    assert Publisher.transport_options.get("confirm_publish") == shared  # nameko's shared dict untouched
    assert confirmed_publisher(CONFIG).transport_options["confirm_publish"] is True


def test_a_kept_channel_publishes_in_order_and_is_made_again_once_when_found_broken(rabbit_config):
    publisher = unconfirmed_publisher(rabbit_config)
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = kombu.Queue("kept-channel", exchange=kombu.Exchange("kept", type="direct"), routing_key="k")
        bound = queue(connection.default_channel)
        bound.declare()
        for n in range(3):
            publisher.publish({"n": n}, exchange="kept", routing_key="k", headers={"x-n": n})
        key = (rabbit_config["AMQP_URI"], repr(None), None)
        kept = KeptChannelPublisher._kept[key]
        kept.connection.connection.transport.sock.shutdown(socket.SHUT_RDWR)  # as a broker restart leaves it
        publisher.publish({"n": 3}, exchange="kept", routing_key="k", headers={"x-n": 3})
        time.sleep(0.2)
        taken = []
        while (message := bound.get(no_ack=True)) is not None:
            taken.append((message.payload["n"], message.headers["x-n"]))
    assert taken == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert KeptChannelPublisher._kept[key] is not kept  # made again, once
