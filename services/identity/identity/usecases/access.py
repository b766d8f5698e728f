"""`access_changed`: what a gateway remembers of an employee's sessions is no longer true.

Gateways keep the answer to "who holds this token" for a short while, so that a request needs no
round trip to identity; every change that could alter that answer (sign-out, a new password, two-step
verification on or off, a role, deactivation, removal) tells every gateway to forget the employee.
"""
from portal_common.events import iso
from portal_common.ids import new_id

ACCESS_CHANGED = "access_changed"


def access_changed(uow, employee_id, now):
    uow.emit(ACCESS_CHANGED, {"event_id": new_id(), "occurred_at": iso(now), "employee_id": employee_id})
