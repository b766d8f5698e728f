"""The audit log's queries: entries newest first by (time, id), filtered, and the retention's batches."""

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select

from portal_common.repository import Repository

from audit.adapters.orm import Entry, Person


class Entries(Repository):
    model = Entry

    def ids_among(self, entry_ids: list[str]) -> set[str]:
        """Which of these entries are kept already."""
        return set(self.session.scalars(select(Entry.__table__.c.id).where(Entry.__table__.c.id.in_(entry_ids))))

    def page_of_partner(
        self, partner_id: str, filters: dict[str, Any], after: tuple[dt.datetime, str] | None, limit: int
    ) -> list[tuple[Entry, Person | None]]:
        """Up to `limit` of the partner's entries older than `after` (a time and id), newest first,
        each with its actor as kept (None for the system, or one not known yet). `filters` may
        hold `type`, `actor_id`, `target_id` (equal) and `since`, `until` (inclusive)."""
        columns = Entry.__table__.c
        stmt = (
            select(Entry, Person)
            .outerjoin(Person, (Person.id == Entry.actor_id) & (Person.partner_id == Entry.partner_id))
            .where(Entry.partner_id == partner_id)
        )
        for field, column in (("type", columns.type), ("actor_id", columns.actor_id), ("target_id", columns.target_id)):
            if filters.get(field) is not None:
                stmt = stmt.where(column == filters[field])
        if filters.get("since") is not None:
            stmt = stmt.where(Entry.occurred_at >= filters["since"])
        if filters.get("until") is not None:
            stmt = stmt.where(Entry.occurred_at <= filters["until"])
        if after is not None:
            last_at, last_id = after
            stmt = stmt.where(or_(Entry.occurred_at < last_at, and_(Entry.occurred_at == last_at, Entry.id < last_id)))
        stmt = stmt.order_by(Entry.occurred_at.desc(), Entry.id.desc()).limit(limit)
        return [(entry, person) for entry, person in self.session.execute(stmt).all()]

    def ids_older_than(self, cutoff: dt.datetime, limit: int) -> list[str]:
        return list(self.session.scalars(select(Entry.id).where(Entry.occurred_at < cutoff).limit(limit)).all())

    def delete_ids(self, ids: list[str]) -> None:
        self._delete_where(Entry.id.in_(ids))


class People(Repository):
    model = Person
