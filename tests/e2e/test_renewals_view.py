"""The renewals view (API.md 1.1): `GET /v1/subscriptions?expires_before=&auto_renew=` answers the
subscriptions expiring before a time, soonest first, paging in that order, filtered by auto-renew
(with the list's other filters too). Bad values are 400 with the field named."""

import datetime as dt

import pytest

from tests.e2e.test_billing_helpers import buy, item, open_account, start_clock, start_trial
from tests.flows import assert_error, sign_up

pytestmark = pytest.mark.e2e
ISO = "%Y-%m-%dT%H:%M:%SZ"
DAY = dt.timedelta(days=1)


def iso(when):
    return when.strftime(ISO)


def walk(actor, limit, **params):
    """Every item, `limit` at a time; answers (items, pages)."""
    items, pages, cursor = [], 0, None
    while True:
        response = actor.client.get(
            "/v1/subscriptions", params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= limit
        items, pages, cursor = items + body["items"], pages + 1, body["next_cursor"]
        if cursor is None:
            return items, pages


def ids(items):
    return [entry["id"] for entry in items]


def soonest_first(items):
    return sorted(items, key=lambda entry: (entry["expires_at"], entry["id"]))


class Book:
    """A partner's subscriptions with expiries over three years, several of them at the same moment
    (the lines of one order), a trial, some not renewing, and an inventory that has not started."""

    def __init__(self, system, clock):
        self.now = start_clock(clock)
        self.owner = sign_up(system)
        accounts = [open_account(self.owner, name=f"Customer {n}") for n in range(6)]
        self.trial = start_trial(self.owner, accounts[0]["id"], "safe-pro", "core")
        # One order: three lines expiring at the same second, one year from now.
        same_moment = buy(self.owner, *[item("safe", "basic", 1, 1, account["id"]) for account in accounts[1:4]])
        self.tied = [line["subscription_id"] for line in same_moment["lines"]]
        self.two_years = self.bought(item("safe-pro", "power", 2, 1, accounts[4]["id"]))
        self.three_years = self.bought(item("safe", "plus", 3, 2, accounts[5]["id"]))
        buy(self.owner, item("safe", "basic", 1, 1), item("safe", "plus", 2, 1))  # the inventory: no expiry yet
        for subscription_id in (self.tied[1], self.three_years):
            response = self.owner.client.patch(f"/v1/subscriptions/{subscription_id}", json={"auto_renew": False})
            assert response.status_code == 200, response.text
        self.everything, _ = walk(self.owner, 200)

    def bought(self, line):
        return buy(self.owner, line)["lines"][0]["subscription_id"]


@pytest.fixture(scope="module")
def book(system):
    """One book for the module: its tests only read it, and none moves the clock far."""
    return Book(system, system.clock)


def test_expires_before_lists_what_expires_by_then_soonest_first(book):
    before = iso(book.now + 800 * DAY)
    items, _ = walk(book.owner, 200, expires_before=before)
    assert ids(items) == ids(
        soonest_first(entry for entry in book.everything if entry["expires_at"] and entry["expires_at"] < before)
    )
    assert ids(items)[0] == book.trial["id"] and ids(items)[1:4] == sorted(book.tied)
    assert ids(items)[-1] == book.two_years and book.three_years not in ids(items)


def test_the_soonest_first_order_pages_through_ties_without_gaps_or_repeats(book):
    whole, _ = walk(book.owner, 200, expires_before=iso(book.now + 4000 * DAY))
    assert len(whole) == 6
    for limit in (1, 2, 4):
        paged, pages = walk(book.owner, limit, expires_before=iso(book.now + 4000 * DAY))
        assert ids(paged) == ids(whole) and pages == -(-len(whole) // limit)


def test_an_expiry_at_the_very_time_given_is_not_before_it(book):
    tied_expiry = next(entry["expires_at"] for entry in book.everything if entry["id"] == book.tied[0])
    items, _ = walk(book.owner, 200, expires_before=tied_expiry)
    assert ids(items) == [book.trial["id"]]
    later = iso(dt.datetime.strptime(tied_expiry, ISO) + dt.timedelta(seconds=1))
    assert ids(walk(book.owner, 200, expires_before=later)[0]) == [book.trial["id"], *sorted(book.tied)]


@pytest.mark.parametrize("auto_renew", [True, False])
def test_auto_renew_filters_with_or_without_an_expiry(book, auto_renew):
    wanted = "true" if auto_renew else "false"
    items, _ = walk(book.owner, 2, auto_renew=wanted)
    assert ids(items) == sorted(entry["id"] for entry in book.everything if entry["auto_renew"] is auto_renew)
    before = iso(book.now + 4000 * DAY)
    items, _ = walk(book.owner, 2, auto_renew=wanted, expires_before=before)
    assert ids(items) == ids(
        soonest_first(entry for entry in book.everything if entry["expires_at"] and entry["auto_renew"] is auto_renew)
    )


def test_the_other_filters_still_apply(book):
    before = iso(book.now + 4000 * DAY)
    active, _ = walk(book.owner, 200, expires_before=before, status="active")
    assert book.trial["id"] not in ids(active) and len(active) == 5
    trials, _ = walk(book.owner, 200, expires_before=before, status="trial")
    assert ids(trials) == [book.trial["id"]]
    one, _ = walk(book.owner, 200, expires_before=before, account_id=book.trial["account_id"])
    assert ids(one) == [book.trial["id"]]


def test_another_partners_view_is_its_own(book, system):
    other = sign_up(system)
    assert walk(other, 200, expires_before=iso(book.now + 4000 * DAY))[0] == []


def test_without_expires_before_the_list_keeps_its_id_order(book):
    assert ids(book.everything) == sorted(ids(book.everything)) and len(book.everything) == 8


@pytest.mark.parametrize(
    "params, field",
    [
        ({"expires_before": "next week"}, "expires_before"),
        ({"expires_before": "2027-01-01T00:00:00"}, "expires_before"),  # no time zone
        ({"expires_before": ""}, "expires_before"),
        ({"auto_renew": "yes"}, "auto_renew"),
        ({"auto_renew": "1"}, "auto_renew"),
        ({"auto_renew": "TRUE"}, "auto_renew"),
        ({"expires_before": "2027-01-01T00:00:00Z", "cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_values_are_400_naming_the_field(system, params, field):
    owner = sign_up(system)
    error = assert_error(owner.client.get("/v1/subscriptions", params=params), 400, "validation_error")
    assert list(error["details"]) == [field] and error["details"][field]


def test_a_cursor_of_the_id_ordered_list_is_not_one_of_the_renewals_view(book):
    page = book.owner.client.get("/v1/subscriptions", params={"limit": 1}).json()
    assert_error(
        book.owner.client.get(
            "/v1/subscriptions",
            params={"limit": 1, "cursor": page["next_cursor"], "expires_before": iso(book.now + DAY)},
        ),
        400,
        "validation_error",
    )
