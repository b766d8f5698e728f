"""Billing over HTTP as time passes: renewals at the catalog price, auto-renew off (expiry), trials
running out, and releasing an account (no more renewals). The clock is moved past `expires_at` and
the tests poll, with a deadline, for billing's renewal timer (every 0.2 s in tests) to act."""

import datetime as dt

import pytest

from tests.e2e.test_billing_helpers import (
    RENEWAL_SECONDS,
    add_computer,
    add_years,
    addon_of,
    all_orders,
    assert_order_shape,
    assert_status_error,
    at,
    buy,
    eventually,
    get_catalog,
    item,
    new_key,
    open_account,
    plan_price,
    refresh,
    start_clock,
    start_trial,
    subscription,
    subscriptions,
    term_price,
    wait_for_account,
)
from tests.flows import assert_error, sign_up

pytestmark = pytest.mark.e2e
MINUTE = dt.timedelta(minutes=1)
ISO = "%Y-%m-%dT%H:%M:%SZ"


@pytest.fixture
def owner(system, clock):
    start_clock(clock)
    return sign_up(system)


def move_to(clock, actor, when):
    clock.set(when)
    refresh(actor)  # a session lasts 12 hours of the fake clock
    return when


def patch(actor, subscription_id, body):
    return actor.client.patch(f"/v1/subscriptions/{subscription_id}", json=body)


def wait_for_subscription(actor, subscription_id, what, **expected):
    def probe():
        found = subscription(actor, subscription_id)
        return found if all(found[key] == value for key, value in expected.items()) else None

    return eventually(probe, timeout=RENEWAL_SECONDS, what=what)


def bought_subscription(actor, product, plan, years, quantity, account_id):
    return subscription(
        actor, buy(actor, item(product, plan, years, quantity, account_id))["lines"][0]["subscription_id"]
    )


# --- renewals -----------------------------------------------------------------------------------------------------


def test_an_active_subscription_renews_for_one_more_term_at_the_catalog_price(owner, clock):
    catalog = get_catalog(owner)
    account = open_account(owner)
    sub = bought_subscription(owner, "safe-pro", "power", 2, 2, account["id"])
    addon = owner.client.post(
        f"/v1/subscriptions/{sub['id']}/addons",
        json={"addon": "extra-computer", "quantity": 3},
        headers={"Idempotency-Key": new_key()},
    )
    assert addon.status_code == 201, addon.text
    orders = all_orders(owner)
    expires_at = at(sub["expires_at"])
    assert sub["auto_renew"] is True  # auto-renew is on by default

    move_to(clock, owner, expires_at + MINUTE)
    renewed = wait_for_subscription(owner, sub["id"], "the renewal", expires_at=add_years(expires_at, 2).strftime(ISO))

    assert (renewed["status"], renewed["plan"], renewed["quantity"], renewed["term_years"]) == ("active", "power", 2, 2)
    assert renewed["auto_renew"] is True
    [renewal] = [order for order in all_orders(owner) if order not in orders]
    assert_order_shape(renewal)
    assert {line["subscription_id"] for line in renewal["lines"]} == {sub["id"]}
    expected = (
        plan_price(catalog, "safe-pro", "power", 2) * 2
        + term_price(catalog, addon_of(catalog, "extra-computer"), 2) * 3
    )
    assert renewal["total_cents"] == expected
    assert at(renewal["created_at"]) >= expires_at
    # the list showed active and power before the renewal too: wait for the new expiry itself
    renewed_expiry = add_years(expires_at, 2).strftime(ISO)
    listed = wait_for_account(owner, account["id"], status="active", plan="power", expires_at=renewed_expiry)
    assert at(listed["expires_at"]) == add_years(expires_at, 2)
    assert len([order for order in all_orders(owner) if order not in orders]) == 1  # renewed once


def test_without_auto_renew_a_subscription_expires_and_so_does_the_account(owner, clock):
    account = open_account(owner)
    sub = bought_subscription(owner, "safe-pro", "ultimate", 1, 1, account["id"])
    assert add_computer(owner, account["id"]).status_code == 201

    response = patch(owner, sub["id"], {"auto_renew": False})
    assert response.status_code == 200, response.text
    assert response.json()["auto_renew"] is False
    assert subscription(owner, sub["id"]) == response.json()
    orders = all_orders(owner)

    move_to(clock, owner, at(sub["expires_at"]) + MINUTE)
    expired = wait_for_subscription(owner, sub["id"], "the expiry", status="expired")

    assert expired["expires_at"] == sub["expires_at"]
    assert all_orders(owner) == orders
    assert [s["id"] for s in subscriptions(owner, status="expired")] == [sub["id"]]
    listed = wait_for_account(owner, account["id"], status="expired", product="safe-pro", plan="ultimate")
    assert listed["expires_at"] == sub["expires_at"]
    assert_error(add_computer(owner, account["id"]), 409, "no_free_seat")  # an expired subscription gives no seat
    assert_status_error(owner.client.get(f"/v1/subscriptions/{sub['id']}/upgrade-quote", params={"plan": "power"}), 409)


@pytest.mark.parametrize(
    "body", [{}, {"auto_renew": "no"}, {"auto_renew": 0}, {"auto_renew": None}, {"auto_renew": False, "plan": "power"}]
)
def test_a_malformed_auto_renew_change_is_400(owner, body):
    account = open_account(owner)
    sub = bought_subscription(owner, "safe", "basic", 1, 1, account["id"])

    assert_error(patch(owner, sub["id"], body), 400, "validation_error")

    assert subscription(owner, sub["id"]) == sub


def test_auto_renew_of_another_partners_subscription_is_not_found(owner, system):
    account = open_account(owner)
    sub = bought_subscription(owner, "safe", "basic", 1, 1, account["id"])
    other = sign_up(system)

    assert_error(patch(other, sub["id"], {"auto_renew": False}), 404, "not_found")
    assert_error(other.client.get(f"/v1/subscriptions/{sub['id']}"), 404, "not_found")
    assert_error(patch(owner, "no-such-subscription", {"auto_renew": False}), 404, "not_found")

    assert subscription(owner, sub["id"])["auto_renew"] is True


# --- trials running out -------------------------------------------------------------------------------------------


def test_a_trial_past_its_end_expires_without_charging(owner, clock):
    account = open_account(owner)
    trial = start_trial(owner, account["id"], "safe-pro", "core")
    assert add_computer(owner, account["id"]).status_code == 201

    move_to(clock, owner, at(trial["expires_at"]) + MINUTE)
    expired = wait_for_subscription(owner, trial["id"], "the end of the trial", status="expired")

    assert expired["expires_at"] == trial["expires_at"]
    assert all_orders(owner) == []
    wait_for_account(owner, account["id"], status="expired", product="safe-pro", plan="core")
    assert_error(add_computer(owner, account["id"]), 409, "no_free_seat")
    again = owner.client.post(f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "core"})
    assert_error(again, 409, "trial_used")  # one free trial per product per account


# --- releasing an account -----------------------------------------------------------------------------------------


def test_releasing_an_account_turns_auto_renew_off_and_it_expires(owner, clock):
    account = open_account(owner)
    kept = open_account(owner, name="Kept")
    subs = [
        bought_subscription(owner, "safe-pro", "power", 1, 1, account["id"]),
        bought_subscription(owner, "safe", "basic", 1, 1, account["id"]),
    ]
    other = bought_subscription(owner, "safe", "basic", 1, 1, kept["id"])
    orders = all_orders(owner)

    assert owner.client.post(f"/v1/accounts/{account['id']}/release").status_code == 200

    for sub in subs:
        wait_for_subscription(owner, sub["id"], "auto-renew off after the release", auto_renew=False)
    assert subscription(owner, other["id"])["auto_renew"] is True
    move_to(clock, owner, at(subs[0]["expires_at"]) + MINUTE)
    for sub in subs:
        wait_for_subscription(owner, sub["id"], "the released account's expiry", status="expired")
    wait_for_subscription(
        owner, other["id"], "the kept account's renewal", expires_at=add_years(at(other["expires_at"]), 1).strftime(ISO)
    )
    renewals = [order for order in all_orders(owner) if order not in orders]
    assert [{line["subscription_id"] for line in order["lines"]} for order in renewals] == [{other["id"]}]
