"""The billing service's unit of work: subscriptions and their add-ons, orders and their lines, the
accounts billing sells to, and the Idempotency-Keys of spending requests."""

from portal_common.unit_of_work import UnitOfWork

from billing.adapters.repository import (
    AccountLinks,
    Addons,
    IdempotencyKeys,
    OrderLines,
    Orders,
    Subscriptions,
)


class BillingUnitOfWork(UnitOfWork):
    subscriptions: Subscriptions
    addons: Addons
    orders: Orders
    order_lines: OrderLines
    account_links: AccountLinks
    idempotency_keys: IdempotencyKeys
