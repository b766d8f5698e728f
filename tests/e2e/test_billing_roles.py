"""Who may spend: owner, admin and sales buy, start and upgrade trials, upgrade plans, buy add-ons and
change auto-renew; support and viewer may only look (403 otherwise). Another partner's accounts,
orders and subscriptions are 404, never 403; no token is 401."""

import types

import pytest

from tests.e2e.test_billing_helpers import (
    all_orders,
    buy,
    get_catalog,
    item,
    new_key,
    open_account,
    start_clock,
    subscription,
    subscriptions,
)
from tests.flows import assert_error, create_employee, sign_up

pytestmark = pytest.mark.e2e
BUYERS = ("owner", "admin", "sales")
LOOKERS = ("support", "viewer")


@pytest.fixture(scope="module")
def team(system):
    from portal_common.clock import utc_now

    system.clock.set(utc_now())
    owner = sign_up(system)
    people = {
        "owner": owner,
        **{role: create_employee(owner, role) for role in ("admin", "sales", "support", "viewer")},
    }
    return types.SimpleNamespace(owner=owner, people=people)


@pytest.fixture
def world(team, clock):
    """Fresh things of the team's partner to act on: accounts with a trial, an active subscription and stock."""
    start_clock(clock)
    owner = team.owner
    active_account = open_account(owner, name="Active")
    order = buy(owner, item("safe-pro", "core", 1, 1, active_account["id"]), item("safe-pro", "core", 1, 1))
    return types.SimpleNamespace(
        order=order,
        active=subscription(owner, order["lines"][0]["subscription_id"]),
        stock=order["lines"][1]["subscription_id"],
        trial_account=open_account(owner, name="Trial", trial=("safe-pro", "core")),
        buy_trial_account=open_account(owner, name="Buy trial", trial=("safe-pro", "power")),
        plain_account=open_account(owner, name="Plain"),
    )


def spending_requests(world):
    """Every billing write of the PURCHASE permission: (name, method, path, body, needs a key)."""
    return [
        ("order", "POST", "/v1/orders", {"items": [item("safe", "basic", 1, 1)]}, True),
        (
            "order-to-account",
            "POST",
            "/v1/orders",
            {"items": [item("safe", "basic", 1, 1, world.plain_account["id"])]},
            True,
        ),
        (
            "trial",
            "POST",
            f"/v1/accounts/{world.plain_account['id']}/trials",
            {"product": "safe-pro", "plan": "core"},
            False,
        ),
        (
            "trial-upgrade-stock",
            "POST",
            f"/v1/accounts/{world.trial_account['id']}/trial-upgrade",
            {"subscription_id": world.stock},
            False,
        ),
        (
            "trial-upgrade-buy",
            "POST",
            f"/v1/accounts/{world.buy_trial_account['id']}/trial-upgrade",
            {"term_years": 1},
            True,
        ),
        ("upgrade", "POST", f"/v1/subscriptions/{world.active['id']}/upgrade", {"plan": "power"}, True),
        (
            "addon",
            "POST",
            f"/v1/subscriptions/{world.active['id']}/addons",
            {"addon": "extra-computer", "quantity": 1},
            True,
        ),
        ("auto-renew", "PATCH", f"/v1/subscriptions/{world.active['id']}", {"auto_renew": False}, False),
    ]


def send(actor, method, path, body, keyed):
    return actor.client.request(method, path, json=body, headers={"Idempotency-Key": new_key()} if keyed else {})


EXPECTED_STATUS = {
    "order": 201,
    "order-to-account": 201,
    "trial": 201,
    "trial-upgrade-stock": 200,
    "trial-upgrade-buy": 200,
    "upgrade": 200,
    "addon": 201,
    "auto-renew": 200,
}


@pytest.mark.parametrize("role", BUYERS)
def test_owner_admin_and_sales_may_spend(team, world, role):
    actor = team.people[role]
    orders = len(all_orders(team.owner))

    for name, method, path, body, keyed in spending_requests(world):
        response = send(actor, method, path, body, keyed)
        assert response.status_code == EXPECTED_STATUS[name], (name, response.text)

    after = subscription(team.owner, world.active["id"])
    assert (after["plan"], after["auto_renew"], len(after["addons"])) == ("power", False, 1)
    assert subscription(team.owner, world.stock)["account_id"] == world.trial_account["id"]
    # two orders, the bought trial upgrade, the plan upgrade and the add-on
    assert len(all_orders(team.owner)) == orders + 5


@pytest.mark.parametrize("role", LOOKERS)
def test_support_and_viewer_may_not_spend_but_may_look(team, world, role):
    actor = team.people[role]
    orders, subs = all_orders(team.owner), subscriptions(team.owner)

    for _name, method, path, body, keyed in spending_requests(world):
        assert_error(send(actor, method, path, body, keyed), 403, "forbidden")

    assert all_orders(team.owner) == orders and subscriptions(team.owner) == subs
    assert get_catalog(actor) == get_catalog(team.owner)
    assert all_orders(actor) == orders
    assert (
        actor.client.get(f"/v1/orders/{world.order['id']}").json()
        == team.owner.client.get(f"/v1/orders/{world.order['id']}").json()
    )
    assert subscriptions(actor) == subs
    assert subscriptions(actor, status="available", limit=1)
    assert subscription(actor, world.active["id"]) == world.active
    quote = actor.client.get(f"/v1/subscriptions/{world.active['id']}/upgrade-quote", params={"plan": "power"})
    assert quote.status_code == 200 and quote.json()["to_plan"] == "power", quote.text


BILLING_ROUTES = [
    ("GET", "/v1/catalog"),
    ("GET", "/v1/orders"),
    ("POST", "/v1/orders"),
    ("GET", "/v1/orders/some-id"),
    ("GET", "/v1/subscriptions"),
    ("GET", "/v1/subscriptions/some-id"),
    ("PATCH", "/v1/subscriptions/some-id"),
    ("POST", "/v1/accounts/some-id/trials"),
    ("POST", "/v1/accounts/some-id/trial-upgrade"),
    ("GET", "/v1/subscriptions/some-id/upgrade-quote?plan=power"),
    ("POST", "/v1/subscriptions/some-id/upgrade"),
    ("POST", "/v1/subscriptions/some-id/addons"),
]


SPENDING_ROUTES = [
    ("post", "/v1/orders"),
    ("post", "/v1/accounts/{}/trial-upgrade"),
    ("post", "/v1/subscriptions/{}/upgrade"),
    ("post", "/v1/subscriptions/{}/addons"),
]


def test_openapi_describes_every_billing_route_and_the_idempotency_key(system):
    import re

    document = system.client().get("/openapi.json").json()
    shape = lambda path: re.sub(r"{[^}]+}|<[^>]+>", "{}", path.split("?")[0])
    paths = {shape(path): item for path, item in document["paths"].items()}
    for method, path in BILLING_ROUTES:
        assert method.lower() in paths.get(shape(path.replace("some-id", "{id}")), {}), (method, path)
    for method, path in SPENDING_ROUTES:
        parameters = paths[path][method].get("parameters", [])
        assert any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters), path
        assert "409" in paths[path][method]["responses"], path


@pytest.mark.parametrize("method, path", BILLING_ROUTES)
def test_every_billing_route_needs_a_token(system, method, path):
    body = {} if method in ("POST", "PATCH") else None
    assert_error(
        system.client().request(method, path, json=body, headers={"Idempotency-Key": new_key()}), 401, "unauthenticated"
    )
    assert_error(system.client("not-a-token").request(method, path, json=body), 401, "unauthenticated")


def test_another_partners_billing_is_not_found(team, world, system):
    stranger = sign_up(system)
    stranger_account = open_account(stranger, trial=("safe-pro", "core"))
    owner_orders, owner_subs = all_orders(team.owner), subscriptions(team.owner)

    for method, path, body, keyed in (
        ("GET", f"/v1/orders/{world.order['id']}", None, False),
        ("GET", f"/v1/subscriptions/{world.active['id']}", None, False),
        ("GET", f"/v1/subscriptions/{world.stock}", None, False),
        ("PATCH", f"/v1/subscriptions/{world.active['id']}", {"auto_renew": False}, False),
        ("GET", f"/v1/subscriptions/{world.active['id']}/upgrade-quote?plan=power", None, False),
        ("POST", f"/v1/subscriptions/{world.active['id']}/upgrade", {"plan": "power"}, True),
        ("POST", f"/v1/subscriptions/{world.active['id']}/addons", {"addon": "extra-computer", "quantity": 1}, True),
        ("POST", "/v1/orders", {"items": [item(account_id=world.plain_account["id"])]}, True),
        ("POST", f"/v1/accounts/{world.plain_account['id']}/trials", {"product": "safe", "plan": "basic"}, False),
        ("POST", f"/v1/accounts/{world.trial_account['id']}/trial-upgrade", {"term_years": 1}, True),
        ("POST", f"/v1/accounts/{world.trial_account['id']}/trial-upgrade", {"subscription_id": world.stock}, False),
        ("POST", f"/v1/accounts/{stranger_account['id']}/trial-upgrade", {"subscription_id": world.stock}, False),
    ):
        assert_error(send(stranger, method, path, body, keyed), 404, "not_found")

    assert subscriptions(stranger, account_id=world.active["account_id"]) == []
    assert all_orders(stranger) == []
    assert [sub["account_id"] for sub in subscriptions(stranger)] == [stranger_account["id"]]
    assert all_orders(team.owner) == owner_orders and subscriptions(team.owner) == owner_subs
    # and the owner's partner cannot reach the stranger's either
    [their_trial] = subscriptions(stranger)
    assert_error(team.owner.client.get(f"/v1/subscriptions/{their_trial['id']}"), 404, "not_found")
    assert_error(
        team.people["sales"].client.post(
            f"/v1/accounts/{stranger_account['id']}/trials", json={"product": "safe", "plan": "basic"}
        ),
        404,
        "not_found",
    )
