"""Changing one's own password over HTTP: the current password, the second factor, and what it revokes."""

import pytest

from tests.flows import (
    NEW_PASSWORD,
    assert_error,
    challenge_for,
    create_employee,
    enable_two_factor,
    next_code,
    sign_in,
    sign_in_token,
    sign_in_with_code,
    sign_up,
    totp,
    verify,
    wrong_code,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shared_owner(system):
    """One owner for the cases that change nothing (a sign-up per case would be slow)."""
    from portal_common.clock import utc_now

    system.clock.set(utc_now())
    return sign_up(system)


def change(client, current, new, **extra):
    return client.post("/v1/me/password", json={"current_password": current, "new_password": new, **extra})


def test_change_password_without_a_second_factor(system, clock):
    owner = sign_up(system)

    # A wrong current password changes nothing.
    assert_error(change(owner.client, "not my password", NEW_PASSWORD), 401, "invalid_credentials")
    assert_error(sign_in(system, owner.email, NEW_PASSWORD), 401, "invalid_credentials")

    response = change(owner.client, owner.password, NEW_PASSWORD)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_error(sign_in(system, owner.email, owner.password), 401, "invalid_credentials")
    assert sign_in(system, owner.email, NEW_PASSWORD).status_code == 201
    # The session that made the change goes on.
    assert owner.client.get("/v1/me").status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": "x" * 12}, "new_password"),
        ({"current_password": "x" * 12, "new_password": "n" * 9}, "new_password"),
        ({"current_password": "x" * 12, "new_password": "n" * 129}, "new_password"),
        ({"current_password": "x" * 12, "new_password": 12345678901}, "new_password"),
        ({"current_password": "x" * 12, "new_password": NEW_PASSWORD, "code": 123456}, "code"),
        ({"current_password": "x" * 12, "new_password": NEW_PASSWORD, "logout_others": True}, "logout_others"),
    ],
)
def test_change_password_refuses_bad_bodies(shared_owner, clock, body, field):
    error = assert_error(shared_owner.client.post("/v1/me/password", json=body), 400, "validation_error")
    assert field in error["details"], error


def test_new_password_of_10_and_128_characters(system, clock):
    owner = sign_up(system)

    assert change(owner.client, owner.password, "a" * 10).status_code == 204
    assert change(owner.client, "a" * 10, "b" * 128).status_code == 204
    assert sign_in(system, owner.email, "b" * 128).status_code == 201


def test_change_password_needs_a_token(client, clock):
    assert_error(change(client, "whatever12", NEW_PASSWORD), 401, "unauthenticated")


def test_with_a_second_factor_the_code_is_required(system, clock):
    owner = sign_up(system)
    enable_two_factor(owner, clock)

    assert_error(change(owner.client, owner.password, NEW_PASSWORD), 401, "invalid_code")
    assert_error(
        change(owner.client, owner.password, NEW_PASSWORD, code=wrong_code(owner.secret, clock.now())),
        401,
        "invalid_code",
    )
    # The code spent by the confirmation (the current step) is a replay.
    assert_error(
        change(owner.client, owner.password, NEW_PASSWORD, code=totp(owner.secret, clock.now())),
        401,
        "invalid_code",
    )

    # None of those changed anything.
    assert sign_in(system, owner.email, owner.password).status_code == 202
    assert_error(sign_in(system, owner.email, NEW_PASSWORD), 401, "invalid_credentials")

    response = change(owner.client, owner.password, NEW_PASSWORD, code=next_code(clock, owner.secret))
    assert response.status_code == 204, response.text
    assert sign_in(system, owner.email, NEW_PASSWORD).status_code == 202


def test_a_recovery_code_is_a_code_too(system, clock):
    owner = sign_up(system)
    enable_two_factor(owner, clock)

    response = change(owner.client, owner.password, NEW_PASSWORD, code=owner.recovery_codes[0])

    assert response.status_code == 204, response.text
    # Spent: it no longer opens a challenge.
    owner.password = NEW_PASSWORD
    assert_error(verify(system, challenge_for(owner), owner.recovery_codes[0]), 401, "invalid_code")


def test_a_code_used_by_the_change_cannot_sign_in(system, clock):
    owner = sign_up(system)
    enable_two_factor(owner, clock)
    code = next_code(clock, owner.secret)

    assert change(owner.client, owner.password, NEW_PASSWORD, code=code).status_code == 204

    owner.password = NEW_PASSWORD
    assert_error(verify(system, challenge_for(owner), code), 401, "invalid_code")


def test_change_revokes_other_sessions_and_devices_but_keeps_the_current_one(system, clock):
    owner = sign_up(system)
    other_session = owner.system.client(sign_in_token(system, owner.email, owner.password))
    enable_two_factor(owner, clock)
    remembered = sign_in_with_code(owner, clock, remember_device=True)
    device_session = system.client(remembered["token"])
    assert len(owner.client.get("/v1/me/devices").json()["items"]) == 1

    response = change(owner.client, owner.password, NEW_PASSWORD, code=next_code(clock, owner.secret))
    assert response.status_code == 204, response.text

    assert owner.client.get("/v1/me").status_code == 200
    assert_error(other_session.get("/v1/me"), 401, "unauthenticated")
    assert_error(device_session.get("/v1/me"), 401, "unauthenticated")
    assert owner.client.get("/v1/me/devices").json()["items"] == []
    # The remembered device no longer skips the second factor.
    response = sign_in(system, owner.email, NEW_PASSWORD, device_token=remembered["device_token"])
    assert response.status_code == 202, response.text


def test_every_role_changes_its_own_password_and_only_its_own(system, clock):
    owner = sign_up(system)
    viewer = create_employee(owner, "viewer")

    assert change(viewer.client, viewer.password, NEW_PASSWORD).status_code == 204

    assert sign_in(system, viewer.email, NEW_PASSWORD).status_code == 201
    assert viewer.client.get("/v1/me").status_code == 200
    # The owner's password and session did not move.
    assert owner.client.get("/v1/me").status_code == 200
    assert sign_in(system, owner.email, owner.password).status_code == 201
