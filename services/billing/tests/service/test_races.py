"""What must happen once, happens once, however requests race: settled in the database, on SQLite
and on PostgreSQL."""

import eventlet
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select

from portal_common.db import make_engine
from portal_common.errors import NotAvailable
from portal_common.events import iso

from billing.adapters.orm import Order, Subscription
from billing.domain.terms import add_years

CALLER = {"partner_id": "p1", "employee_id": "e1", "role": "owner", "session_id": "s1"}


def race(*calls):
    """Run the calls at the same time; answers each one's result or exception."""

    def run(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - the race's loser is what we look at
            return exc

    pool = eventlet.GreenPool()
    return list(pool.imap(run, calls))


def count(database, model, *where):
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(model).where(*where)).scalar()
    finally:
        engine.dispose()


def test_two_trial_upgrades_for_the_last_inventory_subscription_one_wins(rpc_proxy, database):
    with rpc_proxy() as billing:
        order = billing.place_order(
            CALLER, {"items": [{"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1}]}, "stock-1", True
        )
        stock = order["lines"][0]["subscription_id"]
        for account in ("a1", "a2"):
            billing.start_trial(CALLER, account, {"product": "safe", "plan": "basic"}, True)

    def upgrade(account):
        def call():
            with rpc_proxy() as billing:
                return billing.upgrade_trial(CALLER, account, {"subscription_id": stock}, None, True)

        return call

    results = race(upgrade("a1"), upgrade("a2"))
    winners = [r for r in results if isinstance(r, dict)]
    losers = [r for r in results if isinstance(r, NotAvailable)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert winners[0]["subscription"]["status"] == "active"
    assert count(database, Subscription, Subscription.id == stock, Subscription.account_id.is_not(None)) == 1


def test_the_same_order_sent_twice_at_once_is_charged_once(rpc_proxy, database):
    body = {"items": [{"product": "safe-pro", "plan": "core", "term_years": 2, "quantity": 3}]}

    def place():
        with rpc_proxy() as billing:
            return billing.place_order(CALLER, body, "same-key", True)

    results = race(place, place, place)
    assert all(isinstance(r, dict) for r in results), results
    assert len({r["id"] for r in results}) == 1
    assert count(database, Order) == 1
    assert count(database, Subscription) == 1


def test_two_billing_instances_renew_a_subscription_once(
    container_factory, config, billing, rpc_proxy, clock, database
):
    from billing.service import BillingService

    bought_at = clock.now()
    with rpc_proxy() as proxy:
        proxy.place_order(
            CALLER,
            {"items": [{"product": "safe", "plan": "plus", "term_years": 1, "quantity": 2, "account_id": "a1"}]},
            "renew-me",
            True,
        )
    second = container_factory(BillingService, config)
    second.start()
    clock.advance(days=366)

    def renew(container):
        def call():
            with entrypoint_hook(container, "renew") as hook:
                return hook()

        return call

    race(renew(billing), renew(second))
    assert count(database, Order, Order.kind == "renewal") == 1
    with rpc_proxy() as proxy:
        subscription = proxy.list_subscriptions(CALLER, {})["items"][0]
    assert subscription["status"] == "active"
    assert subscription["expires_at"] == iso(add_years(bought_at, 2))
