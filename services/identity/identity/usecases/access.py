"""`access_changed`: what a gateway remembers of an employee's sessions is no longer true.

Gateways keep the answer to "who holds this token" for a short while, so that a request needs no
round trip to identity; every change that could alter that answer (sign-out, a new password, two-step
verification on or off, a role, deactivation, removal) tells every gateway to forget the employee.
It is a notice, not a state of the employee: its version is always 0.
"""

import datetime as dt

from portal_common.events import ACCESS_CHANGED

from identity.adapters.unit_of_work import IdentityUnitOfWork


def access_changed(uow: IdentityUnitOfWork, employee_id: str, now: dt.datetime) -> None:
    uow.emit(ACCESS_CHANGED, employee_id, 0, now)
