"""RPC calls and replies go without publisher confirms, and that choice stays theirs: nameko's Publisher writes
`confirm_publish` into a dict its instances share (and pooled connections read again when they
reconnect), so a reply publisher must not take confirms from the event handlers' (their retries and parked events)."""

import contextlib

import pytest
from nameko.amqp import publish
from nameko.amqp.publish import Publisher
from nameko.rpc import MethodProxy, get_rpc_exchange

import portal_common.rpc  # noqa: F401 - what sets the calls' publisher
from portal_common.broker import confirmed_publisher, unconfirmed_publisher

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


def test_replies_go_unconfirmed_and_leave_every_other_publisher_confirmed(connections):
    shared = Publisher.transport_options.get("confirm_publish")
    for publisher in (unconfirmed_publisher(CONFIG), confirmed_publisher(CONFIG), unconfirmed_publisher(CONFIG)):
        with pytest.raises(Published):
            publisher.publish("{}", routing_key="somewhere")
    assert [confirms for confirms, _ in connections] == [False, True, False]
    assert [options["confirm_publish"] for _, options in connections] == [False, True, False]
    assert Publisher.transport_options.get("confirm_publish") == shared  # nameko's shared dict untouched
    assert confirmed_publisher(CONFIG).transport_options["confirm_publish"] is True


def test_calls_go_unconfirmed_with_options_of_their_own(connections):
    """A call is published without waiting for the broker's confirm (a call the broker did not take
    is the caller's timeout, a 503, as a service that is down is), and leaves the others' as they are."""
    shared = Publisher.transport_options.get("confirm_publish")
    call = MethodProxy.publisher_cls(CONFIG["AMQP_URI"])
    with pytest.raises(Published):
        call.publish({"args": [], "kwargs": {}}, routing_key="billing.place_order", mandatory=True)
    with pytest.raises(Published):
        confirmed_publisher(CONFIG).publish("{}", routing_key="somewhere")
    assert [(confirms, options["confirm_publish"]) for confirms, options in connections] == [
        (False, False),
        (True, True),
    ]
    assert Publisher.transport_options.get("confirm_publish") == shared


def test_a_call_declares_its_exchange_and_asks_nothing_back(monkeypatch):
    """Without confirms nothing reads what the broker returns, and a call to an exchange no service
    has declared yet would close the pooled channel unnoticed: the exchange is declared first."""
    published = []

    class Producer:
        def publish(self, payload, **kwargs):
            published.append(kwargs)

    @contextlib.contextmanager
    def producer(amqp_uri, confirms, ssl=None, login_method=None, transport_options=None):
        yield Producer()

    monkeypatch.setattr(publish, "get_producer", producer)
    exchange = get_rpc_exchange(CONFIG)
    MethodProxy.publisher_cls(CONFIG["AMQP_URI"]).publish(
        {}, exchange=exchange, routing_key="billing.x", mandatory=True
    )
    (sent,) = published
    assert sent["mandatory"] is False and exchange in sent["declare"]
