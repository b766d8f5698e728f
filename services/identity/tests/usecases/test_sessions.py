"""Signing in and out with a password: a wrong one refused, recorded and counted toward the lockout;
how long a session lasts, and which sessions a sign-out or a new password ends."""

import pytest

from portal_common.errors import InvalidCredentials, RateLimited, Unauthenticated

from identity.domain import lockout
from identity.usecases import sessions
from services.identity.tests.usecases.people import (
    NEW_PASSWORD,
    NOW,
    OWNER,
    activity_of,
    caller_of,
    change_password,
    sign_in,
    sign_up,
)

WRONG = "not the password at all"


def test_a_wrong_password_is_refused_and_recorded_and_an_unknown_address_records_nothing(uow, hasher):
    sign_up(uow, hasher)
    with pytest.raises(InvalidCredentials):
        sign_in(uow, hasher, OWNER, WRONG)
    with pytest.raises(InvalidCredentials):
        sign_in(uow, hasher, "nobody@acme.test")

    assert activity_of(uow, "session.refused") == ["Sign-in refused: wrong password"]


def test_five_wrong_passwords_lock_the_address_for_the_window_and_a_right_one_is_not_counted(uow, hasher):
    sign_up(uow, hasher)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            sign_in(uow, hasher, OWNER, WRONG)
    assert sign_in(uow, hasher, OWNER)["token"]
    with pytest.raises(InvalidCredentials):
        sign_in(uow, hasher, OWNER, WRONG)

    with pytest.raises(RateLimited) as locked:
        sign_in(uow, hasher, OWNER)
    assert locked.value.retry_after_seconds == lockout.WINDOW.total_seconds()
    with pytest.raises(RateLimited):
        sign_in(uow, hasher, OWNER, WRONG)  # refused unchecked: neither counted nor recorded
    assert len(activity_of(uow, "session.refused")) == 5
    assert sign_in(uow, hasher, OWNER, now=NOW + lockout.WINDOW)["token"]


def test_a_session_lasts_twelve_hours_and_a_sign_out_ends_only_itself(uow, hasher):
    sign_up(uow, hasher)
    first, second = sign_in(uow, hasher, OWNER)["token"], sign_in(uow, hasher, OWNER)["token"]
    caller = caller_of(uow, first)

    sessions.sign_out(uow, NOW, caller)

    with pytest.raises(Unauthenticated):
        sessions.authenticate(uow, NOW, first)
    assert sessions.authenticate(uow, NOW, second)["session_expires_at"] == (NOW + sessions.SESSION_TTL).timestamp()
    with pytest.raises(Unauthenticated):
        sessions.authenticate(uow, NOW + sessions.SESSION_TTL, second)
    assert activity_of(uow, "session.ended") == ["Signed out"]
    assert uow.events("access_changed")[-1]["id"] == caller["employee_id"]


def test_a_new_password_needs_the_current_one_and_ends_every_other_session(uow, hasher):
    sign_up(uow, hasher)
    mine = sign_in(uow, hasher, OWNER)["token"]
    owner = caller_of(uow, mine)
    other = sign_in(uow, hasher, OWNER)["token"]
    with pytest.raises(InvalidCredentials):
        change_password(uow, hasher, owner, current=WRONG)

    change_password(uow, hasher, owner)

    assert sessions.authenticate(uow, NOW, mine)["id"] == owner["employee_id"]
    with pytest.raises(Unauthenticated):
        sessions.authenticate(uow, NOW, other)
    with pytest.raises(InvalidCredentials):
        sign_in(uow, hasher, OWNER)
    assert sign_in(uow, hasher, OWNER, NEW_PASSWORD)["token"]
    assert activity_of(uow, "password.changed") == ["Changed their password; other sessions ended"]
