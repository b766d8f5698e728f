"""The audit service: entrypoints and providers, nothing else. It calls no other service: every
service records its activity as events (`portal_common.activity`), and identity's events name the
people who act.

It is a service of its own, not a table of one that exists: it is written to by every change of
every service, grows to millions of rows kept for `AUDIT_RETENTION_DAYS`, and is read rarely, so it
gets its own database, indexes and scaling, and a slow audit store never holds up a sign-in or an
order (they only write an outbox row)."""

import datetime as dt

from nameko.dependency_providers import Config

from portal_common.clock import Clock
from portal_common.errors import PortalError
from portal_common.event_handlers import on_event, on_events
from portal_common.events import (
    ACTIVITY_RECORDED,
    EMPLOYEE_CREATED,
    EMPLOYEE_DEACTIVATED,
    EMPLOYEE_REMOVED,
    EMPLOYEE_UPDATED,
)
from portal_common.health import HealthCheck
from portal_common.observability import Observer
from portal_common.rpc import rpc
from portal_common.schemas import audit as api
from portal_common.schemas import dump, load
from portal_common.timer import every
from portal_common.unit_of_work import UnitOfWorkProvider

from audit.adapters.orm import Base
from audit.adapters.unit_of_work import AuditUnitOfWork
from audit.usecases import entries, people

command = rpc(expected_exceptions=PortalError)
RETENTION_CONFIG_KEY = "AUDIT_RETENTION_DAYS"
RETENTION_DAYS = 400  # entries are kept this long, then deleted
RETENTION_MIN_DAYS = 400  # what the contract promises at least
SWEEP_CONFIG_KEY = "AUDIT_SWEEP_SECONDS"
SWEEP_SECONDS = 3600


class AuditService(HealthCheck):
    name = "audit"
    observer = Observer()

    uow = UnitOfWorkProvider(Base, AuditUnitOfWork)
    clock = Clock()
    config = Config()

    @command
    def list_entries(self, caller, query=None):
        answer = entries.list_entries(self.uow, caller, load(api.AuditQuery, query or {}))
        return {**answer, "items": dump(api.AuditEvent, answer["items"], many=True)}

    @on_events(ACTIVITY_RECORDED["identity"])
    def on_identity_activity(self, events):
        entries.keep(self.uow, events)

    @on_events(ACTIVITY_RECORDED["accounts"])
    def on_accounts_activity(self, events):
        entries.keep(self.uow, events)

    @on_events(ACTIVITY_RECORDED["billing"])
    def on_billing_activity(self, events):
        entries.keep(self.uow, events)

    @on_events(ACTIVITY_RECORDED["monitoring"])
    def on_monitoring_activity(self, events):
        entries.keep(self.uow, events)

    @on_events(ACTIVITY_RECORDED["notifications"])
    def on_notifications_activity(self, events):
        entries.keep(self.uow, events)

    @on_event(EMPLOYEE_CREATED)
    def on_employee_created(self, event):
        people.track(self.uow, event)

    @on_event(EMPLOYEE_UPDATED)
    def on_employee_updated(self, event):
        people.track(self.uow, event)

    @on_event(EMPLOYEE_DEACTIVATED)
    def on_employee_deactivated(self, event):
        people.track(self.uow, event)

    @on_event(EMPLOYEE_REMOVED)
    def on_employee_removed(self, event):
        people.track(self.uow, event)

    @every(SWEEP_CONFIG_KEY, SWEEP_SECONDS)
    def forget_old_entries(self):
        entries.forget_older_than(self.uow, self.clock.now() - dt.timedelta(days=self._retention_days()))

    def _retention_days(self):
        """Never shorter than the contract's promise, whatever the configuration says."""
        return max(int(self.config.get(RETENTION_CONFIG_KEY, RETENTION_DAYS)), RETENTION_MIN_DAYS)
