"""Every event is handled idempotently: delivered again, twice, and late (newest first, so every
older version arrives after the newer one), it leaves every read model as it was.

A spy queue bound to every service's event exchange records each event the system publishes while
a partner does everything that makes one (sign-up, employees created, changed, deactivated and
removed, accounts, trials, orders, computers added and removed, agents' reports, a computer that
stops backing up, an account released). Every event of the registry is among them, and each
payload is what the registry says it carries. The partner's views are read; then every recorded
event is published again by its source's name, in reverse order, twice, and the test waits until
every handler of every service has handled each of them. The views are read again: they are the
same, and the removed computer's agent key is still refused.
"""

import collections
import contextlib
import datetime as dt
import json
import time

import kombu
from nameko.events import EventHandler
from nameko.standalone.events import event_dispatcher, get_event_exchange
from nameko.testing.services import entrypoint_waiter

from portal_common.event_messages import envelopes
from portal_common.events import REGISTRY
from tests.faults.answers import report_body
from tests.flows import create_employee, sign_in_token, sign_up, walk

SOURCES = sorted({producer for producer, _ in REGISTRY})


class Spy:
    """A queue of the test's own, bound to every event exchange: a copy of every event published."""

    def __init__(self, config):
        self.connection = kombu.Connection(config["AMQP_URI"])
        self.queue = kombu.Queue(
            "fault-tests-spy",
            exclusive=True,
            auto_delete=True,
            bindings=[kombu.binding(get_event_exchange(source, config), routing_key="#") for source in SOURCES],
        )
        self.queue(self.connection.default_channel).declare()
        self.events = []

    def drain(self, quiet_seconds=1.0):
        """Everything published so far, once nothing more has come for `quiet_seconds`."""
        bound = self.queue(self.connection.default_channel)
        last = time.monotonic()
        while time.monotonic() - last < quiet_seconds:
            message = bound.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
                continue
            last = time.monotonic()
            source = message.delivery_info["exchange"].rsplit(".events", 1)[0]
            for payload in envelopes(json.loads(message.body), message.headers):
                self.events.append((source, message.delivery_info["routing_key"], payload))
        return self.events

    def close(self):
        self.connection.release()


def warned_of_endings(system, clock):
    """Another partner, whose subscription bought a year ago renews now, and whose subscription without
    auto-renew (bought 336 days ago) and trial (started 28 days ago) end within the warnings' reach
    now: billing renews one and warns of both."""
    now = clock.now()
    clock.set(now - dt.timedelta(days=366))
    early = sign_up(system)
    account = early.client.post("/v1/accounts", json={"name": "Ending", "contact_email": "it@c.test"}).json()["id"]
    renews = early.client.post(
        "/v1/orders",
        headers={"Idempotency-Key": "events-renews"},
        json={"items": [{"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account}]},
    )
    assert renews.status_code == 201, renews.text
    clock.set(now - dt.timedelta(days=336))
    early.token = sign_in_token(system, early.email, early.password)
    order = early.client.post(
        "/v1/orders",
        headers={"Idempotency-Key": "events-early"},
        json={"items": [{"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account}]},
    )
    assert order.status_code == 201, order.text
    subscription = order.json()["lines"][0]["subscription_id"]
    off = early.client.patch(f"/v1/subscriptions/{subscription}", json={"auto_renew": False})
    assert off.status_code == 200, off.text
    clock.set(now - dt.timedelta(days=28))
    early.token = sign_in_token(system, early.email, early.password)
    trial = early.client.post(f"/v1/accounts/{account}/trials", json={"product": "safe-pro", "plan": "core"})
    assert trial.status_code == 201, trial.text
    clock.set(now)


def the_flow(system, clock):
    """A partner doing everything that publishes an event; answers what the views need."""
    warned_of_endings(system, clock)
    owner = sign_up(system)
    client = owner.client
    sales = create_employee(owner, "sales")
    assert client.patch(f"/v1/employees/{sales.id}", json={"role": "viewer"}).status_code == 200
    assert client.patch(f"/v1/employees/{sales.id}", json={"active": False}).status_code == 200
    assert client.delete(f"/v1/employees/{sales.id}").status_code == 204
    assert client.patch("/v1/company", json={"name": "Renamed after sign-up"}).status_code == 200
    for hours in (60, 72):  # changed, and back to what the computers below are judged by
        assert client.patch("/v1/monitoring/settings", json={"not_backing_up_after_hours": hours}).status_code == 200
    assert (
        client.put(
            "/v1/notifications/settings",
            json={"email": {"enabled": True, "recipients": [owner.email]}, "events": ["trial.ending"]},
        ).status_code
        == 200
    )
    invited = client.post("/v1/employees", json={"email": f"invited-{owner.id}@c.test", "name": "I", "role": "viewer"})
    assert invited.status_code == 201, invited.text
    assert system.client().post("/v1/password-reset", json={"email": owner.email}).status_code == 202

    accounts = []
    for name in ("Kept", "Released"):
        account = client.post("/v1/accounts", json={"name": name, "contact_email": "it@c.test"})
        assert account.status_code == 201, account.text
        accounts.append(account.json()["id"])
    kept, released = accounts
    # The kept account's subscription changes four times: trial, bought, an add-on, a plan upgrade.
    trial = client.post(f"/v1/accounts/{kept}/trials", json={"product": "safe-pro", "plan": "power"})
    assert trial.status_code == 201, trial.text
    bought = client.post(
        f"/v1/accounts/{kept}/trial-upgrade", headers={"Idempotency-Key": "events-0"}, json={"term_years": 1}
    )
    assert bought.status_code == 200, bought.text
    active = bought.json()["subscription"]["id"]
    addon = client.post(
        f"/v1/subscriptions/{active}/addons",
        headers={"Idempotency-Key": "events-3"},
        json={"addon": "extra-computer", "quantity": 2},
    )
    assert addon.status_code == 201, addon.text
    assert (
        client.post(
            f"/v1/subscriptions/{active}/upgrade", headers={"Idempotency-Key": "events-4"}, json={"plan": "ultimate"}
        ).status_code
        == 200
    )
    order = client.post(
        "/v1/orders",
        headers={"Idempotency-Key": "events-1"},
        json={
            "items": [
                {"product": "safe-pro", "plan": "power", "term_years": 1, "quantity": 2, "account_id": released},
                {"product": "safe", "plan": "basic", "term_years": 2, "quantity": 1},
            ]
        },
    )
    assert order.status_code == 201, order.text
    subscription = order.json()["lines"][0]["subscription_id"]
    assert (
        client.post(
            f"/v1/subscriptions/{subscription}/upgrade",
            headers={"Idempotency-Key": "events-2"},
            json={"plan": "ultimate"},
        ).status_code
        == 200
    )

    computers = {}
    for name in ("Stays", "Stops", "Removed"):
        computer = client.post(f"/v1/accounts/{kept}/computers", json={"name": name, "kind": "workstation"})
        assert computer.status_code == 201, computer.text
        computers[name] = computer.json()
    agent = system.client()
    for computer in computers.values():
        for hours in (30, 20, 10):
            answer = agent.post(
                "/v1/agent/reports",
                json=report_body(clock.now() - dt.timedelta(hours=hours), hours),
                headers={"Authorization": f"Agent {computer['agent_key']}"},
            )
            assert answer.status_code == 202, answer.text
    # "Stops" stops: three days on, it is not backing up; "Stays" reports again.
    clock.advance(hours=80)
    owner.token = (
        system.client().post("/v1/sessions", json={"email": owner.email, "password": owner.password}).json()["token"]
    )
    client = owner.client
    answer = agent.post(
        "/v1/agent/reports",
        json=report_body(clock.now(), 77),
        headers={"Authorization": f"Agent {computers['Stays']['agent_key']}"},
    )
    assert answer.status_code == 202, answer.text
    failed = {**report_body(clock.now(), 0), "status": "failed", "error": "disk full"}
    answer = agent.post(
        "/v1/agent/reports", json=failed, headers={"Authorization": f"Agent {computers['Stops']['agent_key']}"}
    )
    assert answer.status_code == 202, answer.text
    removed = computers["Removed"]
    assert client.delete(f"/v1/accounts/{kept}/computers/{removed['id']}").status_code == 204
    assert client.post(f"/v1/accounts/{released}/release").status_code == 200
    # A released account's subscriptions are no longer the partner's to turn renewal on again (which a
    # replayed release would undo).
    renewed = client.patch(f"/v1/subscriptions/{subscription}", json={"auto_renew": True})
    assert renewed.status_code == 409, renewed.text
    return owner, kept, computers


def views(owner, kept, computers):
    """Everything the partner can see that events feed, in a comparable form."""
    client = owner.client
    seen = {}
    for path in (
        "/v1/company",
        "/v1/monitoring/overview",
        "/v1/monitoring/settings",
        "/v1/notifications/settings",
        f"/v1/accounts/{kept}",
        f"/v1/accounts/{kept}/backup-status",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        seen[path] = response.json()
    for path in (
        "/v1/accounts",
        "/v1/monitoring/computers",
        "/v1/subscriptions",
        "/v1/orders",
        "/v1/employees",
        "/v1/audit-events",
        *(f"/v1/monitoring/computers/{c['id']}/reports" for name, c in computers.items() if name != "Removed"),
    ):
        seen[path] = walk(client, path, 50)[0]
    return seen


def handlers(system):
    """(source, event type) -> [(container, method name)] of every event handler of the system."""
    found = collections.defaultdict(list)
    for container in system.runner.containers:
        for entrypoint in container.entrypoints:
            if isinstance(entrypoint, EventHandler):
                found[(entrypoint.source_service, entrypoint.event_type)].append((container, entrypoint.method_name))
    return found


def waiting_for(stack, container, method_name, event_ids):
    """Enter a waiter that returns once `method_name` has handled every one of `event_ids` (a
    Counter: how many times each) without an error."""
    left = collections.Counter(event_ids)
    failures = []

    def handled(worker_ctx, result, exc_info):
        taken = worker_ctx.args[0]  # an event, or those a handler takes together
        for event in taken if isinstance(taken, list) else [taken]:
            event_id = event.get("event_id") or event.get("id")
            if exc_info is not None:
                failures.append((method_name, event_id, exc_info[1]))
            if left[event_id] > 0:
                left[event_id] -= 1
        return not +left

    stack.enter_context(entrypoint_waiter(container, method_name, timeout=30, callback=handled))
    return failures


def test_every_event_twice_and_late_changes_no_read_model(system, clock):
    spy = Spy(system.config)
    try:
        owner, kept, computers = the_flow(system, clock)
        events = spy.drain()
        published = {(source, event_type) for source, event_type, _ in events}
        assert set(REGISTRY) == published, set(REGISTRY) ^ published
        for source, event_type, payload in events:
            assert REGISTRY[(source, event_type)].problems(payload) == {}, (event_type, payload)
        consumed = handlers(system)
        assert set(consumed) <= published, set(consumed) - published
        before = views(owner, kept, computers)

        failures = []
        redelivered = list(reversed(events)) * 2
        with contextlib.ExitStack() as stack:
            for key, targets in consumed.items():
                ids = [
                    payload.get("event_id") or payload.get("id")
                    for source, event_type, payload in redelivered
                    if (source, event_type) == key
                ]
                for container, method_name in targets:
                    failures += waiting_for(stack, container, method_name, ids)
            dispatch = event_dispatcher(system.config)
            for source, event_type, payload in redelivered:
                dispatch(source, event_type, payload)
        assert not failures, failures
        # Anything the redelivered events made the services publish has been handled too.
        spy.events = []
        spy.drain()
    finally:
        spy.close()

    after = views(owner, kept, computers)
    for path in before:
        assert after[path] == before[path], path
    refused = system.client().post(
        "/v1/agent/reports",
        json=report_body(clock.now()),
        headers={"Authorization": f"Agent {computers['Removed']['agent_key']}"},
    )
    assert refused.status_code == 401, refused.text
    assert len(redelivered) >= 2 * len(REGISTRY)
