"""Renewals and expiries, run by the billing timer: what renews, at what price, what expires, and
that running them again (or from a second instance) changes nothing more."""

import pytest

from portal_common.errors import Conflict
from portal_common.events import iso

from billing.domain.terms import add_years
from billing.usecases import renewals, subscriptions, upgrades
from services.billing.tests.usecases.sales import (
    MINUTE,
    NOW,
    PARTNER,
    all_orders,
    bought,
    new_key,
    start_trial,
    subscription,
)


def test_a_one_year_subscription_renews_each_year_at_the_catalog_price(uow, catalog):
    sub = bought(uow, catalog, "safe", "plus", 1)
    first_expiry = add_years(NOW, 1)

    assert renewals.run_renewals(uow, catalog, first_expiry + MINUTE) == 1
    assert renewals.run_renewals(uow, catalog, first_expiry + MINUTE) == 0  # once, however often it runs
    assert renewals.run_renewals(uow, catalog, add_years(first_expiry, 1) + MINUTE) == 1

    renewed = subscription(uow, sub)
    assert (renewed["status"], renewed["auto_renew"]) == ("active", True)
    assert renewed["expires_at"] == iso(add_years(NOW, 3))
    price = catalog.price(catalog.plan("safe", "plus"), 1)
    assert [(order["kind"], order["total_cents"]) for order in all_orders(uow)] == [
        ("purchase", price),
        ("renewal", price),
        ("renewal", price),
    ]
    assert [event["subscription"]["expires_at"] for event in uow.events("subscription_renewed")] == [
        iso(add_years(NOW, 2)),
        iso(add_years(NOW, 3)),
    ]
    assert uow.activity()[-1] == ("subscription.renewed", "Renewed for a further 1 year")


def test_an_upgraded_subscription_renews_at_its_new_plans_price(uow, catalog):
    sub = bought(uow, catalog, "safe-pro", "core", 1, quantity=3)
    upgrades.upgrade(uow, catalog, NOW + MINUTE * 60 * 24 * 200, PARTNER, sub, {"plan": "ultimate"}, new_key())

    renewals.run_renewals(uow, catalog, add_years(NOW, 1) + MINUTE)

    renewed = subscription(uow, sub)
    assert (renewed["plan"], renewed["quantity"]) == ("ultimate", 3)
    renewal = all_orders(uow)[-1]
    assert renewal["kind"] == "renewal"
    assert renewal["total_cents"] == catalog.price(catalog.plan("safe-pro", "ultimate"), 1) * 3


def test_without_auto_renew_a_subscription_expires_and_charges_nothing(uow, catalog):
    sub = bought(uow, catalog, "safe-pro", "ultimate", 1)
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, False)

    renewals.run_renewals(uow, catalog, add_years(NOW, 1) + MINUTE)

    expired = subscription(uow, sub)
    assert (expired["status"], expired["expires_at"]) == ("expired", iso(add_years(NOW, 1)))
    assert [order["kind"] for order in all_orders(uow)] == ["purchase"]
    assert uow.activity()[-1] == ("subscription.expired", "Expired: auto-renew was off")
    assert uow.events("subscription_changed")[-1]["status"] == "expired"  # what the accounts list shows


def test_auto_renew_switched_off_and_on_again_renews(uow, catalog):
    sub = bought(uow, catalog, "safe", "basic", 1)
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, False)
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, True)
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, True)  # no change: no entry

    renewals.run_renewals(uow, catalog, add_years(NOW, 1) + MINUTE)

    assert subscription(uow, sub)["expires_at"] == iso(add_years(NOW, 2))
    switched = [summary for kind, summary in uow.activity() if kind == "subscription.auto_renew_changed"]
    assert switched == ["Auto-renew switched off", "Auto-renew switched on"]


def test_an_expired_subscription_cannot_be_set_to_renew(uow, catalog):
    sub = bought(uow, catalog, "safe", "basic", 1)
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, False)
    renewals.run_renewals(uow, catalog, add_years(NOW, 1) + MINUTE)

    with pytest.raises(Conflict):
        subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, True)
    assert subscription(uow, sub)["auto_renew"] is False


def test_a_trial_past_its_end_expires_without_charging(uow, catalog):
    trial = start_trial(uow, catalog, "account-1", "safe-pro", "core")

    renewals.run_renewals(uow, catalog, NOW + (catalog.trial_days * 24 * 60 + 1) * MINUTE)

    assert subscription(uow, trial["id"])["status"] == "expired"
    assert all_orders(uow) == []
    assert uow.activity()[-1] == ("subscription.expired", "The trial ended")


def test_an_inventory_subscription_does_not_expire_while_it_waits(uow, catalog):
    available = bought(uow, catalog, "safe", "basic", 1, account_id=None)

    assert renewals.run_renewals(uow, catalog, add_years(NOW, 5)) == 0

    assert subscription(uow, available)["status"] == "available"
    assert len(all_orders(uow)) == 1


def test_a_released_accounts_subscription_expires_at_its_end(uow, catalog):
    sub = bought(uow, catalog, "safe", "basic", 1)
    subscriptions.account_released(uow, "account-1", PARTNER["partner_id"])
    subscriptions.account_released(uow, "account-1", PARTNER["partner_id"])  # the event came twice

    assert subscription(uow, sub)["auto_renew"] is False
    with pytest.raises(Conflict):  # seen, no longer changed
        subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, True)
    renewals.run_renewals(uow, catalog, add_years(NOW, 1) + MINUTE)
    assert subscription(uow, sub)["status"] == "expired"
    assert uow.activity()[-1] == ("subscription.expired", "Expired: the account was released")


def test_a_subscription_two_instances_found_due_is_renewed_by_one(uow, catalog):
    sub = bought(uow, catalog, "safe", "basic", 1)
    now = add_years(NOW, 1) + MINUTE
    with uow:
        [seen_by_both] = uow.subscriptions.due(now, renewals.BATCH)

    assert renewals.run_renewals(uow, catalog, now) == 1  # the first instance
    with uow:  # the second, with what it read before the first renewed: it loses, whichever way it went
        assert not uow.subscriptions.renew_if_unchanged(seen_by_both, now, add_years(seen_by_both.expires_at, 1))
        assert not uow.subscriptions.end_if_unchanged(seen_by_both)

    assert subscription(uow, sub)["expires_at"] == iso(add_years(NOW, 2))
    assert [order["kind"] for order in all_orders(uow)] == ["purchase", "renewal"]


def test_every_subscription_due_is_settled_in_one_run_however_many(uow, catalog, monkeypatch):
    monkeypatch.setattr(renewals, "BATCH", 2)
    subs = [bought(uow, catalog, "safe", "basic", 1, account_id=f"account-{n}") for n in range(5)]
    subscriptions.set_auto_renew(uow, NOW, PARTNER, subs[0], False)

    assert renewals.run_renewals(uow, catalog, add_years(NOW, 1) + MINUTE) == 5

    assert [subscription(uow, sub)["status"] for sub in subs] == ["expired"] + ["active"] * 4
    assert [order["kind"] for order in all_orders(uow)].count("renewal") == 4
