"""Billing over HTTP: plan upgrades and add-ons during a term, pro-rated by the contract's formula.

    term_days      = whole days from starts_at to expires_at
    remaining_days = days from now to expires_at, a started day counting whole
    amount_cents   = full × remaining_days / term_days, rounded half up

The expected numbers come from `test_billing_helpers.prorated` (integers only), fed with the
catalog's prices and the times the API answered; the clock is moved to mid-term before each purchase.
"""

import datetime as dt
import json

import eventlet
import pytest

from tests.e2e.test_billing_helpers import (
    QUOTE_KEYS,
    add_years,
    addon_of,
    all_orders,
    assert_order_shape,
    assert_subscription_shape,
    at,
    buy,
    get_catalog,
    item,
    new_key,
    open_account,
    plan_price,
    prorated,
    refresh,
    start_clock,
    subscription,
    term_price,
    wait_for_account,
)
from tests.flows import assert_error, sign_up

pytestmark = pytest.mark.e2e
UTC = dt.timezone.utc


@pytest.fixture
def owner(system, clock):
    start_clock(clock)
    return sign_up(system)


def quote(actor, subscription_id, plan):
    return actor.client.get(f"/v1/subscriptions/{subscription_id}/upgrade-quote", params={"plan": plan})


def upgrade(actor, subscription_id, body, key="new"):
    headers = {"Idempotency-Key": new_key() if key == "new" else key} if key else {}
    return actor.client.post(f"/v1/subscriptions/{subscription_id}/upgrade", json=body, headers=headers)


def buy_addon(actor, subscription_id, body, key="new"):
    headers = {"Idempotency-Key": new_key() if key == "new" else key} if key else {}
    return actor.client.post(f"/v1/subscriptions/{subscription_id}/addons", json=body, headers=headers)


def running(actor, product="safe-pro", plan="core", term_years=1, quantity=1):
    """An account with an active subscription bought now; answers (account, subscription)."""
    account = open_account(actor)
    order = buy(actor, item(product, plan, term_years, quantity, account["id"]))
    return account, subscription(actor, order["lines"][0]["subscription_id"])


def move_to(clock, actor, when):
    clock.set(when)
    refresh(actor)  # a session lasts 12 hours of the fake clock
    return when


# (start of the term or None for now, from, to, years, quantity, how far into the term): two cases over
# HTTP; the formula's edges (first day, last hour, day boundaries) are billing's use-case tests.
UPGRADES = {
    "100-days-7-hours-in": (None, "core", "power", 1, 2, dt.timedelta(days=100, hours=7)),
    "3-years-over-a-leap-day": (
        dt.datetime(2027, 3, 1, 10, 0, tzinfo=UTC),
        "core",
        "ultimate",
        3,
        3,
        dt.timedelta(days=400, hours=23, minutes=59),
    ),
}


@pytest.mark.parametrize("start, old, new, years, quantity, into", UPGRADES.values(), ids=UPGRADES.keys())
def test_a_mid_term_upgrade_is_quoted_and_charged_by_the_formula(system, clock, start, old, new, years, quantity, into):
    starts_at = start_clock(clock, start)
    owner = sign_up(system)
    catalog = get_catalog(owner)
    account, sub = running(owner, "safe-pro", old, years, quantity)
    assert (at(sub["starts_at"]), at(sub["expires_at"])) == (starts_at, add_years(starts_at, years))
    now = move_to(clock, owner, starts_at + into)
    full = (plan_price(catalog, "safe-pro", new, years) - plan_price(catalog, "safe-pro", old, years)) * quantity
    term, remaining, amount = prorated(full, at(sub["starts_at"]), at(sub["expires_at"]), now)
    assert 0 < amount <= full
    if into == dt.timedelta(0):
        assert amount == full  # the first day costs the whole difference
    expected = {
        "from_plan": old,
        "to_plan": new,
        "remaining_days": remaining,
        "term_days": term,
        "amount_cents": amount,
    }

    quoted = quote(owner, sub["id"], new)
    assert quoted.status_code == 200, quoted.text
    assert QUOTE_KEYS <= set(quoted.json())
    assert {key: quoted.json()[key] for key in QUOTE_KEYS} == expected
    orders_before = all_orders(owner)

    response = upgrade(owner, sub["id"], {"plan": new})

    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: body[key] for key in QUOTE_KEYS} == expected  # the charge is the quote, to the cent
    order = assert_order_shape(body["order"])
    assert order["total_cents"] == amount
    upgraded = assert_subscription_shape(body["subscription"])
    assert (upgraded["id"], upgraded["plan"], upgraded["status"], upgraded["quantity"]) == (
        sub["id"],
        new,
        "active",
        quantity,
    )
    assert (upgraded["starts_at"], upgraded["expires_at"]) == (sub["starts_at"], sub["expires_at"])
    assert subscription(owner, sub["id"]) == upgraded
    orders = all_orders(owner)
    assert len(orders) == len(orders_before) + 1
    assert [o for o in orders if o["id"] == order["id"]] == [order]
    listed = wait_for_account(owner, account["id"], status="active", product="safe-pro", plan=new)
    assert listed["expires_at"] == sub["expires_at"]


def test_an_upgrade_replays_with_its_key_and_refuses_the_key_for_another_body(owner, clock):
    _, sub = running(owner, "safe-pro", "core", 1, 1)
    clock.advance(hours=9)
    key = new_key()
    first = upgrade(owner, sub["id"], {"plan": "power"}, key)
    assert first.status_code == 200, first.text
    orders = all_orders(owner)

    again = upgrade(owner, sub["id"], {"plan": "power"}, key)

    assert again.status_code == 200, again.text
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert again.json()["amount_cents"] == first.json()["amount_cents"]
    assert_error(upgrade(owner, sub["id"], {"plan": "ultimate"}, key), 409, "idempotency_key_reused")
    assert all_orders(owner) == orders
    assert subscription(owner, sub["id"])["plan"] == "power"


def test_two_concurrent_upgrades_of_one_subscription_charge_once(owner):
    _, sub = running(owner, "safe-pro", "core", 1, 1)
    orders = all_orders(owner)
    pool = eventlet.GreenPool()
    racers = [pool.spawn(upgrade, owner, sub["id"], {"plan": "power"}) for _ in range(2)]
    answers = [racer.wait() for racer in racers]

    assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
    assert len(all_orders(owner)) == len(orders) + 1
    assert subscription(owner, sub["id"])["plan"] == "power"


@pytest.mark.parametrize("params", [{}, {"plan": "gold"}, {"plan": ""}])
def test_a_quote_for_no_or_an_unknown_plan_is_400(owner, params):
    _, sub = running(owner)

    response = owner.client.get(f"/v1/subscriptions/{sub['id']}/upgrade-quote", params=params)

    assert_error(response, 400, "validation_error")


@pytest.mark.parametrize("body", [{}, {"plan": "gold"}, {"plan": 5}, {"plan": "power", "extra": 1}])
def test_a_malformed_upgrade_is_400_and_charges_nothing(owner, body):
    _, sub = running(owner)
    orders = all_orders(owner)

    assert_error(upgrade(owner, sub["id"], body), 400, "validation_error")

    assert all_orders(owner) == orders and subscription(owner, sub["id"])["plan"] == "core"


def test_an_upgrade_needs_a_valid_idempotency_key(owner):
    _, sub = running(owner)
    orders = all_orders(owner)

    for key in (None, "k" * 256, "bad\x01key"):
        assert_error(upgrade(owner, sub["id"], {"plan": "power"}, key), 400, "validation_error")

    assert all_orders(owner) == orders and subscription(owner, sub["id"])["plan"] == "core"


# --- add-ons ------------------------------------------------------------------------------------------------------

ADDONS = {
    "100-days-7-hours-in": (None, 1, 1, "extra-computer", 3, dt.timedelta(days=100, hours=7)),
    "half-cent-on-a-leap-term": (
        dt.datetime(2027, 3, 1, 10, 0, tzinfo=UTC),
        3,
        1,
        "extra-computer",
        3,
        dt.timedelta(days=1096 - 548, hours=5),
    ),
    "storage-2-years-day-one": (
        dt.datetime(2028, 6, 15, 8, 0, tzinfo=UTC),
        2,
        5,
        "extra-storage-250gb",
        2,
        dt.timedelta(hours=1),
    ),
}


@pytest.mark.parametrize("start, years, quantity, addon, count, into", ADDONS.values(), ids=ADDONS.keys())
def test_an_addon_runs_to_the_subscriptions_expiry_pro_rated(system, clock, start, years, quantity, addon, count, into):
    starts_at = start_clock(clock, start)
    owner = sign_up(system)
    catalog = get_catalog(owner)
    _, sub = running(owner, "safe-pro", "core", years, quantity)
    now = move_to(clock, owner, starts_at + into)
    full = term_price(catalog, addon_of(catalog, addon), years) * count
    _, _, amount = prorated(full, at(sub["starts_at"]), at(sub["expires_at"]), now)
    if start == ADDONS["half-cent-on-a-leap-term"][0]:
        assert (full, amount) == (38241, 19121)  # 38241 × 548 / 1096 = 19120.5, rounded up
    orders_before = all_orders(owner)

    response = buy_addon(owner, sub["id"], {"addon": addon, "quantity": count})

    assert response.status_code == 201, response.text
    body = response.json()
    assert {"order", "subscription"} <= set(body)
    order = assert_order_shape(body["order"])
    assert order["total_cents"] == amount
    assert at(order["created_at"]) == now
    after = assert_subscription_shape(body["subscription"])
    assert (after["plan"], after["quantity"], after["starts_at"], after["expires_at"]) == (
        "core",
        quantity,
        sub["starts_at"],
        sub["expires_at"],
    )
    [bought] = after["addons"]
    assert addon in bought.values() and bought.get("quantity") == count, bought
    if "expires_at" in bought:
        assert bought["expires_at"] == sub["expires_at"]
    assert subscription(owner, sub["id"]) == after
    assert len(all_orders(owner)) == len(orders_before) + 1


def test_an_addon_replays_with_its_key_and_refuses_the_key_for_another_body(owner, clock):
    _, sub = running(owner)
    clock.advance(hours=2)
    key = new_key()
    first = buy_addon(owner, sub["id"], {"addon": "extra-computer", "quantity": 2}, key)
    assert first.status_code == 201, first.text
    orders = all_orders(owner)

    again = buy_addon(owner, sub["id"], {"addon": "extra-computer", "quantity": 2}, key)

    assert again.status_code == 201, again.text
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert_error(
        buy_addon(owner, sub["id"], {"addon": "extra-computer", "quantity": 3}, key), 409, "idempotency_key_reused"
    )
    assert_error(
        buy_addon(owner, sub["id"], {"addon": "extra-storage-250gb", "quantity": 2}, key), 409, "idempotency_key_reused"
    )
    assert all_orders(owner) == orders
    assert len(subscription(owner, sub["id"])["addons"]) == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"addon": "gold-support", "quantity": 1}, "addon"),
        ({"quantity": 1}, "addon"),
        ({"addon": "extra-computer"}, "quantity"),
        ({"addon": "extra-computer", "quantity": 0}, "quantity"),
        ({"addon": "extra-computer", "quantity": -1}, "quantity"),
        ({"addon": "extra-computer", "quantity": 1.5}, "quantity"),
        ({"addon": "extra-computer", "quantity": "2"}, "quantity"),
        ({"addon": "extra-computer", "quantity": True}, "quantity"),
        ({"addon": "extra-computer", "quantity": 1, "price_cents": 1}, "price_cents"),
    ],
)
def test_a_malformed_addon_is_400_and_charges_nothing(owner, body, field):
    _, sub = running(owner)
    orders = all_orders(owner)

    error = assert_error(buy_addon(owner, sub["id"], body), 400, "validation_error")

    assert field in json.dumps(error["details"]), error
    assert all_orders(owner) == orders and subscription(owner, sub["id"])["addons"] == []


def test_an_addon_needs_a_valid_idempotency_key(owner):
    _, sub = running(owner)
    orders = all_orders(owner)

    for key in (None, "", "k" * 256, "bad\x7fkey"):
        assert_error(
            buy_addon(owner, sub["id"], {"addon": "extra-computer", "quantity": 1}, key), 400, "validation_error"
        )

    assert all_orders(owner) == orders and subscription(owner, sub["id"])["addons"] == []


def test_upgrades_and_addons_do_not_reach_another_partners_subscription(owner, system):
    _, sub = running(owner)
    other = sign_up(system)

    for response in (
        quote(other, sub["id"], "power"),
        upgrade(other, sub["id"], {"plan": "power"}),
        buy_addon(other, sub["id"], {"addon": "extra-computer", "quantity": 1}),
        quote(owner, "no-such-subscription", "power"),
        upgrade(owner, "no-such-subscription", {"plan": "power"}),
        buy_addon(owner, "no-such-subscription", {"addon": "extra-computer", "quantity": 1}),
    ):
        assert_error(response, 404, "not_found")

    after = subscription(owner, sub["id"])
    assert (after["plan"], after["addons"]) == ("core", [])
    assert all_orders(other) == [] and len(all_orders(owner)) == 1


def test_a_plan_of_another_product_is_409_as_no_upgrade_and_charges_nothing(owner):
    """API.md: only upgrades to a dearer plan of the same product (409 otherwise)."""
    _, sub = running(owner)
    orders = all_orders(owner)
    quote = owner.client.get(f"/v1/subscriptions/{sub['id']}/upgrade-quote", params={"plan": "basic"})
    assert_error(quote, 409, "conflict")
    response = owner.client.post(
        f"/v1/subscriptions/{sub['id']}/upgrade", json={"plan": "basic"}, headers={"Idempotency-Key": "other-product"}
    )
    assert_error(response, 409, "conflict")
    assert all_orders(owner) == orders
