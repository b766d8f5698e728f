"""Warn partners that a subscription or trial ends (`domain.warnings` says when): an event for
notifications, written in the same transaction that records the warning as given."""

import datetime as dt
from typing import Any

from portal_common.events import SUBSCRIPTION_EXPIRING, TRIAL_ENDING

from billing.adapters.unit_of_work import BillingUnitOfWork
from billing.domain import warnings
from billing.usecases import views

BATCH = 100


def warn_of_endings(uow: BillingUnitOfWork, now: dt.datetime) -> Any:
    """Give every warning due; answers how many were given."""
    given = 0
    horizon = now + dt.timedelta(days=warnings.FURTHEST_WARNING_DAYS)
    after = ""
    while True:
        with uow:
            candidates = uow.subscriptions.ending_unrenewed(now, horizon, after, BATCH)
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
        row = uow.subscriptions.get(subscription_id, for_update=True)
        days = warnings.warning_due(
            row.status, row.auto_renew, row.expires_at, now, row.warned_days, row.warned_expires_at
        )
        if days is None:
            return 0
        row.warned_days, row.warned_expires_at = days, row.expires_at
        if uow.account_links.is_released(row.account_id):  # no longer the partner's customer: recorded, not told
            uow.commit()
            return 0
        item = views.subscription(row, uow.addons.of_subscription(row.id))
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
