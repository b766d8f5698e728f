"""Notifications' tables: each partner's company (from accounts' events) and alert preferences, the
alerts already made (one per occurrence), and outgoing mail. The migration creates exactly these."""

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
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
    __table_args__ = (
        Index("ix_alerts_partner_created", "partner_id", "created_at"),
        Index("ix_alerts_subject", "subject", "version"),
    )

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    partner_id: Mapped[str] = mapped_column(String(26))
    data: Mapped[str] = mapped_column(Text)  # JSON
    created_at = mapped_column(UtcDateTime, nullable=False)
    subject: Mapped[str | None] = mapped_column(String(26))  # the computer of a state's alert
    version: Mapped[int | None] = mapped_column(Integer)  # of that state


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
    send_before = mapped_column(UtcDateTime, nullable=True)  # a link's end: no use mailing it after
    last_error: Mapped[str | None] = mapped_column(String(500))


class Webhook(Base):
    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_partner", "partner_id", "id"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[str] = mapped_column(Text)  # JSON list of event types
    description: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean)
    secret: Mapped[str] = mapped_column(String(100))  # whsec_...: the key its deliveries are signed with
    created_at = mapped_column(UtcDateTime, nullable=False)


class Delivery(Base):
    """One event for one endpoint, tried until delivered or out of tries (its `event_id` is the
    `webhook-id` of every try). A pending one is due at `next_attempt_at`; a try in flight holds it
    a little longer than its deadline, so a sender that dies leaves it due again."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_webhook", "webhook_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(String(26))
    event_id: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the JSON posted, the same on every try
    status: Mapped[str] = mapped_column(String(16))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer)
    response_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at = mapped_column(UtcDateTime, nullable=True)
    delivered_at = mapped_column(UtcDateTime, nullable=True)
    created_at = mapped_column(UtcDateTime, nullable=False)
    finished_at = mapped_column(UtcDateTime, nullable=True)


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_delivery", "delivery_id", "at"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(26))
    at = mapped_column(UtcDateTime, nullable=False)
    response_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
