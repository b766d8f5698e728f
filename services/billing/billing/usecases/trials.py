"""Trials, and turning a trial into a paid subscription (from the inventory, or by buying one)."""

import datetime as dt
from typing import Any

from portal_common.caller import Caller
from portal_common.errors import AlreadySubscribed, Conflict, NotAvailable, TrialUsed
from portal_common.idempotency_keys import checked_key

from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.domain.catalog import Catalog
from billing.domain.terms import add_years
from billing.usecases import activity, idempotency
from billing.usecases.orders import new_subscription
from billing.usecases.shared import (
    OrderBuilder,
    account_changed,
    find_subscription,
    plan_or_400,
    sell_to,
    subscription_view,
    term_or_400,
)


def _running(uow, account_id, product):
    return [
        row
        for row in uow.subscriptions.of_account(account_id)
        if row.product == product and row.status in ("trial", "active")
    ]


def _had_a_trial(uow, account_id, product):
    """A trial is the one subscription with no term: ended, expired or turned into a paid one, it
    stays in the account's history."""
    return any(row.product == product and row.term_years is None for row in uow.subscriptions.of_account(account_id))


def start_trial(
    uow: BillingUnitOfWork,
    catalog: Catalog,
    now: dt.datetime,
    caller: Caller,
    account_id: str,
    data: dict[str, Any],
    account_is_found: bool,
) -> Any:
    """`account_is_found`: whether the account is the caller's live one, as accounts answered; None:
    as billing knows it (`sell_to`)."""
    plan_or_400(catalog, data["product"], data["plan"])
    sell_to(uow, caller["partner_id"], [account_id], account_is_found)
    with uow:
        uow.account_links.locked(account_id)
        if _running(uow, account_id, data["product"]):
            raise AlreadySubscribed()
        if _had_a_trial(uow, account_id, data["product"]):
            raise TrialUsed()
        trial = new_subscription(caller, {"product": data["product"], "plan": data["plan"]}, now, "trial", account_id)
        trial.expires_at = now + dt.timedelta(days=catalog.trial_days)
        trial.auto_renew = False
        uow.subscriptions.add(trial)
        uow.flush()
        account_changed(uow, catalog, account_id, caller["partner_id"], now)
        activity.about_subscription(
            uow, now, trial, "trial.started", f"Started a {catalog.trial_days}-day trial of {activity.plan_name(trial)}"
        )
        view = subscription_view(uow, trial)
        uow.commit()
        return view


def _trial_to_end(uow, account_id, product=None):
    trials = [
        row
        for row in uow.subscriptions.of_account(account_id)
        if row.status == "trial" and (product is None or row.product == product)
    ]
    if not trials:
        raise Conflict("The account has no trial to upgrade" + (f" of {product}." if product else "."))
    return max(trials, key=lambda row: (row.starts_at, row.id))


def _end(trial, now, successor):
    """The trial ends now, converted to `successor` (the paid subscription)."""
    trial.status = "expired"
    trial.expires_at = now
    trial.converted_to = successor.id
    trial.version += 1


def upgrade_trial(
    uow: BillingUnitOfWork,
    catalog: Catalog,
    now: dt.datetime,
    caller: Caller,
    account_id: str,
    data: dict[str, Any],
    key: str | None,
    account_is_found: bool,
) -> Any:
    """`account_is_found`: whether the account is the caller's live one, as accounts answered; None:
    as billing knows it (`sell_to`)."""
    if "subscription_id" in data:
        sell_to(uow, caller["partner_id"], [account_id], account_is_found)
        return _apply_inventory(uow, catalog, now, caller, account_id, data["subscription_id"])
    return _buy(uow, catalog, now, caller, account_id, data, key, account_is_found)


def _apply_inventory(uow, catalog, now, caller, account_id, subscription_id):
    with uow:
        uow.account_links.locked(account_id)
        stock = find_subscription(uow, caller, subscription_id)
        if stock.status != "available":
            raise NotAvailable()
        trial = _trial_to_end(uow, account_id, stock.product)
        if not uow.subscriptions.claim_available(
            caller["partner_id"], stock.id, account_id, now, add_years(now, stock.term_years)
        ):
            raise NotAvailable()
        _end(trial, now, stock)
        uow.flush()
        uow.subscriptions.refresh(stock)
        account_changed(uow, catalog, account_id, caller["partner_id"], now)
        activity.about_subscription(
            uow, now, trial, "trial.upgraded", f"Upgraded the trial to {activity.plan_name(stock)} from inventory"
        )
        view = {"subscription": subscription_view(uow, stock), "order": None}
        uow.commit()
        return view


def _buy(uow, catalog, now, caller, account_id, data, key, account_is_found):
    key = checked_key(key)
    digest = idempotency.request_hash("trial-upgrade", account_id=account_id, body=data)
    stored = idempotency.replayed(uow, caller["partner_id"], key, digest)
    if stored is not None:
        return stored
    term_or_400(catalog, data["term_years"])  # the body's own check first: a 400 whatever the account

    def buy() -> dict[str, Any]:
        sell_to(uow, caller["partner_id"], [account_id], account_is_found)
        with uow:
            trial = _trial_to_end(uow, account_id, data.get("product"))
            product, plan_id = trial.product, data.get("plan", trial.plan)
        plan = plan_or_400(catalog, product, plan_id)

        def work(uow: BillingUnitOfWork) -> dict[str, Any]:
            uow.account_links.locked(account_id)
            trial = _trial_to_end(uow, account_id, product)
            item = {"product": product, "plan": plan.id, "term_years": data["term_years"], "quantity": trial.quantity}
            paid = new_subscription(caller, item, now, "active", account_id)
            uow.subscriptions.add(paid)
            unit = catalog.price(plan, data["term_years"])
            order = OrderBuilder(uow, catalog, caller, "purchase", now)
            order.line(
                product=product,
                plan=plan.id,
                term_years=data["term_years"],
                quantity=trial.quantity,
                unit_price_cents=unit,
                amount_cents=unit * trial.quantity,
                account_id=account_id,
                subscription_id=paid.id,
            )
            _end(trial, now, paid)
            uow.flush()
            account_changed(uow, catalog, account_id, caller["partner_id"], now)
            activity.about_subscription(
                uow,
                now,
                trial,
                "trial.upgraded",
                f"Upgraded the trial to {activity.plan_name(paid)}, bought for {activity.years(data['term_years'])}",
            )
            return {"subscription": subscription_view(uow, paid), "order": order.placed()}

        return idempotency.spend_once(uow, caller["partner_id"], key, digest, now, work)

    return idempotency.refusals_kept(uow, caller["partner_id"], key, digest, now, buy)
