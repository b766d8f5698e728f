"""Group commit: items handed in by concurrent workers, dealt with together by one green thread.

Each worker waits for its own item's outcome (or its deadline), so the work that costs per
transaction or per round trip — a broker's confirm, a database commit — is paid once per batch.
"""

from collections.abc import Callable, Sequence
from typing import Any

import eventlet
from eventlet.event import Event
from eventlet.queue import Empty, LightQueue


class Batches:
    def __init__(
        self,
        handle: Callable[[list[Any]], Sequence[Any]],
        most: int,
        deadline: float,
        late: Callable[[], BaseException],
        linger: float = 0.0,
    ) -> None:
        """`handle(items)` answers one outcome per item: a value, or an exception to raise in that
        item's worker (None when each `run` brings its own). `late()` is the exception for a worker
        whose deadline (seconds) passed. `linger` (seconds): how long a batch waits for company
        once its first item is in."""
        self.handle, self.most, self.deadline, self.late = handle, most, deadline, late
        self.linger = linger
        self.waiting = LightQueue()

    def submit(self, item: Any) -> Any:
        done = Event()
        self.waiting.put((item, done))
        with eventlet.Timeout(self.deadline, False):
            outcome = done.wait()
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
        raise self.late()

    def run(self, handle: Callable[[list[Any]], Sequence[Any]] | None = None) -> None:
        """A green thread that deals with the batches, for as long as the process runs. Several
        may run, each with its own `handle` (a connection of its own, say), taking turns."""
        handle = handle or self.handle
        while True:
            batch = [self.waiting.get()]
            if self.linger:
                eventlet.sleep(self.linger)
            while len(batch) < self.most:
                try:
                    batch.append(self.waiting.get_nowait())
                except Empty:
                    break
            try:
                outcomes = handle([item for item, _ in batch])
            except Exception as exc:  # noqa: BLE001 - every item of the batch learns of it
                outcomes = [exc] * len(batch)
            for (_, done), outcome in zip(batch, outcomes, strict=True):
                done.send(outcome)
