"""Sign-in lockout: 5 failed passwords for one email within 15 minutes close it until the oldest of
those 5 leaves the window. Attempts refused while locked are not counted (they are not checked)."""

import datetime as dt
import math
from collections.abc import Iterable

MAX_FAILURES = 5
# Wrong second-factor codes per employee, across challenges: a password alone must not buy
# endless guesses at a six-digit code.
MAX_CODE_FAILURES = 10
WINDOW = dt.timedelta(minutes=15)


def window_start(now: dt.datetime) -> dt.datetime:
    return now - WINDOW


def seconds_locked(failures: Iterable[dt.datetime], now: dt.datetime, most: int = MAX_FAILURES) -> int:
    """Seconds until sign-in may be tried again, or 0 when it may be tried now.

    `failures` are the times of failed attempts inside the window, in any order.
    """
    recent = sorted((at for at in failures if at > window_start(now)), reverse=True)
    if len(recent) < most:
        return 0
    unlocks_at = recent[most - 1] + WINDOW
    return max(1, math.ceil((unlocks_at - now).total_seconds()))
