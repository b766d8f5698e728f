"""Billing's use cases as the service's entrypoints call them, for the use-case tests: orders,
trials and reads of one partner, on the unit of work given."""

import datetime as dt
import itertools

from portal_common.pagination import DEFAULT_LIMIT
from portal_common.schemas import billing as api
from portal_common.schemas import load

from billing.usecases import orders, subscriptions, trials

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
MINUTE = dt.timedelta(minutes=1)
PARTNER = {"partner_id": "partner-1", "employee_id": "employee-1", "role": "owner"}
OTHER_PARTNER = {"partner_id": "partner-2", "employee_id": "employee-2", "role": "owner"}
_keys = itertools.count(1)


def new_key():
    return f"key-{next(_keys)}"


def buy(uow, catalog, *items, now=NOW, caller=PARTNER, key=None):
    """An order of `(product, plan, term_years, quantity, account_id)` items, as the gateway sends it
    for accounts it found to be the caller's."""
    payload = {
        "items": [
            {"product": product, "plan": plan, "term_years": years, "quantity": quantity, "account_id": account_id}
            for product, plan, years, quantity, account_id in items
        ]
    }
    return orders.place_order(uow, catalog, now, caller, load(api.OrderRequest, payload), key or new_key(), True)


def bought(uow, catalog, product, plan, years, quantity=1, account_id="account-1", now=NOW, caller=PARTNER):
    """The one subscription an order of one item started (or stocked, without an account)."""
    order = buy(uow, catalog, (product, plan, years, quantity, account_id), now=now, caller=caller)
    [line] = order["lines"]
    return line["subscription_id"]


def start_trial(uow, catalog, account_id, product, plan, now=NOW):
    payload = load(api.TrialRequest, {"product": product, "plan": plan})
    return trials.start_trial(uow, catalog, now, PARTNER, account_id, payload, True)


def upgrade_trial(uow, catalog, account_id, body, key=None, now=NOW):
    payload = load(api.TrialUpgradeRequest, body)
    return trials.upgrade_trial(uow, catalog, now, PARTNER, account_id, payload, key or new_key(), True)


def subscription(uow, subscription_id, caller=PARTNER):
    return subscriptions.get_subscription(uow, caller, subscription_id)


def all_orders(uow, caller=PARTNER):
    return orders.list_orders(uow, caller, {"limit": DEFAULT_LIMIT, "cursor": None})["items"]


def listed(uow, caller=PARTNER, **query):
    """A page of `GET /v1/subscriptions` with these query parameters, as the gateway passes them."""
    return subscriptions.list_subscriptions(uow, caller, load(api.SubscriptionQuery, query))
