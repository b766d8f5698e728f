"""Reports stored in batches: the event handler's workers hand their messages' reports in and wait,
and one green thread stores what has arrived together in one transaction (`portal_common.batches`).

The message of a report is acknowledged only when its worker returns, so a report is never lost
between the queue and the database; delivery stays at least once and storing stays idempotent.
"""

from nameko.extensions import DependencyProvider

from portal_common.batches import Batches

from monitoring.usecases import ingest

BATCH_MOST = 20  # messages, each of up to the gateway's 200 reports
# A batch waits this long for company: a report stored 10 ms later, for a fraction of the commits.
BATCH_LINGER_SECONDS = 0.01
# A worker whose batch has not been stored by then gives its report back to the queue (stored
# later, or again: storing is idempotent by the report's id).
BATCH_DEADLINE_SECONDS = 30


def _late():
    return TimeoutError("the report's batch was not stored in time")


def _store(items):
    """Items are (unit of work, now, reports): the first worker's unit of work carries the batch,
    and its events (that worker publishes them). Each item's outcome is its reports' outcomes."""
    uow, now, _ = items[0]
    return ingest.store_reports(uow, now, [reports for _, _, reports in items])


class ReportBatches(DependencyProvider):
    def setup(self):
        self.batches = Batches(_store, BATCH_MOST, BATCH_DEADLINE_SECONDS, _late, BATCH_LINGER_SECONDS)

    def start(self):
        self.container.spawn_managed_thread(self.batches.run)

    def get_dependency(self, worker_ctx):
        return self.batches
