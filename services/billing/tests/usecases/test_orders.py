"""Orders: what an order starts for an account and what it stocks in the inventory, what it checks
before it charges, and that a partner reads back its own orders alone, in the order it placed them."""

import pytest

from portal_common.errors import IdempotencyKeyReused, NotFound, ValidationFailed
from portal_common.events import iso
from portal_common.schemas import billing as api
from portal_common.schemas import load

from billing.domain.terms import add_years
from billing.usecases import activity, orders
from services.billing.tests.usecases.sales import (
    NOW,
    OTHER_PARTNER,
    PARTNER,
    all_orders,
    buy,
    new_key,
    subscription,
)


def test_an_order_starts_what_it_buys_for_an_account_and_stocks_the_rest_in_the_inventory(uow, catalog):
    order = buy(uow, catalog, ("safe", "plus", 2, 3, "account-1"), ("safe-pro", "core", 1, 2, None))

    running, stocked = (subscription(uow, line["subscription_id"]) for line in order["lines"])
    assert (running["status"], running["account_id"], running["starts_at"], running["expires_at"]) == (
        "active",
        "account-1",
        iso(NOW),
        iso(add_years(NOW, 2)),
    )
    assert (stocked["status"], stocked["account_id"], stocked["starts_at"], stocked["expires_at"]) == (
        "available",
        None,
        None,
        None,
    )
    amounts = [
        catalog.price(catalog.plan("safe", "plus"), 2) * 3,
        catalog.price(catalog.plan("safe-pro", "core"), 1) * 2,
    ]
    assert [line["amount_cents"] for line in order["lines"]] == amounts
    assert order["total_cents"] == sum(amounts)
    [changed] = uow.events("subscription_changed")  # accounts hears of the account's, not of the stock
    assert (changed["id"], changed["status"], changed["product"], changed["seats"]) == (
        "account-1",
        "active",
        "safe",
        3,
    )
    total = activity.amount(sum(amounts), catalog.currency)
    assert uow.activity() == [
        ("order.placed", f"Purchase order: 3 × safe plus, 2 years and 1 more line; total {total}")
    ]


def _order(uow, catalog, item, accounts_found, key=None):
    payload = load(api.OrderRequest, {"items": [{"quantity": 1, "account_id": "account-1", **item}]})
    return orders.place_order(uow, catalog, NOW, PARTNER, payload, key or new_key(), accounts_found)


def test_an_order_is_checked_against_the_catalog_before_its_accounts_and_charges_nothing(uow, catalog):
    for item, field in (
        ({"product": "safe", "plan": "gold", "term_years": 1}, "plan"),
        ({"product": "safe-max", "plan": "basic", "term_years": 1}, "product"),
        ({"product": "safe", "plan": "basic", "term_years": 4}, "term_years"),
    ):
        with pytest.raises(ValidationFailed) as refused:  # a 400 whatever its accounts
            _order(uow, catalog, item, accounts_found=False)
        assert list(refused.value.details) == [f"items.0.{field}"]
    with pytest.raises(NotFound):
        _order(uow, catalog, {"product": "safe", "plan": "basic", "term_years": 1}, accounts_found=False)

    assert all_orders(uow) == []
    assert uow.commits == 1  # the 404 kept against its key (the 400s are not): nothing charged


def test_the_same_key_replays_the_order_and_charges_once(uow, catalog):
    key = new_key()
    first = buy(uow, catalog, ("safe", "basic", 1, 2, "account-1"), key=key)

    assert buy(uow, catalog, ("safe", "basic", 1, 2, "account-1"), key=key) == first
    with pytest.raises(IdempotencyKeyReused):
        buy(uow, catalog, ("safe", "basic", 1, 3, "account-1"), key=key)
    assert all_orders(uow) == [first]
    assert len(uow.events("order_placed")) == 1


def test_a_400_is_not_the_keys_answer_but_a_404_is(uow, catalog):
    key = new_key()
    with pytest.raises(ValidationFailed):
        _order(uow, catalog, {"product": "safe", "plan": "gold", "term_years": 1}, accounts_found=True, key=key)
    with pytest.raises(NotFound):  # the key was free: the request is looked at afresh
        _order(uow, catalog, {"product": "safe", "plan": "basic", "term_years": 1}, accounts_found=False, key=key)
    with pytest.raises(NotFound, match="No such account"):  # replayed, though the account is found now
        _order(uow, catalog, {"product": "safe", "plan": "basic", "term_years": 1}, accounts_found=True, key=key)
    assert all_orders(uow) == []


def test_a_partner_reads_back_its_own_orders_alone_in_the_order_it_placed_them(uow, catalog):
    placed = [
        buy(uow, catalog, ("safe", "basic", 1, 1, None)),
        buy(uow, catalog, ("safe-pro", "core", 1, 1, "account-1"), ("safe", "plus", 3, 2, None)),
        buy(uow, catalog, ("safe", "prime", 2, 1, None)),
    ]
    theirs = buy(uow, catalog, ("safe", "basic", 1, 1, None), caller=OTHER_PARTNER)

    first_page = orders.list_orders(uow, PARTNER, {"limit": 2, "cursor": None})
    last_page = orders.list_orders(uow, PARTNER, {"limit": 2, "cursor": first_page["next_cursor"]})

    assert first_page["items"] + last_page["items"] == placed
    assert last_page["next_cursor"] is None
    assert orders.get_order(uow, PARTNER, placed[1]["id"]) == placed[1]
    with pytest.raises(NotFound):
        orders.get_order(uow, OTHER_PARTNER, placed[0]["id"])
    assert all_orders(uow, OTHER_PARTNER) == [theirs]
