"""Sending webhook deliveries: claim what is due (one at a time per endpoint, so a slow endpoint holds
only its own), post it signed, record the try; retry after the configured delays, then fail; switch
an endpoint off, and mail the partner's primary contact, once its last events all failed."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from portal_common.ids import new_id

from notifications.adapters.orm import Attempt
from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.adapters.webhook_http import TIMEOUT_SECONDS
from notifications.domain import mails
from notifications.domain import webhooks as rules
from notifications.usecases import mail, webhooks

# A try in flight keeps its delivery this long: past it (the sender died), the delivery is due again.
LEASE = dt.timedelta(seconds=TIMEOUT_SECONDS + 20)  # past a try's deadline (10 s) and its body's (1 s)


def claim_due(uow: NotificationsUnitOfWork, now: dt.datetime, busy: Any, most: int) -> Any:
    """Up to `most` due deliveries, the oldest of each endpoint not in `busy` (so a backlog of one
    endpoint never holds up another's), leased to this sender:
    [(delivery id, endpoint id, url, secret, event id, body)]."""
    with uow:
        rows = uow.deliveries.oldest_due_per_endpoint(now, busy, most)
        claimed = []
        for delivery, url, secret in rows:
            delivery.next_attempt_at = now + LEASE
            claimed.append((delivery.id, delivery.webhook_id, url, secret, delivery.event_id, delivery.body))
        uow.commit()
    return claimed


def send(post: Any, clock: Any, delivery: Any, allow_private: bool) -> Any:
    """Post one delivery; answers (status or None, error or None)."""
    _, _, url, secret, event_id, body = delivery
    data = body.encode()
    timestamp = int(clock.now().timestamp())
    return post(url, data, rules.headers(secret, event_id, timestamp, data), allow_private)


def record(
    uow: NotificationsUnitOfWork,
    now: dt.datetime,
    delivery_id: str,
    status: Any,
    error: str | None,
    delays: Sequence[float],
    portal_url: str,
) -> Any:
    """Record a try; answers what became of the delivery: delivered, retry or failed (None when it
    was removed with its endpoint meanwhile)."""
    with uow:
        delivery = uow.deliveries.get(delivery_id, for_update=True)
        if delivery is None or delivery.status != "pending":  # removed with its endpoint meanwhile
            return None
        delivery.attempts += 1
        delivery.response_status, delivery.last_error = status, error
        uow.attempts.add(Attempt(id=new_id(), delivery_id=delivery.id, at=now, response_status=status, error=error))
        if rules.delivered(status):
            delivery.status, delivery.delivered_at, delivery.finished_at = "delivered", now, now
            delivery.next_attempt_at = None
        else:
            delay = rules.next_delay(delivery.attempts, delays)
            if delay is None:
                delivery.status, delivery.finished_at, delivery.next_attempt_at = "failed", now, None
                _switch_off_if_all_failed(uow, now, delivery.webhook_id, portal_url)
            else:
                delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
        uow.commit()
        return "retry" if delivery.status == "pending" else delivery.status


def _switch_off_if_all_failed(uow, now, webhook_id, portal_url):
    uow.flush()
    outcomes = uow.deliveries.latest_outcomes(webhook_id, rules.DISABLE_AFTER_FAILED_EVENTS)
    if not rules.should_disable([outcome == "delivered" for outcome in outcomes]):
        return
    webhook = uow.webhooks.get(webhook_id)
    if not webhook.active:
        return
    webhook.active = False
    uow.deliveries.give_up_pending(webhook.id, now)
    webhooks.recorded(
        uow,
        now,
        webhook,
        "webhook.updated",
        f"Switched the webhook off: its last {rules.DISABLE_AFTER_FAILED_EVENTS} events all failed",
    )
    partner = uow.partners.get(webhook.partner_id)
    if partner is None:
        return
    mail.post(
        uow,
        now,
        partner.partner_id,
        [partner.primary_contact_email],
        mails.compose(
            partner.name,
            "A webhook of yours was switched off",
            [("URL", webhook.url), ("Why", f"its last {rules.DISABLE_AFTER_FAILED_EVENTS} events all failed")],
            mails.link(portal_url, "notifications"),
            "Mend it and switch it on again in Partner Portal",
            f"Sent to {partner.name} by Partner Portal.",
        ),
    )
