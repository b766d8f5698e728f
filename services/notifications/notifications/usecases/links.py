"""Mail an employee their single-use link: once per event however often it arrives (the mail's id
is the event's)."""

import datetime as dt
from typing import Any

from portal_common.events import from_iso
from portal_common.unit_of_work import ConstraintViolated

from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.usecases import mail

UNKNOWN_COMPANY = "your company"  # a partner signed up before notifications heard of companies


def mail_link(
    uow: NotificationsUnitOfWork, now: dt.datetime, event: dict[str, Any], compose: Any, portal_url: str
) -> None:
    with uow:
        if uow.mails.get(event["event_id"]) is not None:
            return
        partner = uow.partners.get(event["partner_id"])
        mail.post(
            uow,
            now,
            event["partner_id"],
            [event["email"]],
            compose(partner.name if partner else UNKNOWN_COMPANY, event, portal_url),
            mail_id=event["event_id"],
            send_before=from_iso(event["expires_at"]),
        )
        try:
            uow.commit()
        except ConstraintViolated:  # the same event, handled by another worker a moment ago
            pass
