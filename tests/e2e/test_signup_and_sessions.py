"""Sign-up, sign-in without a second factor, sign-out, tokens and the sign-in lockout, over HTTP."""

import datetime as dt

import pytest

from tests.flows import (
    PASSWORD,
    assert_error,
    assert_iso_utc,
    create_employee,
    sign_in,
    sign_in_token,
    sign_up,
    unique_email,
)

pytestmark = pytest.mark.e2e


def signup_body(**overrides):
    body = {"company_name": "Acme Backup", "name": "Olive Owner", "email": unique_email(), "password": PASSWORD}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


# --- sign-up ------------------------------------------------------------------------------------------


def test_signup_creates_the_partner_and_its_owner(client, clock):
    email = unique_email("Founder")
    response = client.post("/v1/signup", json=signup_body(company_name="  Acme Backup  ", email=email))

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"partner", "employee"}
    assert set(body["partner"]) == {"id", "name"}
    assert body["partner"]["name"] == "Acme Backup"
    assert isinstance(body["partner"]["id"], str) and body["partner"]["id"]
    assert set(body["employee"]) == {"id", "email", "name", "role"}
    assert body["employee"]["role"] == "owner"
    assert body["employee"]["email"] == email
    assert body["employee"]["name"] == "Olive Owner"
    assert "password" not in response.text


def test_the_owner_signs_in_and_sees_themselves(system, client, clock):
    owner = sign_up(system)

    response = client.post("/v1/sessions", json={"email": owner.email, "password": owner.password})

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"token", "expires_at", "employee"}
    assert "two_factor_required" not in body
    assert not body.get("device_token")
    assert assert_iso_utc(body["expires_at"]) > clock.now()
    assert body["employee"] == {"id": owner.id, "email": owner.email, "name": owner.name, "role": "owner"}

    me = system.client(body["token"]).get("/v1/me")
    assert me.status_code == 200, me.text
    assert me.json() == {
        "id": owner.id,
        "email": owner.email,
        "name": owner.name,
        "role": "owner",
        "partner_id": owner.partner_id,
        "two_factor_enabled": False,
        "two_factor_setup_required": False,
    }


def test_email_is_unique_case_insensitively(system, client, clock):
    owner = sign_up(system)

    for variant in (owner.email.upper(), owner.email.title()):
        response = client.post("/v1/signup", json=signup_body(email=variant))
        assert_error(response, 409, "email_taken")


def test_sign_in_ignores_the_case_of_the_email(system, clock):
    owner = sign_up(system)

    response = sign_in(system, owner.email.upper(), owner.password)

    assert response.status_code == 201, response.text
    assert response.json()["employee"]["id"] == owner.id


@pytest.mark.parametrize("length", [9, 129, 0])
def test_signup_refuses_a_password_outside_10_to_128_characters(client, clock, length):
    response = client.post("/v1/signup", json=signup_body(password="p" * length))

    error = assert_error(response, 400, "validation_error")
    assert "password" in error["details"]
    assert isinstance(error["details"]["password"], list) and error["details"]["password"]


def test_signup_takes_passwords_of_10_and_of_128_characters(system, clock):
    for length in (10, 128):
        owner = sign_up(system, password=("x" * (length - 1)) + "!")  # signs in with it, too
        assert len(owner.password) == length and owner.token


def test_signup_names_every_missing_field(client, clock):
    response = client.post("/v1/signup", json={})

    error = assert_error(response, 400, "validation_error")
    assert {"company_name", "name", "email", "password"} <= set(error["details"])


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": 42}, "email"),
        ({"password": 1234567890123}, "password"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"company_name": None, "nickname": "x"}, "company_name"),
        ({"company_name": ["Acme"]}, "company_name"),
        ({"company_name": "C" * 201}, "company_name"),
    ],
)
def test_signup_refuses_bad_fields_naming_them(client, clock, overrides, field):
    response = client.post("/v1/signup", json=signup_body(**overrides))

    error = assert_error(response, 400, "validation_error")
    assert field in error["details"], error


def test_signup_refuses_unknown_fields_naming_them(client, clock):
    email = unique_email()
    response = client.post("/v1/signup", json=signup_body(email=email, role="admin", plan="gold"))

    error = assert_error(response, 400, "validation_error")
    assert {"role", "plan"} <= set(error["details"])
    # Nothing was created: the email is still free.
    assert client.post("/v1/signup", json=signup_body(email=email)).status_code == 201


# --- sign-in ------------------------------------------------------------------------------------------


def test_unknown_email_and_wrong_password_get_the_same_answer(system, clock):
    owner = sign_up(system)

    wrong_password = sign_in(system, owner.email, "not the password at all")
    unknown_email = sign_in(system, unique_email("nobody"), owner.password)

    first = assert_error(wrong_password, 401, "invalid_credentials")
    second = assert_error(unknown_email, 401, "invalid_credentials")
    assert first == second
    assert wrong_password.headers.get("Retry-After") is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": PASSWORD}, "email"),
        ({"email": "someone@example.com"}, "password"),
        ({"email": "someone@example.com", "password": 12345678901}, "password"),
        ({"email": "someone@example.com", "password": PASSWORD, "device_token": 7}, "device_token"),
        ({"email": "someone@example.com", "password": PASSWORD, "remember": True}, "remember"),
    ],
)
def test_sign_in_refuses_bad_bodies(client, clock, body, field):
    error = assert_error(client.post("/v1/sessions", json=body), 400, "validation_error")
    assert field in error["details"], error


def test_a_device_token_is_ignored_without_a_second_factor(system, clock):
    owner = sign_up(system)

    response = sign_in(system, owner.email, owner.password, device_token="made-up-device-token")

    assert response.status_code == 201, response.text


# --- tokens and sign-out ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Agent abc",
        "Token abc",
    ],
)
def test_me_refuses_a_missing_or_unknown_token(system, clock, authorization):
    client = system.client()
    if authorization is not None:
        client.headers["Authorization"] = authorization

    assert_error(client.get("/v1/me"), 401, "unauthenticated")


def test_sign_out_ends_only_that_session(system, clock):
    owner = sign_up(system)
    other_token = sign_in_token(system, owner.email, owner.password)
    client = owner.client

    response = client.delete("/v1/sessions/current")

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_error(client.get("/v1/me"), 401, "unauthenticated")
    assert_error(client.delete("/v1/sessions/current"), 401, "unauthenticated")
    assert system.client(other_token).get("/v1/me").status_code == 200


def test_sign_out_needs_a_token(client, clock):
    assert_error(client.delete("/v1/sessions/current"), 401, "unauthenticated")


def test_a_session_token_stops_working_when_it_expires(system, clock):
    owner = sign_up(system)
    response = sign_in(system, owner.email, owner.password)
    expires_at = assert_iso_utc(response.json()["expires_at"])
    client = system.client(response.json()["token"])

    clock.set(expires_at - dt.timedelta(seconds=1))
    assert client.get("/v1/me").status_code == 200

    clock.set(expires_at + dt.timedelta(seconds=1))
    assert_error(client.get("/v1/me"), 401, "unauthenticated")


# --- lockout ------------------------------------------------------------------------------------------


def assert_locked(response):
    assert_error(response, 429, "rate_limited")
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit(), response.headers
    return int(retry_after)


def test_five_failed_passwords_lock_the_email_for_15_minutes(system, clock):
    owner = sign_up(system)
    colleague = create_employee(owner, "admin", sign_in_now=False)
    started = clock.now()

    for attempt in range(5):
        email = owner.email.upper() if attempt % 2 else owner.email  # the case of the email does not dodge it
        assert_error(sign_in(system, email, "wrong password!"), 401, "invalid_credentials")

    # A correct password inside the lockout is refused too, with how long to wait.
    retry_after = assert_locked(sign_in(system, owner.email, owner.password))
    assert 15 * 60 - 5 <= retry_after <= 15 * 60  # the clock did not move: nearly the whole window is left
    assert_locked(sign_in(system, owner.email.upper(), owner.password))
    # Only that email is locked, and the sessions it already has go on.
    assert sign_in(system, colleague.email, colleague.password).status_code == 201
    assert owner.client.get("/v1/me").status_code == 200

    clock.set(started + dt.timedelta(minutes=10))
    later = assert_locked(sign_in(system, owner.email, owner.password))
    assert 0 < later <= 5 * 60

    clock.set(started + dt.timedelta(minutes=14, seconds=59))
    assert_locked(sign_in(system, owner.email, owner.password))

    clock.set(started + dt.timedelta(minutes=15, seconds=1))
    response = sign_in(system, owner.email, owner.password)
    assert response.status_code == 201, response.text


def test_failures_spread_over_more_than_15_minutes_do_not_lock(system, clock):
    owner = sign_up(system)

    for _ in range(4):
        assert_error(sign_in(system, owner.email, "wrong password!"), 401, "invalid_credentials")
    clock.advance(minutes=15, seconds=1)
    assert_error(sign_in(system, owner.email, "wrong password!"), 401, "invalid_credentials")

    response = sign_in(system, owner.email, owner.password)
    assert response.status_code == 201, response.text


def test_an_unknown_email_locks_like_a_known_one(system, clock):
    """The same answer for an unknown email as for a wrong password, lockout included."""
    email = unique_email("ghost")

    for _ in range(5):
        assert_error(sign_in(system, email, "wrong password!"), 401, "invalid_credentials")

    assert_locked(sign_in(system, email, "wrong password!"))
