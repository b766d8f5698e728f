"""Warn partners that a subscription or trial ends (`domain.warnings` says when): an event for
notifications, written in the same transaction that records the warning as given."""

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select

from portal_common.events import SUBSCRIPTION_EXPIRING, TRIAL_ENDING
from portal_common.unit_of_work import UnitOfWork

from billing.adapters import repository
from billing.adapters.orm import AccountLink, Subscription
from billing.domain import warnings
from billing.usecases import views

BATCH = 100


def warn_of_endings(uow: UnitOfWork, now: dt.datetime) -> Any:
    """Give every warning due; answers how many were given."""
    given = 0
    horizon = now + dt.timedelta(days=warnings.FURTHEST_WARNING_DAYS)
    after = ""
    while True:
        with uow:
            candidates = uow.session.scalars(
                select(Subscription)
                .where(
                    or_(
                        Subscription.status == "trial",
                        and_(Subscription.status == "active", Subscription.auto_renew.is_(False)),
                    ),
                    Subscription.expires_at > now,
                    Subscription.expires_at <= horizon,
                    Subscription.id > after,
                )
                .order_by(Subscription.id)
                .limit(BATCH)
            ).all()
        for row in candidates:  # locked, and looked at again, only when a warning looks due
            if (
                warnings.warning_due(
                    row.status, row.auto_renew, row.expires_at, now, row.warned_days, row.warned_expires_at
                )
                is not None
            ):
                given += _warn(uow, row.id, now)
        if len(candidates) < BATCH:
            return given
        after = candidates[-1].id


def _warn(uow, subscription_id, now):
    with uow:
        row = uow.session.get(Subscription, subscription_id, with_for_update=True)
        days = warnings.warning_due(
            row.status, row.auto_renew, row.expires_at, now, row.warned_days, row.warned_expires_at
        )
        if days is None:
            return 0
        row.warned_days, row.warned_expires_at = days, row.expires_at
        link = uow.session.get(AccountLink, row.account_id) if row.account_id else None
        if link is not None and link.released:  # no longer the partner's customer: recorded, not told
            uow.commit()
            return 0
        item = views.subscription(row, repository.addons_of(uow.session, [row.id]).get(row.id, ()))
        event_type = TRIAL_ENDING if row.status == "trial" else SUBSCRIPTION_EXPIRING
        uow.emit(
            event_type,
            row.id,
            row.version,
            now,
            partner_id=row.partner_id,
            account_id=row.account_id,
            subscription=item,
            days=days,
        )
        uow.commit()
        return 1
