"""What a security review of the running system found (issue 15), each through the gateway: odd
bodies and times are 400s, not 500s; common passwords are refused; wrong second-factor codes count
everywhere a code is taken; deactivation forgets trusted devices; one free trial per product; API
answers say how to authenticate and that nothing in them may run or be kept."""

import logging

import pytest

from tests.e2e.test_billing_helpers import add_computer, eventually, open_account, refresh, subscriptions
from tests.e2e.test_monitoring import Partner
from tests.flows import (
    PASSWORD,
    assert_error,
    create_employee,
    enable_two_factor,
    next_code,
    sign_in,
    sign_up,
    unique_email,
    wrong_code,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def partner(system, clock):
    return Partner(system, clock)


def test_json_nested_as_deep_as_the_parser_takes_is_a_400(system, caplog):
    caplog.set_level(logging.ERROR)
    deep = '{"company_name": ' + "[" * 499 + "]" * 499 + "}"  # 1 KB
    response = system.client().post("/v1/signup", data=deep, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "validation_error")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR], caplog.text


@pytest.mark.parametrize(
    "started, finished",
    [
        ("0001-01-01T00:00:00+01:00", "2026-12-01T00:00:00Z"),  # before the year 1 once in UTC
        ("2026-12-01T00:00:00Z", "9999-12-31T23:59:59-01:00"),  # after the year 9999 once in UTC
        ("1999-12-31T23:00:00Z", "2026-12-01T00:00:00Z"),
        ("2026-12-01T00:00:00Z", "9999-01-01T00:00:00Z"),
    ],
)
def test_times_far_off_are_a_400(partner, started, finished):
    computer = partner.computer(partner.account())
    response = partner.report(computer, started_at=started, finished_at=finished)
    error = assert_error(response, 400, "validation_error")
    assert {"started_at", "finished_at"} & set(error["details"]), error


def test_a_backup_cannot_back_up_more_than_was_selected(partner):
    computer = partner.computer(partner.account())
    response = partner.report(computer, bytes_selected=100, backed_up=101)
    assert "bytes_backed_up" in assert_error(response, 400, "validation_error")["details"]
    assert partner.report(computer, bytes_selected=100, backed_up=100).status_code == 202


@pytest.mark.parametrize("password", ["1234567890", "qwertyuiop", "password123", "Password123"])
def test_common_passwords_are_refused_wherever_a_password_is_set(system, clock, password):
    response = system.client().post(
        "/v1/signup", json={"company_name": "Weak Co", "name": "Wes", "email": unique_email(), "password": password}
    )
    assert "password" in assert_error(response, 400, "validation_error")["details"]
    owner = sign_up(system)
    response = owner.client.post(
        "/v1/employees", json={"email": unique_email(), "name": "Em", "role": "viewer", "password": password}
    )
    assert "password" in assert_error(response, 400, "validation_error")["details"]
    response = owner.client.post("/v1/me/password", json={"current_password": PASSWORD, "new_password": password})
    details = assert_error(response, 400, "validation_error")["details"]
    # "details.password saying why" on every route; the body's own field is named too
    assert details["password"] == details["new_password"] and details["password"]


@pytest.mark.parametrize("route", ["password change", "turning two-step verification off"])
def test_wrong_codes_count_toward_the_one_limit_wherever_a_code_is_taken(system, clock, route):
    owner = sign_up(system)
    secret, _ = enable_two_factor(owner, clock)

    def attempt(code):
        if route == "password change":
            return owner.client.post(
                "/v1/me/password",
                json={"current_password": PASSWORD, "new_password": "a fresh passphrase 7", "code": code},
            )
        return owner.client.delete("/v1/me/2fa", json={"password": PASSWORD, "code": code})

    for _ in range(10):
        assert_error(attempt(wrong_code(secret, clock.now())), 401, "invalid_code")
    limited = attempt(wrong_code(secret, clock.now()))
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    # The limit is the employee's: signing in with a right code is refused too, for now.
    challenge = sign_in(system, owner.email, PASSWORD).json()["challenge"]
    verified = system.client().post(
        "/v1/sessions/verify", json={"challenge": challenge, "code": next_code(clock, secret)}
    )
    assert_error(verified, 429, "rate_limited")


def test_deactivation_forgets_the_employees_trusted_devices(system, clock):
    owner = sign_up(system)
    admin = create_employee(owner, "admin")
    secret, _ = enable_two_factor(admin, clock)
    challenge = sign_in(system, admin.email, PASSWORD).json()["challenge"]
    device_token = (
        system.client()
        .post(
            "/v1/sessions/verify",
            json={"challenge": challenge, "code": next_code(clock, secret), "remember_device": True},
        )
        .json()["device_token"]
    )
    assert owner.client.patch(f"/v1/employees/{admin.id}", json={"active": False}).status_code == 200
    assert owner.client.patch(f"/v1/employees/{admin.id}", json={"active": True}).status_code == 200
    again = sign_in(system, admin.email, PASSWORD, device_token=device_token)
    assert again.status_code == 202 and again.json()["two_factor_required"] is True, again.text


def test_one_free_trial_per_product_per_account(system, clock):
    owner = sign_up(system)
    account = open_account(owner, trial=("safe-pro", "core"))
    path = f"/v1/accounts/{account['id']}/trials"
    assert_error(owner.client.post(path, json={"product": "safe-pro", "plan": "core"}), 409, "already_subscribed")
    clock.advance(days=40)  # the trial has ended
    refresh(owner)
    eventually(
        lambda: all(s["status"] == "expired" for s in subscriptions(owner, account_id=account["id"])),
        what="the trial's end",
    )
    assert_error(owner.client.post(path, json={"product": "safe-pro", "plan": "power"}), 409, "trial_used")
    # Another product's trial is still there to take.
    assert owner.client.post(path, json={"product": "safe", "plan": "basic"}).status_code == 201


def test_api_answers_say_how_to_authenticate_and_that_nothing_in_them_runs_or_is_kept(system, clock):
    refused = system.client().get("/v1/me")
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    agent = system.client().post("/v1/agent/reports", json={})
    assert agent.status_code == 401 and agent.headers["WWW-Authenticate"].startswith("Agent")
    owner = sign_up(system)
    for response in (
        owner.client.get("/v1/me"),
        owner.client.get("/v1/accounts"),
        refused,
        system.client().get("/v1/no-such-route"),
    ):
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["Cache-Control"] == "no-store"


def test_an_unknown_asset_is_a_404_and_no_traceback(system, caplog):
    caplog.set_level(logging.WARNING)
    assert system.client().get("/assets/no-such-file.js").status_code == 404
    assert "Traceback" not in caplog.text


def test_a_computer_added_is_not_refused_for_a_weak_password(system, clock):
    """(A guard that the password list touches only passwords.)"""
    owner = sign_up(system)
    account = open_account(owner, trial=("safe-pro", "core"))
    assert add_computer(owner, account["id"], name="password123").status_code == 201
