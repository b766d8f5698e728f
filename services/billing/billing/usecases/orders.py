"""Buying subscriptions: to an account (running from now) or into the partner's inventory."""

import datetime as dt
from typing import Any

from portal_common.caller import Caller
from portal_common.errors import NotFound
from portal_common.idempotency_keys import checked_key
from portal_common.ids import new_id

from billing.adapters.orm import Subscription
from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.domain.catalog import Catalog
from billing.domain.terms import add_years
from billing.usecases import idempotency, views
from billing.usecases.shared import OrderBuilder, account_changed, plan_or_400, sell_to, term_or_400


def new_subscription(caller: Caller, item: Any, now: dt.datetime, status: Any, account_id: str | None = None) -> Any:
    running = status != "available"
    return Subscription(
        id=new_id(),
        partner_id=caller["partner_id"],
        account_id=account_id,
        product=item["product"],
        plan=item["plan"],
        term_years=item.get("term_years"),
        quantity=item.get("quantity", 1),
        status=status,
        starts_at=now if running else None,
        expires_at=add_years(now, item["term_years"]) if running and item.get("term_years") else None,
        auto_renew=True,
        version=1,
        created_at=now,
    )


def place_order(
    uow: BillingUnitOfWork,
    catalog: Catalog,
    now: dt.datetime,
    caller: Caller,
    data: dict[str, Any],
    key: str | None,
    accounts_found: Any,
) -> Any:
    """`accounts_found`: whether the accounts named in `data` are the caller's live ones, as accounts
    answered; None: as billing knows them (`sell_to`)."""
    key = checked_key(key)
    digest = idempotency.request_hash("order", body=data)
    stored = idempotency.replayed(uow, caller["partner_id"], key, digest)
    if stored is not None:
        return stored
    plans = []
    for index, item in enumerate(data["items"]):
        plans.append(plan_or_400(catalog, item["product"], item["plan"], ("items", str(index))))
        term_or_400(catalog, item["term_years"], ("items", str(index)))
    accounts = {item["account_id"] for item in data["items"] if item["account_id"]}

    def work(uow: BillingUnitOfWork) -> Any:
        order = OrderBuilder(uow, catalog, caller, "purchase", now)
        for item, plan in zip(data["items"], plans, strict=True):
            status = "active" if item["account_id"] else "available"
            subscription = new_subscription(caller, item, now, status, item["account_id"])
            uow.subscriptions.insert(subscription)
            unit = catalog.price(plan, item["term_years"])
            order.line(
                product=item["product"],
                plan=item["plan"],
                term_years=item["term_years"],
                quantity=item["quantity"],
                unit_price_cents=unit,
                amount_cents=unit * item["quantity"],
                account_id=item["account_id"],
                subscription_id=subscription.id,
            )
        for account_id in sorted(accounts):
            account_changed(uow, catalog, account_id, caller["partner_id"], now)
        return order.placed()

    def sell() -> Any:
        if accounts:
            sell_to(uow, caller["partner_id"], accounts, accounts_found)
        return idempotency.spend_once(uow, caller["partner_id"], key, digest, now, work)

    return idempotency.refusals_kept(uow, caller["partner_id"], key, digest, now, sell)


def list_orders(uow: BillingUnitOfWork, caller: Caller, page: dict[str, Any]) -> dict[str, Any]:
    with uow:
        rows, next_cursor = uow.orders.page_of_partner(caller["partner_id"], page["limit"], page["cursor"])
        lines = uow.order_lines.of_orders([row.id for row in rows])
        return {"items": [views.order(row, lines.get(row.id, [])) for row in rows], "next_cursor": next_cursor}


def get_order(uow: BillingUnitOfWork, caller: Caller, order_id: str) -> dict[str, Any]:
    with uow:
        row = uow.orders.of_partner(caller["partner_id"], order_id)
        if row is None:
            raise NotFound("No such order.")
        return views.order(row, uow.order_lines.of_orders([row.id]).get(row.id, []))
