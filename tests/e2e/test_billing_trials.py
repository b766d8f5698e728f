"""Billing over HTTP: trials, the inventory, and turning a trial into a paid subscription, either
from the inventory (raced: exactly one of two wins the last one) or by buying one."""

import datetime as dt
import json

import eventlet
import pytest

from tests.e2e.test_billing_helpers import (
    add_years,
    all_orders,
    assert_subscription_shape,
    at,
    buy,
    get_catalog,
    item,
    new_key,
    open_account,
    plan_price,
    start_clock,
    start_trial,
    subscription,
    subscriptions,
    wait_for_account,
)
from tests.flows import assert_error, sign_up

pytestmark = pytest.mark.e2e


@pytest.fixture
def owner(system, clock):
    start_clock(clock)
    return sign_up(system)


def trial_upgrade(actor, account_id, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return actor.client.post(f"/v1/accounts/{account_id}/trial-upgrade", json=body, headers=headers)


def stock(actor, product="safe-pro", plan="core", term_years=1, quantity=1):
    """One available subscription bought into the inventory; answers its id."""
    return buy(actor, item(product, plan, term_years, quantity))["lines"][0]["subscription_id"]


# --- trials -------------------------------------------------------------------------------------------------------


def test_a_trial_runs_for_the_catalogs_trial_days_from_now(owner, clock):
    now = clock.now()
    trial_days = get_catalog(owner)["trial_days"]
    account = open_account(owner)

    response = owner.client.post(f"/v1/accounts/{account['id']}/trials", json={"product": "safe-pro", "plan": "power"})

    assert response.status_code == 201, response.text
    trial = assert_subscription_shape(response.json())
    assert (trial["status"], trial["product"], trial["plan"], trial["account_id"]) == (
        "trial",
        "safe-pro",
        "power",
        account["id"],
    )
    assert at(trial["starts_at"]) == now
    assert at(trial["expires_at"]) == now + dt.timedelta(days=trial_days)
    assert subscription(owner, trial["id"]) == trial
    assert [sub["id"] for sub in subscriptions(owner, status="trial")] == [trial["id"]]
    listed = wait_for_account(owner, account["id"], status="trial", product="safe-pro", plan="power")
    assert at(listed["expires_at"]) == now + dt.timedelta(days=trial_days)
    detail = owner.client.get(f"/v1/accounts/{account['id']}").json()
    assert [sub["id"] for sub in detail["subscriptions"]] == [trial["id"]]
    assert all_orders(owner) == []  # a trial costs nothing


def test_one_trial_or_active_subscription_of_a_product_at_a_time(owner):
    account = open_account(owner, trial=("safe-pro", "core"))
    path = f"/v1/accounts/{account['id']}/trials"

    for plan in ("core", "ultimate"):
        assert_error(owner.client.post(path, json={"product": "safe-pro", "plan": plan}), 409, "already_subscribed")
    assert owner.client.post(path, json={"product": "safe", "plan": "basic"}).status_code == 201
    assert_error(owner.client.post(path, json={"product": "safe", "plan": "plus"}), 409, "already_subscribed")

    bought = buy(owner, item("safe-server", "server", 1, 1, account["id"]))
    assert bought["lines"][0]["account_id"] == account["id"]
    assert_error(owner.client.post(path, json={"product": "safe-server", "plan": "server"}), 409, "already_subscribed")
    assert sorted(sub["product"] for sub in subscriptions(owner, account_id=account["id"])) == [
        "safe",
        "safe-pro",
        "safe-server",
    ]

    stock(owner, "safe", "basic")  # an available subscription in the inventory is nobody's trial
    other = open_account(owner)
    assert (
        owner.client.post(
            f"/v1/accounts/{other['id']}/trials", json={"product": "safe-pro", "plan": "core"}
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"product": "nope", "plan": "core"}, "product"),
        ({"product": "safe-pro", "plan": "gold"}, "plan"),
        ({"product": "safe", "plan": "ultimate"}, "plan"),
        ({"product": "safe-pro"}, "plan"),
        ({"plan": "core"}, "product"),
        ({"product": "safe-pro", "plan": "core", "days": 90}, "days"),
        ({"product": 5, "plan": "core"}, "product"),
    ],
)
def test_a_malformed_trial_is_400(owner, body, field):
    account = open_account(owner)

    error = assert_error(owner.client.post(f"/v1/accounts/{account['id']}/trials", json=body), 400, "validation_error")

    assert field in json.dumps(error["details"])
    assert subscriptions(owner) == []


def test_a_trial_on_someone_elses_unknown_or_released_account_is_404(owner, system):
    other = sign_up(system)
    theirs = open_account(other)
    released = open_account(owner)
    assert owner.client.post(f"/v1/accounts/{released['id']}/release").status_code == 200
    body = {"product": "safe-pro", "plan": "core"}

    for account_id in (theirs["id"], released["id"], "no-such-account"):
        assert_error(owner.client.post(f"/v1/accounts/{account_id}/trials", json=body), 404, "not_found")

    assert subscriptions(owner) == [] and subscriptions(other) == []


# --- trial to paid, from the inventory ----------------------------------------------------------------------------


def test_an_inventory_subscription_turns_a_trial_into_an_active_one(owner, clock):
    account = open_account(owner)
    trial = start_trial(owner, account["id"], "safe-pro", "core")
    available = stock(owner, "safe-pro", "power", term_years=2)
    orders = all_orders(owner)
    now = clock.advance(hours=3)

    response = trial_upgrade(owner, account["id"], {"subscription_id": available})

    assert response.status_code == 200, response.text
    paid = assert_subscription_shape(response.json()["subscription"])
    assert (paid["id"], paid["status"], paid["account_id"]) == (available, "active", account["id"])
    assert (paid["product"], paid["plan"], paid["term_years"]) == ("safe-pro", "power", 2)
    assert at(paid["starts_at"]) == now
    assert at(paid["expires_at"]) == add_years(now, 2)
    assert subscription(owner, available) == paid
    assert subscription(owner, trial["id"])["status"] == "expired"  # the trial ended
    assert subscriptions(owner, status="trial") == []
    assert subscriptions(owner, status="available") == []
    assert all_orders(owner) == orders  # the inventory was paid for already
    listed = wait_for_account(owner, account["id"], status="active", product="safe-pro", plan="power")
    assert at(listed["expires_at"]) == add_years(now, 2)


def test_two_requests_for_the_last_inventory_subscription_one_wins(owner):
    for _ in range(3):
        first = open_account(owner, trial=("safe-pro", "ultimate"))
        second = open_account(owner, trial=("safe-pro", "ultimate"))
        last = stock(owner, "safe-pro", "ultimate")
        pool = eventlet.GreenPool()
        racers = {
            account["id"]: pool.spawn(trial_upgrade, owner, account["id"], {"subscription_id": last})
            for account in (first, second)
        }
        answers = {account_id: racer.wait() for account_id, racer in racers.items()}

        statuses = sorted(answer.status_code for answer in answers.values())
        assert statuses == [200, 409], [answer.text for answer in answers.values()]
        winner = next(account_id for account_id, answer in answers.items() if answer.status_code == 200)
        loser = next(account_id for account_id, answer in answers.items() if answer.status_code == 409)
        assert_error(answers[loser], 409, "not_available")
        assert subscription(owner, last)["account_id"] == winner
        [ended] = subscriptions(owner, account_id=winner, status="expired")
        assert ended["converted_to"] == last
        assert subscriptions(owner, status="available") == []
        assert [sub["account_id"] for sub in subscriptions(owner, status="active", account_id=loser)] == []
        assert [sub["status"] for sub in subscriptions(owner, account_id=loser)] == ["trial"]
        wait_for_account(owner, winner, status="active")
        wait_for_account(owner, loser, status="trial")


# --- trial to paid, by buying -------------------------------------------------------------------------------------


def test_buying_turns_a_trial_into_an_active_subscription_once_per_key(owner, clock):
    catalog = get_catalog(owner)
    account = open_account(owner)
    trial = start_trial(owner, account["id"], "safe-pro", "core")
    now = clock.advance(hours=5)
    key = new_key()

    response = trial_upgrade(owner, account["id"], {"term_years": 3, "plan": "ultimate"}, key)

    assert response.status_code == 200, response.text
    paid = assert_subscription_shape(response.json()["subscription"])
    assert (paid["status"], paid["account_id"], paid["product"], paid["plan"], paid["term_years"]) == (
        "active",
        account["id"],
        "safe-pro",
        "ultimate",
        3,
    )
    assert at(paid["starts_at"]) == now and at(paid["expires_at"]) == add_years(now, 3)
    ended = subscription(owner, trial["id"])
    assert (ended["status"], ended["converted_to"]) == ("expired", paid["id"])
    assert paid["converted_to"] is None
    [order] = all_orders(owner)
    unit = plan_price(catalog, "safe-pro", "ultimate", 3)
    assert [(line["subscription_id"], line["unit_price_cents"], line["amount_cents"]) for line in order["lines"]] == [
        (paid["id"], unit, unit * paid["quantity"])
    ]
    assert order["total_cents"] == unit * paid["quantity"]
    listed = wait_for_account(owner, account["id"], status="active", product="safe-pro", plan="ultimate")
    assert at(listed["expires_at"]) == add_years(now, 3)


def test_buying_a_trial_upgrade_again_with_its_key_replays_it_and_charges_once(owner):
    account = open_account(owner, trial=("safe-pro", "core"))
    key = new_key()
    first = trial_upgrade(owner, account["id"], {"term_years": 2, "plan": "power"}, key)
    assert first.status_code == 200, first.text
    orders = all_orders(owner)

    again = trial_upgrade(owner, account["id"], {"term_years": 2, "plan": "power"}, key)

    assert again.status_code == 200, again.text
    assert again.json()["subscription"]["id"] == first.json()["subscription"]["id"]
    assert all_orders(owner) == orders and len(orders) == 1
    assert [sub["id"] for sub in subscriptions(owner, status="active")] == [first.json()["subscription"]["id"]]


def test_a_refused_purchase_is_replayed_with_its_key_after_a_trial_starts_and_charges_nothing(owner):
    """The same key with the same body replays the first response: a 409 too."""
    account = open_account(owner, trial=False)
    key = new_key()
    first = trial_upgrade(owner, account["id"], {"term_years": 1}, key)
    refused = assert_error(first, 409, "conflict")
    start_trial(owner, account["id"], "safe-pro", "core")

    again = trial_upgrade(owner, account["id"], {"term_years": 1}, key)

    assert assert_error(again, 409, "conflict") == refused
    assert all_orders(owner) == []
    assert trial_upgrade(owner, account["id"], {"term_years": 1}, new_key()).status_code == 200  # a new key buys


def test_two_concurrent_purchases_for_one_trial_charge_once(owner):
    for _ in range(2):
        account = open_account(owner, trial=("safe-pro", "core"))
        orders = all_orders(owner)
        pool = eventlet.GreenPool()
        racers = [pool.spawn(trial_upgrade, owner, account["id"], {"term_years": 1}, new_key()) for _ in range(2)]
        answers = [racer.wait() for racer in racers]

        assert sorted(answer.status_code for answer in answers) == [200, 409], [a.text for a in answers]
        assert len(subscriptions(owner, account_id=account["id"], status="active")) == 1
        assert len(all_orders(owner)) == len(orders) + 1


def test_buying_needs_an_idempotency_key(owner):
    account = open_account(owner, trial=("safe-pro", "core"))

    for key in (None, "k" * 256, "bad\x01key"):
        assert_error(trial_upgrade(owner, account["id"], {"term_years": 1}, key), 400, "validation_error")

    assert all_orders(owner) == []
    assert [sub["status"] for sub in subscriptions(owner)] == ["trial"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"term_years": 4},
        {"term_years": "1"},
        {"term_years": 0},
        {"term_years": 1, "plan": "gold"},
        {"term_years": 1, "plan": "basic"},
        {"term_years": 1, "quantity": 3},
        {"subscription_id": 5},
        {"subscription_id": "x", "term_years": 1},
    ],
)
def test_a_malformed_trial_upgrade_is_400(owner, body):
    account = open_account(owner, trial=("safe-pro", "core"))

    assert_error(trial_upgrade(owner, account["id"], body, new_key()), 400, "validation_error")

    assert all_orders(owner) == []
    assert [sub["status"] for sub in subscriptions(owner)] == ["trial"]


def test_trial_upgrades_reach_nothing_of_another_partner(owner, system):
    other = sign_up(system)
    theirs = open_account(other, trial=("safe-pro", "core"))
    their_stock = stock(other, "safe-pro", "core")
    mine = open_account(owner, trial=("safe-pro", "core"))

    assert_error(trial_upgrade(owner, theirs["id"], {"term_years": 1}, new_key()), 404, "not_found")
    assert_error(trial_upgrade(owner, theirs["id"], {"subscription_id": stock(owner)}), 404, "not_found")
    assert_error(trial_upgrade(owner, mine["id"], {"subscription_id": their_stock}), 404, "not_found")
    assert_error(trial_upgrade(owner, mine["id"], {"subscription_id": "no-such-subscription"}), 404, "not_found")

    assert subscription(other, their_stock)["status"] == "available"
    assert [sub["status"] for sub in subscriptions(other, account_id=theirs["id"])] == ["trial"]
    assert [sub["status"] for sub in subscriptions(owner, account_id=mine["id"])] == ["trial"]
