"""Sign-up (a partner and its owner) and the partner's employees."""

import datetime as dt
from typing import Any

from portal_common.caller import Caller
from portal_common.errors import Conflict, EmailTaken, NotFound
from portal_common.events import (
    EMPLOYEE_CREATED,
    EMPLOYEE_DEACTIVATED,
    EMPLOYEE_REMOVED,
    EMPLOYEE_UPDATED,
    PARTNER_SIGNED_UP,
)
from portal_common.ids import new_id
from portal_common.roles import OWNER
from portal_common.unit_of_work import ConstraintViolated

from identity.adapters.orm import Employee, Partner
from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.domain import employees as rules
from identity.usecases import activity, links, views
from identity.usecases.access import access_changed
from identity.usecases.passwords import email_key


def _new_employee(partner_id, data, role, password_hash, now):
    return Employee(
        id=new_id(),
        partner_id=partner_id,
        email=data["email"].strip(),
        email_key=email_key(data["email"]),
        name=data["name"].strip(),
        role=role,
        active=True,
        version=1,
        password_hash=password_hash,
        created_at=now,
    )


def _add_employee(uow, employee, now, inviter_name=None, invited=False, summary=None):
    if uow.employees.email_in_use(employee.email_key):
        raise EmailTaken()
    uow.employees.add(employee)
    _emit(uow, EMPLOYEE_CREATED, employee, now)
    if invited:
        activity.about(uow, now, employee, "employee.invited", f"Invited {employee.email} as {employee.role}")
    else:
        activity.about(
            uow,
            now,
            employee,
            "employee.created",
            summary or f"Added {employee.email} as {employee.role}",
            actor=uow.actor or employee.id,
        )
    try:
        if invited:  # its statements flush the new row: a concurrent twin shows here too
            links.invite(uow, now, employee, inviter_name)
        uow.commit()
    except ConstraintViolated:  # the same email signed up concurrently
        raise EmailTaken() from None


def _emit(uow, event_type, employee, now, version=None, active=None):
    uow.emit(
        event_type,
        employee.id,
        version or employee.version,
        now,
        partner_id=employee.partner_id,
        email=employee.email,
        name=employee.name,
        role=employee.role,
        active=employee.active if active is None else active,
    )


def sign_up(uow: IdentityUnitOfWork, hasher: Any, now: dt.datetime, data: dict[str, Any]) -> dict[str, Any]:
    password_hash = hasher.hash(data["password"])
    with uow:
        partner = Partner(id=new_id(), name=data["company_name"].strip(), created_at=now)
        owner = _new_employee(partner.id, data, OWNER, password_hash, now)
        partner.primary_contact_id = owner.id
        uow.partners.add(partner)
        uow.flush()
        owner_view = views.session_employee(owner)
        uow.emit(PARTNER_SIGNED_UP, partner.id, 1, now, name=partner.name, owner=owner_view)
        _add_employee(uow, owner, now, summary=f"Signed up {partner.name} with {owner.email} as its owner")
        return {"partner": {"id": partner.id, "name": partner.name}, "employee": owner_view}


def list_employees(uow: IdentityUnitOfWork, caller: Caller, page: dict[str, Any]) -> dict[str, Any]:
    with uow:
        rows, next_cursor = uow.employees.page_of_partner(caller["partner_id"], **page)
        return {"items": [views.employee(row) for row in rows], "next_cursor": next_cursor}


def get_employee(uow: IdentityUnitOfWork, caller: Caller, employee_id: str) -> dict[str, Any]:
    with uow:
        return views.employee(_find(uow, caller, employee_id))


def create_employee(
    uow: IdentityUnitOfWork, hasher: Any, now: dt.datetime, caller: Caller, data: dict[str, Any]
) -> dict[str, Any]:
    """With a password, the employee signs in at once; without, they are invited by mail."""
    password_hash = hasher.hash(data["password"]) if data.get("password") else None
    with uow:
        employee = _new_employee(caller["partner_id"], data, data["role"], password_hash, now)
        invited = password_hash is None
        _add_employee(uow, employee, now, _name_of(uow, caller["employee_id"]) if invited else None, invited)
        return views.employee(employee)


def invite_again(uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller, employee_id: str) -> None:
    """A new invitation for an employee who has not accepted one (the earlier link dies)."""
    with uow:
        employee = _find(uow, caller, employee_id)
        if employee.password_hash is not None:
            raise Conflict("Only an employee who has not accepted an invitation yet can be invited again.")
        if not employee.active:
            raise Conflict("This employee is deactivated: reactivate them first, then invite them again.")
        links.invite(uow, now, employee, _name_of(uow, caller["employee_id"]))
        activity.about(uow, now, employee, "employee.invited", f"Invited {employee.email} again")
        uow.commit()


def _name_of(uow, employee_id):
    inviter = uow.employees.get(employee_id)
    return inviter.name if inviter else None


def update_employee(
    uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller, employee_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    with uow:
        employee = _find(uow, caller, employee_id)
        reason = rules.refuse_change(
            caller["employee_id"], employee, data.get("role"), data.get("active"), _primary_contact_id(uow, caller)
        )
        if reason:
            raise Conflict(reason)
        deactivating = employee.active and data.get("active") is False
        changes = rules.changes(employee, data)
        changed = bool(changes)
        for key, value in data.items():
            setattr(employee, key, value)
        if changed:
            employee.version += 1
            access_changed(uow, employee.id, now)  # first: the one the gateways act on at once
        if deactivating:  # nothing of theirs signs in again by itself after a reactivation
            uow.employee_sessions.delete_of(employee.id)
            uow.trusted_devices.delete_of(employee.id)
            uow.links.void_of(employee.id, now)
            _emit(uow, EMPLOYEE_DEACTIVATED, employee, now)
        elif changed:
            _emit(uow, EMPLOYEE_UPDATED, employee, now)
        if changed:
            activity.about(uow, now, employee, "employee.updated", f"{employee.email}: {'; '.join(changes)}")
        uow.commit()
        return views.employee(employee)


def delete_employee(uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller, employee_id: str) -> None:
    with uow:
        employee = _find(uow, caller, employee_id)
        reason = rules.refuse_removal(caller["employee_id"], employee, _primary_contact_id(uow, caller))
        if reason:
            raise Conflict(reason)
        _emit(uow, EMPLOYEE_REMOVED, employee, now, version=employee.version + 1, active=False)
        activity.about(uow, now, employee, "employee.removed", f"Removed {employee.email}")
        uow.employees.remove(employee)
        access_changed(uow, employee.id, now)
        uow.commit()


def designate_primary_contact(uow: IdentityUnitOfWork, caller: Caller, employee_id: str) -> dict[str, Any] | None:
    """Accounts asks before it makes someone the company's primary contact: an active employee of
    the same partner, or None."""
    with uow:
        employee = uow.employees.of_partner(caller["partner_id"], employee_id)
        if employee is None or views.status_of(employee) != "active":
            return None
        uow.partners.get(caller["partner_id"]).primary_contact_id = employee.id
        uow.commit()
        return {"id": employee.id, "name": employee.name, "email": employee.email}


def _primary_contact_id(uow, caller):
    return uow.partners.get(caller["partner_id"]).primary_contact_id


def _find(uow, caller, employee_id):
    employee = uow.employees.of_partner(caller["partner_id"], employee_id)
    if employee is None:
        raise NotFound("No such employee.")
    return employee
