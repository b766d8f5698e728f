"""The monitoring service: entrypoints and providers, nothing else."""
import logging

from nameko.events import EventDispatcher, event_handler
from sqlalchemy.exc import DataError, IntegrityError

from portal_common.clock import Clock
from portal_common.db import UnitOfWorkProvider
from portal_common.errors import PortalError
from portal_common.events import publish
from portal_common.health import HealthCheck
from portal_common.rpc import rpc
from portal_common.schemas import dump, load
from portal_common.schemas import monitoring as api
from portal_common.schemas.common import PageQuery
from portal_common.timer import every

from monitoring.adapters.orm import Base
from monitoring.adapters.report_messages import report_from_message
from monitoring.report_batches import ReportBatches
from monitoring.usecases import ingest, queries, replica, settings, sweep

log = logging.getLogger(__name__)
command = rpc(expected_exceptions=PortalError)
# A report that can never be stored, whatever the retry: dropped with an error in the log, not
# redelivered forever. Anything else (a database away, a lock) puts the report back in the queue.
UNSTORABLE = (PortalError, LookupError, ValueError, OverflowError, DataError, IntegrityError)
SWEEP_INTERVAL_CONFIG_KEY = "STATUS_SWEEP_SECONDS"
SWEEP_INTERVAL_SECONDS = 60


class MonitoringService(HealthCheck):
    name = "monitoring"

    uow = UnitOfWorkProvider(Base)
    clock = Clock()
    dispatch = EventDispatcher()
    report_batches = ReportBatches()

    def _publish(self):
        publish(self.uow, self.dispatch)

    # --- agents -----------------------------------------------------------------------------------

    @command
    def agent_identity(self, agent_key_hash):
        return ingest.agent_identity(self.uow, agent_key_hash)

    @event_handler("gateway", "agent_reports_received", requeue_on_error=True)
    def on_agent_reports(self, message):
        """Reports come in durable messages, several at a time (the gateway's batches): a message
        answered 202 waits in the queue while monitoring restarts, and is acknowledged only once
        its reports are stored (with the others that arrived with it)."""
        reports = message.get("reports") if isinstance(message, dict) else None
        if not isinstance(reports, list):
            log.error("a message of reports without a list of them: dropped")
            return
        self._store_reports(reports)

    @event_handler("gateway", "agent_report_received", requeue_on_error=True)
    def on_agent_report(self, report):
        """One report a message, as gateways before batching sent them (still queued after an upgrade)."""
        self._store_reports([report])

    def _store_reports(self, payloads):
        """Each report stored once, or dropped with an error in the log when it never can be. Any
        other failure (a database away, a lock) puts the whole message back in the queue: the
        reports of it already stored are kept once, by their ids."""
        reports = [report for report in map(_valid_report, payloads) if report is not None]
        if not reports:
            return
        try:
            outcomes = self.report_batches.submit((self.uow, self.clock.now(), reports))
        finally:
            self._publish()  # the batch's events, when this worker's unit of work carried it
        for report, outcome in zip(reports, outcomes):
            if isinstance(outcome, UNSTORABLE):
                log.error("report %s can never be stored: dropped", report["id"], exc_info=outcome)
            elif isinstance(outcome, Exception):
                raise outcome

    # --- the partner's views ----------------------------------------------------------------------

    @command
    def overview(self, caller):
        return dump(api.Overview, queries.overview(self.uow, self.clock.now(), caller))

    @command
    def list_computers(self, caller, query=None):
        answer = queries.list_computers(self.uow, self.clock.now(), caller, load(api.ComputerQuery, query))
        return {**answer, "items": dump(api.ComputerState, answer["items"], many=True)}

    @command
    def account_backup_status(self, caller, account_id):
        return dump(api.BackupStatus, queries.account_backup_status(self.uow, self.clock.now(), caller, account_id))

    @command
    def reports(self, caller, computer_id, query=None):
        answer = queries.reports(self.uow, caller, computer_id, load(PageQuery, query))
        return {**answer, "items": dump(api.Report, answer["items"], many=True)}

    @command
    def get_settings(self, caller):
        return dump(api.Settings, settings.get_settings(self.uow, caller))

    @command
    def update_settings(self, caller, payload):
        answer = settings.update_settings(self.uow, self.clock.now(), caller, load(api.Settings, payload))
        self._publish()
        return dump(api.Settings, answer)

    # --- accounts' events, and time ---------------------------------------------------------------

    @command
    def track_account(self, event):
        replica.track_account(self.uow, self.clock.now(), event)
        self._publish()

    @command
    def track_computer(self, event):
        replica.track_computer(self.uow, self.clock.now(), event)
        self._publish()

    @event_handler("accounts", "account_created")
    def on_account_created(self, event):
        self.track_account(event)

    @event_handler("accounts", "account_released")
    def on_account_released(self, event):
        self.track_account(event)

    @event_handler("accounts", "computer_added")
    def on_computer_added(self, event):
        self.track_computer(event)

    @event_handler("accounts", "computer_removed")
    def on_computer_removed(self, event):
        self.track_computer(event)

    @every(SWEEP_INTERVAL_CONFIG_KEY, SWEEP_INTERVAL_SECONDS)
    def sweep_states(self):
        if sweep.sweep(self.uow, self.clock.now()):
            self._publish()


def _valid_report(payload):
    try:
        return report_from_message(payload)
    except UNSTORABLE:
        report_id = payload.get("id") if isinstance(payload, dict) else None
        log.error("report %s can never be stored: dropped", report_id, exc_info=True)
        return None
