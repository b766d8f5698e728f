"""A batch is published with one wait for the broker's confirms of all its messages: it returns only
when the broker has taken every one, and raises when the broker refuses any (a queue that is full
and rejects what comes), so that the outbox keeps the rows for another try."""

import json

import kombu
import pytest

from portal_common import batch_publisher
from portal_common.batch_publisher import BatchPublisher, NotConfirmed

EXCHANGE = kombu.Exchange("batches.events", type="topic", durable=True, auto_delete=False)


def messages(*numbers):
    return [
        {"body": json.dumps({"n": n}), "routing_key": "counted", "content_type": "application/json"} for n in numbers
    ]


@pytest.fixture
def queue(rabbit_config):
    """A queue bound to the exchange; `max_length` of them, then the broker refuses (nacks) more."""
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:

        def bound(max_length=None):
            arguments = {"x-max-length": max_length, "x-overflow": "reject-publish"} if max_length else {}
            declared = kombu.Queue("batches", exchange=EXCHANGE, routing_key="#", queue_arguments=arguments)
            declared = declared(connection.default_channel)
            declared.declare()
            return declared

        yield bound


def taken(queue):
    seen = []
    while (message := queue.get(no_ack=True)) is not None:
        seen.append(json.loads(message.body)["n"])
    return seen


def test_a_batch_is_published_in_order_and_persistent_once_the_broker_confirmed_it(rabbit_config, queue):
    spy = queue()
    publisher = BatchPublisher(rabbit_config, EXCHANGE)
    publisher.publish(messages(1, 2, 3))
    publisher.publish(messages(4))
    first = spy.get(no_ack=True)
    assert first.properties["delivery_mode"] == 2
    assert [json.loads(first.body)["n"], *taken(spy)] == [1, 2, 3, 4]
    publisher.close()


def test_a_batch_the_broker_refuses_part_of_raises_and_the_next_goes_on(rabbit_config, queue):
    full_after_two = queue(max_length=2)
    publisher = BatchPublisher(rabbit_config, EXCHANGE)
    with pytest.raises(NotConfirmed, match="refused"):
        publisher.publish(messages(1, 2, 3))
    assert taken(full_after_two) == [1, 2]
    publisher.publish(messages(4))  # room again
    assert taken(full_after_two) == [4]
    publisher.close()


def test_a_batch_not_confirmed_in_time_raises_and_the_next_goes_on_a_new_connection(rabbit_config, queue, monkeypatch):
    spy = queue()
    publisher = BatchPublisher(rabbit_config, EXCHANGE)
    monkeypatch.setattr(batch_publisher, "CONFIRMS_WAIT_SECONDS", 0)
    with pytest.raises(NotConfirmed, match="not confirmed in"):
        publisher.publish(messages(1))
    monkeypatch.undo()
    publisher.publish(messages(2))
    assert taken(spy) == [1, 2]  # the first was published, only its confirm not waited for: at least once
    publisher.close()
    with pytest.raises(RuntimeError, match="closed"):
        publisher.publish(messages(3))
