"""Billing's tables. The migration in `migrations/versions` creates exactly these (a test compares)."""

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portal_common.db import UtcDateTime
from portal_common.outbox import outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_partner", "partner_id", "id"),)

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    kind: Mapped[str] = mapped_column(String(16))  # purchase, renewal, upgrade, addon
    currency: Mapped[str] = mapped_column(String(3))
    total_cents: Mapped[int] = mapped_column(Integer)
    created_at = mapped_column(UtcDateTime, nullable=False)


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # lines read back in the order they were bought
    product: Mapped[str] = mapped_column(String(64))
    plan: Mapped[str] = mapped_column(String(64))
    addon: Mapped[str | None] = mapped_column(String(64))
    term_years: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[str | None] = mapped_column(String(26))
    subscription_id: Mapped[str] = mapped_column(String(26))


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_partner", "partner_id", "id"),
        Index("ix_subscriptions_account", "account_id"),
        Index("ix_subscriptions_due", "status", "expires_at"),
        Index("ix_subscriptions_partner_expiry", "partner_id", "expires_at", "id"),  # the renewals view
    )

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    account_id: Mapped[str | None] = mapped_column(String(26))
    product: Mapped[str] = mapped_column(String(64))
    plan: Mapped[str] = mapped_column(String(64))
    term_years: Mapped[int | None] = mapped_column(Integer)  # None for a trial
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # available, trial, active, expired
    starts_at = mapped_column(UtcDateTime, nullable=True)
    expires_at = mapped_column(UtcDateTime, nullable=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at = mapped_column(UtcDateTime, nullable=False)
    # The last warning that it ends (`domain.warnings`): its days, and the expiry it was for.
    warned_days: Mapped[int | None] = mapped_column(Integer)
    warned_expires_at = mapped_column(UtcDateTime, nullable=True)
    # A trial upgraded to a paid subscription: that subscription (the trial ended converted, not lapsed).
    converted_to: Mapped[str | None] = mapped_column(String(26))


class SubscriptionAddon(Base):
    __tablename__ = "subscription_addons"

    id: Mapped[str] = mapped_column(String(26), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    addon: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    starts_at = mapped_column(UtcDateTime, nullable=False)


class AccountLink(Base):
    """An account billing sells to: whose it is, whether released (or its release begun: then
    accounts is asked before a sale), and the version of the summary last sent to accounts (bumped
    on every change, so accounts keeps only the newest)."""

    __tablename__ = "account_links"

    account_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(26))
    released: Mapped[bool] = mapped_column(Boolean, default=False)
    releasing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    summary_version: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """A spending request's key, stored with its answer in the same transaction as the order."""

    __tablename__ = "idempotency_keys"

    partner_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response = mapped_column(JSON, nullable=False)
    created_at = mapped_column(UtcDateTime, nullable=False)
