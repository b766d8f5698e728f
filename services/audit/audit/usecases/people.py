"""Who acts in the audit log: each employee's name and email from identity's events, kept when
newer, never deleted (an entry names its actor after they are removed)."""

from typing import Any

from portal_common.db import keep_newest

from audit.adapters.orm import Person
from audit.adapters.unit_of_work import AuditUnitOfWork


def track(uow: AuditUnitOfWork, event: dict[str, Any]) -> None:
    """From an `employee_*` event."""

    def apply(person: Any) -> None:
        person.name, person.email = event["name"], event["email"]

    keep_newest(
        uow,
        Person,
        event["id"],
        event["version"],
        lambda: Person(
            id=event["id"], partner_id=event["partner_id"], name=event["name"], email=event["email"], version=0
        ),
        apply,
    )
