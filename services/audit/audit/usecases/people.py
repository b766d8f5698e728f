"""Who acts in the audit log: each employee's name and email from identity's events, kept when
newer, never deleted (an entry names its actor after they are removed)."""
from portal_common.db import keep_newest

from audit.adapters.orm import Person


def track(uow, person_id, version, name, email):
    def apply(person):
        person.name, person.email = name, email

    keep_newest(uow, Person, person_id, version,
                lambda: Person(id=person_id, name=name, email=email, version=0), apply)
