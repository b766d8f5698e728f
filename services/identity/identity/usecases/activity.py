"""Identity's entries of the audit log: each is about an employee (`portal_common.activity`)."""
from portal_common.activity import record


def about(uow, now, employee, activity_type, summary, actor=None):
    record(uow, now, employee.partner_id, activity_type, ("employee", employee.id, employee.name), summary, actor)


def by_themselves(uow, now, employee, activity_type, summary):
    """What the employee did to their own access before anyone was signed in (sign-in, a link)."""
    about(uow, now, employee, activity_type, summary, actor=employee.id)
