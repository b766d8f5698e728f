"""Billing's entries of the audit log (`portal_common.activity`): orders, trials, subscriptions."""

import datetime as dt
from typing import Any

from portal_common.activity import record

from billing.adapters.unit_of_work import BillingUnitOfWork


def amount(cents: int, currency: str) -> str:
    """`1,234.50 EUR`: whole cents, no float."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100:,}.{abs(cents) % 100:02d} {currency}"


def years(count: int) -> str:
    return f"{count} year{'s' if count != 1 else ''}"


def plan_name(row: Any) -> str:
    return f"{row.product} {row.plan}"


def about_subscription(
    uow: BillingUnitOfWork, now: dt.datetime, subscription: Any, activity_type: str, summary: str
) -> None:
    record(
        uow,
        now,
        subscription.partner_id,
        activity_type,
        ("subscription", subscription.id, plan_name(subscription)),
        summary,
    )


def order_placed(uow: BillingUnitOfWork, now: dt.datetime, order: Any, lines: Any) -> None:
    first = lines[0]
    what = f"{first.quantity} × {first.product} {first.addon or first.plan}"
    if first.term_years:
        what += f", {years(first.term_years)}"
    if len(lines) > 1:
        what += f" and {len(lines) - 1} more line{'s' if len(lines) > 2 else ''}"
    record(
        uow,
        now,
        order.partner_id,
        "order.placed",
        ("order", order.id, None),
        f"{order.kind.title()} order: {what}; total {amount(order.total_cents, order.currency)}",
    )
