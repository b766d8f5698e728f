"""The company's sign-in policy: whether every employee must have a second factor. Accounts shows
and sets it as part of the company profile; identity keeps it, as sign-in enforces it."""

import datetime as dt

from portal_common.activity import record
from portal_common.caller import Caller

from identity.adapters.unit_of_work import IdentityUnitOfWork
from identity.usecases.access import access_changed


def two_factor_required(uow: IdentityUnitOfWork, caller: Caller) -> bool:
    with uow:
        return uow.partners.get(caller["partner_id"]).require_two_factor


def require_two_factor(
    uow: IdentityUnitOfWork, now: dt.datetime, caller: Caller, required: bool, company_name: str
) -> bool:
    """Set the policy. Sessions opened while it is on without a second factor may only set one up;
    every gateway forgets what it remembered of the employees without one, so that switching it off
    frees theirs at once (and on again holds them again)."""
    with uow:
        partner = uow.partners.get(caller["partner_id"], for_update=True)
        if partner.require_two_factor != required:
            partner.require_two_factor = required
            for employee in uow.employees.all_of_partner(partner.id):
                if not employee.two_factor_enabled:
                    access_changed(uow, employee.id, now)
            record(
                uow,
                now,
                partner.id,
                "company.updated",
                ("company", partner.id, company_name),
                "Two-step verification required for every employee"
                if required
                else "Two-step verification no longer required",
            )
            uow.commit()
        return required
