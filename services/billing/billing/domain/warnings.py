"""When a partner is warned that something ends: an active subscription that will not renew, 30 and
then 7 days before it expires; a trial, 3 days before. Each warning once per expiry: a subscription
whose expiry moves (a renewal, an upgrade) is warned afresh for the new one."""

import datetime as dt

SUBSCRIPTION_WARNING_DAYS = (7, 30)
TRIAL_WARNING_DAYS = (3,)
FURTHEST_WARNING_DAYS = max(SUBSCRIPTION_WARNING_DAYS + TRIAL_WARNING_DAYS)


def warning_days(status: str, auto_renew: bool) -> tuple[int, ...]:
    if status == "trial":
        return TRIAL_WARNING_DAYS
    if status == "active" and not auto_renew:
        return SUBSCRIPTION_WARNING_DAYS
    return ()


def warning_due(
    status: str,
    auto_renew: bool,
    expires_at: dt.datetime | None,
    now: dt.datetime,
    warned_days: int | None,
    warned_expires_at: dt.datetime | None,
) -> int | None:
    """The warning to give now (its days), or None: the nearest mark reached and not yet given for
    this expiry (one reached late, a subscription 5 days from its end, gets only the 7-day one)."""
    if expires_at is None or expires_at <= now:
        return None
    for days in warning_days(status, auto_renew):  # nearest first
        if expires_at - now <= dt.timedelta(days=days):
            already = warned_expires_at == expires_at and warned_days is not None and warned_days <= days
            return None if already else days
    return None
