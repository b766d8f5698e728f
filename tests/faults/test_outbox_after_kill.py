"""A service killed (`kill -9`) after it committed a change and before it published the event that
reports it: restarted, it publishes the event, and the service that keeps a read model of it catches
up. Real `nameko run` processes on PostgreSQL, as `make run` starts them.

The moment between the commit and the publish is held open by the broker: the test vhost refuses
billing's publishes to its events exchange (its write permission), so billing's order commits and
answers, its `subscription_changed` waits in billing's outbox, and billing is killed there. The
broker then takes publishes again, billing starts again, and the accounts list shows the order.
"""

import contextlib
import time

import pytest
from nameko.testing.rabbit import Client
from sqlalchemy import text

from portal_common.db import make_engine
from tests.databases import POSTGRES, postgres_databases
from tests.faults.processes import Processes
from tests.harness import SERVICES, ApiClient, Vhost

CATCH_UP_SECONDS = 20
EVERYTHING = ".*"
ALL_BUT_BILLINGS_EVENTS = r"^(?!billing\.events$).*"


@pytest.fixture
def broker(request):
    """The vhost's management, and its name."""
    management_uri = request.config.getoption("RABBIT_API_URI")
    with Vhost(request.config.getoption("RABBIT_AMQP_URI"), management_uri) as vhost_uri:
        yield Client(management_uri), vhost_uri


def allow(broker, write):
    manager, vhost_uri = broker
    user = vhost_uri.split("://", 1)[1].split(":", 1)[0]
    manager.set_vhost_permissions(vhost_uri.rsplit("/", 1)[1], user, EVERYTHING, EVERYTHING, write)


def outbox_rows(db_uri):
    engine = make_engine(db_uri)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT event_type FROM outbox")).scalars().all()
    finally:
        engine.dispose()


def listed_status(owner, account_id):
    items = owner.get("/v1/accounts").json()["items"]
    return next(item["status"] for item in items if item["id"] == account_id)


def signed_up(base_url):
    client = ApiClient(base_url)
    email = f"outbox-{time.monotonic_ns()}@example.com"
    password = "correct horse battery staple"
    assert (
        client.post(
            "/v1/signup", json={"company_name": "Outbox Co", "name": "Olga", "email": email, "password": password}
        ).status_code
        == 201
    )
    session = client.post("/v1/sessions", json={"email": email, "password": password})
    return ApiClient(base_url, session.json()["token"])


def test_an_event_committed_and_not_published_when_billing_is_killed_is_published_when_it_is_back(broker):
    allow(broker, ALL_BUT_BILLINGS_EVENTS)
    with contextlib.ExitStack() as stack:
        db_uris = stack.enter_context(postgres_databases(POSTGRES, SERVICES))
        system = stack.enter_context(Processes(broker[1], db_uris))
        owner = signed_up(system.base_url)
        account = owner.post("/v1/accounts", json={"name": "Contoso", "contact_email": "it@contoso.test"}).json()
        order = owner.post(
            "/v1/orders",
            headers={"Idempotency-Key": "outbox-1"},
            json={
                "items": [
                    {"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account["id"]}
                ]
            },
        )
        assert order.status_code == 201, order.text

        time.sleep(1.5)  # more than the relay's round: it has tried, and been refused
        assert outbox_rows(db_uris["billing"]) == ["subscription_changed", "order_placed", "billing_activity"]
        assert listed_status(owner, account["id"]) == "none"
        system.kill("billing", 0)

        allow(broker, EVERYTHING)
        system.start_instance("billing", 0)
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while listed_status(owner, account["id"]) != "active" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert listed_status(owner, account["id"]) == "active", system.log_tail()
        assert outbox_rows(db_uris["billing"]) == []
