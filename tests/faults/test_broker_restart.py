"""The broker goes away under load and comes back (`rabbitmqctl stop_app` / `start_app` on a
RabbitMQ node of the test's own): nothing acknowledged is lost, nothing is done twice, and the
system is ready again on its own.

- while the broker is away, every request is answered, 503, within the RPC timeout (no hangs);
- `/health` is green again within 15 seconds of the broker's return, no service restarted;
- every order answered 201 exists exactly once; every order answered otherwise, asked again with
  its Idempotency-Key, is then answered 201 and exists exactly once too;
- every report answered 202 is stored, exactly once.
"""

import time

import pytest
import requests

from tests.faults.answers import owner_with_a_computer
from tests.faults.broker import PrivateRabbit
from tests.faults.load import Load
from tests.flows import walk
from tests.harness import System

pytestmark = pytest.mark.alone  # its timings would be spoilt by another process beside it

RPC_TIMEOUT = 2.0
HEALTHY_WITHIN = 15.0
LOAD_SECONDS = 1.5
OUTAGE_SECONDS = 6.0


@pytest.fixture(scope="module")
def rabbit():
    with PrivateRabbit() as rabbit:
        yield rabbit


@pytest.fixture(scope="module")
def broker_system(rabbit, tmp_path_factory):
    with System(rabbit.amqp_uri, data_dir=tmp_path_factory.mktemp("data"), rpc_timeout=RPC_TIMEOUT) as system:
        yield system


def health(system):
    """`/health`'s status, and what it said."""
    try:
        answer = requests.get(system.base_url + "/health", timeout=10)
    except requests.ConnectionError as exc:
        return 0, str(exc)
    return answer.status_code, answer.text


def test_a_broker_restart_under_load_loses_nothing(rabbit, broker_system):
    system = broker_system
    partner = owner_with_a_computer(system)
    second = system.client(partner.owner.token).post(
        f"/v1/accounts/{partner.account_id}/computers", json={"name": "PC-2", "kind": "workstation"}
    )
    assert second.status_code == 201, second.text
    computers = {partner.computer_id: partner.agent_key, second.json()["id"]: second.json()["agent_key"]}
    assert health(system)[0] == 200

    load = Load(system.base_url, partner.owner.token, list(computers.values()), system.clock).start()
    try:
        time.sleep(LOAD_SECONDS)
        rabbit.stop_app()
        went_away = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        coming_back = time.monotonic()
        rabbit.start_app()
        while (state := health(system))[0] != 200:
            assert time.monotonic() - coming_back < HEALTHY_WITHIN, f"/health not green 15 s after the return: {state}"
            time.sleep(0.25)
        healthy_after = time.monotonic() - coming_back
        time.sleep(LOAD_SECONDS)
    finally:
        load.stop()

    # Load before, during and after the outage, and every request answered without hanging.
    assert load.of("order", 201) and load.of("report", 202)
    assert [a for a in load.answers if a.started < went_away and a.status in (201, 202)]
    assert [a for a in load.answers if a.started > coming_back + healthy_after and a.status in (201, 202)]
    during = [a for a in load.answers if went_away + 0.5 < a.started < coming_back - 0.5]
    assert during, "no request was made while the broker was away"
    print(f"healthy {healthy_after:.1f} s after start_app; {len(load.answers)} requests, {len(during)} while away")
    # While it is away, a request is refused (503), or, having waited for it within the timeout, done.
    assert {a.status for a in during} <= {503, 201, 202}, sorted({(a.kind, a.status) for a in during})
    assert 503 in {a.status for a in during}
    done_while_away = [a for a in during if a.status != 503 and a.started + a.seconds < coming_back]
    assert not done_while_away, [(a.kind, a.status, a.started - went_away, a.seconds) for a in done_while_away]
    # Checked last, so that a slow answer does not hide a lost one.
    slow = [(a.kind, a.status, round(a.seconds, 1)) for a in load.answers if a.seconds > RPC_TIMEOUT + 1.5]

    # Orders: each key, asked again until answered 201, is one order; the partner has just those.
    settled = load.settle_orders()
    first_answers = {a.key: a.body["id"] for a in load.of("order", 201)}
    assert all(settled[key].body["id"] == order_id for key, order_id in first_answers.items())
    owner = system.client(partner.owner.token)
    orders = [order["id"] for order in walk(owner, "/v1/orders", 200)[0]]
    assert len(orders) == len(set(orders)) == len(settled)
    assert set(orders) == {answer.body["id"] for answer in settled.values()}

    # Reports: every one answered 202 is stored once.
    accepted = {a.body["id"] for a in load.of("report", 202)}
    deadline = time.monotonic() + 15
    while True:
        stored = [
            report["id"]
            for computer in computers
            for report in walk(owner, f"/v1/monitoring/computers/{computer}/reports", 200)[0]
        ]
        if accepted <= set(stored) or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert accepted <= set(stored), len(accepted - set(stored))
    assert len(stored) == len(set(stored))

    # No answer came later than the gateway's timeout (and a little for the HTTP round trip).
    assert not slow, slow
