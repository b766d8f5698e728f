"""Subscriptions: the list's filters and the renewals view, auto-renew switched for a selection, the
seats an account's subscriptions give, and what releasing an account does to its subscriptions."""

import datetime as dt

import pytest

from portal_common.errors import Conflict, NotFound
from portal_common.events import iso

from billing.domain.terms import add_years
from billing.usecases import renewals, subscriptions, upgrades
from services.billing.tests.usecases.sales import (
    MINUTE,
    NOW,
    OTHER_PARTNER,
    PARTNER,
    bought,
    buy,
    listed,
    new_key,
    start_trial,
    subscription,
)

NO_SEATS = {"seats": 0, "server_seats": 0}


def listed_ids(uow, **query):
    return [item["id"] for item in listed(uow, **query)["items"]]


def test_the_list_filters_by_status_account_and_auto_renew_in_id_order(uow, catalog):
    order = buy(
        uow,
        catalog,
        ("safe", "basic", 1, 1, "account-1"),
        ("safe", "plus", 1, 1, None),
        ("safe-pro", "core", 2, 1, "account-2"),
        ("safe", "prime", 1, 1, None),
    )
    active_1, stocked_1, active_2, stocked_2 = (line["subscription_id"] for line in order["lines"])
    trial = start_trial(uow, catalog, "account-3", "safe-server", "server")["id"]
    subscriptions.set_auto_renew(uow, NOW, PARTNER, active_2, False)
    theirs = bought(uow, catalog, "safe", "basic", 1, account_id=None, caller=OTHER_PARTNER)

    assert listed_ids(uow) == [active_1, stocked_1, active_2, stocked_2, trial]
    assert listed_ids(uow, status="available") == [stocked_1, stocked_2]
    assert listed_ids(uow, status="active", account_id="account-2") == [active_2]
    assert listed_ids(uow, status="available", account_id="account-2") == []
    assert listed_ids(uow, account_id="account-3") == [trial]
    assert listed_ids(uow, auto_renew="false") == [active_2, trial]
    assert listed_ids(uow, auto_renew="true", status="active") == [active_1]
    assert listed_ids(uow, caller=OTHER_PARTNER) == [theirs]
    first_page = listed(uow, limit=3)
    assert [item["id"] for item in first_page["items"]] == [active_1, stocked_1, active_2]
    assert listed_ids(uow, limit=3, cursor=first_page["next_cursor"]) == [stocked_2, trial]


def test_the_renewals_view_is_what_expires_before_a_time_soonest_first_page_by_page(uow, catalog):
    three_years = bought(uow, catalog, "safe", "basic", 3, account_id="account-1")
    one_year = bought(uow, catalog, "safe", "basic", 1, account_id="account-2")
    one_year_later = bought(uow, catalog, "safe", "basic", 1, account_id="account-3", now=NOW + dt.timedelta(days=30))
    bought(uow, catalog, "safe", "basic", 1, account_id=None)  # in the inventory: it does not expire
    trial = start_trial(uow, catalog, "account-4", "safe", "basic")["id"]  # ends first, renews not
    before = iso(add_years(NOW, 2))

    first_page = listed(uow, expires_before=before, limit=2)
    last_page = listed(uow, expires_before=before, limit=2, cursor=first_page["next_cursor"])

    assert [item["id"] for item in first_page["items"] + last_page["items"]] == [trial, one_year, one_year_later]
    assert last_page["next_cursor"] is None
    assert listed_ids(uow, expires_before=before, auto_renew="true") == [one_year, one_year_later]
    assert listed_ids(uow, expires_before=iso(add_years(NOW, 1))) == [trial]  # before, not at
    assert three_years in listed_ids(uow, expires_before=iso(add_years(NOW, 3) + MINUTE))


def test_auto_renew_switched_for_a_selection_changes_those_alone(uow, catalog):
    subs = [bought(uow, catalog, "safe", "basic", 1, account_id=f"account-{n}") for n in range(4)]
    selection = subs[1:3]

    for sub in selection:
        subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, False)
    assert [subscription(uow, sub)["auto_renew"] for sub in subs] == [True, False, False, True]
    assert listed_ids(uow, expires_before=iso(add_years(NOW, 2)), auto_renew="false") == selection
    for sub in subs:  # all of them on: only those that were off change
        subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, True)

    switched = [summary for kind, summary in uow.activity() if kind == "subscription.auto_renew_changed"]
    assert switched == ["Auto-renew switched off"] * 2 + ["Auto-renew switched on"] * 2
    with pytest.raises(NotFound):
        subscriptions.set_auto_renew(uow, NOW, OTHER_PARTNER, subs[0], False)
    assert all(subscription(uow, sub)["auto_renew"] for sub in subs)


def test_an_accounts_seats_are_what_its_running_subscriptions_and_their_addons_give(uow, catalog):
    core = bought(uow, catalog, "safe-pro", "core", 1, quantity=2)  # 2 × 5 computers
    bought(uow, catalog, "safe-server", "server", 1)  # 1 computer and its server
    start_trial(uow, catalog, "account-1", "safe", "basic")  # 1 computer, while it runs
    bought(uow, catalog, "safe", "plus", 1, account_id="account-2")
    bought(uow, catalog, "safe-pro", "ultimate", 1, account_id=None)

    def seats(account_id="account-1", caller=PARTNER):
        return subscriptions.account_seats(uow, catalog, caller, account_id)

    def told():  # what accounts was last told of account-1
        changed = [event for event in uow.events("subscription_changed") if event["id"] == "account-1"][-1]
        return {"seats": changed["seats"], "server_seats": changed["server_seats"]}

    assert seats() == told() == {"seats": 12, "server_seats": 1}
    upgrades.buy_addon(uow, catalog, NOW, PARTNER, core, {"addon": "extra-server", "quantity": 2}, new_key())
    assert seats() == told() == {"seats": 14, "server_seats": 3}
    renewals.run_renewals(uow, catalog, NOW + dt.timedelta(days=catalog.trial_days) + MINUTE)  # the trial ends
    assert seats() == told() == {"seats": 13, "server_seats": 3}
    assert seats("account-2") == {"seats": 1, "server_seats": 0}
    assert seats(caller=OTHER_PARTNER) == NO_SEATS
    assert seats("account-9") == NO_SEATS  # billing has sold nothing to it


def test_accounts_is_told_of_the_latest_subscription_and_an_ended_ones_addons_give_nothing(uow, catalog):
    """The summary is added up in the database: the latest subscription by start (then id, for two
    started by one order), and only running subscriptions' plans and add-ons count."""
    ending = bought(uow, catalog, "safe-pro", "core", 1)
    upgrades.buy_addon(uow, catalog, NOW, PARTNER, ending, {"addon": "extra-server", "quantity": 2}, new_key())
    subscriptions.set_auto_renew(uow, NOW, PARTNER, ending, False)
    later = NOW + dt.timedelta(days=30)
    buy(uow, catalog, ("safe", "basic", 2, 1, "account-1"), ("safe", "plus", 2, 3, "account-1"), now=later)

    def told():  # what accounts was last told of account-1
        return [event for event in uow.events("subscription_changed") if event["id"] == "account-1"][-1]

    def computers(plan):
        return catalog.plan("safe", plan).computers_included

    extra_server = catalog.addon("extra-server")
    with_core = (
        catalog.plan("safe-pro", "core").computers_included
        + 2 * extra_server.computers_included
        + computers("basic")
        + 3 * computers("plus")
    )
    summary = told()
    assert (summary["status"], summary["product"], summary["plan"]) == ("active", "safe", "plus")
    assert summary["expires_at"] == iso(add_years(later, 2))
    assert (summary["seats"], summary["server_seats"]) == (with_core, 2 * extra_server.servers_included)

    renewals.run_renewals(uow, catalog, add_years(NOW, 1) + MINUTE)  # the core subscription ends
    assert subscription(uow, ending)["status"] == "expired"
    summary = told()
    assert (summary["status"], summary["plan"]) == ("active", "plus")  # still the latest
    assert (summary["seats"], summary["server_seats"]) == (computers("basic") + 3 * computers("plus"), 0)
    assert subscriptions.account_seats(uow, catalog, PARTNER, "account-1") == {
        "seats": summary["seats"],
        "server_seats": 0,
    }


def test_releasing_an_account_stops_its_renewals_and_changes_and_leaves_other_accounts_alone(uow, catalog):
    kept = bought(uow, catalog, "safe-pro", "core", 1, account_id="account-1")
    released = [
        bought(uow, catalog, "safe-pro", "core", 1, account_id="account-2"),
        bought(uow, catalog, "safe", "basic", 2, account_id="account-2"),
    ]

    subscriptions.account_released(uow, "account-2", PARTNER["partner_id"])

    assert [subscription(uow, sub)["auto_renew"] for sub in (kept, *released)] == [True, False, False]
    assert [sub["id"] for sub in subscriptions.account_subscriptions(uow, PARTNER, "account-2")] == released
    assert subscriptions.account_subscriptions(uow, OTHER_PARTNER, "account-2") == []
    for change in (
        lambda sub: upgrades.quote(uow, catalog, NOW, PARTNER, sub, "power"),  # a price it would not honour
        lambda sub: upgrades.upgrade(uow, catalog, NOW, PARTNER, sub, {"plan": "power"}, new_key()),
        lambda sub: upgrades.buy_addon(
            uow, catalog, NOW, PARTNER, sub, {"addon": "extra-computer", "quantity": 1}, new_key()
        ),
        lambda sub: subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, True),
    ):
        with pytest.raises(Conflict, match="released"):
            change(released[0])
        change(kept)
    assert subscription(uow, released[0])["plan"] == "core"
    assert subscription(uow, kept)["plan"] == "power"
