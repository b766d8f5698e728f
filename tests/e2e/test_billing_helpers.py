"""What the billing end-to-end tests share: an independent oracle of the contract's money rules
(term price, order amounts, pro-rating) and small HTTP steps (accounts, trials, orders, polling).

The oracle is written from API.md alone, with integer arithmetic only: it never asks the product how
to compute a price. The few tests at the bottom pin the oracle itself to hand-worked numbers, so a
mistake in it cannot make a product bug look right.

The other `test_billing_*` modules import from here; this module boots no system of its own.
"""

import datetime as dt
import time
import uuid

import pytest

from portal_common.clock import utc_now
from tests.flows import assert_iso_utc, sign_in_token

DAY = dt.timedelta(days=1)
SECONDS_PER_DAY = 24 * 60 * 60
POLL_SECONDS = 2.0  # the contract: GET /v1/accounts shows billing's changes within 2 seconds
RENEWAL_SECONDS = 6.0  # the renewal timer runs every 0.2 s in tests; leave room for a slow machine
ORDER_KEYS = {"id", "created_at", "currency", "total_cents", "lines"}
LINE_KEYS = {
    "product",
    "plan",
    "term_years",
    "quantity",
    "unit_price_cents",
    "amount_cents",
    "account_id",
    "subscription_id",
}
SUBSCRIPTION_KEYS = {
    "id",
    "product",
    "plan",
    "term_years",
    "quantity",
    "status",
    "account_id",
    "starts_at",
    "expires_at",
    "auto_renew",
    "addons",
}
QUOTE_KEYS = {"from_plan", "to_plan", "remaining_days", "term_days", "amount_cents"}


# --- the oracle: the contract's formulas, integers only -------------------------------------------------------


def round_half_up(numerator, denominator):
    """numerator / denominator rounded half up (both non-negative integers), by long division."""
    assert isinstance(numerator, int) and isinstance(denominator, int) and numerator >= 0 and denominator > 0
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


def discount_of(catalog, years):
    matches = [term["discount_percent"] for term in catalog["terms"] if term["years"] == years]
    assert len(matches) == 1, (years, catalog["terms"])
    return matches[0]


def plan_of(catalog, product_id, plan_id):
    product = next(p for p in catalog["products"] if p["id"] == product_id)
    return next(plan for plan in product["plans"] if plan["id"] == plan_id)


def addon_of(catalog, addon_id):
    return next(addon for addon in catalog["addons"] if addon["id"] == addon_id)


def term_price(catalog, priced, years):
    """`annual_price_cents × years × (100 − discount_percent) / 100`, rounded half up to a cent."""
    return round_half_up(priced["annual_price_cents"] * years * (100 - discount_of(catalog, years)), 100)


def plan_price(catalog, product_id, plan_id, years):
    return term_price(catalog, plan_of(catalog, product_id, plan_id), years)


def add_years(when, years):
    """The same day and time `years` later (tests never start a term on 29 February)."""
    return when.replace(year=when.year + years)


def _seconds(delta):
    assert delta.microseconds == 0, "the tests keep the clock on whole seconds"
    return delta.days * SECONDS_PER_DAY + delta.seconds


def term_days(starts_at, expires_at):
    """Whole days from `starts_at` to `expires_at`."""
    return _seconds(expires_at - starts_at) // SECONDS_PER_DAY


def remaining_days(now, expires_at):
    """Days from now to `expires_at`, a started day counting whole."""
    return -(-_seconds(expires_at - now) // SECONDS_PER_DAY)


def prorated(full_cents, starts_at, expires_at, now):
    """(term_days, remaining_days, amount_cents) as the contract's pro-rating defines them."""
    term, remaining = term_days(starts_at, expires_at), remaining_days(now, expires_at)
    return term, remaining, round_half_up(full_cents * remaining, term)


# --- time -------------------------------------------------------------------------------------------------------


def start_clock(clock, when=None):
    """Put the fake clock on a whole second (the contract's times have no fractions) and answer it.
    Never on 29 February, whose 'same day a year later' the contract leaves open."""
    when = (when or utc_now()).replace(microsecond=0)
    if (when.month, when.day) == (2, 29):
        when += DAY
    clock.set(when)
    return when


def at(value):
    return assert_iso_utc(value)


def eventually(probe, timeout=POLL_SECONDS, interval=0.05, what="the condition"):
    """Call `probe` until it answers something truthy, for at most `timeout` seconds; answers that."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s (last: {result!r})")
        time.sleep(interval)


def refresh(actor):
    """Sign `actor` in again (sessions last 12 hours of the fake clock): answers the actor."""
    actor.token = sign_in_token(actor.system, actor.email, actor.password)
    return actor


# --- HTTP steps -------------------------------------------------------------------------------------------------


def new_key():
    return f"key-{uuid.uuid4()}"


def get_catalog(actor):
    response = actor.client.get("/v1/catalog")
    assert response.status_code == 200, response.text
    return response.json()


def open_account(actor, name=None, trial=None, **extra):
    """A new customer account of `actor`'s partner; with `trial=(product, plan)` a trial on it."""
    response = actor.client.post(
        "/v1/accounts",
        json={
            "name": name or f"Customer {uuid.uuid4().hex[:6]}",
            "contact_email": "it@customer.test",
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    account = response.json()
    if trial:
        start_trial(actor, account["id"], *trial)
    return account


def start_trial(actor, account_id, product, plan):
    response = actor.client.post(f"/v1/accounts/{account_id}/trials", json={"product": product, "plan": plan})
    assert response.status_code == 201, response.text
    return response.json()


def post_order(actor, items, key="new"):
    headers = {"Idempotency-Key": new_key() if key == "new" else key} if key is not None else {}
    return actor.client.post("/v1/orders", json={"items": items}, headers=headers)


def buy(actor, *items):
    """Place an order of `items` (dicts); answers the 201 body."""
    response = post_order(actor, list(items))
    assert response.status_code == 201, response.text
    return response.json()


def item(product="safe-pro", plan="core", term_years=1, quantity=1, account_id=None):
    line = {"product": product, "plan": plan, "term_years": term_years, "quantity": quantity}
    if account_id is not None:
        line["account_id"] = account_id
    return line


def all_orders(actor):
    response = actor.client.get("/v1/orders", params={"limit": 200})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None, "more than 200 orders in one test"
    return body["items"]


def subscriptions(actor, **params):
    response = actor.client.get("/v1/subscriptions", params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def subscription(actor, subscription_id):
    response = actor.client.get(f"/v1/subscriptions/{subscription_id}")
    assert response.status_code == 200, response.text
    return response.json()


def account_item(actor, account_id):
    """The account as `GET /v1/accounts` lists it (or None)."""
    response = actor.client.get("/v1/accounts", params={"limit": 200})
    assert response.status_code == 200, response.text
    return next((item for item in response.json()["items"] if item["id"] == account_id), None)


def wait_for_account(actor, account_id, timeout=POLL_SECONDS, **expected):
    """Poll `GET /v1/accounts` until the account's columns are `expected`; answers the item."""

    def probe():
        found = account_item(actor, account_id)
        return found if found and all(found[key] == value for key, value in expected.items()) else None

    try:
        return eventually(probe, timeout=timeout, what=f"account {account_id} showing {expected}")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the list shows {account_item(actor, account_id)}") from None


def add_computer(actor, account_id, kind="workstation", name=None):
    return actor.client.post(
        f"/v1/accounts/{account_id}/computers",
        json={"name": name or f"{kind.upper()}-{uuid.uuid4().hex[:4]}", "kind": kind},
    )


def assert_status_error(response, status):
    """The contract's error body with `status`, whatever its (snake_case) code; answers the code."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    code = body["error"]["code"]
    assert code and code == code.lower() and " " not in code, code
    return code


def assert_subscription_shape(body):
    assert SUBSCRIPTION_KEYS <= set(body), body
    assert isinstance(body["addons"], list)
    assert isinstance(body["auto_renew"], bool)
    for field in ("starts_at", "expires_at"):
        if body[field] is not None:
            at(body[field])
    return body


def assert_order_shape(body):
    assert ORDER_KEYS <= set(body), body
    at(body["created_at"])
    for line in body["lines"]:
        assert LINE_KEYS <= set(line), line
        for money in ("unit_price_cents", "amount_cents"):
            assert type(line[money]) is int, line
    assert type(body["total_cents"]) is int
    assert body["total_cents"] == sum(line["amount_cents"] for line in body["lines"])
    return body


# --- the oracle, pinned to numbers worked by hand -----------------------------------------------------------------


@pytest.mark.parametrize(
    "numerator, denominator, expected",
    [
        (50, 100, 1),
        (49, 100, 0),
        (150, 100, 2),
        (250, 100, 3),
        (2250, 100, 23),
        (1295820, 100, 12958),
        (7292745, 100, 72927),
        (0, 7, 0),
        (7, 7, 1),
        (38241 * 548, 1096, 19121),
    ],
)
def test_the_oracle_rounds_half_up(numerator, denominator, expected):
    assert round_half_up(numerator, denominator) == expected


def test_the_oracle_prices_terms_and_days_as_worked_by_hand():
    catalog = {
        "terms": [{"years": 1, "discount_percent": 0}, {"years": 3, "discount_percent": 15}],
        "products": [{"id": "p", "plans": [{"id": "x", "annual_price_cents": 28599}]}],
    }
    assert plan_price(catalog, "p", "x", 1) == 28599
    assert plan_price(catalog, "p", "x", 3) == 72927  # 28599 × 3 × 0.85 = 72927.45
    start = dt.datetime(2028, 3, 1, 10, 0, tzinfo=dt.timezone.utc)
    assert term_days(start, add_years(start, 1)) == 365
    leap = dt.datetime(2027, 11, 26, 6, 0, tzinfo=dt.timezone.utc)
    assert term_days(leap, add_years(leap, 1)) == 366  # 29 February 2028 is inside
    assert term_days(leap, add_years(leap, 3)) == 1096
    assert remaining_days(start + dt.timedelta(days=100, hours=7), add_years(start, 1)) == 265
    assert remaining_days(start + dt.timedelta(days=100), add_years(start, 1)) == 265
    assert remaining_days(start + dt.timedelta(days=100, seconds=1), add_years(start, 1)) == 265
    assert remaining_days(start + dt.timedelta(days=99, hours=23), add_years(start, 1)) == 266
    assert prorated(31400, start, add_years(start, 1), start + dt.timedelta(days=100, hours=7)) == (365, 265, 22797)
