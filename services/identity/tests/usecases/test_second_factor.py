"""Signing in with a second factor: the challenge a password opens, each code accepted once, the
wrong ones counted, recovery codes, and the devices an employee asks to be remembered on."""

import pytest

from portal_common.errors import InvalidCode, InvalidCredentials, NotFound, RateLimited

from identity.usecases import sessions, two_factor
from services.identity.tests.usecases.people import (
    NEW_PASSWORD,
    NOW,
    OWNER,
    PAGE,
    STEP,
    activity_of,
    add_employee,
    caller_of,
    change_password,
    code_at,
    sign_in,
    sign_up,
    signed_in,
    turn_on_two_factor,
    verify,
)

LATER = NOW + STEP  # the confirming code was of NOW's step: codes from here on are new


def challenge(uow, hasher, now=LATER):
    asked = sign_in(uow, hasher, OWNER, now=now)
    assert asked["two_factor_required"] and "token" not in asked
    return asked["challenge"]


def wrong_code(secret, when):
    near = {code_at(secret, when + STEP * step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


@pytest.fixture
def secret(uow, hasher):
    secret, _ = turn_on_two_factor(uow, sign_up(uow, hasher))
    return secret


def test_a_password_opens_a_challenge_that_a_code_completes_once(uow, hasher, secret):
    asked = challenge(uow, hasher)

    session = verify(uow, asked, code_at(secret, LATER), now=LATER)

    assert sessions.authenticate(uow, LATER, session["token"])["two_factor_enabled"] is True
    assert activity_of(uow, "session.created")[-1] == "Signed in with a second factor"
    with pytest.raises(InvalidCode, match="unknown, expired or used up"):
        verify(uow, asked, code_at(secret, LATER + STEP), now=LATER + STEP)


def test_a_code_is_accepted_once_even_on_another_challenge(uow, hasher, secret):
    first, second = challenge(uow, hasher), challenge(uow, hasher)
    code = code_at(secret, LATER)
    verify(uow, first, code, now=LATER)

    with pytest.raises(InvalidCode):
        verify(uow, second, code, now=LATER)
    assert activity_of(uow, "session.refused") == ["Sign-in refused: wrong second-factor code"]
    assert verify(uow, second, code_at(secret, LATER + STEP), now=LATER + STEP)["token"]


def test_a_recovery_code_signs_in_once_however_it_is_typed(uow, hasher):
    _, codes = turn_on_two_factor(uow, sign_up(uow, hasher))

    assert verify(uow, challenge(uow, hasher), codes[0].upper().replace("-", " "), now=LATER)["token"]
    with pytest.raises(InvalidCode):
        verify(uow, challenge(uow, hasher), codes[0], now=LATER)
    assert verify(uow, challenge(uow, hasher), codes[1], now=LATER)["token"]


def test_a_challenge_dies_after_five_wrong_codes_or_five_minutes(uow, hasher, secret):
    asked = challenge(uow, hasher)
    for _ in range(sessions.CHALLENGE_MAX_FAILURES):
        with pytest.raises(InvalidCode):
            verify(uow, asked, wrong_code(secret, LATER), now=LATER)
    with pytest.raises(InvalidCode, match="used up"):
        verify(uow, asked, code_at(secret, LATER), now=LATER)

    expiring = challenge(uow, hasher)
    then = LATER + sessions.CHALLENGE_TTL
    with pytest.raises(InvalidCode, match="expired"):
        verify(uow, expiring, code_at(secret, then), now=then)


def test_ten_wrong_codes_across_challenges_hold_off_even_the_right_one(uow, hasher, secret):
    for _ in range(2):
        asked = challenge(uow, hasher)
        for _ in range(sessions.CHALLENGE_MAX_FAILURES):
            with pytest.raises(InvalidCode):
                verify(uow, asked, wrong_code(secret, LATER), now=LATER)

    with pytest.raises(RateLimited):
        verify(uow, challenge(uow, hasher), code_at(secret, LATER), now=LATER)


def test_a_remembered_device_skips_the_code_until_it_expires_or_is_revoked(uow, hasher, secret):
    remembered = verify(uow, challenge(uow, hasher), code_at(secret, LATER), LATER, True, "Firefox on Linux")
    device_token = remembered["device_token"]
    assert activity_of(uow, "session.created")[-1] == "Signed in with a second factor, remembering this device"

    assert sign_in(uow, hasher, OWNER, now=LATER, device_token=device_token)["token"]
    assert sign_in(uow, hasher, OWNER, now=LATER, device_token="another device")["two_factor_required"]
    expired = sign_in(uow, hasher, OWNER, now=remembered["device_expires_at"], device_token=device_token)
    assert expired["two_factor_required"]

    owner = caller_of(uow, remembered["token"], LATER)
    [device] = two_factor.list_devices(uow, LATER, owner, PAGE)["items"]
    assert (device["user_agent"], device["last_used_at"]) == ("Firefox on Linux", LATER)
    add_employee(uow, hasher, owner, "sam@acme.test")
    with pytest.raises(NotFound):
        two_factor.revoke_device(uow, LATER, signed_in(uow, hasher, "sam@acme.test"), device["id"])
    two_factor.revoke_device(uow, LATER, owner, device["id"])

    assert sign_in(uow, hasher, OWNER, now=LATER, device_token=device_token)["two_factor_required"]
    assert activity_of(uow, "device.revoked") == ["Stopped trusting a device (Firefox on Linux)"]


def test_a_new_password_needs_a_code_and_a_wrong_one_changes_nothing(uow, hasher, secret):
    owner = caller_of(uow, verify(uow, challenge(uow, hasher), code_at(secret, LATER), now=LATER)["token"], LATER)
    with pytest.raises(InvalidCode, match="required to change the password"):
        change_password(uow, hasher, owner, now=LATER)
    with pytest.raises(InvalidCredentials):
        sign_in(uow, hasher, OWNER, NEW_PASSWORD, now=LATER)

    change_password(uow, hasher, owner, code=code_at(secret, LATER + STEP), now=LATER + STEP)

    assert sign_in(uow, hasher, OWNER, NEW_PASSWORD, now=LATER)["two_factor_required"]
