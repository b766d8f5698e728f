"""The audit log's tables: its entries, and the people who act in them (kept from identity's events,
never deleted, so an entry names its actor after they are gone). The migration creates exactly these."""

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UtcDateTime
from portal_common.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)  # every service has one; the audit service publishes nothing


class Entry(Base):
    """One entry: its id is the event's, so an event that arrives twice is kept once. Every filter of
    the list has its index, newest first within the partner."""

    __tablename__ = "entries"
    __table_args__ = (
        Index("ix_entries_partner_time", "partner_id", "occurred_at", "id"),
        Index("ix_entries_partner_type_time", "partner_id", "type", "occurred_at", "id"),
        Index("ix_entries_partner_actor_time", "partner_id", "actor_id", "occurred_at", "id"),
        Index("ix_entries_partner_target_time", "partner_id", "target_id", "occurred_at", "id"),
        Index("ix_entries_time", "occurred_at"),  # the retention sweep
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    occurred_at = mapped_column(UtcDateTime, nullable=False)
    type: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[str | None] = mapped_column(String(26))
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    target_name: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(128))


class Person(Base):
    """An employee's name and email as identity last told them; shown only beside their own partner's
    entries."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    version: Mapped[int] = mapped_column(Integer)
