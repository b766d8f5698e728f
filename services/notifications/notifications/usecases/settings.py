"""A partner's alert preferences. Until it chooses, every alert type goes by mail to its primary
contact (whoever that is at the time)."""

import datetime as dt
import json
from typing import Any

from portal_common.activity import record
from portal_common.caller import Caller
from portal_common.schemas.notifications import ALERT_TYPES

from notifications.adapters.orm import AlertSettings
from notifications.adapters.unit_of_work import NotificationsUnitOfWork


def effective(uow: NotificationsUnitOfWork, partner_id: str) -> dict[str, Any]:
    row = uow.settings.get(partner_id)
    if row is not None:
        return {
            "email": {"enabled": row.email_enabled, "recipients": json.loads(row.recipients)},
            "events": json.loads(row.events),
        }
    partner = uow.partners.get(partner_id)
    return {
        "email": {"enabled": True, "recipients": [partner.primary_contact_email] if partner else []},
        "events": list(ALERT_TYPES),
    }


def get_settings(uow: NotificationsUnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        return effective(uow, caller["partner_id"])


def put_settings(
    uow: NotificationsUnitOfWork, now: dt.datetime, caller: Caller, data: dict[str, Any]
) -> dict[str, Any]:
    with uow:
        before = effective(uow, caller["partner_id"])
        row = uow.settings.get(caller["partner_id"])
        if row is None:
            row = AlertSettings(partner_id=caller["partner_id"])
            uow.settings.add(row)
        row.email_enabled = data["email"]["enabled"]
        row.recipients = json.dumps(data["email"]["recipients"])
        row.events = json.dumps([event for event in ALERT_TYPES if event in data["events"]])
        uow.flush()
        after = effective(uow, caller["partner_id"])
        if after != before:
            recipients = len(after["email"]["recipients"])
            mail = (
                f"by mail to {recipients} recipient{'s' if recipients != 1 else ''}"
                if after["email"]["enabled"]
                else "no mail"
            )
            record(
                uow,
                now,
                caller["partner_id"],
                "notifications.settings_changed",
                ("notification_settings", caller["partner_id"], None),
                f"Alerts: {len(after['events'])} of {len(ALERT_TYPES)} types, {mail}",
            )
        uow.commit()
        return effective(uow, caller["partner_id"])
