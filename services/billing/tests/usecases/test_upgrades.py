"""Mid-term upgrades and add-ons: the quote and the charge by the contract's formula (checked against
the integer oracle the end-to-end tests use), to a dearer plan of the same product only, and keys
that are the partner's whatever the route."""

import datetime as dt

import pytest

from portal_common.errors import Conflict, IdempotencyKeyReused, NotFound, ValidationFailed
from tests.e2e.test_billing_helpers import prorated

from billing.domain.terms import add_years
from billing.usecases import upgrades
from services.billing.tests.usecases.sales import (
    NOW,
    OTHER_PARTNER,
    PARTNER,
    all_orders,
    bought,
    buy,
    new_key,
    start_trial,
    subscription,
)

UTC = dt.timezone.utc

# (start of the term, from, to, years, quantity, how far into the term)
UPGRADES = {
    "100-days-7-hours-in": (NOW, "core", "power", 1, 2, dt.timedelta(days=100, hours=7)),
    "3-years-over-a-leap-day": (
        dt.datetime(2027, 3, 1, 10, 0, tzinfo=UTC),
        "core",
        "ultimate",
        3,
        3,
        dt.timedelta(days=400, hours=23, minutes=59),
    ),
    "2-years-first-day": (dt.datetime(2027, 11, 26, 6, 0, tzinfo=UTC), "power", "ultimate", 2, 1, dt.timedelta(0)),
    "1-year-last-hour": (
        dt.datetime(2028, 5, 2, 12, 30, 15, tzinfo=UTC),
        "core",
        "ultimate",
        1,
        4,
        dt.timedelta(days=365, hours=-1),
    ),
    "exactly-on-a-day-boundary": (dt.datetime(2028, 1, 10, 0, 0, tzinfo=UTC), "core", "power", 2, 1, dt.timedelta(200)),
    "the-last-second": (NOW, "core", "ultimate", 1, 1, dt.timedelta(days=365, seconds=-1)),
}


@pytest.mark.parametrize("start, old, new, years, quantity, into", UPGRADES.values(), ids=UPGRADES.keys())
def test_a_mid_term_upgrade_is_quoted_and_charged_by_the_formula(uow, catalog, start, old, new, years, quantity, into):
    sub = bought(uow, catalog, "safe-pro", old, years, quantity, now=start)
    now = start + into
    full = (
        catalog.price(catalog.plan("safe-pro", new), years) - catalog.price(catalog.plan("safe-pro", old), years)
    ) * quantity
    term, remaining, amount = prorated(full, start, add_years(start, years), now)

    quoted = upgrades.quote(uow, catalog, now, PARTNER, sub, new)
    charged = upgrades.upgrade(uow, catalog, now, PARTNER, sub, {"plan": new}, new_key())

    expected = {
        "from_plan": old,
        "to_plan": new,
        "remaining_days": remaining,
        "term_days": term,
        "amount_cents": amount,
    }
    assert {key: quoted[key] for key in expected} == expected
    assert {key: charged[key] for key in expected} == expected  # the charge is the quote, to the cent
    assert 0 < amount <= full and (into or amount == full)
    assert charged["order"]["total_cents"] == amount and charged["order"]["kind"] == "upgrade"
    assert (charged["subscription"]["plan"], charged["subscription"]["quantity"]) == (new, quantity)
    assert ("subscription.upgraded", f"Upgraded from {old} to {new} for the rest of the term") in uow.activity()


def test_the_quote_and_the_charge_agree_on_the_same_day(uow, catalog):
    sub = bought(uow, catalog, "safe-pro", "core", 3, quantity=2)
    morning = add_years(NOW, 3) - dt.timedelta(days=500, hours=-1)

    quoted = upgrades.quote(uow, catalog, morning, PARTNER, sub, "ultimate")
    charged = upgrades.upgrade(
        uow, catalog, morning + dt.timedelta(hours=20), PARTNER, sub, {"plan": "ultimate"}, new_key()
    )

    assert quoted["remaining_days"] == 500
    assert charged["amount_cents"] == quoted["amount_cents"] == charged["order"]["total_cents"]


def test_only_an_upgrade_to_a_dearer_plan_of_an_active_subscription_of_the_product_is_possible(uow, catalog):
    top = bought(uow, catalog, "safe-pro", "ultimate", 1, account_id="account-1")
    middle = bought(uow, catalog, "safe-pro", "power", 1, account_id="account-2")
    trial = start_trial(uow, catalog, "account-3", "safe-pro", "core")["id"]
    available = bought(uow, catalog, "safe-pro", "core", 1, account_id=None)
    orders = all_orders(uow)

    for sub, plan in (
        (top, "core"),
        (top, "power"),
        (top, "ultimate"),
        (middle, "core"),
        (middle, "power"),
        (middle, "prime"),  # a plan of another product
        (trial, "ultimate"),
        (available, "ultimate"),
    ):
        with pytest.raises(Conflict):
            upgrades.quote(uow, catalog, NOW, PARTNER, sub, plan)
        with pytest.raises(Conflict):
            upgrades.upgrade(uow, catalog, NOW, PARTNER, sub, {"plan": plan}, new_key())
    with pytest.raises(ValidationFailed):
        upgrades.quote(uow, catalog, NOW, PARTNER, middle, "gold")

    assert all_orders(uow) == orders
    assert [subscription(uow, sub)["plan"] for sub in (top, middle, trial, available)] == [
        "ultimate",
        "power",
        "core",
        "core",
    ]


def test_an_upgrade_replays_with_its_key_and_refuses_the_key_for_another_body(uow, catalog):
    sub = bought(uow, catalog, "safe-pro", "core", 1)
    now, key = NOW + dt.timedelta(days=100), new_key()

    first = upgrades.upgrade(uow, catalog, now, PARTNER, sub, {"plan": "power"}, key)
    again = upgrades.upgrade(uow, catalog, now, PARTNER, sub, {"plan": "power"}, key)  # power is not dearer now

    assert again == first and subscription(uow, sub)["plan"] == "power"
    assert len(all_orders(uow)) == 2
    with pytest.raises(IdempotencyKeyReused):
        upgrades.upgrade(uow, catalog, now, PARTNER, sub, {"plan": "ultimate"}, key)


def test_an_addon_runs_to_the_expiry_pro_rated_and_replays_with_its_key(uow, catalog):
    sub = bought(uow, catalog, "safe-pro", "core", 2)
    now, key = NOW + dt.timedelta(days=300, hours=5), new_key()
    unit = catalog.price(catalog.addon("extra-computer"), 2)

    first = upgrades.buy_addon(uow, catalog, now, PARTNER, sub, {"addon": "extra-computer", "quantity": 3}, key)
    again = upgrades.buy_addon(uow, catalog, now, PARTNER, sub, {"addon": "extra-computer", "quantity": 3}, key)

    assert again == first
    assert first["order"]["total_cents"] == prorated(unit * 3, NOW, add_years(NOW, 2), now)[2]
    [addon] = subscription(uow, sub)["addons"]
    assert (addon["addon"], addon["quantity"], addon["expires_at"]) == (
        "extra-computer",
        3,
        subscription(uow, sub)["expires_at"],
    )
    assert len(all_orders(uow)) == 2
    with pytest.raises(IdempotencyKeyReused):
        upgrades.buy_addon(uow, catalog, now, PARTNER, sub, {"addon": "extra-computer", "quantity": 2}, key)


def test_a_key_is_the_partners_whatever_the_route_and_only_the_partners(uow, catalog):
    sub = bought(uow, catalog, "safe-pro", "core", 1)
    key = new_key()
    upgrades.upgrade(uow, catalog, NOW, PARTNER, sub, {"plan": "power"}, key)
    orders = all_orders(uow)

    with pytest.raises(IdempotencyKeyReused):
        upgrades.buy_addon(uow, catalog, NOW, PARTNER, sub, {"addon": "extra-computer", "quantity": 1}, key)
    with pytest.raises(IdempotencyKeyReused):
        buy(uow, catalog, ("safe", "basic", 1, 1, None), key=key)
    assert all_orders(uow) == orders and subscription(uow, sub)["addons"] == []

    other = buy(uow, catalog, ("safe", "basic", 1, 1, None), caller=OTHER_PARTNER, key=key)  # another partner's key
    assert other["lines"][0]["product"] == "safe"


def test_upgrades_and_addons_reach_nothing_of_another_partner(uow, catalog):
    sub = bought(uow, catalog, "safe-pro", "core", 1)

    with pytest.raises(NotFound):
        upgrades.quote(uow, catalog, NOW, OTHER_PARTNER, sub, "power")
    with pytest.raises(NotFound):
        upgrades.upgrade(uow, catalog, NOW, OTHER_PARTNER, sub, {"plan": "power"}, new_key())
    with pytest.raises(NotFound):
        upgrades.buy_addon(uow, catalog, NOW, OTHER_PARTNER, sub, {"addon": "extra-computer", "quantity": 1}, new_key())
    assert subscription(uow, sub)["plan"] == "core"
