"""Two-step verification over HTTP: set-up, confirmation, the sign-in challenge, TOTP drift and
replay, recovery codes, trusted devices, and turning it off."""

import datetime as dt
import re
import urllib.parse

import pyotp
import pytest

from tests.flows import (
    assert_error,
    assert_iso_utc,
    challenge_for,
    create_employee,
    enable_two_factor,
    next_code,
    sign_in,
    sign_in_with_code,
    sign_up,
    totp,
    verify,
    wrong_code,
)

pytestmark = pytest.mark.e2e

THIRTY_DAYS = dt.timedelta(days=30)
FIVE_MINUTES = dt.timedelta(minutes=5)


@pytest.fixture
def owner(system, clock):
    """A fresh partner's owner with two-step verification on (secret and recovery codes kept)."""
    owner = sign_up(system)
    enable_two_factor(owner, clock)
    return owner


def me(actor_or_client):
    client = getattr(actor_or_client, "client", actor_or_client)
    response = client.get("/v1/me")
    assert response.status_code == 200, response.text
    return response.json()


# --- set-up and confirmation ----------------------------------------------------------------------------


def test_setup_answers_a_secret_its_otpauth_uri_and_a_qr_code(system, clock):
    owner = sign_up(system)

    response = owner.client.post("/v1/me/2fa/setup")

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"secret", "otpauth_uri", "qr_svg"}
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", body["secret"]), body["secret"]
    uri = urllib.parse.urlparse(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    params = urllib.parse.parse_qs(uri.query)
    assert params["secret"] == [body["secret"]]
    assert params.get("digits", ["6"]) == ["6"] and params.get("period", ["30"]) == ["30"]
    assert params.get("algorithm", ["SHA1"]) == ["SHA1"]
    assert body["qr_svg"].startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "</svg>" in body["qr_svg"]
    # The URI names the employee and is what authenticator apps parse.
    parsed = pyotp.parse_uri(body["otpauth_uri"])
    assert parsed.secret == body["secret"]
    assert owner.email in urllib.parse.unquote(body["otpauth_uri"])

    # Pending until confirmed: still off, and sign-in still needs no code.
    assert me(owner)["two_factor_enabled"] is False
    assert sign_in(system, owner.email, owner.password).status_code == 201


def test_confirm_answers_ten_single_use_recovery_codes_and_turns_it_on(system, clock):
    owner = sign_up(system)
    secret = owner.client.post("/v1/me/2fa/setup").json()["secret"]
    code = totp(secret, clock.now())

    response = owner.client.post("/v1/me/2fa/confirm", json={"code": code})

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"recovery_codes"}
    codes = body["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(isinstance(code, str) and len(code) >= 8 for code in codes)
    assert me(owner)["two_factor_enabled"] is True
    listed = owner.client.get("/v1/employees").json()["items"]
    assert [item["two_factor_enabled"] for item in listed if item["id"] == owner.id] == [True]

    # Once on, a new set-up (or confirmation) is a conflict.
    assert_error(owner.client.post("/v1/me/2fa/setup"), 409, "conflict")
    assert me(owner)["two_factor_enabled"] is True

    clock.advance(seconds=1)
    response = sign_in(system, owner.email, owner.password)
    assert response.status_code == 202, response.text
    body = response.json()
    assert set(body) == {"two_factor_required", "challenge", "expires_at"}
    assert body["two_factor_required"] is True
    assert isinstance(body["challenge"], str) and body["challenge"]
    assert assert_iso_utc(body["expires_at"]) == (clock.now() + FIVE_MINUTES).replace(microsecond=0)

    # The code the confirmation spent is not good again for signing in.
    assert_error(verify(system, body["challenge"], code), 401, "invalid_code")
    owner.secret = secret
    assert verify(system, body["challenge"], next_code(clock, secret)).status_code == 201


def test_confirm_refuses_a_wrong_code_and_stays_off(system, clock):
    owner = sign_up(system)
    secret = owner.client.post("/v1/me/2fa/setup").json()["secret"]

    assert_error(
        owner.client.post("/v1/me/2fa/confirm", json={"code": wrong_code(secret, clock.now())}), 401, "invalid_code"
    )
    assert_error(owner.client.post("/v1/me/2fa/confirm", json={"code": "abcdef"}), 401, "invalid_code")
    error = assert_error(owner.client.post("/v1/me/2fa/confirm", json={}), 400, "validation_error")
    assert "code" in error["details"]
    assert me(owner)["two_factor_enabled"] is False
    # The pending secret is still there: a right code confirms it.
    assert owner.client.post("/v1/me/2fa/confirm", json={"code": next_code(clock, secret)}).status_code == 200


def test_confirm_without_a_setup_is_a_conflict(system, clock):
    owner = sign_up(system)

    assert_error(owner.client.post("/v1/me/2fa/confirm", json={"code": "123456"}), 409, "conflict")


def test_a_new_setup_replaces_a_pending_one(system, clock):
    owner = sign_up(system)
    first = owner.client.post("/v1/me/2fa/setup").json()["secret"]
    second = owner.client.post("/v1/me/2fa/setup").json()["secret"]
    assert first != second

    code_of_first = totp(first, clock.now())
    if code_of_first not in {totp(second, clock.now(), k) for k in (-1, 0, 1)}:
        assert_error(owner.client.post("/v1/me/2fa/confirm", json={"code": code_of_first}), 401, "invalid_code")

    response = owner.client.post("/v1/me/2fa/confirm", json={"code": totp(second, clock.now())})
    assert response.status_code == 200, response.text
    # The second secret is the one in force.
    owner.secret = second
    assert sign_in_with_code(owner, clock)["employee"]["id"] == owner.id


def test_verify_with_a_totp_opens_a_session_once(owner, system, clock):
    challenge = challenge_for(owner)

    response = verify(system, challenge, next_code(clock, owner.secret))

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"token", "expires_at", "employee"}
    assert not body.get("device_token") and not body.get("device_expires_at")
    assert body["employee"] == {"id": owner.id, "email": owner.email, "name": owner.name, "role": "owner"}
    assert assert_iso_utc(body["expires_at"]) > clock.now()
    assert me(system.client(body["token"]))["id"] == owner.id
    # A challenge answered is used up, even with a new good code.
    assert_error(verify(system, challenge, next_code(clock, owner.secret)), 401, "invalid_code")


def test_an_unknown_challenge_is_refused(system, clock):
    assert_error(verify(system, "no-such-challenge", "123456"), 401, "invalid_code")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"code": "123456"}, "challenge"),
        ({"challenge": "abc"}, "code"),
        ({"challenge": "abc", "code": 123456}, "code"),
        ({"challenge": "abc", "code": "123456", "remember_device": "yes"}, "remember_device"),
        ({"challenge": "abc", "code": "123456", "remember_device": 1}, "remember_device"),
        ({"challenge": "abc", "code": "123456", "trust": True}, "trust"),
    ],
)
def test_verify_refuses_bad_bodies(client, clock, body, field):
    error = assert_error(client.post("/v1/sessions/verify", json=body), 400, "validation_error")
    assert field in error["details"], error


def test_one_step_of_drift_is_accepted_either_way(owner, system, clock):
    now = clock.advance(seconds=90)

    behind = verify(system, challenge_for(owner), totp(owner.secret, now, -1))
    assert behind.status_code == 201, behind.text

    ahead = verify(system, challenge_for(owner), totp(owner.secret, now, +1))
    assert ahead.status_code == 201, ahead.text


def test_two_steps_of_drift_are_refused(owner, system, clock):
    now = clock.advance(seconds=120)
    challenge = challenge_for(owner)

    assert_error(verify(system, challenge, totp(owner.secret, now, -2)), 401, "invalid_code")
    assert_error(verify(system, challenge, totp(owner.secret, now, +2)), 401, "invalid_code")
    # Neither spent the step: the current code still works on the same challenge.
    assert verify(system, challenge, totp(owner.secret, now)).status_code == 201


def test_a_totp_is_never_accepted_twice_nor_an_earlier_step(owner, system, clock):
    now = clock.advance(seconds=90)
    assert verify(system, challenge_for(owner), totp(owner.secret, now)).status_code == 201

    challenge = challenge_for(owner)
    # The same code again, on a fresh challenge: a replay.
    assert_error(verify(system, challenge, totp(owner.secret, now)), 401, "invalid_code")
    # The step before (inside the drift window, but earlier than the accepted one).
    assert_error(verify(system, challenge, totp(owner.secret, now, -1)), 401, "invalid_code")
    # Still refused a second later.
    clock.advance(seconds=1)
    assert_error(verify(system, challenge, totp(owner.secret, now)), 401, "invalid_code")
    # A later step is fine, on the same challenge.
    assert verify(system, challenge, totp(owner.secret, now, +1)).status_code == 201


def test_a_challenge_expires_after_5_minutes(owner, system, clock):
    start = clock.now()
    alive = challenge_for(owner)
    clock.set(start + FIVE_MINUTES - dt.timedelta(seconds=1))
    response = verify(system, alive, totp(owner.secret, clock.now()))
    assert response.status_code == 201, response.text

    start = clock.now()
    dead = challenge_for(owner)
    clock.set(start + FIVE_MINUTES)
    assert_error(verify(system, dead, totp(owner.secret, clock.now())), 401, "invalid_code")
    # The code itself was good (and not spent): a new challenge takes it.
    assert verify(system, challenge_for(owner), totp(owner.secret, clock.now())).status_code == 201


def test_a_challenge_dies_after_5_wrong_codes(owner, system, clock):
    code = next_code(clock, owner.secret)
    bad = wrong_code(owner.secret, clock.now())

    # Four wrong codes leave it alive.
    survivor = challenge_for(owner)
    for _ in range(4):
        assert_error(verify(system, survivor, bad), 401, "invalid_code")
    assert verify(system, survivor, code).status_code == 201

    # Five kill it; codes of any wrong shape count.
    code = next_code(clock, owner.secret)
    challenge = challenge_for(owner)
    for wrong in ("12345", "1234567", "abcdef", "12 345", wrong_code(owner.secret, clock.now())):
        assert_error(verify(system, challenge, wrong), 401, "invalid_code")
    # Even the right code no longer opens it, nor a recovery code.
    assert_error(verify(system, challenge, code), 401, "invalid_code")
    assert_error(verify(system, challenge, owner.recovery_codes[0]), 401, "invalid_code")
    # The code was not spent by the dead challenge: a new challenge takes it.
    assert verify(system, challenge_for(owner), code).status_code == 201


# --- recovery codes -------------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(owner, system, clock):
    first, second = owner.recovery_codes[:2]

    response = verify(system, challenge_for(owner), first)
    assert response.status_code == 201, response.text
    assert me(system.client(response.json()["token"]))["id"] == owner.id

    challenge = challenge_for(owner)
    assert_error(verify(system, challenge, first), 401, "invalid_code")
    assert verify(system, challenge, second).status_code == 201
    # Spending recovery codes does not spend TOTP steps, and the other way round.
    assert verify(system, challenge_for(owner), next_code(clock, owner.secret)).status_code == 201
    assert verify(system, challenge_for(owner), owner.recovery_codes[2]).status_code == 201


def test_recovery_codes_belong_to_their_employee(owner, system, clock):
    other = sign_up(system)
    enable_two_factor(other, clock)

    assert_error(verify(system, challenge_for(other), owner.recovery_codes[0]), 401, "invalid_code")
    # Still unused for its owner.
    assert verify(system, challenge_for(owner), owner.recovery_codes[0]).status_code == 201


# --- trusted devices ------------------------------------------------------------------------------------


def remember(owner, clock, user_agent="E2E-Browser/1.0"):
    client = owner.system.client()
    client.headers["User-Agent"] = user_agent
    challenge = challenge_for(owner)
    response = client.post(
        "/v1/sessions/verify",
        json={
            "challenge": challenge,
            "code": next_code(clock, owner.secret),
            "remember_device": True,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_remember_device_trusts_it_for_exactly_30_days(owner, system, clock):
    body = remember(owner, clock)
    signed_in_at = clock.now()
    device_token = body["device_token"]
    assert isinstance(device_token, str) and device_token
    assert assert_iso_utc(body["device_expires_at"]) == (signed_in_at + THIRTY_DAYS).replace(microsecond=0)
    # The answer names the device as the list shows it, so a browser can tell which one it is.
    listed = system.client(body["token"]).get("/v1/me/devices").json()["items"]
    assert [device["id"] for device in listed] == [body["device_id"]]

    # The next sign-in skips the second factor with the device token...
    response = sign_in(system, owner.email, owner.password, device_token=device_token)
    assert response.status_code == 201, response.text
    assert me(system.client(response.json()["token"]))["id"] == owner.id
    # ...and still just before 30 days are up (using it does not extend it)...
    clock.set(signed_in_at + THIRTY_DAYS - dt.timedelta(seconds=1))
    assert sign_in(system, owner.email, owner.password, device_token=device_token).status_code == 201
    # ...but not at 30 days, nor after.
    clock.set(signed_in_at + THIRTY_DAYS)
    assert sign_in(system, owner.email, owner.password, device_token=device_token).status_code == 202
    clock.set(signed_in_at + THIRTY_DAYS + dt.timedelta(hours=1))
    assert sign_in(system, owner.email, owner.password, device_token=device_token).status_code == 202


def test_without_a_device_token_or_with_a_bad_one_the_code_is_still_needed(owner, system, clock):
    device_token = remember(owner, clock)["device_token"]

    assert sign_in(system, owner.email, owner.password).status_code == 202
    assert sign_in(system, owner.email, owner.password, device_token="forged-device-token").status_code == 202
    assert sign_in(system, owner.email, owner.password, device_token=None).status_code == 202
    # And a good device token is no good without the password.
    assert_error(sign_in(system, owner.email, "wrong password!", device_token=device_token), 401, "invalid_credentials")


def test_a_device_token_trusts_only_its_own_employee(owner, system, clock):
    device_token = remember(owner, clock)["device_token"]
    colleague = create_employee(owner, "admin")
    enable_two_factor(colleague, clock)

    response = sign_in(system, colleague.email, colleague.password, device_token=device_token)
    assert response.status_code == 202, response.text


def test_devices_are_listed_and_revoked(owner, system, clock):
    first_at = clock.now() + dt.timedelta(seconds=30)
    first = remember(owner, clock, user_agent="Laptop/1.0")
    second = remember(owner, clock, user_agent="Phone/2.0")
    client = owner.client

    response = client.get("/v1/me/devices")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    assert len(body["items"]) == 2
    for item in body["items"]:
        assert set(item) == {"id", "created_at", "expires_at", "last_used_at", "user_agent"}
        assert assert_iso_utc(item["expires_at"]) - assert_iso_utc(item["created_at"]) == THIRTY_DAYS
        assert item["last_used_at"] is None
    by_agent = {item["user_agent"]: item for item in body["items"]}
    assert set(by_agent) == {"Laptop/1.0", "Phone/2.0"}
    assert assert_iso_utc(by_agent["Laptop/1.0"]["created_at"]) == first_at.replace(microsecond=0)
    # No token of any kind in the list.
    assert first["device_token"] not in response.text and second["device_token"] not in response.text

    # Using a device shows when.
    clock.advance(hours=2)
    assert sign_in(system, owner.email, owner.password, device_token=first["device_token"]).status_code == 201
    used = {item["user_agent"]: item for item in client.get("/v1/me/devices").json()["items"]}
    assert assert_iso_utc(used["Laptop/1.0"]["last_used_at"]) == clock.now().replace(microsecond=0)
    assert used["Phone/2.0"]["last_used_at"] is None

    # Revoking one: its token no longer skips the second factor; the other still does.
    response = client.delete(f"/v1/me/devices/{by_agent['Laptop/1.0']['id']}")
    assert response.status_code == 204, response.text
    remaining = client.get("/v1/me/devices").json()["items"]
    assert [item["user_agent"] for item in remaining] == ["Phone/2.0"]
    assert sign_in(system, owner.email, owner.password, device_token=first["device_token"]).status_code == 202
    assert sign_in(system, owner.email, owner.password, device_token=second["device_token"]).status_code == 201

    assert_error(client.delete(f"/v1/me/devices/{by_agent['Laptop/1.0']['id']}"), 404, "not_found")
    assert_error(client.delete("/v1/me/devices/no-such-device"), 404, "not_found")


def test_expired_devices_leave_the_list(owner, clock):
    remember(owner, clock)
    assert len(owner.client.get("/v1/me/devices").json()["items"]) == 1

    clock.advance(days=30, seconds=1)
    # The session is 12-hour bound; sign in again (with a code) to look.
    owner.token = sign_in_with_code(owner, clock)["token"]
    assert owner.client.get("/v1/me/devices").json()["items"] == []


def test_devices_page_by_cursor(owner, clock):
    for agent in ("A/1", "B/1", "C/1"):
        remember(owner, clock, user_agent=agent)
    client = owner.client

    first = client.get("/v1/me/devices", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get("/v1/me/devices", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    agents = [item["user_agent"] for item in first["items"] + second["items"]]
    assert sorted(agents) == ["A/1", "B/1", "C/1"]
    for limit in (0, 201, "x"):
        error = assert_error(client.get("/v1/me/devices", params={"limit": limit}), 400, "validation_error")
        assert "limit" in error["details"]


def test_another_employees_device_is_not_found(owner, system, clock):
    remember(owner, clock)
    device_id = owner.client.get("/v1/me/devices").json()["items"][0]["id"]
    colleague = create_employee(owner, "admin")

    assert_error(colleague.client.delete(f"/v1/me/devices/{device_id}"), 404, "not_found")
    stranger = sign_up(system)
    assert_error(stranger.client.delete(f"/v1/me/devices/{device_id}"), 404, "not_found")
    assert stranger.client.get("/v1/me/devices").json()["items"] == []
    assert len(owner.client.get("/v1/me/devices").json()["items"]) == 1


def test_devices_need_a_token(client, clock):
    assert_error(client.get("/v1/me/devices"), 401, "unauthenticated")
    assert_error(client.delete("/v1/me/devices/anything"), 401, "unauthenticated")


# --- turning it off ---------------------------------------------------------------------------------------


def test_disable_needs_the_password_and_a_code(owner, system, clock):
    client = owner.client

    error = assert_error(client.delete("/v1/me/2fa", json={"password": owner.password}), 400, "validation_error")
    assert "code" in error["details"]
    error = assert_error(client.delete("/v1/me/2fa", json={"code": "123456"}), 400, "validation_error")
    assert "password" in error["details"]
    assert_error(
        client.delete("/v1/me/2fa", json={"password": "wrong password!", "code": next_code(clock, owner.secret)}),
        401,
        "invalid_credentials",
    )
    assert_error(
        client.delete("/v1/me/2fa", json={"password": owner.password, "code": wrong_code(owner.secret, clock.now())}),
        401,
        "invalid_code",
    )
    # A code already accepted (here, by a sign-in) is a replay.
    used = next_code(clock, owner.secret)
    assert verify(system, challenge_for(owner), used).status_code == 201
    assert_error(client.delete("/v1/me/2fa", json={"password": owner.password, "code": used}), 401, "invalid_code")
    assert me(owner)["two_factor_enabled"] is True

    response = client.delete("/v1/me/2fa", json={"password": owner.password, "code": next_code(clock, owner.secret)})
    assert response.status_code == 204, response.text
    assert me(owner)["two_factor_enabled"] is False
    assert sign_in(system, owner.email, owner.password).status_code == 201


def test_disable_forgets_trusted_devices(owner, system, clock):
    device_token = remember(owner, clock)["device_token"]
    client = owner.client

    response = client.delete("/v1/me/2fa", json={"password": owner.password, "code": next_code(clock, owner.secret)})
    assert response.status_code == 204, response.text
    assert client.get("/v1/me/devices").json()["items"] == []

    # Turned on again, the old device is not trusted any more, and the old recovery codes are gone.
    old_codes = owner.recovery_codes
    enable_two_factor(owner, clock)
    assert set(owner.recovery_codes).isdisjoint(old_codes)
    assert sign_in(system, owner.email, owner.password, device_token=device_token).status_code == 202
    assert_error(verify(system, challenge_for(owner), old_codes[3]), 401, "invalid_code")
