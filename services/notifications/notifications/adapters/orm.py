"""Notifications' tables: each partner's company (from accounts' events) and alert preferences, the
alerts already made (one per occurrence), and outgoing mail. The migration creates exactly these."""
from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UtcDateTime
from portal_common.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)


class Partner(Base):
    """The company's name and primary contact, kept from accounts' company_changed events."""

    __tablename__ = "partners"

    partner_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    primary_contact_email: Mapped[str] = mapped_column(String(254))
    version: Mapped[int] = mapped_column(Integer)


class Account(Base):
    """A customer account's name, kept from accounts' events, for what alerts about it say."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)


class AlertSettings(Base):
    """Only once a partner has chosen: until then, mail to the primary contact, every alert type."""

    __tablename__ = "alert_settings"

    partner_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(Boolean)
    recipients: Mapped[str] = mapped_column(Text)  # JSON list of addresses
    events: Mapped[str] = mapped_column(Text)  # JSON list of alert types


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_partner_created", "partner_id", "created_at"),)

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    partner_id: Mapped[str] = mapped_column(String(26))
    data: Mapped[str] = mapped_column(Text)  # JSON
    created_at = mapped_column(UtcDateTime, nullable=False)


class Mail(Base):
    """A message to send, tried until sent or out of tries; once sent its body is dropped (the
    `.eml` file or the SMTP server has it)."""

    __tablename__ = "mails"
    __table_args__ = (Index("ix_mails_status_next", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str | None] = mapped_column(String(26))
    recipients: Mapped[str] = mapped_column(Text)  # JSON list
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UtcDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(16))  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at = mapped_column(UtcDateTime, nullable=False)
    sent_at = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
