"""A computer is `ok` when its last successful backup finished within the partner's threshold,
`not_backing_up` when it did not (or never did, once it has existed longer than the threshold), and
`new` before then."""

import datetime as dt

OK, NOT_BACKING_UP, NEW = "ok", "not_backing_up", "new"
DEFAULT_THRESHOLD_HOURS = 72


def cutoff(now: dt.datetime, threshold_hours: float) -> dt.datetime:
    return now - dt.timedelta(hours=threshold_hours)


def state(
    last_success_at: dt.datetime | None, created_at: dt.datetime, now: dt.datetime, threshold_hours: float
) -> str:
    limit = cutoff(now, threshold_hours)
    if last_success_at is not None:
        return OK if last_success_at >= limit else NOT_BACKING_UP
    return NOT_BACKING_UP if created_at < limit else NEW


def newer(candidate: dt.datetime, current: dt.datetime | None) -> bool:
    """Whether a report finishing at `candidate` replaces what is known from `current`."""
    return current is None or candidate > current
