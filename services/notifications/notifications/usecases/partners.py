"""Each partner's company name and primary contact, and its accounts' names, from accounts' events:
kept only when newer."""

from typing import Any

from portal_common.db import keep_newest

from notifications.adapters.orm import Account, Partner
from notifications.adapters.unit_of_work import NotificationsUnitOfWork


def track_company(uow: NotificationsUnitOfWork, event: dict[str, Any]) -> None:
    def apply(partner: Any) -> None:
        partner.name, partner.primary_contact_email = event["name"], event["primary_contact_email"]

    keep_newest(
        uow,
        Partner,
        event["id"],
        event["version"],
        lambda: Partner(
            partner_id=event["id"], name=event["name"], primary_contact_email=event["primary_contact_email"], version=0
        ),
        apply,
    )


def track_account(uow: NotificationsUnitOfWork, event: dict[str, Any]) -> None:
    def apply(account: Any) -> None:
        account.name = event["name"]

    keep_newest(
        uow,
        Account,
        event["id"],
        event["version"],
        lambda: Account(id=event["id"], partner_id=event["partner_id"], name=event["name"], version=0),
        apply,
    )
