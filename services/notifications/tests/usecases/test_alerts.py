"""Alerts: told in order of their thing's states, sent to the webhooks that asked for their type
whatever the partner chose to be mailed, and kept only once the partner's company is known."""

import pytest

from notifications.usecases import alerts
from services.notifications.tests.usecases.entrypoints import (
    CONTACT,
    add_webhook,
    choose,
    company,
    computer_alert,
    deliveries_of,
    mailed,
    raise_alert,
)

STOPPED = "[Acme IT] FILESRV has stopped backing up"
AGAIN = "[Acme IT] FILESRV is backing up again"


def test_an_alert_about_an_older_state_than_one_told_already_is_not_told(uow):
    company(uow)

    raise_alert(uow, computer_alert(4, "not_backing_up", "ok"))
    raise_alert(uow, computer_alert(3, "ok", "not_backing_up"))  # came late
    raise_alert(uow, computer_alert(5, "ok", "not_backing_up"))

    assert mailed(uow) == [([CONTACT], STOPPED), ([CONTACT], AGAIN)]


def test_an_alert_goes_to_the_webhooks_that_asked_for_its_type_even_when_it_is_not_mailed(uow):
    company(uow)
    webhook_id = add_webhook(uow, events=("computer.not_backing_up",))["id"]
    choose(uow, ["ops@acme.test"], ["computer.backup_failed"])

    for _ in range(2):
        raise_alert(uow, computer_alert(2, "not_backing_up", "ok"))

    assert mailed(uow) == []
    [delivery] = deliveries_of(uow, webhook_id)["items"]
    assert delivery["type"] == "computer.not_backing_up"


def test_an_alert_for_a_company_not_known_yet_is_tried_again_and_keeps_nothing_until_then(uow):
    alert = computer_alert(2, "not_backing_up", "ok")

    with pytest.raises(alerts.CompanyNotKnownYet):
        raise_alert(uow, alert)
    assert mailed(uow) == []

    company(uow)
    raise_alert(uow, alert)
    assert mailed(uow) == [([CONTACT], STOPPED)]
