"""The notifications service: entrypoints and providers, nothing else. It calls no other service:
it keeps each partner's company and accounts from accounts' events, makes alerts of monitoring's
and billing's, and mails the links identity's events carry."""

import functools

from portal_common import metrics
from portal_common.clock import Clock
from portal_common.errors import PortalError
from portal_common.event_handlers import on_event, on_events
from portal_common.events import (
    ACCOUNT_CREATED,
    ACCOUNT_RELEASED,
    COMPANY_CHANGED,
    COMPUTER_BACKUP_FAILED,
    COMPUTER_STATUS_CHANGED,
    EMPLOYEE_INVITED,
    ORDER_PLACED,
    PASSWORD_RESET_REQUESTED,
    SUBSCRIPTION_EXPIRING,
    SUBSCRIPTION_RENEWED,
    TRIAL_ENDING,
)
from portal_common.health import HealthCheck
from portal_common.observability import Observer
from portal_common.rpc import rpc
from portal_common.schemas import dump, load
from portal_common.schemas import notifications as api
from portal_common.schemas.common import PageQuery
from portal_common.timer import every
from portal_common.unit_of_work import UnitOfWorkProvider

from notifications.adapters import webhook_http
from notifications.adapters.orm import Base
from notifications.adapters.unit_of_work import NotificationsUnitOfWork
from notifications.dependencies import Mailer
from notifications.domain import alerts as alert_rules
from notifications.domain import employee_mails
from notifications.usecases import alerts, deliveries, links, mail, partners, settings, webhooks
from notifications.webhook_sender import WebhookSender

command = rpc(expected_exceptions=PortalError)
MAIL_SEND_CONFIG_KEY = "MAIL_SEND_SECONDS"
MAIL_SEND_SECONDS = 5  # how often mail due again (after a failure) is looked for
WEBHOOK_POLL_CONFIG_KEY = "WEBHOOK_POLL_SECONDS"
WEBHOOK_POLL_SECONDS = 1  # how soon a webhook delivery due is sent


class NotificationsService(HealthCheck):
    name = "notifications"
    observer = Observer()

    uow = UnitOfWorkProvider(Base, NotificationsUnitOfWork)
    clock = Clock()
    postbox = Mailer()
    webhook_sender = WebhookSender()

    @command
    def get_settings(self, caller):
        return dump(api.Settings, settings.get_settings(self.uow, caller))

    @command
    def put_settings(self, caller, payload):
        data = load(api.Settings, payload)
        return dump(api.Settings, settings.put_settings(self.uow, self.clock.now(), caller, data))

    # --- webhooks -----------------------------------------------------------------------------------

    @command
    def create_webhook(self, caller, payload):
        data = load(api.WebhookCreateRequest, payload)
        answer = webhooks.create(self.uow, self.clock.now(), caller, data, self.webhook_sender.allow_private)
        return dump(api.WebhookCreated, answer)

    @command
    def list_webhooks(self, caller, query=None):
        answer = webhooks.list_webhooks(self.uow, caller, load(PageQuery, query))
        return {**answer, "items": dump(api.Webhook, answer["items"], many=True)}

    @command
    def get_webhook(self, caller, webhook_id):
        return dump(api.Webhook, webhooks.get(self.uow, caller, webhook_id))

    @command
    def update_webhook(self, caller, webhook_id, payload):
        data = load(api.WebhookUpdateRequest, payload)
        answer = webhooks.change(
            self.uow, self.clock.now(), caller, webhook_id, data, self.webhook_sender.allow_private
        )
        return dump(api.Webhook, answer)

    @command
    def delete_webhook(self, caller, webhook_id):
        webhooks.remove(self.uow, self.clock.now(), caller, webhook_id)

    @command
    def test_webhook(self, caller, webhook_id):
        webhooks.send_test(self.uow, self.clock.now(), caller, webhook_id)
        self.send_webhooks()

    @command
    def webhook_deliveries(self, caller, webhook_id, query=None):
        answer = webhooks.deliveries(self.uow, caller, webhook_id, load(PageQuery, query))
        return {**answer, "items": dump(api.Delivery, answer["items"], many=True)}

    @every(WEBHOOK_POLL_CONFIG_KEY, WEBHOOK_POLL_SECONDS)
    def send_webhooks(self):
        """Hand what is due to the sender's pool, which posts it after this worker is gone."""
        sender, uow, clock, portal_url = self.webhook_sender, self.uow, self.clock, self.postbox.portal_url
        if not sender.free():
            return
        for delivery in deliveries.claim_due(uow, clock.now(), sender.busy, sender.free()):
            # Sent for no request in particular, whatever worker (a request's, an event's) woke the sender.
            sender.spawn(
                delivery[1], functools.partial(self._deliver, delivery, uow.as_system(), clock, sender, portal_url)
            )

    @staticmethod
    def _deliver(delivery, uow, clock, sender, portal_url):
        status, error = deliveries.send(webhook_http.post, clock, delivery, sender.allow_private)
        outcome = deliveries.record(uow, clock.now(), delivery[0], status, error, sender.delays, portal_url)
        if outcome is not None:
            metrics.WEBHOOK_DELIVERIES.labels(outcome).inc()

    # --- other services' events --------------------------------------------------------------------

    @on_event(COMPANY_CHANGED)
    def on_company_changed(self, event):
        partners.track_company(self.uow, event)

    @on_event(ACCOUNT_CREATED)
    def on_account_created(self, event):
        partners.track_account(self.uow, event)
        self._announce((event, "account.created", event["item"]))

    @on_event(ACCOUNT_RELEASED)
    def on_account_released(self, event):
        partners.track_account(self.uow, event)
        self._announce((event, "account.released", event["item"]))

    @on_events(ORDER_PLACED)
    def on_order_placed(self, events):
        self._announce(*[(event, "order.placed", event["order"]) for event in events])

    @on_event(SUBSCRIPTION_RENEWED)
    def on_subscription_renewed(self, event):
        name = alerts.account_name(self.uow, event["account_id"])
        self._announce((event, "subscription.renewed", alert_rules.subscription_data(event, name)))

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

    @on_event(EMPLOYEE_INVITED)
    def on_employee_invited(self, event):
        self._mail_link(event, employee_mails.invitation)

    @on_event(PASSWORD_RESET_REQUESTED)
    def on_password_reset_requested(self, event):
        self._mail_link(event, employee_mails.password_reset)

    @every(MAIL_SEND_CONFIG_KEY, MAIL_SEND_SECONDS)
    def send_mail(self):
        self._send_mail()

    def _announce(self, *announcements):
        """Each (event, webhook type, data), sent at once where the partner has an endpoint for it
        (what is left, the next tick sends)."""
        queued = webhooks.announce(
            self.uow,
            self.clock.now(),
            [(event["partner_id"], kind, "msg_" + event["event_id"], data) for event, kind, data in announcements],
        )
        if queued:
            self.send_webhooks()

    def _mail_link(self, event, compose):
        links.mail_link(self.uow, self.clock.now(), event, compose, self.postbox.portal_url)
        self._send_mail()

    def _alert(self, alert):
        alerts.raise_alert(self.uow, self.clock.now(), alert, self.postbox.portal_url)
        self._send_mail()  # at once, not at the next tick
        self.send_webhooks()

    def _send_mail(self):
        uow, clock, postbox = self.uow.another(), self.clock, self.postbox
        postbox.nudge(lambda: mail.send_pending(uow, postbox, clock))
