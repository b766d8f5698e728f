"""Trials: one running subscription of a product per account, one free trial per product, and the two
ways a trial becomes paid (an inventory subscription, claimed once; or a purchase, once per key)."""

import pytest

from portal_common.errors import AlreadySubscribed, Conflict, IdempotencyKeyReused, NotAvailable, TrialUsed
from portal_common.events import iso

from billing.domain.terms import add_years
from billing.usecases import idempotency, renewals
from services.billing.tests.usecases.sales import (
    MINUTE,
    NOW,
    PARTNER,
    all_orders,
    bought,
    new_key,
    start_trial,
    subscription,
    upgrade_trial,
)


def test_a_trial_runs_for_the_catalogs_days_without_auto_renew(uow, catalog):
    trial = start_trial(uow, catalog, "account-1", "safe-pro", "power")

    assert (trial["status"], trial["plan"], trial["term_years"], trial["auto_renew"]) == ("trial", "power", None, False)
    assert trial["expires_at"] == iso(NOW + catalog.trial_days * 24 * 60 * MINUTE)
    assert uow.activity() == [("trial.started", f"Started a {catalog.trial_days}-day trial of safe-pro power")]
    assert uow.events("subscription_changed")[-1]["status"] == "trial"


def test_one_trial_or_active_subscription_of_a_product_at_a_time_and_one_free_trial(uow, catalog):
    start_trial(uow, catalog, "account-1", "safe-pro", "core")
    with pytest.raises(AlreadySubscribed):
        start_trial(uow, catalog, "account-1", "safe-pro", "power")
    start_trial(uow, catalog, "account-1", "safe", "basic")  # another product
    bought(uow, catalog, "safe-server", "server", 1, account_id="account-2")
    with pytest.raises(AlreadySubscribed):
        start_trial(uow, catalog, "account-2", "safe-server", "server")

    renewals.run_renewals(uow, catalog, NOW + (catalog.trial_days * 24 * 60 + 1) * MINUTE)
    with pytest.raises(TrialUsed):
        start_trial(uow, catalog, "account-1", "safe-pro", "core")


def test_an_inventory_subscription_ends_the_trial_and_is_claimed_once(uow, catalog):
    trial = start_trial(uow, catalog, "account-1", "safe-pro", "core")["id"]
    start_trial(uow, catalog, "account-2", "safe-pro", "core")
    available = bought(uow, catalog, "safe-pro", "power", 2, account_id=None)
    orders = all_orders(uow)

    answer = upgrade_trial(uow, catalog, "account-1", {"subscription_id": available})

    paid = answer["subscription"]
    assert answer["order"] is None and all_orders(uow) == orders  # paid for already
    assert (paid["id"], paid["status"], paid["account_id"]) == (available, "active", "account-1")
    assert (paid["starts_at"], paid["expires_at"]) == (iso(NOW), iso(add_years(NOW, 2)))
    ended = subscription(uow, trial)
    assert (ended["status"], ended["converted_to"]) == ("expired", available)
    for account_id in ("account-2", "account-1"):
        with pytest.raises(NotAvailable):
            upgrade_trial(uow, catalog, account_id, {"subscription_id": available})
    assert subscription(uow, available)["account_id"] == "account-1"


def test_an_inventory_subscription_of_another_product_does_not_end_the_trial(uow, catalog):
    trial = start_trial(uow, catalog, "account-1", "safe-pro", "core")["id"]
    available = bought(uow, catalog, "safe", "basic", 1, account_id=None)

    with pytest.raises(Conflict):
        upgrade_trial(uow, catalog, "account-1", {"subscription_id": available})

    assert subscription(uow, available)["status"] == "available"
    assert subscription(uow, trial)["status"] == "trial"


def test_buying_without_a_plan_keeps_the_trials_plan_and_replays_with_its_key(uow, catalog):
    trial = start_trial(uow, catalog, "account-1", "safe-pro", "power")["id"]
    key = new_key()

    first = upgrade_trial(uow, catalog, "account-1", {"term_years": 1}, key)
    again = upgrade_trial(uow, catalog, "account-1", {"term_years": 1}, key)

    assert again == first
    paid = first["subscription"]
    assert (paid["plan"], paid["term_years"], paid["expires_at"]) == ("power", 1, iso(add_years(NOW, 1)))
    assert [order["total_cents"] for order in all_orders(uow)] == [catalog.price(catalog.plan("safe-pro", "power"), 1)]
    assert subscription(uow, trial)["converted_to"] == paid["id"]
    with pytest.raises(IdempotencyKeyReused):
        upgrade_trial(uow, catalog, "account-1", {"term_years": 3}, key)
    with pytest.raises(Conflict):  # the trial is over: nothing left to buy from
        upgrade_trial(uow, catalog, "account-1", {"term_years": 1}, new_key())
    assert len(all_orders(uow)) == 1


def test_a_refusal_is_the_keys_answer_and_charges_nothing_when_the_state_changes(uow, catalog):
    """The same key and body replay the first answer, a 409 too: a retry after a trial has started
    since is refused as the first request was, not charged; a new key buys."""
    key = new_key()
    with pytest.raises(Conflict) as first:
        upgrade_trial(uow, catalog, "account-1", {"term_years": 1}, key)
    start_trial(uow, catalog, "account-1", "safe-pro", "power")

    with pytest.raises(Conflict) as again:
        upgrade_trial(uow, catalog, "account-1", {"term_years": 1}, key)
    assert (type(again.value), again.value.message, again.value.details) == (
        type(first.value),
        first.value.message,
        first.value.details,
    )
    with pytest.raises(IdempotencyKeyReused):  # the key is spent on that body
        upgrade_trial(uow, catalog, "account-1", {"term_years": 2}, key)
    assert all_orders(uow) == []
    assert upgrade_trial(uow, catalog, "account-1", {"term_years": 1}, new_key())["subscription"]["status"] == "active"


def test_an_inventory_subscription_two_requests_read_as_available_is_claimed_by_one(uow, catalog):
    start_trial(uow, catalog, "account-1", "safe-pro", "core")
    available = bought(uow, catalog, "safe-pro", "power", 1, account_id=None)
    upgrade_trial(uow, catalog, "account-1", {"subscription_id": available})

    with uow:  # the second request, which read it as available before the first claimed it
        claimed = uow.subscriptions.claim_available(
            PARTNER["partner_id"], available, "account-2", NOW, add_years(NOW, 1)
        )

    assert claimed is False
    assert subscription(uow, available)["account_id"] == "account-1"


def test_a_refusal_met_after_a_twin_with_the_key_bought_answers_what_the_twin_bought(uow, catalog):
    """A retry racing its first request waits on its lock, then finds the trial gone: it answers the
    purchase the first made (kept with the key), not a refusal of what was bought."""
    partner_id = PARTNER["partner_id"]
    with uow:
        idempotency.remember(uow, partner_id, "k-twin", "digest", {"bought": "by the twin"}, NOW)
        uow.commit()

    def refused():
        raise Conflict("The account has no trial to upgrade.")

    assert idempotency.refusals_kept(uow, partner_id, "k-twin", "digest", NOW, refused) == {"bought": "by the twin"}
    with pytest.raises(Conflict):  # a key of its own: the refusal is kept and raised
        idempotency.refusals_kept(uow, partner_id, "k-alone", "digest", NOW, refused)
    with pytest.raises(Conflict, match="no trial"):
        idempotency.replayed(uow, partner_id, "k-alone", "digest")
