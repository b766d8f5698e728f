"""Billing over HTTP: the catalog, orders (to accounts and to the inventory), and Idempotency-Key.

Every expected amount is computed here from `GET /v1/catalog` with the contract's formula in
integers (see `test_billing_helpers`), never taken from the product.
"""

import functools
import json
import types

import eventlet
import pytest
from sqlalchemy import text

from portal_common.db import make_engine
from tests.e2e.test_billing_helpers import (
    account_item,
    add_years,
    all_orders,
    assert_order_shape,
    assert_subscription_shape,
    at,
    buy,
    eventually,
    get_catalog,
    item,
    new_key,
    open_account,
    plan_price,
    post_order,
    start_clock,
    subscription,
    subscriptions,
    wait_for_account,
)
from tests.flows import assert_error, sign_up, walk
from tests.harness import System, Vhost

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(system):
    """One partner for the tests that only look, or that must leave nothing behind."""
    from portal_common.clock import utc_now

    system.clock.set(utc_now())
    owner = sign_up(system)
    return types.SimpleNamespace(owner=owner, account=open_account(owner, name="Shop customer"))


@pytest.fixture
def owner(system, clock):
    start_clock(clock)
    return sign_up(system)


def nothing_charged(actor, orders_before, subscriptions_before):
    assert all_orders(actor) == orders_before
    assert subscriptions(actor) == subscriptions_before


# --- the catalog --------------------------------------------------------------------------------------------------


def test_the_catalog_has_the_products_plans_terms_and_addons_of_the_contract(shop):
    catalog = get_catalog(shop.owner)

    assert {"currency", "terms", "trial_days", "products", "addons"} <= set(catalog)
    assert isinstance(catalog["currency"], str) and len(catalog["currency"]) == 3 and catalog["currency"].isupper()
    assert [term["years"] for term in catalog["terms"]] == [1, 2, 3]
    for term in catalog["terms"]:
        assert type(term["discount_percent"]) is int and 0 <= term["discount_percent"] < 100, term
    assert type(catalog["trial_days"]) is int and catalog["trial_days"] > 0
    products = {product["id"]: product for product in catalog["products"]}
    assert {"safe", "safe-pro", "safe-server"} <= set(products)
    for priced in [plan for p in catalog["products"] for plan in p["plans"]] + catalog["addons"]:
        assert {"id", "name", "annual_price_cents", "computers_included", "servers_included"} <= set(priced)
        for number in ("annual_price_cents", "computers_included", "servers_included"):
            assert type(priced[number]) is int and priced[number] >= 0, priced
    for product in products.values():
        assert product["name"] and product["plans"], product
    pro = {plan["id"]: plan for plan in products["safe-pro"]["plans"]}
    assert set(pro) == {"core", "power", "ultimate"}
    assert [plan_id for plan_id, plan in pro.items() if plan["servers_included"] > 0] == ["ultimate"]
    assert (
        pro["core"]["annual_price_cents"] < pro["power"]["annual_price_cents"] < pro["ultimate"]["annual_price_cents"]
    )
    assert any(plan["servers_included"] > 0 for plan in products["safe-server"]["plans"])
    assert any(addon["computers_included"] > 0 for addon in catalog["addons"]), "no add-on gives a seat"


def test_the_catalog_is_the_same_for_every_partner(shop, system):
    other = sign_up(system)
    assert get_catalog(other) == get_catalog(shop.owner)
    assert_error(system.client().get("/v1/catalog"), 401, "unauthenticated")


# --- orders -------------------------------------------------------------------------------------------------------


def test_an_order_prices_every_line_from_the_catalog_and_starts_or_stocks_subscriptions(owner, clock):
    now = clock.now()
    catalog = get_catalog(owner)
    account = open_account(owner)
    items = [
        item("safe-pro", "ultimate", 3, 2, account["id"]),
        item("safe", "basic", 2, 3),
        item("safe-server", next(p for p in catalog["products"] if p["id"] == "safe-server")["plans"][0]["id"], 1, 1),
        item("safe-pro", "core", 3, 7),
    ]

    response = post_order(owner, items)

    assert response.status_code == 201, response.text
    order = assert_order_shape(response.json())
    assert order["currency"] == catalog["currency"]
    assert at(order["created_at"]) == now
    assert len(order["lines"]) == len(items)
    expected_total = 0
    for wanted, line in zip(items, order["lines"], strict=True):
        unit = plan_price(catalog, wanted["product"], wanted["plan"], wanted["term_years"])
        amount = unit * wanted["quantity"]
        expected_total += amount
        assert (line["product"], line["plan"], line["term_years"], line["quantity"]) == (
            wanted["product"],
            wanted["plan"],
            wanted["term_years"],
            wanted["quantity"],
        )
        assert (line["unit_price_cents"], line["amount_cents"]) == (unit, amount), line
        assert line["account_id"] == wanted.get("account_id")
        bought = assert_subscription_shape(subscription(owner, line["subscription_id"]))
        assert (bought["product"], bought["plan"], bought["term_years"], bought["quantity"]) == (
            wanted["product"],
            wanted["plan"],
            wanted["term_years"],
            wanted["quantity"],
        )
        assert bought["addons"] == []
        if "account_id" in wanted:
            assert (bought["status"], bought["account_id"]) == ("active", account["id"])
            assert at(bought["starts_at"]) == now
            assert at(bought["expires_at"]) == add_years(now, wanted["term_years"])  # same day and time
            assert bought["auto_renew"] is True
        else:
            assert (bought["status"], bought["account_id"]) == ("available", None)
            assert (bought["starts_at"], bought["expires_at"]) == (None, None)
    assert order["total_cents"] == expected_total
    by_subscription = lambda body: {**body, "lines": sorted(body["lines"], key=lambda line: line["subscription_id"])}
    assert by_subscription(owner.client.get(f"/v1/orders/{order['id']}").json()) == by_subscription(order)
    assert [listed["id"] for listed in all_orders(owner)] == [order["id"]]


def test_an_order_reads_back_as_it_was_answered_with_its_lines_in_the_order_bought(owner):
    items = [item("safe", plan, years, 1) for plan in ("basic", "plus", "prime") for years in (1, 3)]
    order = buy(owner, *items)
    assert [(line["plan"], line["term_years"]) for line in order["lines"]] == [
        (i["plan"], i["term_years"]) for i in items
    ]

    assert owner.client.get(f"/v1/orders/{order['id']}").json() == order
    assert all_orders(owner) == [order]


def test_inventory_and_account_subscriptions_are_listed_by_status_and_account(owner):
    first, second = open_account(owner, name="First"), open_account(owner, name="Second")
    order = buy(
        owner,
        item("safe-pro", "power", 1, 1, first["id"]),
        item("safe", "plus", 1, 4),
        item("safe", "prime", 2, 1, second["id"]),
        item("safe-pro", "core", 2, 2),
    )
    ids = [line["subscription_id"] for line in order["lines"]]
    trial = open_account(owner, name="Third", trial=("safe-pro", "core"))

    def listed(**params):
        return sorted(sub["id"] for sub in subscriptions(owner, **params))

    assert listed(status="available") == sorted([ids[1], ids[3]])
    assert listed(status="active") == sorted([ids[0], ids[2]])
    assert listed(account_id=first["id"]) == [ids[0]]
    assert listed(status="active", account_id=second["id"]) == [ids[2]]
    assert listed(status="available", account_id=second["id"]) == []
    assert [sub["account_id"] for sub in subscriptions(owner, status="trial")] == [trial["id"]]
    assert listed(status="expired") == []
    assert len(listed()) == 5
    for sub in subscriptions(owner):
        assert_subscription_shape(sub)
    assert_error(owner.client.get("/v1/subscriptions", params={"status": "sleeping"}), 400, "validation_error")


def test_the_accounts_list_shows_what_an_order_started(owner, clock):
    now = clock.now()
    account = open_account(owner)
    buy(owner, item("safe-pro", "power", 2, 1, account["id"]))

    listed = wait_for_account(owner, account["id"], status="active", product="safe-pro", plan="power")

    assert at(listed["expires_at"]) == add_years(now, 2)


def test_orders_and_subscriptions_page_with_a_cursor(owner):
    made = [buy(owner, item("safe", "basic", 1, n))["id"] for n in (1, 2, 3, 4, 5)]

    orders, pages = walk(owner.client, "/v1/orders", limit=2)
    assert sorted(order["id"] for order in orders) == sorted(made) and pages == 3
    subs, pages = walk(owner.client, "/v1/subscriptions", limit=2)
    assert sorted(sub["quantity"] for sub in subs) == [1, 2, 3, 4, 5] and pages == 3
    for path in ("/v1/orders", "/v1/subscriptions"):
        for bad in ({"limit": 0}, {"limit": 201}, {"limit": "many"}, {"cursor": "garbage!"}):
            assert_error(owner.client.get(path, params=bad), 400, "validation_error")


def test_an_order_is_not_found_by_id_for_another_partner(owner, system):
    order = buy(owner, item())
    other = sign_up(system)

    assert_error(other.client.get(f"/v1/orders/{order['id']}"), 404, "not_found")
    assert_error(owner.client.get("/v1/orders/no-such-order"), 404, "not_found")
    assert all_orders(other) == []
    assert owner.client.get(f"/v1/orders/{order['id']}").status_code == 200


def test_an_order_for_another_partners_account_is_404_and_charges_nothing(owner, system):
    mine = open_account(owner, name="Mine")
    other = sign_up(system)
    theirs = open_account(other, name="Theirs")
    before_orders, before_subs = all_orders(owner), subscriptions(owner)

    for items in (
        [item(account_id=theirs["id"])],
        [item(account_id=mine["id"]), item(account_id=theirs["id"])],
        [item(account_id="no-such-account")],
    ):
        assert_error(post_order(owner, items), 404, "not_found")

    nothing_charged(owner, before_orders, before_subs)
    assert all_orders(other) == [] and subscriptions(other) == []
    assert account_item(owner, mine["id"])["status"] == "none"


def test_an_order_for_a_released_account_is_404(owner):
    account = open_account(owner)
    assert owner.client.post(f"/v1/accounts/{account['id']}/release").status_code == 200

    assert_error(post_order(owner, [item(account_id=account["id"])]), 404, "not_found")
    assert all_orders(owner) == []


def billing_knows(engine, account_id):
    """Whether billing has its row for the account (from accounts' event, or its first sale)."""
    with engine.connect() as connection:
        query = text("SELECT count(*) FROM account_links WHERE account_id = :id")
        return connection.execute(query, {"id": account_id}).scalar() == 1


def test_an_account_billing_has_not_heard_of_is_asked_of_accounts(owner, system):
    """Billing sells to the accounts it knows without a hop to accounts; one it has not heard of (here
    forgotten, as one opened before billing listened to accounts would be) is asked of accounts."""
    account = open_account(owner)
    theirs = open_account(sign_up(system), name="Theirs")
    engine = make_engine(system.db_uris["billing"])
    try:
        for forgotten in (account["id"], theirs["id"]):
            eventually(functools.partial(billing_knows, engine, forgotten), what="billing's row")
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM account_links WHERE account_id = :id"), {"id": forgotten})

        assert_error(post_order(owner, [item(account_id=theirs["id"])]), 404, "not_found")
        assert post_order(owner, [item(account_id=account["id"])]).status_code == 201
        assert billing_knows(engine, account["id"])  # from now on
        assert not billing_knows(engine, theirs["id"])
    finally:
        engine.dispose()
    assert [line["account_id"] for order in all_orders(owner) for line in order["lines"]] == [account["id"]]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"items": []}, "items"),
        ({}, "items"),
        ({"items": "safe"}, "items"),
        ({"items": [None]}, "items"),
        ({"items": [item(product="nope")]}, "items"),
        ({"items": [item(plan="gold")]}, "items"),
        ({"items": [item("safe", "core")]}, "items"),
        ({"items": [item(term_years=4)]}, "items"),
        ({"items": [item(term_years=0)]}, "items"),
        ({"items": [item(term_years="1")]}, "items"),
        ({"items": [item(term_years=1.5)]}, "items"),
        ({"items": [item(quantity=0)]}, "items"),
        ({"items": [item(quantity=-1)]}, "items"),
        ({"items": [item(quantity=1.5)]}, "items"),
        ({"items": [item(quantity="2")]}, "items"),
        ({"items": [item(quantity=True)]}, "items"),
        ({"items": [item(quantity=None)]}, "items"),
        ({"items": [{"product": "safe", "plan": "basic", "term_years": 1}]}, "items"),
        ({"items": [{**item(), "discount_percent": 50}]}, "items"),
        ({"items": [item()], "coupon": "FREE"}, "coupon"),
        ({"items": [{**item(), "account_id": 5}]}, "items"),
        ({"items": [item(), item(quantity=0)]}, "items"),
    ],
)
def test_a_malformed_order_is_400_and_charges_nothing(shop, body, field):
    before_orders, before_subs = all_orders(shop.owner), subscriptions(shop.owner)

    response = shop.owner.client.post("/v1/orders", json=body, headers={"Idempotency-Key": new_key()})

    error = assert_error(response, 400, "validation_error")
    assert field in json.dumps(error["details"]), error
    nothing_charged(shop.owner, before_orders, before_subs)


def test_a_field_inside_an_item_is_named_by_its_path_with_a_list_of_messages(shop):
    """Each field of `details` is a list of messages: a field of the second item is `items.1.quantity`."""
    body = {"items": [item(), item(quantity=0)]}
    response = shop.owner.client.post("/v1/orders", json=body, headers={"Idempotency-Key": new_key()})
    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["items.1.quantity"], error
    assert error["details"]["items.1.quantity"] and isinstance(error["details"]["items.1.quantity"][0], str)


def test_a_body_that_is_not_json_is_refused(shop):
    path, headers = "/v1/orders", {"Idempotency-Key": new_key()}
    client = shop.owner.client

    assert_error(
        client.post(path, data="{items: [", headers={**headers, "Content-Type": "application/json"}),
        400,
        "validation_error",
    )
    assert_error(
        client.post(path, data=json.dumps({"items": [item()]}), headers={**headers, "Content-Type": "text/plain"}),
        415,
        "unsupported_media_type",
    )
    huge = json.dumps({"items": [item()], "padding": "x" * (64 * 1024)})
    assert_error(
        client.post(path, data=huge, headers={**headers, "Content-Type": "application/json"}), 413, "payload_too_large"
    )
    assert all_orders(shop.owner) == []


# --- Idempotency-Key ----------------------------------------------------------------------------------------------


def test_an_order_without_an_idempotency_key_is_400(shop):
    before_orders, before_subs = all_orders(shop.owner), subscriptions(shop.owner)

    error = assert_error(post_order(shop.owner, [item()], key=None), 400, "validation_error")

    assert "idempotency" in json.dumps(error).lower()
    nothing_charged(shop.owner, before_orders, before_subs)


@pytest.mark.parametrize(
    "key",
    ["", "k" * 256, "bad\x01key", "bad\x7fkey", "tab\tinside"],
    ids=["empty", "256-chars", "control-char", "delete-char", "tab"],
)
def test_an_idempotency_key_must_be_1_to_255_printable_characters(shop, key):
    before_orders, before_subs = all_orders(shop.owner), subscriptions(shop.owner)

    assert_error(post_order(shop.owner, [item()], key=key), 400, "validation_error")

    nothing_charged(shop.owner, before_orders, before_subs)


@pytest.mark.parametrize(
    "key", ["k" * 255, "1", "order #42 / retry ~ (a=b)"], ids=["255-chars", "one-char", "punctuation"]
)
def test_any_1_to_255_printable_characters_make_a_key(owner, key):
    response = post_order(owner, [item()], key=key)

    assert response.status_code == 201, response.text
    assert post_order(owner, [item()], key=key).json()["id"] == response.json()["id"]
    assert len(all_orders(owner)) == 1


def test_the_same_key_and_body_replay_the_first_order_and_charge_once(owner):
    account = open_account(owner)
    key = new_key()
    items = [item("safe-pro", "ultimate", 1, 1, account["id"]), item("safe", "basic", 3, 2)]
    first = post_order(owner, items, key=key)
    assert first.status_code == 201, first.text
    orders, subs = all_orders(owner), subscriptions(owner)

    again = post_order(owner, items, key=key)
    reordered = owner.client.post(
        "/v1/orders",
        data=json.dumps({"items": [dict(reversed(list(i.items()))) for i in items]}),
        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
    )

    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert reordered.status_code == 201 and reordered.json()["id"] == first.json()["id"], reordered.text
    assert all_orders(owner) == orders and len(orders) == 1
    assert subscriptions(owner) == subs and len(subs) == 2


def test_the_same_key_with_another_body_is_409_and_charges_nothing(owner):
    account = open_account(owner)
    key = new_key()
    assert post_order(owner, [item(quantity=1)], key=key).status_code == 201
    orders, subs = all_orders(owner), subscriptions(owner)

    for other in (
        [item(quantity=2)],
        [item(quantity=1, account_id=account["id"])],
        [item(), item()],
        [item(term_years=2)],
    ):
        assert_error(post_order(owner, other, key=key), 409, "idempotency_key_reused")

    nothing_charged(owner, orders, subs)


def test_two_concurrent_requests_with_one_key_make_one_order(owner):
    account = open_account(owner)
    key = new_key()
    items = [item("safe-pro", "power", 1, 1, account["id"])]
    pool = eventlet.GreenPool()
    threads = [pool.spawn(post_order, owner, items, key) for _ in range(3)]
    answers = [thread.wait() for thread in threads]

    assert [answer.status_code for answer in answers] == [201, 201, 201], [a.text for a in answers]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert len(all_orders(owner)) == 1
    assert len(subscriptions(owner, account_id=account["id"])) == 1


def test_a_replay_answers_the_first_order_even_after_its_account_was_released(owner):
    account = open_account(owner)
    key = new_key()
    first = post_order(owner, [item("safe", "basic", 1, 1, account["id"])], key=key)
    assert first.status_code == 201, first.text
    assert owner.client.post(f"/v1/accounts/{account['id']}/release").status_code == 200

    again = post_order(owner, [item("safe", "basic", 1, 1, account["id"])], key=key)

    assert again.status_code == 201, again.text  # the stored answer, not a new decision
    assert again.json() == first.json()
    assert all_orders(owner) == [first.json()]


# --- an operator's catalog ----------------------------------------------------------------------------------------

OPERATOR_CATALOG = {
    "currency": "EUR",
    "trial_days": 14,
    "terms": [
        {"years": 1, "discount_percent": 10},
        {"years": 2, "discount_percent": 25},
        {"years": 3, "discount_percent": 50},
    ],
    "products": [
        {
            "id": "safe",
            "name": "Safe",
            "plans": [
                {
                    "id": "basic",
                    "name": "Basic",
                    "annual_price_cents": 25,
                    "computers_included": 1,
                    "servers_included": 0,
                }
            ],
        },
        {
            "id": "safe-pro",
            "name": "Safe Pro",
            "plans": [
                {"id": "core", "name": "Core", "annual_price_cents": 1, "computers_included": 5, "servers_included": 0},
                {
                    "id": "power",
                    "name": "Power",
                    "annual_price_cents": 9,
                    "computers_included": 10,
                    "servers_included": 0,
                },
                {
                    "id": "ultimate",
                    "name": "Ultimate",
                    "annual_price_cents": 5,
                    "computers_included": 15,
                    "servers_included": 1,
                },
            ],
        },
        {
            "id": "safe-server",
            "name": "Safe Server",
            "plans": [
                {
                    "id": "server",
                    "name": "Server",
                    "annual_price_cents": 7,
                    "computers_included": 1,
                    "servers_included": 1,
                }
            ],
        },
    ],
    "addons": [{"id": "seat", "name": "Seat", "annual_price_cents": 3, "computers_included": 1, "servers_included": 0}],
}


@pytest.fixture(scope="module")
def operator_system(request, tmp_path_factory):
    """A second system whose operator wrote their own catalog file (prices chosen to land on half cents)."""
    path = tmp_path_factory.mktemp("operator") / "catalog.json"
    path.write_text(json.dumps(OPERATOR_CATALOG))
    amqp_uri = request.config.getoption("RABBIT_AMQP_URI")
    management_uri = request.config.getoption("RABBIT_API_URI")
    with Vhost(amqp_uri, management_uri) as vhost_uri:
        system = System(vhost_uri, data_dir=tmp_path_factory.mktemp("operator-data"))
        system.config["CATALOG_PATH"] = str(path)
        with system:
            yield system


def test_the_catalog_is_the_operators_file_and_half_cents_round_up_once(operator_system):
    owner = sign_up(operator_system)
    catalog = get_catalog(owner)
    assert catalog["currency"] == "EUR" and catalog["trial_days"] == 14
    assert catalog["terms"] == OPERATOR_CATALOG["terms"]
    assert [p["id"] for p in catalog["products"]] == ["safe", "safe-pro", "safe-server"]
    assert [a["id"] for a in catalog["addons"]] == ["seat"]
    # unit prices worked by hand: 25 × 0.90 = 22.5 → 23; 25 × 2 × 0.75 = 37.5 → 38; 1 × 3 × 0.5 = 1.5 → 2;
    # 7 × 3 × 0.5 = 10.5 → 11; 5 × 2 × 0.75 = 7.5 → 8; 9 × 0.9 = 8.1 → 8. The amount is unit × quantity.
    wanted = [
        ("safe", "basic", 1, 3, 23),
        ("safe", "basic", 2, 1, 38),
        ("safe-pro", "core", 3, 5, 2),
        ("safe-server", "server", 3, 2, 11),
        ("safe-pro", "ultimate", 2, 1, 8),
        ("safe-pro", "power", 1, 1, 8),
    ]

    order = buy(owner, *[item(product, plan, years, quantity) for product, plan, years, quantity, _ in wanted])

    assert order["currency"] == "EUR"
    assert [(line["unit_price_cents"], line["amount_cents"]) for line in order["lines"]] == [
        (unit, unit * quantity) for _, _, _, quantity, unit in wanted
    ]
    assert [plan_price(catalog, p, plan, years) for p, plan, years, _, _ in wanted] == [w[-1] for w in wanted]
    assert order["total_cents"] == 23 * 3 + 38 + 2 * 5 + 11 * 2 + 8 + 8
