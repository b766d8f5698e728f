"""The companies and accounts notifications keeps from accounts' events: the newest wins, whatever
order the events come in, and an alert about an account waits until its name is known."""

import pytest

from notifications.usecases import alerts, settings
from services.notifications.tests.usecases.entrypoints import PARTNER, account, company


def test_a_company_is_what_its_newest_event_says_whatever_order_they_come_in(uow):
    company(uow, version=2, contact="bob@acme.test")
    company(uow, version=1, contact="ann@acme.test")  # came late
    company(uow, version=2, contact="ann@acme.test")  # the same version again

    assert settings.get_settings(uow, PARTNER)["email"]["recipients"] == ["bob@acme.test"]


def test_an_accounts_name_is_what_its_newest_event_says_and_waited_for_until_known(uow):
    with pytest.raises(alerts.AccountNotKnownYet):
        alerts.account_name(uow, "a1")

    account(uow, version=3, name="Contoso Ltd")
    account(uow, version=2, name="Contoso")

    assert alerts.account_name(uow, "a1") == "Contoso Ltd"
    assert alerts.account_name(uow, None) is None  # a subscription in the partner's inventory
