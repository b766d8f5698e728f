"""Warnings that something ends, given by the billing timer: a subscription that will not renew 30 and
then 7 days before, a trial 3 days before, each once per expiry, and none for a released account."""

import datetime as dt

from portal_common.events import iso

from billing.domain.terms import add_years
from billing.usecases import renewals, subscriptions, warnings
from services.billing.tests.usecases.sales import MINUTE, NOW, PARTNER, bought, buy, start_trial

DAY = dt.timedelta(days=1)
EXPIRY = add_years(NOW, 1)


def not_renewing(uow, catalog, account_id="account-1"):
    sub = bought(uow, catalog, "safe", "basic", 1, account_id=account_id)
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, False)
    return sub


def test_a_subscription_that_will_not_renew_is_warned_30_then_7_days_before_once_each(uow, catalog):
    sub = not_renewing(uow, catalog)

    assert warnings.warn_of_endings(uow, EXPIRY - 30 * DAY - MINUTE) == 0
    assert warnings.warn_of_endings(uow, EXPIRY - 30 * DAY) == 1
    assert warnings.warn_of_endings(uow, EXPIRY - 8 * DAY) == 0  # given already
    assert warnings.warn_of_endings(uow, EXPIRY - 7 * DAY) == 1
    assert warnings.warn_of_endings(uow, EXPIRY - DAY) == 0

    warned = uow.events("subscription_expiring")
    assert [(event["id"], event["account_id"], event["days"]) for event in warned] == [
        (sub, "account-1", 30),
        (sub, "account-1", 7),
    ]
    assert warned[0]["subscription"]["expires_at"] == iso(EXPIRY)
    assert uow.events("trial_ending") == []


def test_a_trial_is_warned_3_days_before_it_ends_and_what_renews_is_not_warned(uow, catalog):
    bought(uow, catalog, "safe", "basic", 1)
    trial = start_trial(uow, catalog, "account-2", "safe-pro", "core")["id"]
    trial_end = NOW + catalog.trial_days * DAY

    assert warnings.warn_of_endings(uow, trial_end - 4 * DAY) == 0
    assert warnings.warn_of_endings(uow, trial_end - 3 * DAY) == 1
    assert warnings.warn_of_endings(uow, EXPIRY - 7 * DAY) == 0

    [ending] = uow.events("trial_ending")
    assert (ending["id"], ending["days"], ending["subscription"]["status"]) == (trial, 3, "trial")
    assert uow.events("subscription_expiring") == []


def test_a_renewed_subscription_is_warned_afresh_for_its_new_expiry(uow, catalog):
    sub = not_renewing(uow, catalog)
    assert warnings.warn_of_endings(uow, EXPIRY - 7 * DAY) == 1
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, True)
    renewals.run_renewals(uow, catalog, EXPIRY + MINUTE)
    subscriptions.set_auto_renew(uow, NOW, PARTNER, sub, False)

    assert warnings.warn_of_endings(uow, add_years(NOW, 2) - 7 * DAY) == 1

    warned = uow.events("subscription_expiring")
    assert [(event["days"], event["subscription"]["expires_at"]) for event in warned] == [
        (7, iso(EXPIRY)),
        (7, iso(add_years(NOW, 2))),
    ]


def test_a_released_accounts_subscription_is_not_warned(uow, catalog):
    not_renewing(uow, catalog)
    subscriptions.account_released(uow, "account-1", PARTNER["partner_id"])

    assert warnings.warn_of_endings(uow, EXPIRY - 30 * DAY) == 0
    assert warnings.warn_of_endings(uow, EXPIRY - 7 * DAY) == 0

    assert uow.events("subscription_expiring") == []


def test_every_warning_due_is_given_in_one_run_however_many(uow, catalog, monkeypatch):
    monkeypatch.setattr(warnings, "BATCH", 2)
    order = buy(uow, catalog, *[("safe", "basic", 1, 1, f"account-{n}") for n in range(5)])
    for line in order["lines"]:
        subscriptions.set_auto_renew(uow, NOW, PARTNER, line["subscription_id"], False)

    assert warnings.warn_of_endings(uow, EXPIRY - 7 * DAY) == 5

    assert sorted(event["id"] for event in uow.events("subscription_expiring")) == sorted(
        line["subscription_id"] for line in order["lines"]
    )
