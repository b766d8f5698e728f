"""Checking a second-factor code: a TOTP for a step not yet used, or an unused recovery code.

Both are claimed with conditional updates, so a code cannot be spent twice even by two requests
arriving together. Every route that takes a code counts the wrong ones toward one limit per
employee (`lockout.MAX_CODE_FAILURES` in the window), then answers 429.
"""

import datetime as dt
from typing import Any

from portal_common.errors import InvalidCode, RateLimited

from identity.adapters.orm import LoginFailure
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.domain import credentials, lockout, totp


def _guesses_key(employee_id):
    return f"code:{employee_id}"


def refuse_when_locked(uow: IdentityUnitOfWork, employee_id: str, now: dt.datetime) -> None:
    """429 while the employee's wrong codes in the window are used up."""
    wrong = uow.login_failures.times_in_window(_guesses_key(employee_id), lockout.window_start(now))
    wait = lockout.seconds_locked(wrong, now, most=lockout.MAX_CODE_FAILURES)
    if wait:
        raise RateLimited.retry_after(wait, "Too many wrong codes: try again later.")


def count_wrong_code(uow: IdentityUnitOfWork, employee_id: str, now: dt.datetime) -> None:
    uow.login_failures.add(LoginFailure(email_key=_guesses_key(employee_id), at=now))


def use_code(
    uow: IdentityUnitOfWork, employee: Any, code: str | None, now: dt.datetime, message: str | None = None
) -> None:
    """Spend `code` in the unit of work's transaction; a wrong one is counted (that transaction
    then holds nothing else, and is committed) and refused with 401."""
    refuse_when_locked(uow, employee.id, now)
    if spend_code(uow, employee, code, now):
        return
    uow.rollback()
    count_wrong_code(uow, employee.id, now)
    uow.commit()
    raise InvalidCode(message) if message else InvalidCode()


def spend_code(uow: IdentityUnitOfWork, employee: Any, code: str | None, now: dt.datetime) -> bool:
    """Accept `code` for `employee` and spend it; False when it is wrong, expired or used."""
    if not employee.totp_secret or not code:
        return False
    step = totp.accepted_step(employee.totp_secret, code, now, employee.totp_last_step)
    if step is not None:
        return uow.employees.claim_totp_step(employee.id, step)
    if totp.looks_like_totp(code):
        return False
    return uow.recovery_codes.claim(employee.id, credentials.recovery_code_digest(code), now)
