"""Mid-term changes, pro-rated: upgrading to a dearer plan, and add-ons."""

import datetime as dt
from typing import Any

from portal_common.caller import Caller
from portal_common.errors import Conflict, ValidationFailed
from portal_common.idempotency_keys import checked_key
from portal_common.ids import new_id

from billing.adapters.orm import SubscriptionAddon
from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.domain.catalog import Catalog
from billing.domain.prorate import prorate, upgrade_full_cents
from billing.usecases import activity, idempotency
from billing.usecases.shared import OrderBuilder, account_changed, find_subscription, subscription_view


def _active(subscription, what):
    if subscription.status != "active":
        raise Conflict(f"Only an active subscription can take {what} (this one is {subscription.status}).")


def _quote(catalog, subscription, plan_id, now):
    _active(subscription, "an upgrade")
    new = catalog.plan(subscription.product, plan_id)
    if new is None and not any(product.plan(plan_id) for product in catalog.products):
        raise ValidationFailed("No such plan.", {"plan": [f"Not a plan of the catalog: {plan_id}."]})
    if new is None:
        raise Conflict(f"{plan_id} is not a plan of {subscription.product}: upgrades stay within the product.")
    old = catalog.plan(subscription.product, subscription.plan)
    old_price = catalog.price(old, subscription.term_years)
    new_price = catalog.price(new, subscription.term_years)
    if new_price <= old_price:
        raise Conflict(f"{plan_id} is not dearer than {subscription.plan}: only upgrades are possible mid-term.")
    proration = prorate(
        upgrade_full_cents(old_price, new_price, subscription.quantity),
        subscription.starts_at,
        subscription.expires_at,
        now,
    )
    return {
        "from_plan": subscription.plan,
        "to_plan": new.id,
        "remaining_days": proration.remaining_days,
        "term_days": proration.term_days,
        "amount_cents": proration.amount_cents,
        "currency": catalog.currency,
    }, new_price - old_price


def quote(
    uow: BillingUnitOfWork, catalog: Catalog, now: dt.datetime, caller: Caller, subscription_id: str, plan_id: str
) -> Any:
    with uow:  # the subscription as the upgrade would find it: not one of a released account
        return _quote(catalog, find_subscription(uow, caller, subscription_id, to_change=True), plan_id, now)[0]


def upgrade(
    uow: BillingUnitOfWork,
    catalog: Catalog,
    now: dt.datetime,
    caller: Caller,
    subscription_id: str,
    data: dict[str, Any],
    key: str | None,
) -> Any:
    key = checked_key(key)
    digest = idempotency.request_hash("upgrade", subscription_id=subscription_id, body=data)
    stored = idempotency.replayed(uow, caller["partner_id"], key, digest)
    if stored is not None:
        return stored

    def work(uow: BillingUnitOfWork) -> dict[str, Any]:
        subscription = find_subscription(uow, caller, subscription_id, for_update=True, to_change=True)
        answer, unit_difference = _quote(catalog, subscription, data["plan"], now)
        order = OrderBuilder(uow, catalog, caller, "upgrade", now)
        order.line(
            product=subscription.product,
            plan=data["plan"],
            term_years=subscription.term_years,
            quantity=subscription.quantity,
            unit_price_cents=unit_difference,
            amount_cents=answer["amount_cents"],
            account_id=subscription.account_id,
            subscription_id=subscription.id,
        )
        activity.about_subscription(
            uow,
            now,
            subscription,
            "subscription.upgraded",
            f"Upgraded from {subscription.plan} to {data['plan']} for the rest of the term",
        )
        subscription.plan = data["plan"]
        subscription.version += 1
        uow.flush()
        if subscription.account_id:
            account_changed(uow, catalog, subscription.account_id, caller["partner_id"], now)
        return {**answer, "order": order.placed(), "subscription": subscription_view(uow, subscription)}

    return idempotency.spend_once_keeping_refusals(uow, caller["partner_id"], key, digest, now, work)


def buy_addon(
    uow: BillingUnitOfWork,
    catalog: Catalog,
    now: dt.datetime,
    caller: Caller,
    subscription_id: str,
    data: dict[str, Any],
    key: str | None,
) -> Any:
    key = checked_key(key)
    digest = idempotency.request_hash("addon", subscription_id=subscription_id, body=data)
    stored = idempotency.replayed(uow, caller["partner_id"], key, digest)
    if stored is not None:
        return stored
    addon = catalog.addon(data["addon"])
    if addon is None:
        raise ValidationFailed("No such add-on.", {"addon": [f"Not an add-on of the catalog: {data['addon']}."]})

    def work(uow: BillingUnitOfWork) -> dict[str, Any]:
        subscription = find_subscription(uow, caller, subscription_id, for_update=True, to_change=True)
        _active(subscription, "add-ons")
        unit = catalog.price(addon, subscription.term_years)
        proration = prorate(unit * data["quantity"], subscription.starts_at, subscription.expires_at, now)
        bought = SubscriptionAddon(
            id=new_id(), subscription_id=subscription.id, addon=addon.id, quantity=data["quantity"], starts_at=now
        )
        uow.addons.add(bought)
        order = OrderBuilder(uow, catalog, caller, "addon", now)
        order.line(
            product=subscription.product,
            plan=subscription.plan,
            addon=addon.id,
            term_years=subscription.term_years,
            quantity=data["quantity"],
            unit_price_cents=unit,
            amount_cents=proration.amount_cents,
            account_id=subscription.account_id,
            subscription_id=subscription.id,
        )
        activity.about_subscription(
            uow, now, subscription, "subscription.addon_added", f"Added {data['quantity']} × {addon.id}"
        )
        subscription.version += 1
        uow.flush()
        if subscription.account_id:
            account_changed(uow, catalog, subscription.account_id, caller["partner_id"], now)
        return {"order": order.placed(), "subscription": subscription_view(uow, subscription)}

    return idempotency.spend_once_keeping_refusals(uow, caller["partner_id"], key, digest, now, work)
