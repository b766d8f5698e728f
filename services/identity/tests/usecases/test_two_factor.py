"""Turning two-step verification on (a pending seed, confirmed by a code of it) and off (the
password and a code), and what turning it off forgets."""

import pytest

from portal_common.errors import Conflict, InvalidCode, InvalidCredentials
from portal_common.schemas import identity as api
from portal_common.schemas import load

from identity.usecases import two_factor
from services.identity.tests.usecases.people import (
    NOW,
    OWNER,
    PASSWORD,
    STEP,
    activity_of,
    code_at,
    sign_in,
    sign_up,
    turn_on_two_factor,
    verify,
)

LATER = NOW + STEP


def confirm(uow, caller, code):
    return two_factor.confirm(uow, NOW, caller, load(api.TwoFactorConfirmRequest, {"code": code}))


def disable(uow, hasher, caller, code, password=PASSWORD):
    payload = load(api.TwoFactorDisableRequest, {"password": password, "code": code})
    two_factor.disable(uow, hasher, LATER, caller, payload)


def test_it_turns_on_only_with_a_code_of_the_seed_being_set_up(uow, hasher):
    owner = sign_up(uow, hasher)
    with pytest.raises(Conflict, match="Start the set-up first"):
        confirm(uow, owner, "123456")
    setup = two_factor.set_up(uow, owner)
    assert "owner%40acme.test" in setup["otpauth_uri"] and setup["qr_svg"].startswith("<svg")
    with pytest.raises(InvalidCode):
        confirm(uow, owner, code_at(setup["secret"], NOW + STEP * 5))
    assert sign_in(uow, hasher, OWNER)["token"]  # not on yet

    assert len(confirm(uow, owner, code_at(setup["secret"], NOW))["recovery_codes"]) == 10

    assert sign_in(uow, hasher, OWNER)["two_factor_required"]
    assert activity_of(uow, "two_factor.enabled") == ["Turned two-step verification on"]
    assert uow.events("access_changed")[-1]["id"] == owner["employee_id"]
    with pytest.raises(Conflict, match="already on"):
        two_factor.set_up(uow, owner)


def test_turning_it_off_needs_the_password_and_a_code_and_forgets_codes_and_devices(uow, hasher):
    owner = sign_up(uow, hasher)
    secret, recovery_codes = turn_on_two_factor(uow, owner)
    asked = sign_in(uow, hasher, OWNER, now=LATER)["challenge"]
    device_token = verify(uow, asked, code_at(secret, LATER), LATER, remember_device=True)["device_token"]
    with pytest.raises(InvalidCredentials):
        disable(uow, hasher, owner, recovery_codes[0], password="not the password at all")
    with pytest.raises(InvalidCode):
        disable(uow, hasher, owner, code_at(secret, LATER))  # spent at sign-in

    disable(uow, hasher, owner, recovery_codes[0])

    assert sign_in(uow, hasher, OWNER, now=LATER)["token"]
    assert activity_of(uow, "two_factor.disabled") == ["Turned two-step verification off"]
    with pytest.raises(Conflict, match="not on"):
        disable(uow, hasher, owner, recovery_codes[1])
    turn_on_two_factor(uow, owner, now=LATER + STEP)  # again: nothing of the first time works
    asked = sign_in(uow, hasher, OWNER, now=LATER, device_token=device_token)
    assert asked["two_factor_required"]
    with pytest.raises(InvalidCode):
        verify(uow, asked["challenge"], recovery_codes[1], LATER)
