"""One of two billing instances is killed (`kill -9`) while orders stream through the gateway:
real `nameko run` processes, as `make run` starts them, sharing one PostgreSQL database.

- the survivor carries on: orders asked after the kill are answered 201;
- no acknowledged order is lost: every order answered 201 is there;
- nothing is charged twice: every order not answered 201 (the killed instance had it), asked
  again with its Idempotency-Key, is answered 201 once, and the partner has exactly one order per
  key, as the database has exactly one idempotency record per key.
"""

import contextlib
import time

import pytest
from sqlalchemy import text

from portal_common.clock import utc_now
from portal_common.db import make_engine
from tests.databases import POSTGRES, postgres_databases
from tests.faults.load import Load
from tests.faults.processes import Processes
from tests.flows import walk
from tests.harness import SERVICES, ApiClient, Vhost

BEFORE_SECONDS = 2.0
AFTER_SECONDS = 2.0


class RealClock:
    def now(self):
        return utc_now()


@pytest.fixture(scope="module")
def processes(request):
    amqp_uri = request.config.getoption("RABBIT_AMQP_URI")
    management_uri = request.config.getoption("RABBIT_API_URI")
    with contextlib.ExitStack() as stack:
        db_uris = stack.enter_context(postgres_databases(POSTGRES, SERVICES))
        vhost_uri = stack.enter_context(Vhost(amqp_uri, management_uri))
        system = stack.enter_context(Processes(vhost_uri, db_uris, instances={"billing": 2}))
        yield system


def sign_up(base_url):
    client = ApiClient(base_url)
    email = f"killed-{time.monotonic_ns()}@example.com"
    response = client.post(
        "/v1/signup",
        json={"company_name": "Killed Co", "name": "Kim", "email": email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 201, response.text
    session = client.post("/v1/sessions", json={"email": email, "password": "correct horse battery staple"})
    assert session.status_code == 201, session.text
    return session.json()["token"]


def test_kill_9_of_one_billing_instance_loses_and_doubles_nothing(processes):
    token = sign_up(processes.base_url)
    load = Load(processes.base_url, token, [], RealClock(), orders=6, reports=0).start()
    try:
        time.sleep(BEFORE_SECONDS)
        while load.busy < 3:  # kill it mid-load: with orders on their way
            time.sleep(0.001)
        killing = time.monotonic()
        processes.kill("billing", 0)
        killed_at = time.monotonic()
        time.sleep(AFTER_SECONDS)
    finally:
        load.stop()
    assert not processes.alive("billing", 0) and processes.alive("billing", 1)

    before = [a for a in load.of("order", 201) if a.started + a.seconds < killed_at]
    after = [a for a in load.of("order", 201) if a.started > killed_at]
    assert before, "no order went through before the kill"
    assert after, "the surviving instance took no order after the kill"
    assert {a.status for a in load.of("order")} <= {201, 503}, {a.status for a in load.of("order")}
    # Orders were in flight when the instance was killed (asked before the signal, answered after it:
    # an order takes a few milliseconds now, so one may be answered before the kill has been reaped).
    in_flight = [a for a in load.of("order") if a.started < killing and a.started + a.seconds > killing]
    assert in_flight, "no order was in flight at the kill"

    settled = load.settle_orders()
    for answer in load.of("order", 201):
        assert settled[answer.key].body["id"] == answer.body["id"], "a key answered with two different orders"
    owner = ApiClient(processes.base_url, token)
    orders = walk(owner, "/v1/orders", 200)[0]
    ids = [order["id"] for order in orders]
    assert len(ids) == len(set(ids)) == len(settled)
    assert set(ids) == {answer.body["id"] for answer in settled.values()}
    unit = orders[0]["total_cents"]
    assert all(order["total_cents"] == unit for order in orders)

    engine = make_engine(processes.db_uris["billing"])
    try:
        with engine.connect() as connection:
            tables = set(
                connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
            )
            assert "orders" in tables, tables
            stored = connection.execute(text("SELECT count(*) FROM orders")).scalar()
            keys = connection.execute(text("SELECT count(*) FROM idempotency_keys")).scalar()
    finally:
        engine.dispose()
    assert stored == keys == len(settled)
    print(
        f"orders: {len(settled)}, in flight at the kill: {len(in_flight)} "
        f"({sorted(a.status for a in in_flight)}), 503 then asked again: {len(load.of('order', 503))}"
    )
    assert processes.healthy()
