"""At expiry: an active subscription with auto-renew renews for one more term at the then-current
catalog price (plan, quantity and add-ons as they were); anything else expires. Safe to run from
several billing instances at once: each change is a conditional update that only one wins."""

import datetime as dt
import logging
from typing import Any

from portal_common.caller import Caller
from portal_common.events import SUBSCRIPTION_RENEWED

from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.domain.catalog import Catalog
from billing.domain.terms import add_years
from billing.usecases import activity, views
from billing.usecases.shared import OrderBuilder, account_changed

log = logging.getLogger(__name__)
BATCH = 100


def run_renewals(uow: BillingUnitOfWork, catalog: Catalog, now: dt.datetime) -> Any:
    """Renew or expire everything due; answers how many subscriptions it changed."""
    changed = 0
    while True:
        with uow:
            due = uow.subscriptions.due(now, BATCH)
        if not due:
            return changed
        for subscription in due:
            changed += _settle(uow, catalog, subscription, now)
        if len(due) < BATCH:
            return changed


def _settle(uow, catalog, subscription, now):
    with uow:
        released = uow.account_links.is_released(subscription.account_id)
        plan = catalog.plan(subscription.product, subscription.plan)
        renew = subscription.status == "active" and subscription.auto_renew and not released and plan is not None
        if renew:
            new_expiry = add_years(subscription.expires_at, subscription.term_years)
            if not uow.subscriptions.renew_if_unchanged(subscription, subscription.expires_at, new_expiry):
                return 0
            _renewal_order(uow, catalog, subscription, plan, now)
            _renewed(uow, subscription.id, now)
            activity.about_subscription(
                uow,
                now,
                subscription,
                "subscription.renewed",
                f"Renewed for a further {activity.years(subscription.term_years)}",
            )
        elif not uow.subscriptions.end_if_unchanged(subscription):
            return 0
        else:
            activity.about_subscription(
                uow, now, subscription, "subscription.expired", _why_expired(subscription, released, plan)
            )
        if plan is None and subscription.status == "active" and subscription.auto_renew:
            log.warning(
                "subscription %s not renewed: %s/%s left the catalog",
                subscription.id,
                subscription.product,
                subscription.plan,
            )
        if subscription.account_id:
            account_changed(uow, catalog, subscription.account_id, subscription.partner_id, now)
        uow.commit()
        return 1


def _why_expired(subscription, released, plan):
    if subscription.status == "trial":
        return "The trial ended"
    if subscription.status == "available":
        return "Expired unused in inventory"
    if released:
        return "Expired: the account was released"
    if plan is None:
        return "Expired: the plan left the catalog"
    return "Expired: auto-renew was off"


def _renewed(uow, subscription_id, now):
    renewed = uow.subscriptions.as_stored(subscription_id)  # as the update left it
    item = views.subscription(renewed, uow.addons.of_subscription(renewed.id))
    uow.emit(
        SUBSCRIPTION_RENEWED,
        renewed.id,
        renewed.version,
        now,
        partner_id=renewed.partner_id,
        account_id=renewed.account_id,
        subscription=item,
    )


def _renewal_order(uow, catalog, subscription, plan, now):
    caller: Caller = {"partner_id": subscription.partner_id}
    order = OrderBuilder(uow, catalog, caller, "renewal", now)
    unit = catalog.price(plan, subscription.term_years)
    order.line(
        product=subscription.product,
        plan=plan.id,
        term_years=subscription.term_years,
        quantity=subscription.quantity,
        unit_price_cents=unit,
        amount_cents=unit * subscription.quantity,
        account_id=subscription.account_id,
        subscription_id=subscription.id,
    )
    for bought in uow.addons.of_subscription(subscription.id):
        addon = catalog.addon(bought.addon)
        if addon is None:
            continue
        unit = catalog.price(addon, subscription.term_years)
        order.line(
            product=subscription.product,
            plan=plan.id,
            addon=addon.id,
            term_years=subscription.term_years,
            quantity=bought.quantity,
            unit_price_cents=unit,
            amount_cents=unit * bought.quantity,
            account_id=subscription.account_id,
            subscription_id=subscription.id,
        )
    order.placed()
