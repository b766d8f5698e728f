"""Identity's entries of the audit log: each is about an employee (`portal_common.activity`)."""

import datetime as dt
from typing import Any

from portal_common.activity import record

from identity.adapters.unit_of_work import IdentityUnitOfWork


def about(
    uow: IdentityUnitOfWork,
    now: dt.datetime,
    employee: Any,
    activity_type: str,
    summary: str,
    actor: str | None = None,
) -> None:
    record(uow, now, employee.partner_id, activity_type, ("employee", employee.id, employee.name), summary, actor)


def by_themselves(uow: IdentityUnitOfWork, now: dt.datetime, employee: Any, activity_type: str, summary: str) -> None:
    """What the employee did to their own access before anyone was signed in (sign-in, a link)."""
    about(uow, now, employee, activity_type, summary, actor=employee.id)
