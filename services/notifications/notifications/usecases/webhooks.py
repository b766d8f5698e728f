"""A partner's webhook endpoints, and the deliveries of events to them (`usecases.deliveries` sends)."""

import datetime as dt
import json
import urllib.parse
from typing import Any

from portal_common.activity import record
from portal_common.caller import Caller
from portal_common.errors import Conflict, NotFound, ValidationFailed
from portal_common.events import iso
from portal_common.ids import new_id
from portal_common.pagination import decode_cursor, one_page

from notifications.adapters.orm import Delivery, Webhook
from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.adapters.webhook_http import UrlRefused, target
from notifications.domain import webhooks as rules


def view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "events": json.loads(row.events),
        "description": row.description,
        "active": row.active,
        "created_at": row.created_at,
    }


def recorded(uow: NotificationsUnitOfWork, now: dt.datetime, row: Any, activity_type: str, summary: str) -> None:
    """An audit entry about the endpoint, named by its host alone: a URL's path or query may carry a
    token of the partner's."""
    host = urllib.parse.urlsplit(row.url).hostname or "?"
    record(uow, now, row.partner_id, activity_type, ("webhook", row.id, host), summary)


def _checked_url(url, allow_private):
    try:
        target(url, allow_private)
    except UrlRefused as refused:
        raise ValidationFailed("This URL cannot receive webhooks.", {"url": [str(refused)]}) from None
    return url


def _find(uow, caller, webhook_id):
    row = uow.webhooks.of_partner(caller["partner_id"], webhook_id)
    if row is None:
        raise NotFound("No such webhook.")
    return row


def create(
    uow: NotificationsUnitOfWork, now: dt.datetime, caller: Caller, data: dict[str, Any], allow_private: bool
) -> dict[str, Any]:
    url = _checked_url(data["url"], allow_private)
    with uow:
        kept = uow.webhooks.count_of_partner(caller["partner_id"])
        if kept >= rules.WEBHOOKS_PER_PARTNER:
            raise Conflict(f"At most {rules.WEBHOOKS_PER_PARTNER} webhooks: remove one first.")
        row = Webhook(
            id=new_id(),
            partner_id=caller["partner_id"],
            url=url,
            events=json.dumps(data["events"]),
            description=data["description"],
            active=True,
            secret=rules.new_secret(),
            created_at=now,
        )
        uow.webhooks.add(row)
        recorded(uow, now, row, "webhook.created", f"Added a webhook for {', '.join(data['events'])}")
        uow.commit()
        return {**view(row), "secret": row.secret}


def list_webhooks(uow: NotificationsUnitOfWork, caller: Caller, page: dict[str, Any]) -> dict[str, Any]:
    """A page of the partner's endpoints, in the order they were added."""
    with uow:
        rows, next_cursor = uow.webhooks.page_of_partner(caller["partner_id"], page["limit"], page["cursor"])
        return {"items": [view(row) for row in rows], "next_cursor": next_cursor}


def get(uow: NotificationsUnitOfWork, caller: Caller, webhook_id: str) -> dict[str, Any]:
    with uow:
        return view(_find(uow, caller, webhook_id))


def change(
    uow: NotificationsUnitOfWork,
    now: dt.datetime,
    caller: Caller,
    webhook_id: str,
    data: dict[str, Any],
    allow_private: bool,
) -> Any:
    if "url" in data:
        _checked_url(data["url"], allow_private)
    with uow:
        row = _find(uow, caller, webhook_id)
        before = view(row)
        for key in ("url", "description", "active"):
            if key in data:
                setattr(row, key, data[key])
        if data.get("active") is False:
            uow.deliveries.give_up_pending(row.id, now)
        if "events" in data:
            row.events = json.dumps(data["events"])
        changed = [key for key in ("url", "events", "description", "active") if view(row)[key] != before[key]]
        if changed:
            recorded(uow, now, row, "webhook.updated", _change_summary(row, changed))
        uow.commit()
        return view(row)


def _change_summary(row, changed):
    if changed == ["active"]:
        return "Switched the webhook on" if row.active else "Switched the webhook off"
    return "Changed the webhook's " + ", ".join(changed)


def remove(uow: NotificationsUnitOfWork, now: dt.datetime, caller: Caller, webhook_id: str) -> None:
    with uow:
        row = _find(uow, caller, webhook_id)
        recorded(uow, now, row, "webhook.deleted", "Removed the webhook")
        uow.attempts.delete_of_webhook(row.id)
        uow.deliveries.delete_of_webhook(row.id)
        uow.webhooks.remove(row)
        uow.commit()


def send_test(uow: NotificationsUnitOfWork, now: dt.datetime, caller: Caller, webhook_id: str) -> None:
    with uow:
        row = _find(uow, caller, webhook_id)
        if not row.active:
            raise Conflict("This webhook is switched off: switch it on to send it events.")
        _deliver(uow, now, row, "webhook.test", new_id(), {"webhook_id": row.id})
        uow.commit()


def deliveries(uow: NotificationsUnitOfWork, caller: Caller, webhook_id: str, page: dict[str, Any]) -> dict[str, Any]:
    """Newest first, a page at a time."""
    with uow:
        row = _find(uow, caller, webhook_id)
        before_id = decode_cursor(page["cursor"]) if page["cursor"] else None
        fetched = uow.deliveries.page_of_webhook(row.id, before_id, page["limit"] + 1)
        rows, next_cursor = one_page(fetched, page["limit"], lambda delivery: delivery.id)
        return {"items": [_delivery_view(delivery) for delivery in rows], "next_cursor": next_cursor}


def _delivery_view(row):
    return {
        "id": row.id,
        "event_id": row.event_id,
        "type": row.type,
        "status": row.status,
        "attempts": row.attempts,
        "response_status": row.response_status,
        "next_attempt_at": row.next_attempt_at if row.status == "pending" else None,
        "delivered_at": row.delivered_at,
        "created_at": row.created_at,
    }


def announce(uow: NotificationsUnitOfWork, now: dt.datetime, announcements: list[tuple[str, str, str, Any]]) -> int:
    """Other services' events, as (partner id, webhook type, event id, data), for the endpoints that
    asked for their type, in one transaction; answers how many deliveries it queued (none: there is
    nothing to send now)."""
    with uow:
        queued = sum(enqueue(uow, now, *announcement) for announcement in announcements)
        if queued:
            uow.commit()
        return queued


def enqueue(
    uow: NotificationsUnitOfWork,
    now: dt.datetime,
    partner_id: str,
    event_type: str,
    event_id: str,
    data: dict[str, Any],
) -> int:
    """A delivery of the event to each active endpoint of the partner that asked for its type; in
    the caller's transaction. One per endpoint and event, however often the event arrives: answers
    how many are new."""
    return sum(
        _deliver(uow, now, row, event_type, event_id, data)
        for row in uow.webhooks.active_of_partner(partner_id)
        if event_type in json.loads(row.events)
    )


def _deliver(uow, now, webhook, event_type, event_id, data) -> bool:
    if uow.deliveries.has_event(webhook.id, event_id):
        return False
    body = json.dumps({"type": event_type, "timestamp": iso(now), "data": data}, separators=(",", ":"))
    uow.deliveries.add(
        Delivery(
            id=new_id(),
            webhook_id=webhook.id,
            event_id=event_id,
            type=event_type,
            body=body,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return True
