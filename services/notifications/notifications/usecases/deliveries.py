"""Sending webhook deliveries: claim what is due (one at a time per endpoint, so a slow endpoint holds
only its own), post it signed, record the try; retry after the configured delays, then fail; switch
an endpoint off, and mail the partner's primary contact, once its last events all failed."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from portal_common.ids import new_id
from portal_common.unit_of_work import UnitOfWork

from notifications.adapters.orm import Attempt, Delivery, Partner, Webhook
from notifications.adapters.webhook_http import TIMEOUT_SECONDS
from notifications.domain import mails
from notifications.domain import webhooks as rules
from notifications.usecases import mail, webhooks

# A try in flight keeps its delivery this long: past it (the sender died), the delivery is due again.
LEASE = dt.timedelta(seconds=TIMEOUT_SECONDS + 20)  # past a try's deadline (10 s) and its body's (1 s)


def claim_due(uow: UnitOfWork, now: dt.datetime, busy: Any, most: int) -> Any:
    """Up to `most` due deliveries, the oldest of each endpoint not in `busy` (so a backlog of one
    endpoint never holds up another's), leased to this sender:
    [(delivery id, endpoint id, url, secret, event id, body)]."""
    oldest_of_each = (
        select(func.min(Delivery.id))
        .join(Webhook, Webhook.id == Delivery.webhook_id)
        .where(
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
            Webhook.active,
            Delivery.webhook_id.not_in(list(busy) or [""]),
        )
        .group_by(Delivery.webhook_id)
        .limit(most)
    )
    with uow:
        rows = uow.session.execute(
            select(Delivery, Webhook.url, Webhook.secret)
            .join(Webhook, Webhook.id == Delivery.webhook_id)
            .where(Delivery.id.in_(oldest_of_each))
            .with_for_update(skip_locked=True, of=Delivery)
        ).all()
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
    uow: UnitOfWork,
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
        delivery = uow.session.get(Delivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.status != "pending":  # removed with its endpoint meanwhile
            return None
        delivery.attempts += 1
        delivery.response_status, delivery.last_error = status, error
        uow.session.add(Attempt(id=new_id(), delivery_id=delivery.id, at=now, response_status=status, error=error))
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
    uow.session.flush()
    outcomes = uow.session.scalars(
        select(Delivery.status)
        .where(Delivery.webhook_id == webhook_id, Delivery.finished_at.is_not(None))
        .order_by(Delivery.finished_at.desc(), Delivery.id.desc())
        .limit(rules.DISABLE_AFTER_FAILED_EVENTS)
    ).all()
    if not rules.should_disable([outcome == "delivered" for outcome in outcomes]):
        return
    webhook = uow.session.get(Webhook, webhook_id)
    if not webhook.active:
        return
    webhook.active = False
    webhooks.give_up_pending(uow.session, webhook.id, now)
    webhooks.recorded(
        uow,
        now,
        webhook,
        "webhook.updated",
        f"Switched the webhook off: its last {rules.DISABLE_AFTER_FAILED_EVENTS} events all failed",
    )
    partner = uow.session.get(Partner, webhook.partner_id)
    if partner is None:
        return
    mail.post(
        uow.session,
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
