"""An alert is made once per occurrence (its key), and mailed to the partner's recipients when they
chose its type; the mail waits in the `mails` table for the sender."""

import datetime as dt
import json
from typing import Any

from portal_common.ids import derived_id
from portal_common.unit_of_work import ConstraintViolated

from notifications.adapters.orm import Alert
from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.domain import alerts
from notifications.usecases import mail, webhooks
from notifications.usecases.settings import effective


class CompanyNotKnownYet(Exception):
    """accounts' company_changed is on its way: the event is tried again later."""


class AccountNotKnownYet(Exception):
    """accounts' account_created is on its way: the event is tried again later."""


def account_name(uow: NotificationsUnitOfWork, account_id: str) -> str | None:
    """The name of a subscription's account (None: in inventory), from accounts' events."""
    if not account_id:
        return None
    with uow:
        account = uow.accounts.get(account_id)
    if account is None:
        raise AccountNotKnownYet(f"no account {account_id} yet")
    return account.name


def subscription_alert(uow: NotificationsUnitOfWork, event: dict[str, Any]) -> alerts.Alert:
    """The alert of billing's warning, with the account's name."""
    return alerts.of_subscription_ending(event, account_name(uow, event["account_id"]))


def raise_alert(uow: NotificationsUnitOfWork, now: dt.datetime, alert: Any, portal_url: str) -> None:
    if alert is None:
        return
    with uow:
        if uow.alerts.get(alert.key) is not None:
            return  # the same occurrence, delivered again
        partner = uow.partners.get(alert.partner_id)
        if partner is None:
            raise CompanyNotKnownYet(f"no company for partner {alert.partner_id} yet")
        if alert.subject is not None and uow.alerts.later_state_told(alert.subject, alert.version):
            return  # a later state of the same thing was alerted already: this event came late
        uow.alerts.add(
            Alert(
                key=alert.key,
                type=alert.type,
                partner_id=alert.partner_id,
                data=json.dumps(alert.data),
                created_at=now,
                subject=alert.subject,
                version=alert.version,
            )
        )
        webhooks.enqueue(uow, now, alert.partner_id, alert.type, "msg_" + derived_id(alert.key), alert.data)
        chosen = effective(uow, alert.partner_id)
        if chosen["email"]["enabled"] and chosen["email"]["recipients"] and alert.type in chosen["events"]:
            mail.post(
                uow,
                now,
                alert.partner_id,
                chosen["email"]["recipients"],
                alerts.mail_of(alert, partner.name, portal_url),
            )
        try:
            uow.commit()
        except ConstraintViolated:  # another worker made it a moment ago
            pass
