"""The gateway remembers who holds a token, so a request costs no round trip to identity; every
change of access still takes effect on the very next request at the gateway that carried it, and
at every other gateway as soon as identity's broadcast arrives. (Its own module: the last test
stops identity.)"""

import time

import pytest
from nameko.containers import ServiceContainer

from tests.flows import create_employee, sign_in_token, sign_up
from tests.harness import ApiClient

BROADCAST_SECONDS = 3


@pytest.fixture(scope="module")
def second_gateway(system):
    with system.another_gateway() as url:
        yield url


def soon(check, seconds=BROADCAST_SECONDS):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the broadcast's time"
        time.sleep(0.05)


def both(system, second_gateway, token):
    return ApiClient(system.base_url, token), ApiClient(second_gateway, token)


def test_deactivation_is_refused_on_the_next_request_and_at_every_gateway(system, second_gateway):
    owner = sign_up(system)
    employee = create_employee(owner, "support")
    here, there = both(system, second_gateway, employee.token)
    assert here.get("/v1/me").status_code == there.get("/v1/me").status_code == 200  # both remember it

    assert owner.client.patch(f"/v1/employees/{employee.id}", json={"active": False}).status_code == 200

    assert here.get("/v1/me").status_code == 401  # the gateway that carried the change: at once
    soon(lambda: there.get("/v1/me").status_code == 401)


def test_sign_out_at_one_gateway_ends_the_session_at_the_other(system, second_gateway):
    owner = sign_up(system)
    here, there = both(system, second_gateway, sign_in_token(system, owner.email, owner.password))
    assert here.get("/v1/accounts").status_code == there.get("/v1/accounts").status_code == 200

    assert there.delete("/v1/sessions/current").status_code == 204

    assert there.get("/v1/accounts").status_code == 401
    soon(lambda: here.get("/v1/accounts").status_code == 401)


def test_a_new_role_applies_to_the_next_request(system, second_gateway):
    owner = sign_up(system)
    employee = create_employee(owner, "support")
    here, there = both(system, second_gateway, employee.token)
    account = {"name": "Customer", "contact_email": "it@customer.example.com"}
    assert here.post("/v1/accounts", json=account).status_code == 201
    assert there.post("/v1/accounts", json=account).status_code == 201

    assert owner.client.patch(f"/v1/employees/{employee.id}", json={"role": "viewer"}).status_code == 200

    assert here.post("/v1/accounts", json=account).status_code == 403
    assert here.get("/v1/me").json()["role"] == "viewer"
    soon(lambda: there.post("/v1/accounts", json=account).status_code == 403)


def test_a_password_change_ends_the_other_sessions_everywhere(system, second_gateway):
    owner = sign_up(system)
    other_session = sign_in_token(system, owner.email, owner.password)
    here, there = both(system, second_gateway, other_session)
    assert here.get("/v1/me").status_code == there.get("/v1/me").status_code == 200

    changed = owner.client.post(
        "/v1/me/password", json={"current_password": owner.password, "new_password": "a brand new passphrase"}
    )
    assert changed.status_code == 204

    assert here.get("/v1/me").status_code == 401
    soon(lambda: there.get("/v1/me").status_code == 401)
    assert owner.client.get("/v1/me").status_code == 200  # the session that changed it stays


def test_reads_need_no_round_trip_to_identity(system):
    """With identity stopped, a token the gateway knows still reads accounts at full speed."""
    owner = sign_up(system)
    assert owner.client.get("/v1/accounts").status_code == 200
    identity = next(c for c in system.runner.containers if c.service_name == "identity")
    identity.stop()
    try:
        started = time.monotonic()
        assert owner.client.get("/v1/accounts").status_code == 200
        assert owner.client.get("/v1/me").json()["id"] == owner.id
        assert time.monotonic() - started < 2  # no RPC to a stopped identity (which would wait 10 s)
    finally:
        restarted = ServiceContainer(identity.service_cls, system.config)
        restarted.start()
    try:
        assert (
            system.client().post("/v1/sessions", json={"email": owner.email, "password": owner.password}).status_code
            == 201
        )
    finally:
        restarted.stop()
