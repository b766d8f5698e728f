"""Checking a password against the lockout: shared by sign-in, password change and disabling 2FA."""
from portal_common.errors import InvalidCredentials, RateLimited

from identity.adapters import repository
from identity.adapters.orm import LoginFailure
from identity.domain import lockout


def email_key(email):
    return email.strip().lower()


def refuse_if_locked(uow, key, now):
    with uow:
        failures = repository.failures_since(uow.session, key, lockout.window_start(now))
    wait = lockout.seconds_locked(failures, now)
    if wait:
        raise RateLimited.retry_after(wait, "Too many failed sign-ins for this email: try again later.")


def check_password(uow, hasher, key, password_hash, password, now):
    """Verify (off the event loop) and count a failure toward the lockout."""
    if password_hash is None:
        hasher.burn(password)  # an unknown email costs the same time as a wrong password
        ok = False
    else:
        ok = hasher.verify(password_hash, password)
    if not ok:
        with uow:
            uow.session.add(LoginFailure(email_key=key, at=now))
            repository.forget_failures_before(uow.session, key, lockout.window_start(now))
            uow.commit()
        raise InvalidCredentials()
