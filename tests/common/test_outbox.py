"""The outbox: an event is written with the change it reports or not at all, checked against the
registry, published with confirms and deleted, kept while the broker is away, and published once
however many relays share a PostgreSQL database."""

import contextlib
import json
import socket
import time

import eventlet
import kombu
import pytest
from sqlalchemy import Column, MetaData, String, Table, func, insert, select

from portal_common import outbox as outbox_module
from portal_common.clock import utc_now
from portal_common.event_messages import EVENTS_HEADER, envelopes
from portal_common.events import ACCESS_CHANGED, ACCOUNT_CREATED, InvalidEvent
from portal_common.outbox import OUTBOX_BATCH, OutboxRelay, event_exchange, outbox_table
from portal_common.unit_of_work import UnitOfWork
from tests.databases import sessions_of

metadata = MetaData()
outbox = outbox_table(metadata)
things = Table("things", metadata, Column("id", String(26), primary_key=True))


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, tmp_path):
    with sessions_of(request.param, metadata, tmp_path, expire_on_commit=False) as factory:
        yield factory


@pytest.fixture
def spy(rabbit_config):
    """What reaches the `accounts.events` exchange, as (event type, payload) for each event of each
    message: a queue bound as monitoring's would be, so accounts' `account_created` has somewhere to go."""
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = kombu.Queue("outbox-spy", exchange=event_exchange("accounts"), routing_key="#", durable=False)
        bound = queue(connection.default_channel)
        bound.declare()

        def taken():
            seen = []
            while (message := bound.get(no_ack=True)) is not None:
                for payload in envelopes(json.loads(message.body), message.headers):
                    seen.append((message.delivery_info["routing_key"], payload))
            return seen

        yield taken


def create(uow, thing_id, commit=True):
    with uow:
        uow.session.execute(insert(things).values(id=thing_id))
        uow.emit(
            ACCOUNT_CREATED,
            thing_id,
            1,
            utc_now(),
            partner_id="p1",
            name="Thing",
            administered=True,
            released=False,
            item={"id": thing_id, "name": "Thing"},
        )
        if commit:
            uow.commit()


def count(sessions, table):
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_an_event_is_written_with_its_change_or_not_at_all(sessions):
    woken = []
    uow = UnitOfWork(sessions, outbox, on_commit=woken.append, actor="e1", request_id="r1")
    create(uow, "rolled-back", commit=False)
    assert count(sessions, things) == count(sessions, outbox) == 0 and woken == []
    create(uow, "kept")
    assert count(sessions, things) == count(sessions, outbox) == 1 and woken == [[ACCOUNT_CREATED]]
    with sessions() as session:
        row = session.execute(select(outbox)).one()
    payload = json.loads(row.payload)
    assert row.event_type == "account_created" and row.id == payload["event_id"]
    assert (payload["id"], payload["actor"], payload["request_id"]) == ("kept", "e1", "r1")


def test_an_event_the_registry_does_not_describe_is_refused_before_anything_is_written(sessions):
    uow = UnitOfWork(sessions, outbox)
    with uow:
        with pytest.raises(InvalidEvent, match="account_created"):
            uow.emit(ACCOUNT_CREATED, "t1", 1, utc_now(), partner_id="p1", name=5, administered=True)
    assert count(sessions, outbox) == 0


def test_the_relay_publishes_in_order_and_deletes_what_the_broker_confirmed(sessions, rabbit_config, spy):
    uow = UnitOfWork(sessions, outbox)
    for n in range(3):
        create(uow, f"t{n}")
    relay = OutboxRelay(sessions, outbox, rabbit_config, "accounts")
    assert relay.publish_batch() == 3
    assert [(event_type, payload["id"]) for event_type, payload in spy()] == [
        ("account_created", "t0"),
        ("account_created", "t1"),
        ("account_created", "t2"),
    ]
    assert count(sessions, outbox) == 0


def test_events_of_one_type_published_together_are_one_message(sessions, rabbit_config):
    uow = UnitOfWork(sessions, outbox)
    for n in range(3):
        create(uow, f"t{n}")
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = kombu.Queue("together", exchange=event_exchange("accounts"), routing_key="account_created")
        bound = queue(connection.default_channel)
        bound.declare()
        OutboxRelay(sessions, outbox, rabbit_config, "accounts").publish_batch()
        message = bound.get(no_ack=True)
        assert bound.get(no_ack=True) is None
    assert message.headers == {EVENTS_HEADER: 3}
    assert [payload["id"] for payload in json.loads(message.body)] == ["t0", "t1", "t2"]


def test_while_the_broker_is_away_the_rows_wait_and_are_published_after(sessions, rabbit_config, spy):
    uow = UnitOfWork(sessions, outbox)
    create(uow, "waits")
    away = OutboxRelay(sessions, outbox, {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"}, "accounts")
    with pytest.raises(Exception):  # noqa: B017 - whatever the connection raises
        away.publish_batch()
    assert count(sessions, outbox) == 1
    assert OutboxRelay(sessions, outbox, rabbit_config, "accounts").publish_batch() == 1
    assert [payload["id"] for _, payload in spy()] == ["waits"]


def test_a_relay_whose_connection_broke_while_idle_publishes_on_a_new_one(sessions, rabbit_config, spy):
    uow = UnitOfWork(sessions, outbox)
    relay = OutboxRelay(sessions, outbox, rabbit_config, "accounts")
    create(uow, "first")
    assert relay.publish_batch() == 1
    relay.publisher._connection.connection.transport.sock.shutdown(socket.SHUT_RDWR)  # as a broker restart leaves it
    create(uow, "second")
    assert relay.publish_batch() == 1
    assert [payload["id"] for _, payload in spy()] == ["first", "second"]
    assert count(sessions, outbox) == 0


def test_an_event_published_before_its_consumers_first_start_waits_in_its_queue(sessions, rabbit_config):
    """On a first start, accounts may publish before monitoring has ever declared its queue: the relay
    declares it (the registry names it), so the event is there when monitoring comes."""
    create(UnitOfWork(sessions, outbox), "early")
    assert OutboxRelay(sessions, outbox, rabbit_config, "accounts").publish_batch() == 1
    monitoring_queue = "evt-accounts-account_created--monitoring.on_account_created"
    assert monitoring_queue in ACCOUNT_CREATED.queues
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:
        message = kombu.Queue(monitoring_queue, durable=True)(connection.default_channel).get(no_ack=True)
    assert json.loads(message.body)["id"] == "early"


def test_the_request_and_actor_of_an_event_travel_in_its_headers(sessions, rabbit_config):
    """So a handler of it, and what the handler publishes, carry them on."""
    create(UnitOfWork(sessions, outbox, actor="e1", request_id="r1"), "traced")
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = kombu.Queue("traced", exchange=event_exchange("accounts"), routing_key="account_created")
        bound = queue(connection.default_channel)
        bound.declare()
        OutboxRelay(sessions, outbox, rabbit_config, "accounts").publish_batch()
        headers = bound.get(no_ack=True).headers
    assert (headers["nameko.request_id"], headers["nameko.actor_id"]) == ("r1", "e1")


def test_relays_sharing_a_postgresql_database_publish_each_row_once(rabbit_config, spy, tmp_path):
    with sessions_of("postgresql", metadata, tmp_path, expire_on_commit=False) as sessions:
        uow = UnitOfWork(sessions, outbox)
        rows = OUTBOX_BATCH * 3 + 7
        for n in range(rows):
            create(uow, f"t{n:04d}")
        relays = [OutboxRelay(sessions, outbox, rabbit_config, "accounts") for _ in range(3)]

        def drain(relay):
            published = 0
            while (batch := relay.publish_batch()) > 0:
                published += batch
            return published

        pool = eventlet.GreenPool()
        assert sum(pool.imap(drain, relays)) == rows
        seen = [payload["id"] for _, payload in spy()]
        assert sorted(seen) == [f"t{n:04d}" for n in range(rows)]
        assert count(sessions, outbox) == 0


@contextlib.contextmanager
def relay_running(sessions, rabbit_config, producer, event_name):
    """A unit of work whose commits wake `producer`'s relay, running meanwhile, and a queue of the
    `event_name` messages it publishes."""
    relay = OutboxRelay(sessions, outbox, rabbit_config, producer)
    with kombu.Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = kombu.Queue(f"spy-{event_name}", exchange=event_exchange(producer), routing_key=event_name)
        bound = queue(connection.default_channel)
        bound.declare()
        running = eventlet.spawn(relay.run)
        try:
            yield UnitOfWork(sessions, outbox, on_commit=relay.wake), bound
        finally:
            running.kill()


def test_commits_just_behind_the_one_that_woke_the_relay_travel_in_its_messages(sessions, rabbit_config, monkeypatch):
    monkeypatch.setattr(outbox_module, "OUTBOX_GATHER_SECONDS", 0.3)  # wide, so the test needs no timing
    with relay_running(sessions, rabbit_config, "accounts", "account_created") as (uow, bound):
        for n in range(4):
            create(uow, f"t{n}")
            eventlet.sleep(0.01)  # the relay, woken by the first commit, runs meanwhile
        eventlet.sleep(0.6)
        messages = []
        while (message := bound.get(no_ack=True)) is not None:
            messages.append([payload["id"] for payload in json.loads(message.body)])
    assert messages == [["t0", "t1", "t2", "t3"]]
    assert count(sessions, outbox) == 0


def test_an_event_a_broadcast_queue_reads_goes_at_once_without_gathering(sessions, rabbit_config, monkeypatch):
    """A session's access changed: every gateway must forget it now, not after the commits behind it."""
    monkeypatch.setattr(outbox_module, "OUTBOX_GATHER_SECONDS", 5.0)
    with relay_running(sessions, rabbit_config, "identity", "access_changed") as (uow, bound):
        eventlet.sleep(0.05)  # the relay waits for a wake
        with uow:
            uow.emit(ACCESS_CHANGED, "employee-1", 0, utc_now())
            uow.commit()
        started = time.monotonic()
        while (message := bound.get(no_ack=True)) is None and time.monotonic() - started < 2:
            eventlet.sleep(0.01)
    assert message is not None, "not published within 2 s: it waited for the gathering"
    assert json.loads(message.body)["id"] == "employee-1"
