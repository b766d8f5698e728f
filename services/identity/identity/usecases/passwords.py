"""Checking a password against the lockout: shared by sign-in, password change and disabling 2FA.

Each check first records itself as a failed attempt, and counts the attempts before it: so requests
racing for one email see each other, and no more than 5 passwords are ever checked in the window.
A correct password then takes its attempt back.
"""

import datetime as dt
from typing import Any

from portal_common.errors import InvalidCredentials, RateLimited

from identity.adapters.orm import LoginFailure
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.domain import lockout


def email_key(email: str) -> str:
    return email.strip().lower()


def _begin_attempt(uow, key, now):
    with uow:
        attempt = LoginFailure(email_key=key, at=now)
        uow.login_failures.add(attempt)
        uow.login_failures.forget_before(key, lockout.window_start(now))
        uow.commit()
    with uow:
        earlier = uow.login_failures.times_in_window(key, lockout.window_start(now), attempt.id)
    wait = lockout.seconds_locked(earlier, now)
    if wait:
        _drop(uow, attempt.id)  # refused unchecked: it does not count
        raise RateLimited.retry_after(wait, "Too many failed sign-ins for this email: try again later.")
    return attempt.id


def _drop(uow, attempt_id):
    with uow:
        uow.login_failures.delete(attempt_id)
        uow.commit()


def check_password(
    uow: IdentityUnitOfWork, hasher: Any, key: str | None, password_hash: str | None, password: str, now: dt.datetime
) -> None:
    """Verify (off the event loop); a wrong password stays counted toward the lockout."""
    # An attempt refused for want of a hashing slot (429) stays counted: once begun, others have
    # counted it, and giving it back could let a sixth password through.
    attempt_id = _begin_attempt(uow, key, now)
    if password_hash is None:
        hasher.burn(password)  # an unknown email costs the same time as a wrong password
        ok = False
    else:
        ok = hasher.verify(password_hash, password)
    if not ok:
        raise InvalidCredentials()
    _drop(uow, attempt_id)
