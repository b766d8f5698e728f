"""Terms in years, and days as the pro-rating formula counts them."""

import datetime as dt
import math

DAY = dt.timedelta(days=1)


def add_years(when: dt.datetime, years: int) -> dt.datetime:
    """The same day and time `years` later; 29 February becomes 28 February in a common year."""
    try:
        return when.replace(year=when.year + years)
    except ValueError:
        return when.replace(year=when.year + years, day=28)


def whole_days(start: dt.datetime, end: dt.datetime) -> int:
    """Whole days from `start` to `end` (a term's length)."""
    return (end - start) // DAY


def days_left(now: dt.datetime, end: dt.datetime) -> int:
    """Days from `now` to `end`, a started day counting whole; never negative."""
    return max(0, math.ceil((end - now) / DAY))
