"""Single-use links mailed to an employee: an invitation to set a first password (7 days), and a
password reset (1 hour, at most 3 mailed per address an hour). Identity keeps only each token's
SHA-256; the token itself goes once, in an event, to notifications, which mails it."""

import datetime as dt
from typing import Any

from portal_common.errors import InvalidToken
from portal_common.events import EMPLOYEE_INVITED, EMPLOYEE_UPDATED, PASSWORD_RESET_REQUESTED, iso
from portal_common.ids import new_id

from identity.adapters.orm import INVITATION, RESET, EmployeeToken
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.domain import credentials
from identity.usecases import activity
from identity.usecases.access import access_changed
from identity.usecases.passwords import email_key
from identity.usecases.second_factor import use_code
from identity.usecases.sessions import open_session

INVITATION_TTL = dt.timedelta(days=7)
RESET_TTL = dt.timedelta(hours=1)
RESETS_PER_HOUR = credentials.RESETS_PER_WINDOW


def _new_link(uow, employee, purpose, ttl, now):
    token = credentials.new_token()
    uow.links.add(
        EmployeeToken(
            id=new_id(),
            employee_id=employee.id,
            purpose=purpose,
            token_hash=credentials.digest(token),
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return token, now + ttl


def invite(uow: IdentityUnitOfWork, now: dt.datetime, employee: Any, inviter_name: str) -> None:
    """A new invitation (the earlier ones die), mailed by notifications; in the caller's transaction."""
    uow.links.void_of(employee.id, now, INVITATION)
    token, expires_at = _new_link(uow, employee, INVITATION, INVITATION_TTL, now)
    uow.emit(
        EMPLOYEE_INVITED,
        employee.id,
        employee.version,
        now,
        partner_id=employee.partner_id,
        email=employee.email,
        name=employee.name,
        token=token,
        expires_at=iso(expires_at),
        invited_by=inviter_name,
    )


def _redeem(uow, token, purpose, now):
    """The live link's employee, the link spent (a conditional update: of two requests racing with
    one token, one wins); else InvalidToken."""
    link = uow.links.by_token_hash(credentials.digest(token), purpose)
    if link is None:
        raise InvalidToken()
    spent = uow.links.spend(link.id, now)
    employee = uow.employees.get(link.employee_id)
    if not spent or not employee.active:
        raise InvalidToken()
    return employee


def accept_invitation(uow: IdentityUnitOfWork, hasher: Any, now: dt.datetime, data: dict[str, Any]) -> Any:
    password_hash = hasher.hash(data["password"])
    with uow:
        employee = _redeem(uow, data["token"], INVITATION, now)
        if employee.password_hash is not None:
            raise InvalidToken()
        employee.password_hash = password_hash
        employee.version += 1
        uow.emit(
            EMPLOYEE_UPDATED,
            employee.id,
            employee.version,
            now,
            partner_id=employee.partner_id,
            email=employee.email,
            name=employee.name,
            role=employee.role,
            active=employee.active,
        )
        answer = open_session(uow, employee, now)
        activity.by_themselves(uow, now, employee, "session.created", "Accepted the invitation and signed in")
        uow.commit()
        return answer


def request_reset(uow: IdentityUnitOfWork, now: dt.datetime, email: str) -> None:
    """A reset link for an active employee's address, at most `RESETS_PER_HOUR` an hour; nothing for
    any other address, and nothing that tells the two apart."""
    with uow:
        employee = uow.employees.by_email(email_key(email))
        if employee is None or not employee.active or employee.password_hash is None:
            return
        # A write first: it holds the employee's row (SQLite: the database) while counting, so requests
        # racing for one address cannot all see fewer than the limit.
        uow.employees.hold(employee.id)
        sent = uow.links.sent_since(employee.id, RESET, now - credentials.RESET_LIMIT_WINDOW)
        if sent >= RESETS_PER_HOUR:
            return
        token, expires_at = _new_link(uow, employee, RESET, RESET_TTL, now)
        uow.emit(
            PASSWORD_RESET_REQUESTED,
            employee.id,
            employee.version,
            now,
            partner_id=employee.partner_id,
            email=employee.email,
            name=employee.name,
            token=token,
            expires_at=iso(expires_at),
        )
        uow.commit()


def confirm_reset(uow: IdentityUnitOfWork, hasher: Any, now: dt.datetime, data: dict[str, Any]) -> None:
    """The new password, with the second factor when it is on; every session and trusted device of
    the employee revoked."""
    password_hash = hasher.hash(data["new_password"])
    with uow:
        employee = _redeem(uow, data["token"], RESET, now)
        if employee.two_factor_enabled:
            use_code(uow, employee, data.get("code"), now, "Your second-factor code is required to reset the password.")
        employee.password_hash = password_hash
        uow.links.void_of(employee.id, now, RESET)  # the other reset links too
        uow.employee_sessions.delete_of(employee.id)
        uow.trusted_devices.delete_of(employee.id)
        activity.by_themselves(
            uow,
            now,
            employee,
            "password.reset",
            "Reset their password from a mailed link; every session and trusted device ended",
        )
        access_changed(uow, employee.id, now)
        uow.commit()
