"""Seats, as billing gives them and accounts enforces them: the account's trial and active
subscriptions give `quantity × computers_included` seats (plus seat add-ons); a server also needs a
plan or add-on that includes servers. Otherwise 409 `no_free_seat`."""

import pytest

from tests.e2e.test_billing_helpers import (
    add_computer,
    addon_of,
    buy,
    eventually,
    get_catalog,
    item,
    new_key,
    open_account,
    plan_of,
    start_clock,
    start_trial,
    subscription,
)
from tests.flows import assert_error, sign_up

pytestmark = pytest.mark.e2e


@pytest.fixture
def owner(system, clock):
    start_clock(clock)
    return sign_up(system)


def fits(actor, account_id, kind="workstation"):
    """Add a computer, allowing billing's change up to 2 seconds to reach accounts; answers it."""

    def probe():
        response = add_computer(actor, account_id, kind)
        return response if response.status_code == 201 else None

    return eventually(probe, what=f"a {kind} fitting into account {account_id}").json()


def refused(actor, account_id, kind="workstation"):
    return assert_error(add_computer(actor, account_id, kind), 409, "no_free_seat")


def fill(actor, account_id, seats):
    computers = [fits(actor, account_id) for _ in range(seats)]
    refused(actor, account_id)
    return computers


def test_an_account_without_a_subscription_has_no_seat(owner):
    account = open_account(owner)
    buy(owner, item("safe-pro", "ultimate", 1, 3))  # inventory: nobody's seats

    refused(owner, account["id"])
    refused(owner, account["id"], "server")
    assert owner.client.get(f"/v1/accounts/{account['id']}").json()["computers"] == []


@pytest.mark.parametrize("product, plan, quantity", [("safe", "basic", 3), ("safe-pro", "core", 2)])
def test_a_subscription_gives_quantity_times_computers_included_seats(owner, product, plan, quantity):
    seats = plan_of(get_catalog(owner), product, plan)["computers_included"] * quantity
    account = open_account(owner)
    buy(owner, item(product, plan, 1, quantity, account["id"]))

    computers = fill(owner, account["id"], seats)

    assert len(computers) == seats
    path = f"/v1/accounts/{account['id']}/computers/{computers[0]['id']}"
    assert owner.client.delete(path).status_code == 204
    fits(owner, account["id"])  # a removed computer gives its seat back
    refused(owner, account["id"])


def test_trial_and_active_subscriptions_add_up(owner):
    catalog = get_catalog(owner)
    account = open_account(owner)
    start_trial(owner, account["id"], "safe-pro", "core")
    buy(owner, item("safe", "basic", 1, 2, account["id"]))
    seats = (
        plan_of(catalog, "safe-pro", "core")["computers_included"]
        + 2 * plan_of(catalog, "safe", "basic")["computers_included"]
    )

    assert len(fill(owner, account["id"], seats)) == seats


def test_a_server_needs_a_plan_that_includes_servers(owner):
    catalog = get_catalog(owner)
    assert plan_of(catalog, "safe-pro", "core")["servers_included"] == 0
    core = open_account(owner, name="Core")
    buy(owner, item("safe-pro", "core", 1, 1, core["id"]))
    ultimate = open_account(owner, name="Ultimate")
    buy(owner, item("safe-pro", "ultimate", 1, 1, ultimate["id"]))
    server_only = open_account(owner, name="Server")
    buy(owner, item("safe-server", "server", 1, 1, server_only["id"]))

    fits(owner, core["id"])  # there are free seats, but none for a server
    refused(owner, core["id"], "server")
    assert fits(owner, ultimate["id"], "server")["kind"] == "server"
    assert fits(owner, server_only["id"], "server")["kind"] == "server"


def test_a_trial_of_ultimate_lets_a_server_in_and_core_does_not(owner):
    ultimate = open_account(owner, trial=("safe-pro", "ultimate"))
    core = open_account(owner, trial=("safe-pro", "core"))

    assert fits(owner, ultimate["id"], "server")["kind"] == "server"
    refused(owner, core["id"], "server")


def test_upgrading_core_to_ultimate_lets_a_server_in(owner):
    account = open_account(owner)
    sub_id = buy(owner, item("safe-pro", "core", 1, 1, account["id"]))["lines"][0]["subscription_id"]
    refused(owner, account["id"], "server")

    response = owner.client.post(
        f"/v1/subscriptions/{sub_id}/upgrade", json={"plan": "ultimate"}, headers={"Idempotency-Key": new_key()}
    )

    assert response.status_code == 200, response.text
    assert fits(owner, account["id"], "server")["kind"] == "server"


def test_an_extra_computer_addon_adds_a_seat(owner):
    catalog = get_catalog(owner)
    extra = addon_of(catalog, "extra-computer")
    assert extra["computers_included"] >= 1
    account = open_account(owner)
    sub_id = buy(owner, item("safe", "basic", 1, 1, account["id"]))["lines"][0]["subscription_id"]
    fill(owner, account["id"], plan_of(catalog, "safe", "basic")["computers_included"])

    response = owner.client.post(
        f"/v1/subscriptions/{sub_id}/addons",
        json={"addon": "extra-computer", "quantity": 1},
        headers={"Idempotency-Key": new_key()},
    )

    assert response.status_code == 201, response.text
    assert len(fill(owner, account["id"], extra["computers_included"])) == extra["computers_included"]
    assert len(subscription(owner, sub_id)["addons"]) == 1


def test_an_extra_server_addon_lets_a_server_in(owner):
    assert addon_of(get_catalog(owner), "extra-server")["servers_included"] >= 1
    account = open_account(owner)
    sub_id = buy(owner, item("safe-pro", "core", 1, 1, account["id"]))["lines"][0]["subscription_id"]
    refused(owner, account["id"], "server")

    response = owner.client.post(
        f"/v1/subscriptions/{sub_id}/addons",
        json={"addon": "extra-server", "quantity": 1},
        headers={"Idempotency-Key": new_key()},
    )

    assert response.status_code == 201, response.text
    assert fits(owner, account["id"], "server")["kind"] == "server"
    refused(owner, account["id"], "server")  # one add-on, one server


def test_seats_of_another_partners_purchase_do_not_count(owner, system):
    account = open_account(owner)
    other = sign_up(system)
    their_account = open_account(other)
    buy(other, item("safe-pro", "ultimate", 1, 1, their_account["id"]))

    refused(owner, account["id"])
    assert fits(other, their_account["id"], "server")
