"""A message of several events on a real RabbitMQ: each event has a worker of its own with its own
request's context, the message is acknowledged once they have all returned, and only an event whose
handler raised is tried again, alone, then parked if it keeps failing; a message that says it carries
several events but does not is parked at once. A handler that takes events together gets them as
one list in one worker; when it raises, each is tried again alone."""

import json
import time

import kombu
import pytest
from nameko.extensions import DependencyProvider

from portal_common import dead_letters
from portal_common.clock import utc_now
from portal_common.event_handlers import ERROR_HEADER, RETRIES_HEADER, Unprocessable, dead_queue, on_event, on_events
from portal_common.event_messages import EVENTS_HEADER
from portal_common.events import ACCOUNT_CREATED, checked
from portal_common.outbox import event_exchange
from tests.service_config import TEST_RETRY_DELAYS

QUEUE = "evt-accounts-account_created--listener.on_account_created"
handled = []  # (account id, the worker's request id)
failures = {}  # account id -> how many more times its handler raises


class RequestOfWorker(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx.context_data.get("request_id")


class Listener:
    name = "listener"
    request_id = RequestOfWorker()

    @on_event(ACCOUNT_CREATED)
    def on_account_created(self, event):
        if failures.get(event["id"], 0):
            failures[event["id"]] -= 1
            raise RuntimeError(f"cannot take {event['id']} now")
        handled.append((event["id"], self.request_id))


class TogetherListener:
    name = "together"
    taken = []  # the lists the handler was given, as account ids

    @on_events(ACCOUNT_CREATED)
    def on_account_created(self, events):
        ids = [event["id"] for event in events]
        if len(ids) > 1 and "poison" in ids:
            raise Unprocessable("one of them can never be handled")
        if any(failures.get(account_id, 0) for account_id in ids):
            for account_id in ids:
                failures[account_id] = max(0, failures.get(account_id, 0) - 1)
            raise RuntimeError(f"cannot take {ids} now")
        self.taken.append(ids)


@pytest.fixture
def together(container_factory, rabbit_config):
    failures.clear()
    TogetherListener.taken.clear()
    container = container_factory(TogetherListener, {**rabbit_config, "EVENT_RETRY_DELAYS": TEST_RETRY_DELAYS})
    container.start()
    return rabbit_config


@pytest.fixture
def listener(container_factory, rabbit_config):
    handled.clear()
    failures.clear()
    container = container_factory(Listener, {**rabbit_config, "EVENT_RETRY_DELAYS": TEST_RETRY_DELAYS})
    container.start()
    return rabbit_config


def envelope(account_id):
    return checked(
        ACCOUNT_CREATED,
        ACCOUNT_CREATED.envelope(
            account_id,
            1,
            utc_now(),
            actor="e1",
            request_id="r-" + account_id,
            partner_id="p1",
            name="Contoso",
            administered=True,
            released=False,
            item={"id": account_id, "name": "Contoso"},
        ),
    )


def publish(config, body, headers):
    with kombu.Connection(config["AMQP_URI"]) as connection:
        connection.Producer().publish(
            body,
            exchange=event_exchange("accounts"),
            routing_key="account_created",
            headers=headers,
            content_type="application/json",
            content_encoding="utf-8",
        )


def publish_together(config, *account_ids):
    events = [envelope(account_id) for account_id in account_ids]
    publish(config, json.dumps(events), {EVENTS_HEADER: len(events)})


def waiting(config, queue_name):
    with kombu.Connection(config["AMQP_URI"]) as connection, connection.channel() as channel:
        return channel.queue_declare(queue=queue_name, durable=True, passive=True).message_count


def parked_messages(config):
    with kombu.Connection(config["AMQP_URI"]) as connection:
        bound = dead_queue(QUEUE)(connection.default_channel)
        bound.declare()
        taken = []
        while (message := bound.get(no_ack=True)) is not None:
            taken.append(message)
        return taken


def eventually(probe, seconds=10):
    deadline = time.monotonic() + seconds
    while not probe() and time.monotonic() < deadline:
        time.sleep(0.05)
    return probe()


def test_each_event_of_a_message_is_handled_once_with_its_own_request(listener):
    publish_together(listener, "a1", "a2", "a3")
    assert eventually(lambda: len(handled) == 3)
    time.sleep(0.3)  # nothing comes twice
    assert sorted(handled) == [("a1", "r-a1"), ("a2", "r-a2"), ("a3", "r-a3")]
    assert waiting(listener, QUEUE) == 0


def test_only_the_event_that_failed_is_tried_again_and_alone(listener):
    failures["a2"] = 1
    publish_together(listener, "a1", "a2", "a3")
    assert eventually(lambda: len(handled) == 3)
    time.sleep(1)  # past every retry delay: nothing more comes
    assert sorted(handled) == [("a1", "r-a1"), ("a2", "r-a2"), ("a3", "r-a3")]
    with kombu.Connection(listener["AMQP_URI"]) as connection:
        assert dead_letters.parked(connection, QUEUE) == 0


def test_an_event_that_keeps_failing_is_parked_alone_with_its_request_and_the_others_are_kept(listener):
    failures["a2"] = 100
    publish_together(listener, "a1", "a2", "a3")
    with kombu.Connection(listener["AMQP_URI"]) as connection:
        assert eventually(lambda: dead_letters.parked(connection, QUEUE) == 1)
    (message,) = parked_messages(listener)
    assert json.loads(message.body)["id"] == "a2"  # the event alone, as the relay publishes one
    assert EVENTS_HEADER not in message.headers
    assert message.headers["nameko.request_id"] == "r-a2"
    assert message.headers[RETRIES_HEADER] == len(TEST_RETRY_DELAYS.split(",")) + 1
    assert "cannot take a2 now" in message.headers[ERROR_HEADER]
    assert sorted(handled) == [("a1", "r-a1"), ("a3", "r-a3")]
    assert waiting(listener, QUEUE) == 0


def test_a_message_that_says_it_carries_several_events_but_does_not_is_parked_at_once(listener):
    publish(listener, json.dumps(envelope("a1")), {EVENTS_HEADER: 1})  # one envelope, not a list of them
    publish(listener, json.dumps([]), {EVENTS_HEADER: 0})
    publish_together(listener, "a9")
    assert eventually(lambda: handled == [("a9", "r-a9")])
    with kombu.Connection(listener["AMQP_URI"]) as connection:
        assert eventually(lambda: dead_letters.parked(connection, QUEUE) == 2)
    parked = {json.dumps(json.loads(message.body))[:1]: message for message in parked_messages(listener)}
    assert json.loads(parked["{"].body)["id"] == "a1" and json.loads(parked["["].body) == []
    for message in parked.values():
        assert message.headers[RETRIES_HEADER] == 1 and "Unprocessable" in message.headers[ERROR_HEADER]
    assert handled == [("a9", "r-a9")]


def test_a_handler_that_takes_events_together_gets_the_message_as_one_list(together):
    publish_together(together, "a1", "a2", "a3")
    publish(together, json.dumps(envelope("a4")), {})  # one alone: a list of one
    assert eventually(lambda: sorted(map(tuple, TogetherListener.taken)) == [("a1", "a2", "a3"), ("a4",)])
    assert waiting(together, "evt-accounts-account_created--together.on_account_created") == 0


def test_when_a_handler_of_events_together_raises_each_is_tried_again_alone(together):
    failures["a2"] = 1
    publish_together(together, "a1", "a2", "a3")
    assert eventually(lambda: sorted(map(tuple, TogetherListener.taken)) == [("a1",), ("a2",), ("a3",)])
    time.sleep(1)  # past every retry delay: nothing more comes
    assert len(TogetherListener.taken) == 3


def test_a_list_refused_as_unprocessable_is_tried_again_event_by_event(together):
    """Only the event that is unprocessable alone is; the others of its list are handled alone."""
    publish_together(together, "a1", "poison", "a3")
    assert eventually(lambda: sorted(map(tuple, TogetherListener.taken)) == [("a1",), ("a3",), ("poison",)])
