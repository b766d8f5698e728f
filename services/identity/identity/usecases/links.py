"""Single-use links mailed to an employee: an invitation to set a first password (7 days), and a
password reset (1 hour, at most 3 mailed per address an hour). Identity keeps only each token's
SHA-256; the token itself goes once, in an event, to notifications, which mails it."""

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update

from portal_common.errors import InvalidToken
from portal_common.events import EMPLOYEE_INVITED, EMPLOYEE_UPDATED, PASSWORD_RESET_REQUESTED, iso
from portal_common.ids import new_id
from portal_common.unit_of_work import UnitOfWork

from identity.adapters import repository
from identity.adapters.orm import INVITATION, RESET, Employee, EmployeeToken
from identity.domain import credentials
from identity.usecases import activity
from identity.usecases.access import access_changed
from identity.usecases.passwords import email_key
from identity.usecases.second_factor import use_code
from identity.usecases.sessions import open_session

INVITATION_TTL = dt.timedelta(days=7)
RESET_TTL = dt.timedelta(hours=1)
RESETS_PER_HOUR = 3


def _new_link(uow, employee, purpose, ttl, now):
    token = credentials.new_token()
    uow.session.add(
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


def invite(uow: UnitOfWork, now: dt.datetime, employee: Any, inviter_name: str) -> None:
    """A new invitation (the earlier ones die), mailed by notifications; in the caller's transaction."""
    repository.delete_links(uow.session, employee.id, INVITATION)
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
    row = uow.session.scalars(
        select(EmployeeToken).where(
            EmployeeToken.token_hash == credentials.digest(token), EmployeeToken.purpose == purpose
        )
    ).one_or_none()
    if row is None:
        raise InvalidToken()
    spent = uow.session.execute(
        update(EmployeeToken)
        .where(EmployeeToken.id == row.id, EmployeeToken.used_at.is_(None), EmployeeToken.expires_at > now)
        .values(used_at=now)
    )
    employee = uow.session.get(Employee, row.employee_id)
    if spent.rowcount != 1 or not employee.active:
        raise InvalidToken()
    return employee


def accept_invitation(uow: UnitOfWork, hasher: Any, now: dt.datetime, data: dict[str, Any]) -> Any:
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
        answer = open_session(uow.session, employee, now)
        activity.by_themselves(uow, now, employee, "session.created", "Accepted the invitation and signed in")
        uow.commit()
        return answer


def request_reset(uow: UnitOfWork, now: dt.datetime, email: str) -> None:
    """A reset link for an active employee's address, at most `RESETS_PER_HOUR` an hour; nothing for
    any other address, and nothing that tells the two apart."""
    with uow:
        employee = repository.employee_by_email(uow.session, email_key(email))
        if employee is None or not employee.active or employee.password_hash is None:
            return
        # A write first: it holds the employee's row (SQLite: the database) while counting, so requests
        # racing for one address cannot all see fewer than the limit.
        uow.session.execute(update(Employee).where(Employee.id == employee.id).values(version=Employee.version))
        sent = uow.session.scalar(
            select(func.count()).where(
                EmployeeToken.employee_id == employee.id,
                EmployeeToken.purpose == RESET,
                EmployeeToken.created_at > now - dt.timedelta(hours=1),
            )
        )
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


def confirm_reset(uow: UnitOfWork, hasher: Any, now: dt.datetime, data: dict[str, Any]) -> None:
    """The new password, with the second factor when it is on; every session and trusted device of
    the employee revoked."""
    password_hash = hasher.hash(data["new_password"])
    with uow:
        employee = _redeem(uow, data["token"], RESET, now)
        if employee.two_factor_enabled:
            use_code(uow, employee, data.get("code"), now, "Your second-factor code is required to reset the password.")
        employee.password_hash = password_hash
        repository.delete_links(uow.session, employee.id, RESET)  # the other reset links too
        repository.delete_sessions(uow.session, employee.id)
        repository.delete_devices(uow.session, employee.id)
        activity.by_themselves(
            uow,
            now,
            employee,
            "password.reset",
            "Reset their password from a mailed link; every session and trusted device ended",
        )
        access_changed(uow, employee.id, now)
        uow.commit()
