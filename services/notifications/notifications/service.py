"""The notifications service: entrypoints and providers, nothing else. It calls no other service:
it keeps each partner's company and accounts from accounts' events, and makes alerts of
monitoring's and billing's."""
from portal_common.clock import Clock
from portal_common.errors import PortalError
from portal_common.event_handlers import on_event
from portal_common.events import (
    ACCOUNT_CREATED,
    ACCOUNT_RELEASED,
    COMPANY_CHANGED,
    COMPUTER_BACKUP_FAILED,
    COMPUTER_STATUS_CHANGED,
    SUBSCRIPTION_EXPIRING,
    TRIAL_ENDING,
)
from portal_common.health import HealthCheck
from portal_common.rpc import rpc
from portal_common.schemas import dump, load
from portal_common.schemas import notifications as api
from portal_common.timer import every
from portal_common.unit_of_work import UnitOfWorkProvider

from notifications.adapters.orm import Base
from notifications.dependencies import Mailer
from notifications.domain import alerts as alert_rules
from notifications.usecases import alerts, mail, partners, settings

command = rpc(expected_exceptions=PortalError)
MAIL_SEND_CONFIG_KEY = "MAIL_SEND_SECONDS"
MAIL_SEND_SECONDS = 5  # how often mail due again (after a failure) is looked for


class NotificationsService(HealthCheck):
    name = "notifications"

    uow = UnitOfWorkProvider(Base)
    clock = Clock()
    postbox = Mailer()

    @command
    def get_settings(self, caller):
        return dump(api.Settings, settings.get_settings(self.uow, caller))

    @command
    def put_settings(self, caller, payload):
        return dump(api.Settings, settings.put_settings(self.uow, caller, load(api.Settings, payload)))

    @on_event(COMPANY_CHANGED)
    def on_company_changed(self, event):
        partners.track_company(self.uow, event)

    @on_event(ACCOUNT_CREATED)
    def on_account_created(self, event):
        partners.track_account(self.uow, event)

    @on_event(ACCOUNT_RELEASED)
    def on_account_released(self, event):
        partners.track_account(self.uow, event)

    @on_event(COMPUTER_STATUS_CHANGED)
    def on_computer_status_changed(self, event):
        self._alert(alert_rules.of_status_change(event))

    @on_event(COMPUTER_BACKUP_FAILED)
    def on_computer_backup_failed(self, event):
        self._alert(alert_rules.of_failed_backup(event))

    @on_event(SUBSCRIPTION_EXPIRING)
    def on_subscription_expiring(self, event):
        self._alert(alerts.subscription_alert(self.uow, event))

    @on_event(TRIAL_ENDING)
    def on_trial_ending(self, event):
        self._alert(alerts.subscription_alert(self.uow, event))

    @every(MAIL_SEND_CONFIG_KEY, MAIL_SEND_SECONDS)
    def send_mail(self):
        mail.send_pending(self.uow, self.postbox, self.clock.now())

    def _alert(self, alert):
        now = self.clock.now()
        alerts.raise_alert(self.uow, now, alert, self.postbox.portal_url)
        mail.send_pending(self.uow, self.postbox, now)  # at once, not at the next tick
