"""A partner's alert settings: kept in the order of the alert types, and recorded only when what is
in force changes."""

from portal_common.schemas.notifications import ALERT_TYPES

from notifications.usecases import settings
from services.notifications.tests.usecases.entrypoints import CONTACT, OTHER_PARTNER, PARTNER, choose, company


def test_a_partners_choice_is_kept_in_the_order_of_the_alert_types_and_recorded(uow):
    chosen = choose(uow, ["ops@acme.test"], ["trial.ending", "computer.backup_failed"])

    assert chosen["events"] == ["computer.backup_failed", "trial.ending"]
    assert settings.get_settings(uow, PARTNER) == chosen
    assert uow.activity() == [("notifications.settings_changed", "Alerts: 2 of 5 types, by mail to 1 recipient")]
    assert settings.get_settings(uow, OTHER_PARTNER)["events"] == list(ALERT_TYPES)


def test_choosing_what_is_in_force_already_records_nothing(uow):
    company(uow)

    choose(uow, [CONTACT], list(ALERT_TYPES))  # what the partner had before it chose
    assert uow.activity() == []

    choose(uow, [], list(ALERT_TYPES), enabled=False)
    assert uow.activity() == [("notifications.settings_changed", "Alerts: 5 of 5 types, no mail")]
