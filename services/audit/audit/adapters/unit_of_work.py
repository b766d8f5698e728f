"""The audit service's unit of work: its entries and the people who act in them."""

from portal_common.unit_of_work import UnitOfWork

from audit.adapters.repository import Entries, People


class AuditUnitOfWork(UnitOfWork):
    entries: Entries
    people: People
