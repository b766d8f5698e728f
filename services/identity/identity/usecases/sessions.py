"""Signing in and out, the two-step challenge, and authenticating a bearer token."""

import datetime as dt
import secrets
from typing import Any

from portal_common.caller import Caller
from portal_common.errors import InvalidCode, InvalidCredentials, Unauthenticated
from portal_common.ids import new_id

from identity.adapters.orm import RESET, Challenge, Session, TrustedDevice
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.domain import credentials
from identity.usecases import activity, views
from identity.usecases.access import access_changed
from identity.usecases.passwords import check_password, email_key
from identity.usecases.second_factor import count_wrong_code, refuse_when_locked, spend_code, use_code

SESSION_TTL = dt.timedelta(hours=12)
CHALLENGE_TTL = dt.timedelta(minutes=5)
CHALLENGE_MAX_FAILURES = 5
DEVICE_TRUST = dt.timedelta(days=30)


def open_session(uow: IdentityUnitOfWork, employee: Any, now: dt.datetime) -> dict[str, Any]:
    token = credentials.new_token()
    required = uow.partners.of_employee(employee).require_two_factor
    row = Session(
        id=new_id(),
        token_hash=credentials.digest(token),
        employee_id=employee.id,
        created_at=now,
        expires_at=now + SESSION_TTL,
        setup_only=required and not employee.two_factor_enabled,
    )
    uow.employee_sessions.add(row)
    return {"token": token, "expires_at": row.expires_at, "employee": views.session_employee(employee)}


def sign_in(uow: IdentityUnitOfWork, hasher: Any, now: dt.datetime, data: dict[str, Any]) -> Any:
    key = email_key(data["email"])
    with uow:
        employee = uow.employees.by_email(key)
    password_hash = employee.password_hash if employee is not None and employee.active else None
    try:
        check_password(uow, hasher, key, password_hash, data["password"], now)
    except InvalidCredentials:
        # A password checked and wrong; one refused unchecked (locked out, no hashing slot) is not
        # recorded, so a flood of them cannot bury a partner's log (at most 5 a window get here).
        if employee is not None:
            _refused(uow, now, employee, _why_refused(employee, password_hash is not None))
        raise

    assert employee is not None  # its password was checked, and right
    with uow:
        employee = uow.employees.get(employee.id)
        if not employee.two_factor_enabled or _trusted(uow, employee, data.get("device_token"), now):
            answer = open_session(uow, employee, now)
            activity.by_themselves(uow, now, employee, "session.created", "Signed in")
            uow.commit()
            return answer
        challenge = Challenge(
            id=secrets.token_urlsafe(24),
            employee_id=employee.id,
            created_at=now,
            expires_at=now + CHALLENGE_TTL,
            failed_attempts=0,
        )
        uow.challenges.add(challenge)
        uow.commit()
        return {"two_factor_required": True, "challenge": challenge.id, "expires_at": challenge.expires_at}


def _why_refused(employee, usable):
    if not employee.active:
        return "Sign-in refused: the employee is deactivated"
    return "Sign-in refused: wrong password" if usable else "Sign-in refused: the invitation is not accepted yet"


def _refused(uow, now, employee, summary):
    with uow:
        activity.by_themselves(uow, now, employee, "session.refused", summary)
        uow.commit()


def _trusted(uow, employee, device_token, now):
    if not device_token:
        return False
    device = uow.trusted_devices.trusted(employee.id, credentials.digest(device_token), now)
    if device is None:
        return False
    device.last_used_at = now
    return True


def verify(uow: IdentityUnitOfWork, now: dt.datetime, data: dict[str, Any], user_agent: str | None = None) -> Any:
    with uow:
        challenge = uow.challenges.get(data["challenge"])
        if (
            challenge is None
            or challenge.completed_at is not None
            or challenge.expires_at <= now
            or challenge.failed_attempts >= CHALLENGE_MAX_FAILURES
        ):
            raise InvalidCode("This sign-in challenge is unknown, expired or used up: sign in again.")
        employee = uow.employees.get(challenge.employee_id)
        refuse_when_locked(uow, employee.id, now)
        if not employee.active or not spend_code(uow, employee, data["code"], now):
            challenge.failed_attempts += 1
            count_wrong_code(uow, employee.id, now)
            activity.by_themselves(uow, now, employee, "session.refused", "Sign-in refused: wrong second-factor code")
            uow.commit()
            raise InvalidCode()
        if not uow.challenges.complete(challenge.id, now):
            raise InvalidCode("This sign-in challenge was already used: sign in again.")
        answer = open_session(uow, employee, now)
        activity.by_themselves(
            uow,
            now,
            employee,
            "session.created",
            "Signed in with a second factor" + (", remembering this device" if data.get("remember_device") else ""),
        )
        if data.get("remember_device"):
            device_token = credentials.new_token()
            device = TrustedDevice(
                id=new_id(),
                employee_id=employee.id,
                token_hash=credentials.digest(device_token),
                created_at=now,
                expires_at=now + DEVICE_TRUST,
                user_agent=user_agent,
            )
            uow.trusted_devices.add(device)
            answer.update(device_token=device_token, device_id=device.id, device_expires_at=device.expires_at)
        uow.commit()
        return answer


def authenticate(uow: IdentityUnitOfWork, now: dt.datetime, token: str) -> dict[str, Any]:
    """Who holds this token: the employee as `GET /v1/me` shows them, plus the session's id and end
    (seconds since the epoch: a gateway remembers the answer no longer than the session lasts)."""
    if not token:
        raise Unauthenticated()
    with uow:
        found = uow.employee_sessions.authenticated_by(credentials.digest(token), now)
        if found is None:
            raise Unauthenticated()
        session, employee, required = found
        return {
            **views.me(employee, required and session.setup_only),
            "session_id": session.id,
            "session_expires_at": session.expires_at.timestamp(),
        }


def sign_out(uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller) -> None:
    with uow:
        row = uow.employee_sessions.get(caller["session_id"])
        if row is not None:
            uow.employee_sessions.remove(row)
        employee = uow.employees.get(caller["employee_id"])
        if employee is not None:
            activity.about(uow, now, employee, "session.ended", "Signed out")
        access_changed(uow, caller["employee_id"], now)
        uow.commit()


def change_password(
    uow: IdentityUnitOfWork, hasher: Any, now: dt.datetime, caller: Caller, data: dict[str, Any]
) -> None:
    with uow:
        employee = uow.employees.get(caller["employee_id"])
    key = employee.email_key
    check_password(uow, hasher, key, employee.password_hash, data["current_password"], now)
    new_hash = hasher.hash(data["new_password"])
    with uow:
        employee = uow.employees.get(employee.id)
        if employee.two_factor_enabled:
            use_code(
                uow, employee, data.get("code"), now, "Your second-factor code is required to change the password."
            )
        employee.password_hash = new_hash
        uow.employee_sessions.delete_of(employee.id, keep_session_id=caller["session_id"])
        uow.trusted_devices.delete_of(employee.id)
        uow.links.void_of(employee.id, now, RESET)
        activity.about(uow, now, employee, "password.changed", "Changed their password; other sessions ended")
        access_changed(uow, employee.id, now)
        uow.commit()
