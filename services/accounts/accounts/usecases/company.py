"""The partner's own company: profile, primary contact, logo."""

import datetime as dt
from typing import Any

from portal_common.activity import record
from portal_common.caller import Caller
from portal_common.db import create_once
from portal_common.errors import NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from portal_common.events import COMPANY_CHANGED

from accounts.adapters.orm import Company, Logo
from accounts.adapters.unit_of_work import AccountsUnitOfWork
from accounts.domain import logo as logo_rules
from accounts.usecases import views

DEFAULT_TIMEZONE = "UTC"
PROFILE_PARTS = {"name": "name", "address": "address", "location": "location", "primary_contact_id": "primary contact"}


def create_company(
    uow: AccountsUnitOfWork, now: dt.datetime, partner_id: str, name: str, owner: dict[str, Any]
) -> None:
    """Made at sign-up; running it again changes nothing: the gateway's call and identity's event
    both arrive, often at the same moment (the primary key settles that race)."""
    with uow:
        known = uow.companies.get(partner_id) is not None
    if not known:
        create_once(
            uow,
            lambda: _announced(
                uow,
                now,
                Company(
                    partner_id=partner_id,
                    name=name,
                    timezone=DEFAULT_TIMEZONE,
                    primary_contact_id=owner["id"],
                    primary_contact_name=owner["name"],
                    primary_contact_email=owner["email"],
                    created_at=now,
                    version=1,
                ),
            ),
        )


def _announced(uow, now, row):
    """The row, with the event that tells others (notifications) its name and primary contact."""
    uow.emit(
        COMPANY_CHANGED,
        row.partner_id,
        row.version,
        now,
        name=row.name,
        primary_contact_email=row.primary_contact_email,
        primary_contact_name=row.primary_contact_name,
    )
    return row


def _company(uow, caller):
    row = uow.companies.get(caller["partner_id"])
    if row is None:
        raise NotFound("The company profile is not there yet: try again in a moment.")
    return row


def get_company(uow: AccountsUnitOfWork, directory: Any, caller: Caller) -> dict[str, Any]:
    """`directory` is identity, which keeps the company's sign-in policy (sign-in enforces it)."""
    with uow:
        row = _company(uow, caller)
        answer = views.company(row, uow.logos.exists(row.partner_id))
    return {**answer, "require_two_factor": directory.two_factor_required(caller)}


def update_company(
    uow: AccountsUnitOfWork, directory: Any, now: dt.datetime, caller: Caller, data: dict[str, Any]
) -> dict[str, Any]:
    """`directory` answers who an employee is (identity); a primary contact must be an active
    employee of the same partner, which identity also records so it refuses to remove them. The
    sign-in policy is identity's to keep (sign-in enforces it)."""
    contact = None
    if "primary_contact_id" in data:
        contact = directory.designate_primary_contact(caller, data["primary_contact_id"])
        if contact is None:
            raise ValidationFailed(
                "The primary contact must be an active employee of your company.",
                {"primary_contact_id": ["Not an active employee of your company."]},
            )
    if "require_two_factor" in data:
        # Before the profile's own transaction: should identity not answer, nothing has changed.
        with uow:
            name = data["name"].strip() if "name" in data else _company(uow, caller).name
        required = directory.require_two_factor(caller, data["require_two_factor"], name)
    else:
        required = directory.two_factor_required(caller)
    profile = [key for key in data if key != "require_two_factor"]
    with uow:
        row = _company(uow, caller)
        if not profile:
            return {
                **views.company(row, uow.logos.exists(row.partner_id)),
                "require_two_factor": required,
            }
        if "name" in data:
            row.name = data["name"].strip()
        for key, value in (data.get("address") or {}).items():
            setattr(row, key, value.strip() if isinstance(value, str) else value)
        if "location" in data:
            row.timezone = data["location"]["timezone"]
        if contact:
            row.primary_contact_id = contact["id"]
            row.primary_contact_name = contact["name"]
            row.primary_contact_email = contact["email"]
        row.version += 1
        _announced(uow, now, row)
        record(
            uow,
            now,
            row.partner_id,
            "company.updated",
            ("company", row.partner_id, row.name),
            "Changed the company's " + ", ".join(PROFILE_PARTS[key] for key in profile),
        )
        uow.commit()
        return {**views.company(row, uow.logos.exists(row.partner_id)), "require_two_factor": required}


def put_logo(
    uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller, content_type: str, data: bytes
) -> dict[str, Any]:
    if len(data) > logo_rules.MAX_LOGO_BYTES:
        raise PayloadTooLarge("A logo is at most 1 MiB.")
    problem = logo_rules.problem_with(content_type, data)
    if problem:
        raise UnsupportedMediaType(problem)
    with uow:
        _company(uow, caller)
        logo = uow.logos.get(caller["partner_id"])
        if logo is None:
            logo = Logo(partner_id=caller["partner_id"])
            uow.logos.add(logo)
        logo.content_type, logo.data, logo.updated_at = content_type, data, now
        _logo_changed(uow, now, caller, f"Uploaded a new logo ({content_type}, {len(data):,} bytes)")
        uow.commit()
    return {"logo_url": views.LOGO_URL}


def get_logo(uow: AccountsUnitOfWork, caller: Caller) -> tuple[str, bytes]:
    with uow:
        logo = uow.logos.get(caller["partner_id"])
        if logo is None:
            raise NotFound("The company has no logo.")
        return logo.content_type, logo.data


def delete_logo(uow: AccountsUnitOfWork, now: dt.datetime, caller: Caller) -> None:
    """Deleting a logo that is not there is done already: no error."""
    with uow:
        logo = uow.logos.get(caller["partner_id"])
        if logo is not None:
            uow.logos.remove(logo)
            _logo_changed(uow, now, caller, "Removed the logo")
            uow.commit()


def _logo_changed(uow, now, caller, summary):
    name = _company(uow, caller).name
    record(uow, now, caller["partner_id"], "company.logo_changed", ("company", caller["partner_id"], name), summary)
