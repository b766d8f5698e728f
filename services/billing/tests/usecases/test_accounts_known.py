"""Billing sells to an account without asking accounts when it knows it: one it sold to before, or
heard opened (`account_created`), the partner's own and not released. One it has not heard of yet
is for the gateway to ask accounts about; a release is never taken back by an opening heard late."""

import pytest

from portal_common.errors import AccountsToBeAsked, NotFound
from portal_common.schemas import billing as api
from portal_common.schemas import load

from billing.usecases import orders, subscriptions, trials
from services.billing.tests.usecases.sales import NOW, OTHER_PARTNER, PARTNER, all_orders, new_key


def order_for(uow, catalog, account_id, caller=PARTNER, found=None):
    """An order of one seat for the account, with accounts' answer when the gateway asked it."""
    item = {"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account_id}
    payload = load(api.OrderRequest, {"items": [item]})
    return orders.place_order(uow, catalog, NOW, caller, payload, new_key(), found)


def test_an_account_heard_opened_is_sold_to_without_asking_accounts(uow, catalog):
    subscriptions.account_opened(uow, "account-1", PARTNER["partner_id"])
    subscriptions.account_opened(uow, "account-1", PARTNER["partner_id"])  # the event again

    order = order_for(uow, catalog, "account-1")

    assert [line["account_id"] for line in order["lines"]] == ["account-1"]
    trial = trials.start_trial(
        uow, catalog, NOW, PARTNER, "account-1", load(api.TrialRequest, {"product": "safe-pro", "plan": "core"}), None
    )
    assert trial["status"] == "trial"


def test_an_account_billing_has_not_heard_of_is_for_accounts_to_answer(uow, catalog):
    with pytest.raises(AccountsToBeAsked):
        order_for(uow, catalog, "account-new")
    assert all_orders(uow) == []

    order_for(uow, catalog, "account-new", found=True)  # accounts found it: billing keeps it from now on
    assert len(order_for(uow, catalog, "account-new")["lines"]) == 1
    with pytest.raises(NotFound):
        order_for(uow, catalog, "account-gone", found=False)
    with pytest.raises(AccountsToBeAsked):  # an account accounts did not find is not kept
        order_for(uow, catalog, "account-gone")
    assert len(all_orders(uow)) == 2


def test_another_partners_account_is_not_found(uow, catalog):
    subscriptions.account_opened(uow, "account-1", OTHER_PARTNER["partner_id"])
    with pytest.raises(NotFound):
        order_for(uow, catalog, "account-1")
    with pytest.raises(NotFound):
        trials.start_trial(
            uow, catalog, NOW, PARTNER, "account-1", load(api.TrialRequest, {"product": "safe", "plan": "basic"}), None
        )
    assert all_orders(uow) == [] and len(order_for(uow, catalog, "account-1", caller=OTHER_PARTNER)["lines"]) == 1


def test_a_released_account_is_not_sold_to_even_when_its_opening_is_heard_after(uow, catalog):
    subscriptions.account_opened(uow, "account-1", PARTNER["partner_id"])
    subscriptions.account_released(uow, "account-1", PARTNER["partner_id"])
    subscriptions.account_released(uow, "account-2", PARTNER["partner_id"])  # never opened as far as billing knew
    subscriptions.account_opened(uow, "account-2", PARTNER["partner_id"])  # heard late

    for account_id in ("account-1", "account-2"):
        with pytest.raises(NotFound):
            order_for(uow, catalog, account_id)
    assert all_orders(uow) == []


def test_once_a_release_begins_accounts_is_asked_until_billing_hears_it_done(uow, catalog):
    subscriptions.account_opened(uow, "account-1", PARTNER["partner_id"])
    subscriptions.account_releasing(uow, "account-1", OTHER_PARTNER["partner_id"])  # not theirs: nothing
    assert len(order_for(uow, catalog, "account-1")["lines"]) == 1

    subscriptions.account_releasing(uow, "account-1", PARTNER["partner_id"])
    with pytest.raises(AccountsToBeAsked):  # the release may have happened: only accounts can tell
        order_for(uow, catalog, "account-1")
    assert len(order_for(uow, catalog, "account-1", found=True)["lines"]) == 1  # it did not happen

    subscriptions.account_released(uow, "account-1", PARTNER["partner_id"])
    for found in (None, True):  # a release is for good, whatever accounts answered a moment before
        with pytest.raises(NotFound):
            order_for(uow, catalog, "account-1", found=found)
    assert len(all_orders(uow)) == 2


def test_a_trial_is_turned_into_a_paid_subscription_without_asking_accounts(uow, catalog):
    subscriptions.account_opened(uow, "account-1", PARTNER["partner_id"])
    request = load(api.TrialRequest, {"product": "safe", "plan": "basic"})
    trials.start_trial(uow, catalog, NOW, PARTNER, "account-1", request, None)
    buying = load(api.TrialUpgradeRequest, {"term_years": 1})

    upgraded = trials.upgrade_trial(uow, catalog, NOW, PARTNER, "account-1", buying, new_key(), None)

    assert upgraded["subscription"]["status"] == "active"
    subscriptions.account_released(uow, "account-1", PARTNER["partner_id"])
    with pytest.raises(NotFound):
        trials.upgrade_trial(uow, catalog, NOW, PARTNER, "account-1", buying, new_key(), None)


def test_an_order_for_several_accounts_is_sold_only_when_each_is_the_partners_live_one(uow, catalog):
    subscriptions.account_opened(uow, "account-1", PARTNER["partner_id"])
    subscriptions.account_opened(uow, "account-2", PARTNER["partner_id"])
    subscriptions.account_opened(uow, "account-3", OTHER_PARTNER["partner_id"])

    def order_for_each(*account_ids):
        items = [
            {"product": "safe", "plan": "basic", "term_years": 1, "quantity": 1, "account_id": account_id}
            for account_id in account_ids
        ]
        return orders.place_order(uow, catalog, NOW, PARTNER, load(api.OrderRequest, {"items": items}), new_key(), None)

    order = order_for_each("account-1", "account-2")
    assert [line["account_id"] for line in order["lines"]] == ["account-1", "account-2"]
    with pytest.raises(NotFound):
        order_for_each("account-1", "account-3")  # another partner's
    with pytest.raises(AccountsToBeAsked):
        order_for_each("account-1", "account-new")  # not heard of yet
    assert len(all_orders(uow)) == 1
