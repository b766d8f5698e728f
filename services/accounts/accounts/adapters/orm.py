"""Accounts' tables. The migration in `migrations/versions` creates exactly these (a test compares)."""

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UtcDateTime
from portal_common.outbox import outbox_table

from accounts.domain.computer_names import NAME_KEY_MAX


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)


class Company(Base):
    __tablename__ = "companies"

    partner_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str | None] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    # A copy of the contact's name and email as identity answered them when designated.
    primary_contact_id: Mapped[str] = mapped_column(String(26))
    primary_contact_name: Mapped[str] = mapped_column(String(200))
    primary_contact_email: Mapped[str] = mapped_column(String(254))
    created_at = mapped_column(UtcDateTime, nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1)  # of what company_changed tells


class Logo(Base):
    __tablename__ = "logos"

    partner_id: Mapped[str] = mapped_column(ForeignKey("companies.partner_id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at = mapped_column(UtcDateTime, nullable=False)


class Account(Base):
    """A customer account and its row of the partner's accounts list (a read model: the billing and
    monitoring columns are kept from those services' events)."""

    __tablename__ = "accounts"
    __table_args__ = (
        Index("ix_accounts_partner_listed", "partner_id", "released_at", "id"),
        Index("ix_accounts_partner_status", "partner_id", "status", "id"),
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    administered: Mapped[bool] = mapped_column(Boolean)
    created_at = mapped_column(UtcDateTime, nullable=False)
    released_at = mapped_column(UtcDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    computers: Mapped[int] = mapped_column(Integer, default=0)
    servers: Mapped[int] = mapped_column(Integer, default=0)
    # From billing's subscription_changed events: kept only when newer.
    billing_version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="none")
    product: Mapped[str | None] = mapped_column(String(64))
    plan: Mapped[str | None] = mapped_column(String(64))
    expires_at = mapped_column(UtcDateTime, nullable=True)
    # From monitoring's account_backup_changed events: kept only when newer.
    backup_version: Mapped[int] = mapped_column(Integer, default=0)
    bytes_backed_up: Mapped[int] = mapped_column(BigInteger, default=0)
    computers_not_backing_up: Mapped[int] = mapped_column(Integer, default=0)
    # The row's item of the list as the contract's JSON (`usecases.read_model.project`).
    listed: Mapped[str] = mapped_column(Text)


class AccountUser(Base):
    __tablename__ = "account_users"
    __table_args__ = (Index("ux_account_users_email", "account_id", "email_key", unique=True),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    created_at = mapped_column(UtcDateTime, nullable=False)


class Computer(Base):
    """A customer's computer. Removing it keeps the row (and its backup history elsewhere): its
    agent key simply stops working."""

    __tablename__ = "computers"
    __table_args__ = (
        Index("ix_computers_account", "account_id", "removed_at"),
        Index("ux_computers_live_name", "account_id", "name_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200))
    # `domain.computer_names.name_key(name)` while the computer is live; NULL once removed (NULLs
    # never collide in a unique index, so a removed computer's name is free again).
    name_key: Mapped[str | None] = mapped_column(String(NAME_KEY_MAX))
    kind: Mapped[str] = mapped_column(String(16))
    agent_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UtcDateTime, nullable=False)
    removed_at = mapped_column(UtcDateTime, nullable=True)
