"""Notifications' repositories: the companies and accounts kept from accounts' events, each partner's
alert settings, the alerts made, the mail waiting, and the webhooks with their deliveries and tries."""

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, update

from portal_common.pagination import paginate
from portal_common.repository import Repository

from notifications.adapters.orm import Account, Alert, AlertSettings, Attempt, Delivery, Mail, Partner, Webhook

_webhooks = Webhook.__table__.c
ACTIVE_OF_PARTNER = select(_webhooks.id, _webhooks.events).where(
    _webhooks.partner_id == bindparam("partner_id"), _webhooks.active.is_(True)
)


class Partners(Repository):
    model = Partner


class Accounts(Repository):
    model = Account


class Settings(Repository):
    """Only once a partner has chosen: `get` answers None until then."""

    model = AlertSettings


class Alerts(Repository):
    model = Alert

    def later_state_told(self, subject: str, version: int | None) -> bool:
        """Whether a later state of `subject` than `version` was alerted already."""
        later = select(Alert.key).where(Alert.subject == subject, Alert.version > version)
        return self.session.scalars(later).first() is not None


class Mails(Repository):
    model = Mail

    def due(self, now: dt.datetime, most: int) -> list[Mail]:
        """Up to `most` pending mails due by `now`, earliest first, locked; those another sender has
        locked are skipped."""
        return list(
            self.session.scalars(
                select(Mail)
                .where(Mail.status == "pending", Mail.next_attempt_at <= now)
                .order_by(Mail.next_attempt_at, Mail.id)
                .limit(most)
                .with_for_update(skip_locked=True)
            ).all()
        )


class Webhooks(Repository):
    model = Webhook

    def of_partner(self, partner_id: str, webhook_id: str) -> Webhook | None:
        """The endpoint, if it is the partner's."""
        row = self.session.get(Webhook, webhook_id)
        return row if row is not None and row.partner_id == partner_id else None

    def page_of_partner(self, partner_id: str, limit: int, cursor: str | None) -> tuple[Sequence[Webhook], str | None]:
        return paginate(
            self.session, select(Webhook).where(Webhook.partner_id == partner_id), Webhook.id, limit, cursor
        )

    def active_of_partner(self, partner_id: str) -> list[Any]:
        """The (id, events) of the partner's active endpoints: asked for every event of the partner's,
        so a statement built once (the ORM's building and loading would cost several times it)."""
        return list(self.session.execute(ACTIVE_OF_PARTNER, {"partner_id": partner_id}).all())

    def count_of_partner(self, partner_id: str) -> int:
        return self.session.scalar(select(func.count()).where(Webhook.partner_id == partner_id)) or 0


class Deliveries(Repository):
    model = Delivery

    def oldest_due_per_endpoint(
        self, now: dt.datetime, busy: Collection[str], most: int
    ) -> list[tuple[Delivery, str, str]]:
        """Up to `most` due deliveries, the oldest of each active endpoint not in `busy`, each with
        its endpoint's url and secret; locked, skipping those another sender has locked."""
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
        rows = self.session.execute(
            select(Delivery, Webhook.url, Webhook.secret)
            .join(Webhook, Webhook.id == Delivery.webhook_id)
            .where(Delivery.id.in_(oldest_of_each))
            .with_for_update(skip_locked=True, of=Delivery)
        ).all()
        return [(delivery, url, secret) for delivery, url, secret in rows]

    def has_event(self, webhook_id: str, event_id: str) -> bool:
        known = select(Delivery.id).where(Delivery.webhook_id == webhook_id, Delivery.event_id == event_id)
        return bool(self.session.scalars(known).first())

    def page_of_webhook(self, webhook_id: str, before_id: str | None, limit: int) -> list[Delivery]:
        """Up to `limit` of the endpoint's deliveries older than `before_id`, newest first."""
        stmt = select(Delivery).where(Delivery.webhook_id == webhook_id)
        if before_id is not None:
            stmt = stmt.where(Delivery.id < before_id)
        return list(self.session.scalars(stmt.order_by(Delivery.id.desc()).limit(limit)).all())

    def latest_outcomes(self, webhook_id: str, most: int) -> list[str]:
        """The statuses of the endpoint's last `most` finished deliveries, newest first."""
        return list(
            self.session.scalars(
                select(Delivery.status)
                .where(Delivery.webhook_id == webhook_id, Delivery.finished_at.is_not(None))
                .order_by(Delivery.finished_at.desc(), Delivery.id.desc())
                .limit(most)
            ).all()
        )

    def give_up_pending(self, webhook_id: str, now: dt.datetime) -> None:
        """An endpoint switched off: what waited for it will not be sent."""
        self.session.execute(
            update(Delivery)
            .where(Delivery.webhook_id == webhook_id, Delivery.status == "pending")
            .values(status="failed", finished_at=now, next_attempt_at=None)
        )

    def delete_of_webhook(self, webhook_id: str) -> None:
        self._delete_where(Delivery.webhook_id == webhook_id)


class Attempts(Repository):
    model = Attempt

    def delete_of_webhook(self, webhook_id: str) -> None:
        """The tries of the endpoint's deliveries (before the deliveries go)."""
        deliveries = select(Delivery.id).where(Delivery.webhook_id == webhook_id)
        self._delete_where(Attempt.delivery_id.in_(deliveries))
