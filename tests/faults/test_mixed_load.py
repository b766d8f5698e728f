"""Orders for one account and reads of that account at the same time, on real `nameko run`
processes as `make run` starts them: no call cycle, so no stall.

When billing's order called accounts and accounts' account read called billing, both worker pools
filled with calls waiting on each other: 85 of 118 requests answered 503 after 10-second stalls.
Now the gateway asks each service itself; every answer comes, and soon.
"""

import contextlib
import threading
import time
import uuid

import pytest

from tests.faults.processes import Processes
from tests.harness import SERVICES, ApiClient, Vhost

pytestmark = pytest.mark.alone  # its timings would be spoilt by another process beside it

CLIENTS_EACH = 24  # more than twice a service's 10 workers, for each kind
SECONDS = 8
SLOWEST_SECONDS = 3  # the processes' RPC timeout: a stall would answer 503 after it
PASSWORD = "correct horse battery staple"


@pytest.fixture
def processes(request, tmp_path):
    with contextlib.ExitStack() as stack:
        vhost_uri = stack.enter_context(
            Vhost(request.config.getoption("RABBIT_AMQP_URI"), request.config.getoption("RABBIT_API_URI"))
        )
        db_uris = {name: f"sqlite:///{tmp_path / (name + '.db')}" for name in SERVICES}
        yield stack.enter_context(Processes(vhost_uri, db_uris))


def signed_up(base_url):
    client = ApiClient(base_url)
    email = f"mixed-{time.monotonic_ns()}@example.com"
    assert (
        client.post(
            "/v1/signup", json={"company_name": "Mixed Co", "name": "Max", "email": email, "password": PASSWORD}
        ).status_code
        == 201
    )
    return ApiClient(base_url, client.post("/v1/sessions", json={"email": email, "password": PASSWORD}).json()["token"])


def test_orders_and_reads_of_one_account_at_once_all_answer_in_seconds(processes):
    owner = signed_up(processes.base_url)
    account = owner.post("/v1/accounts", json={"name": "Contoso", "contact_email": "it@contoso.test"}).json()
    answers, stop = [], threading.Event()

    def order(client):
        return client.post(
            "/v1/orders",
            headers={"Idempotency-Key": uuid.uuid4().hex},
            json={
                "items": [
                    {"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account["id"]}
                ]
            },
        )

    def read(client):
        return client.get(f"/v1/accounts/{account['id']}")

    def keep_asking(ask):
        client = ApiClient(processes.base_url, owner.headers["Authorization"].split()[1])
        while not stop.is_set():
            started = time.monotonic()
            status = ask(client).status_code
            answers.append((ask.__name__, status, time.monotonic() - started))

    threads = [threading.Thread(target=keep_asking, args=(ask,)) for ask in (order, read) for _ in range(CLIENTS_EACH)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(30)

    statuses = {(kind, status) for kind, status, _ in answers}
    assert statuses == {("order", 201), ("read", 200)}, statuses
    assert max(seconds for _, _, seconds in answers) < SLOWEST_SECONDS
    orders = sum(kind == "order" for kind, _, _ in answers)
    assert orders >= CLIENTS_EACH
    bought = owner.get(f"/v1/accounts/{account['id']}").json()["subscriptions"]
    assert len(bought) == orders
