"""One injectable clock for every rule with time in it.

Services read time through the `Clock` dependency. A test (or the harness) puts a `FakeClock` in the
container config under `CLOCK` and moves it instead of sleeping.
"""

import datetime as dt
from typing import Any

from nameko.extensions import DependencyProvider

CLOCK_CONFIG_KEY = "CLOCK"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SystemClock:
    def now(self) -> dt.datetime:
        return utc_now()


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or utc_now()

    def now(self) -> dt.datetime:
        return self._now

    def set(self, when: dt.datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now


class Clock(DependencyProvider):
    def setup(self) -> None:
        self.source = self.container.config.get(CLOCK_CONFIG_KEY) or SystemClock()

    def get_dependency(self, worker_ctx: Any) -> SystemClock | FakeClock:
        return self.source
