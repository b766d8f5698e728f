"""A partner's webhook endpoints, and the deliveries of events to them (`usecases.deliveries` sends)."""

import datetime as dt
import json
import urllib.parse
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal_common.activity import record
from portal_common.caller import Caller
from portal_common.errors import Conflict, NotFound, ValidationFailed
from portal_common.events import iso
from portal_common.ids import new_id
from portal_common.pagination import decode_cursor, one_page
from portal_common.unit_of_work import UnitOfWork

from notifications.adapters.orm import Attempt, Delivery, Webhook
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


def recorded(uow: UnitOfWork, now: dt.datetime, row: Any, activity_type: str, summary: str) -> None:
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
    row = uow.session.get(Webhook, webhook_id)
    if row is None or row.partner_id != caller["partner_id"]:
        raise NotFound("No such webhook.")
    return row


def create(
    uow: UnitOfWork, now: dt.datetime, caller: Caller, data: dict[str, Any], allow_private: bool
) -> dict[str, Any]:
    url = _checked_url(data["url"], allow_private)
    with uow:
        kept = uow.session.scalar(select(func.count()).where(Webhook.partner_id == caller["partner_id"]))
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
        uow.session.add(row)
        recorded(uow, now, row, "webhook.created", f"Added a webhook for {', '.join(data['events'])}")
        uow.commit()
        return {**view(row), "secret": row.secret}


def list_webhooks(uow: UnitOfWork, caller: Caller) -> dict[str, Any]:
    with uow:
        rows = uow.session.scalars(
            select(Webhook).where(Webhook.partner_id == caller["partner_id"]).order_by(Webhook.id)
        ).all()
        return {"items": [view(row) for row in rows], "next_cursor": None}


def get(uow: UnitOfWork, caller: Caller, webhook_id: str) -> dict[str, Any]:
    with uow:
        return view(_find(uow, caller, webhook_id))


def change(
    uow: UnitOfWork, now: dt.datetime, caller: Caller, webhook_id: str, data: dict[str, Any], allow_private: bool
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
            give_up_pending(uow.session, row.id, now)
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


def remove(uow: UnitOfWork, now: dt.datetime, caller: Caller, webhook_id: str) -> None:
    with uow:
        row = _find(uow, caller, webhook_id)
        recorded(uow, now, row, "webhook.deleted", "Removed the webhook")
        deliveries = select(Delivery.id).where(Delivery.webhook_id == row.id)
        uow.session.execute(delete(Attempt).where(Attempt.delivery_id.in_(deliveries)))
        uow.session.execute(delete(Delivery).where(Delivery.webhook_id == row.id))
        uow.session.delete(row)
        uow.commit()


def send_test(uow: UnitOfWork, now: dt.datetime, caller: Caller, webhook_id: str) -> None:
    with uow:
        row = _find(uow, caller, webhook_id)
        if not row.active:
            raise Conflict("This webhook is switched off: switch it on to send it events.")
        _deliver(uow.session, now, row, "webhook.test", new_id(), {"webhook_id": row.id})
        uow.commit()


def give_up_pending(session: Session, webhook_id: str, now: dt.datetime) -> None:
    """An endpoint switched off: what waited for it will not be sent."""
    session.execute(
        update(Delivery)
        .where(Delivery.webhook_id == webhook_id, Delivery.status == "pending")
        .values(status="failed", finished_at=now, next_attempt_at=None)
    )


def deliveries(uow: UnitOfWork, caller: Caller, webhook_id: str, page: dict[str, Any]) -> dict[str, Any]:
    """Newest first, a page at a time."""
    with uow:
        row = _find(uow, caller, webhook_id)
        stmt = select(Delivery).where(Delivery.webhook_id == row.id)
        if page["cursor"]:
            stmt = stmt.where(Delivery.id < decode_cursor(page["cursor"]))
        rows = uow.session.scalars(stmt.order_by(Delivery.id.desc()).limit(page["limit"] + 1)).all()
        rows, next_cursor = one_page(rows, page["limit"], lambda delivery: delivery.id)
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


def announce(
    uow: UnitOfWork, now: dt.datetime, partner_id: str, event_type: str, event_id: str, data: dict[str, Any]
) -> None:
    """Another service's event, for the endpoints that asked for its type."""
    with uow:
        enqueue(uow.session, now, partner_id, event_type, event_id, data)
        uow.commit()


def enqueue(
    session: Session, now: dt.datetime, partner_id: str, event_type: str, event_id: str, data: dict[str, Any]
) -> None:
    """A delivery of the event to each active endpoint of the partner that asked for its type; in
    the caller's transaction. One per endpoint and event, however often the event arrives."""
    for row in session.scalars(select(Webhook).where(Webhook.partner_id == partner_id, Webhook.active)).all():
        if event_type in json.loads(row.events):
            _deliver(session, now, row, event_type, event_id, data)


def _deliver(session, now, webhook, event_type, event_id, data):
    known = session.scalars(
        select(Delivery.id).where(Delivery.webhook_id == webhook.id, Delivery.event_id == event_id)
    ).first()
    if known:
        return
    body = json.dumps({"type": event_type, "timestamp": iso(now), "data": data}, separators=(",", ":"))
    session.add(
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
