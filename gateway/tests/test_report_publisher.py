"""Reports are confirmed by the broker in batches (one message each), with the guarantees of one-by-one
publishing."""

import json
import socket
import time
import urllib.parse

import eventlet
import pytest
from kombu import Connection, Exchange, Queue

from portal_common.errors import ServiceUnavailable
from portal_common.events import AGENT_REPORTS_RECEIVED

from gateway.report_publisher import BATCH_MAX, BatchPublisher

EXCHANGE = "gateway.events"
KEY = AGENT_REPORTS_RECEIVED.name


@pytest.fixture
def publisher(rabbit_config):
    publisher = BatchPublisher(rabbit_config["AMQP_URI"], EXCHANGE, KEY, timeout=5)
    runner = eventlet.spawn(publisher.run)
    yield publisher
    runner.kill()
    publisher.close()


@pytest.fixture
def monitoring_queue(rabbit_config):
    """A durable queue bound as monitoring's is; answers a function taking the ids of the reports in
    its messages, and how many messages held them."""
    queue = Queue("reports-under-test", Exchange(EXCHANGE, "topic", durable=True), routing_key=KEY, durable=True)
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        queue(connection.default_channel).declare()

    def taken():
        ids, messages = [], 0
        with Connection(rabbit_config["AMQP_URI"]) as connection:
            bound = queue(connection.default_channel)
            while (message := bound.get(no_ack=True)) is not None:
                messages += 1
                payload = json.loads(message.body)
                assert AGENT_REPORTS_RECEIVED.problems(payload) == {}, payload
                ids.extend(report["id"] for report in payload["reports"])
        return ids, messages

    return taken


def test_a_report_no_queue_takes_is_refused(publisher):
    with pytest.raises(ServiceUnavailable):
        publisher.publish({"id": "r1"})


def test_concurrent_reports_are_all_confirmed_and_held(publisher, monitoring_queue):
    count = BATCH_MAX * 2 + 17
    pool = eventlet.GreenPool(count)
    errors = list(pool.imap(lambda n: publisher.publish({"id": f"r{n}"}), range(count)))
    assert errors == [None] * count
    ids, messages = monitoring_queue()
    assert sorted(ids) == sorted(f"r{n}" for n in range(count))
    assert count / BATCH_MAX <= messages < count  # batched, none bigger than BATCH_MAX


def test_a_dead_connection_is_replaced_and_the_batch_sent_again(publisher, monitoring_queue):
    publisher.publish({"id": "before"})
    for lane in publisher.lanes:  # the broker went away under the publisher
        if lane._connection is not None:
            lane._connection.connection.sock.close()
    publisher.publish({"id": "after"})
    assert monitoring_queue() == (["before", "after"], 2)


class FreezingProxy:
    """A TCP proxy to the broker that can stop passing bytes: a broker blocked by an alarm, or a
    half-open link."""

    def __init__(self, amqp_uri):
        parts = urllib.parse.urlparse(amqp_uri)
        self.broker = (parts.hostname, parts.port or 5672)
        self.frozen = False
        self.listener = eventlet.listen(("127.0.0.1", 0))
        self.uri = parts._replace(
            netloc=f"{parts.username}:{parts.password}@127.0.0.1:{self.listener.getsockname()[1]}"
        ).geturl()
        self.server = eventlet.spawn(self._serve)

    def _serve(self):
        while True:
            client, _ = self.listener.accept()
            upstream = socket.create_connection(self.broker)
            eventlet.spawn(self._pump, client, upstream)
            eventlet.spawn(self._pump, upstream, client)

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                while self.frozen:
                    eventlet.sleep(0.02)
                target.sendall(data)
        except OSError:
            pass

    def close(self):
        self.server.kill()
        self.listener.close()


def test_a_broker_that_stops_answering_costs_a_503_at_the_deadline_never_a_hang(rabbit_config, monitoring_queue):
    proxy = FreezingProxy(rabbit_config["AMQP_URI"])
    publisher = BatchPublisher(proxy.uri, EXCHANGE, KEY, timeout=1)
    runner = eventlet.spawn(publisher.run)
    try:
        publisher.publish({"id": "before"})
        proxy.frozen = True
        started = time.monotonic()
        with eventlet.Timeout(5), pytest.raises(ServiceUnavailable):  # fails, rather than hangs, if it waits
            publisher.publish({"id": "during"})
        assert time.monotonic() - started < 1.5
        proxy.frozen = False
        with eventlet.Timeout(10):  # the flusher is not stuck: later reports go through again
            while True:
                try:
                    publisher.publish({"id": "after"})
                    break
                except ServiceUnavailable:
                    eventlet.sleep(0.1)
    finally:
        runner.kill()
        publisher.close()
        proxy.close()


def test_stopping_the_publisher_stops_its_lanes(rabbit_config, monitoring_queue):
    publisher = BatchPublisher(rabbit_config["AMQP_URI"], EXCHANGE, KEY, timeout=0.5)
    runner = eventlet.spawn(publisher.run)
    publisher.publish({"id": "before"})
    runner.kill()  # as the container stops its managed thread
    with pytest.raises(ServiceUnavailable):  # no lane is left to take it: it waits for its deadline
        publisher.publish({"id": "after"})
    publisher.close()
    assert monitoring_queue() == (["before"], 1)
