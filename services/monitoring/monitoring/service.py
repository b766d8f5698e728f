"""The monitoring service: entrypoints and providers, nothing else. It calls no other service: it
keeps what it needs of accounts from accounts' events."""

import logging

from portal_common import logs, metrics
from portal_common.clock import Clock
from portal_common.errors import PortalError
from portal_common.event_handlers import on_event
from portal_common.events import (
    ACCOUNT_CREATED,
    ACCOUNT_RELEASED,
    AGENT_REPORTS_RECEIVED,
    COMPUTER_ADDED,
    COMPUTER_REMOVED,
)
from portal_common.health import HealthCheck
from portal_common.observability import Observer
from portal_common.rpc import rpc
from portal_common.schemas import dump, load
from portal_common.schemas import monitoring as api
from portal_common.schemas.common import PageQuery
from portal_common.timer import every
from portal_common.unit_of_work import UnitOfWorkProvider

from monitoring.adapters.orm import Base
from monitoring.adapters.report_messages import reports_of
from monitoring.adapters.unit_of_work import MonitoringUnitOfWork
from monitoring.report_batches import ReportBatches
from monitoring.usecases import queries, replica, settings, sweep
from monitoring.usecases.ingest import requests_of

log = logging.getLogger(__name__)
command = rpc(expected_exceptions=PortalError)
SWEEP_INTERVAL_CONFIG_KEY = "STATUS_SWEEP_SECONDS"
SWEEP_INTERVAL_SECONDS = 60


class MonitoringService(HealthCheck):
    name = "monitoring"
    observer = Observer()

    uow = UnitOfWorkProvider(Base, MonitoringUnitOfWork)
    clock = Clock()
    report_batches = ReportBatches()

    # --- agents -----------------------------------------------------------------------------------

    @on_event(AGENT_REPORTS_RECEIVED)
    def on_agent_reports_received(self, message):
        """Reports come in durable messages, several at a time (the gateway's batches), and are stored
        together with the others that arrived. A report that is not stored now (its computer not
        here yet, the database away) fails the message, which comes back later: the reports of it
        already stored are kept once, by their ids."""
        reports = reports_of(message)
        logs.set_context(request_ids=requests_of(reports))
        outcomes = self.report_batches.submit((self.uow, self.clock.now(), reports))
        metrics.REPORTS_INGESTED.inc(sum(1 for outcome in outcomes if outcome is True))
        failures = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
        if failures:
            raise failures[0]

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
        return dump(api.Settings, answer)

    # --- accounts' events, and time ---------------------------------------------------------------

    @on_event(ACCOUNT_CREATED)
    def on_account_created(self, event):
        replica.track_account(self.uow, self.clock.now(), event)

    @on_event(ACCOUNT_RELEASED)
    def on_account_released(self, event):
        replica.track_account(self.uow, self.clock.now(), event)

    @on_event(COMPUTER_ADDED)
    def on_computer_added(self, event):
        replica.track_computer(self.uow, self.clock.now(), event)

    @on_event(COMPUTER_REMOVED)
    def on_computer_removed(self, event):
        replica.track_computer(self.uow, self.clock.now(), event)

    @every(SWEEP_INTERVAL_CONFIG_KEY, SWEEP_INTERVAL_SECONDS)
    def sweep_states(self):
        sweep.sweep(self.uow, self.clock.now())
