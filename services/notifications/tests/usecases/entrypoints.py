"""Notifications' use cases as the service's entrypoints call them, for the use-case tests: other
services' events, a partner's requests, and the mail the sender takes from the `mails` table."""

import datetime as dt

from portal_common.clock import FakeClock
from portal_common.events import ACCOUNT_CREATED, COMPANY_CHANGED, COMPUTER_STATUS_CHANGED
from portal_common.pagination import DEFAULT_LIMIT
from portal_common.schemas import load
from portal_common.schemas import notifications as api
from tests.bus import event

from notifications.dependencies import Postbox
from notifications.domain import alerts as alert_rules
from notifications.usecases import alerts, mail, partners, settings, webhooks

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
PORTAL_URL = "https://portal.example"
PARTNER = {"partner_id": "p1", "employee_id": "e1", "role": "owner"}
OTHER_PARTNER = {"partner_id": "p2", "employee_id": "e2", "role": "owner"}
CONTACT = "ann@acme.test"
# Posted to nowhere: the use cases only check that a URL may receive webhooks (private ones allowed).
HOOK_URL = "http://127.0.0.1:9/hook?token=s3cret"


def company(uow, version=1, name="Acme IT", contact=CONTACT, partner_id="p1"):
    payload = {"name": name, "primary_contact_email": contact, "primary_contact_name": "Ann"}
    partners.track_company(uow, event(COMPANY_CHANGED, partner_id, version, **payload))


def account(uow, version=1, name="Contoso", account_id="a1"):
    payload = {"partner_id": "p1", "name": name, "administered": True, "released": False, "item": {}}
    partners.track_account(uow, event(ACCOUNT_CREATED, account_id, version, **payload))


def choose(uow, recipients, events, enabled=True, caller=PARTNER):
    data = load(api.Settings, {"email": {"enabled": enabled, "recipients": recipients}, "events": events})
    return settings.put_settings(uow, NOW, caller, data)


def add_webhook(uow, events=("order.placed",), caller=PARTNER, url=HOOK_URL):
    data = load(api.WebhookCreateRequest, {"url": url, "events": list(events)})
    return webhooks.create(uow, NOW, caller, data, True)


def change_webhook(uow, webhook_id, body, caller=PARTNER):
    return webhooks.change(uow, NOW, caller, webhook_id, load(api.WebhookUpdateRequest, body), True)


def announce(uow, event_id, event_type="order.placed", partner_id="p1"):
    return webhooks.announce(uow, NOW, [(partner_id, event_type, event_id, {"event": event_id})])


def deliveries_of(uow, webhook_id, caller=PARTNER, limit=DEFAULT_LIMIT, cursor=None):
    return webhooks.deliveries(uow, caller, webhook_id, {"limit": limit, "cursor": cursor})


def computer_alert(version, status, previous):
    """The alert of monitoring's computer_status_changed about computer c1 at `version`."""
    payload = {
        "account_id": "a1",
        "partner_id": "p1",
        "name": "FILESRV",
        "kind": "server",
        "account_name": "Contoso",
        "administered": True,
        "status": status,
        "previous_status": previous,
        "last_success_at": "2026-11-28T10:00:00Z",
        "last_status": "success",
    }
    return alert_rules.of_status_change(event(COMPUTER_STATUS_CHANGED, "c1", version, **payload))


def raise_alert(uow, alert):
    alerts.raise_alert(uow, NOW, alert, PORTAL_URL)


class Inbox:
    """A mail transport that keeps what it is given."""

    def __init__(self):
        self.received = []

    def send(self, fields, message):
        self.received.append(fields)


def mailed(uow):
    """What the sender sends of what waits now: [(recipients, subject)]."""
    inbox = Inbox()
    mail.send_pending(uow, Postbox(inbox, "portal@localhost", PORTAL_URL, spawn=None), FakeClock(NOW))
    return [(fields["recipients"], fields["subject"]) for fields in inbox.received]
